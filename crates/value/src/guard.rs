//! Calls into a codec under test with panics contained: a codec that panics
//! produces a finding, never a crash of the harness.

use crate::codec::{Codec, CodecError};
use crate::value::Value;
use std::cell::RefCell;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// A panic the codec raised, contained: its message and where it was raised
/// (`file:line:column`), kept apart so that a finding's signature can use
/// the place without the column and the message without its numbers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Panic {
    /// The panic's message.
    pub message: String,
    /// `file:line:column` where it was raised, when the hook saw it.
    pub location: Option<String>,
}

impl fmt::Display for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        match &self.location {
            Some(at) => write!(f, " at {at}"),
            None => Ok(()),
        }
    }
}

/// How one call into a codec ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome<T> {
    /// It answered.
    Ok(T),
    /// It refused, with an error.
    Rejected(CodecError),
    /// It panicked (contained).
    Panicked(Panic),
    /// The implementation failed without a panic to catch: an external
    /// process crashed, hung or ran out of memory (`ErrorKind::is_failure`).
    Failed(CodecError),
}

impl<T> Outcome<T> {
    /// True when the implementation broke down (a panic, or a process that
    /// crashed, hung or ran out of memory) rather than answered.
    pub fn is_breakdown(&self) -> bool {
        matches!(self, Outcome::Panicked(_) | Outcome::Failed(_))
    }

    /// The value, if the call returned one.
    pub fn ok(&self) -> Option<&T> {
        match self {
            Outcome::Ok(t) => Some(t),
            _ => None,
        }
    }

    /// The outcome with its value mapped, every other outcome as it is.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        match self {
            Outcome::Ok(t) => Outcome::Ok(f(t)),
            Outcome::Rejected(e) => Outcome::Rejected(e),
            Outcome::Panicked(p) => Outcome::Panicked(p),
            Outcome::Failed(e) => Outcome::Failed(e),
        }
    }
}

thread_local! {
    static GUARDED: RefCell<bool> = const { RefCell::new(false) };
    static LAST_PANIC: RefCell<Option<Panic>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Installs (once) a panic hook that, inside a guarded call, records the
/// message and location instead of printing them; outside, it defers to the
/// previous hook.
fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.with(|g| *g.borrow()) {
                let msg = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "non-string panic payload".to_string());
                let location = info
                    .location()
                    .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
                LAST_PANIC.with(|p| {
                    *p.borrow_mut() = Some(Panic {
                        message: msg,
                        location,
                    })
                });
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into `Outcome::Panicked`.
pub fn contain<T>(f: impl FnOnce() -> Result<T, CodecError>) -> Outcome<T> {
    install_hook();
    let was = GUARDED.with(|g| g.replace(true));
    let r = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| *g.borrow_mut() = was);
    match r {
        Ok(Ok(t)) => Outcome::Ok(t),
        Ok(Err(e)) if e.kind.is_failure() => Outcome::Failed(e),
        Ok(Err(e)) => Outcome::Rejected(e),
        Err(_) => Outcome::Panicked(LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or(Panic {
            message: "panic".to_string(),
            location: None,
        })),
    }
}

/// `c.encode(v)`, contained.
pub fn encode(c: &dyn Codec, v: &Value) -> Outcome<Vec<u8>> {
    contain(|| c.encode(v))
}

/// `c.decode(b)`, contained.
pub fn decode(c: &dyn Codec, b: &[u8]) -> Outcome<Value> {
    contain(|| c.decode(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_outcome_with_its_location() {
        let o: Outcome<()> = contain(|| panic!("boom {}", 7));
        match o {
            Outcome::Panicked(p) => {
                assert_eq!(p.message, "boom 7");
                assert!(p.location.unwrap().contains("guard.rs"));
            }
            other => panic!("expected a contained panic, got {other:?}"),
        }
        assert_eq!(contain(|| Ok::<_, CodecError>(1)), Outcome::Ok(1));
    }
}

//! Calls into a codec under test with panics contained: a codec that panics
//! produces a finding, never a crash of the harness.

use crate::codec::{Codec, CodecError};
use crate::value::Value;
use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// How one call into a codec ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome<T> {
    Ok(T),
    Rejected(CodecError),
    /// The panic message and location.
    Panicked(String),
    /// The implementation failed without a panic to catch: an external
    /// process crashed, hung or ran out of memory (`ErrorKind::is_failure`).
    Failed(CodecError),
}

impl<T> Outcome<T> {
    /// The panic message, or the description of a process-level failure:
    /// what a finding records as the implementation breaking down.
    pub fn failure(&self) -> Option<String> {
        match self {
            Outcome::Panicked(p) => Some(p.clone()),
            Outcome::Failed(e) => Some(e.to_string()),
            _ => None,
        }
    }
}

thread_local! {
    static GUARDED: RefCell<bool> = const { RefCell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
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
                let at = info
                    .location()
                    .map(|l| format!(" at {}:{}:{}", l.file(), l.line(), l.column()))
                    .unwrap_or_default();
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{at}")));
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
        Err(_) => Outcome::Panicked(
            LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_else(|| "panic".to_string()),
        ),
    }
}

pub fn encode(c: &dyn Codec, v: &Value) -> Outcome<Vec<u8>> {
    contain(|| c.encode(v))
}

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
            Outcome::Panicked(m) => {
                assert!(m.starts_with("boom 7 at "), "{m}");
                assert!(m.contains("guard.rs"), "{m}");
            }
            other => panic!("expected a contained panic, got {other:?}"),
        }
        assert_eq!(contain(|| Ok::<_, CodecError>(1)), Outcome::Ok(1));
    }
}

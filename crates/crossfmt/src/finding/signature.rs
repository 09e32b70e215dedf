//! A finding's signature: the key that deduplicates fuzz crashes, groups
//! findings into causes and matches the known-findings list.
//!
//! `check|codecs|kind|class`, computed from the finding's data, never from
//! its text: `codecs` are the ids joined by `+`, `kind` is [`Kind::name`],
//! and `class` is the value-free shape of what happened:
//!
//! - a panic: its message with every number as `N`, then `|` and where it
//!   was raised without the column, relative to the workspace or to the
//!   registry crate (`ciborium-0.2.2/src/de.rs:12`);
//! - a crash, timeout or out-of-memory of an external implementation: its
//!   message, numbers as `N`;
//! - two values that differ: the kinds at the first difference
//!   (`f64->f64`, `bytes->text`, `set items->set items`);
//! - an engine invariant ([`Kind::Inconsistent`]): the invariant's name;
//! - records misread from a stream ([`Kind::is_stream`]): how they went
//!   wrong (`record-value`, `fewer-records`, `error-offset`, ...), then `|`
//!   and the kinds at the first difference when a record's value changed;
//! - otherwise the outcomes: for one codec, `err:<ErrorKind>:<message>` when
//!   it refused (nothing for a value); for several,
//!   `<codec>=ok|err:<ErrorKind>:<message>|panic|failed:<ErrorKind>` joined
//!   by `,`. Error messages are the codec's own words, cut before any
//!   offset and with numbers as `N`.
//!
//! Two inputs that trip the same bug the same way share a signature; a
//! different disagreement between the same codecs does not. The accepted
//! value's kind is left out on purpose: one bug in a str nested anywhere is
//! one signature.

use super::{Finding, Kind, Seen};
use crate::CodecError;

impl Finding {
    /// The value-free shape of what happened (see the module documentation).
    pub fn class(&self) -> String {
        match self.kind {
            Kind::Panic => match self.panic() {
                Some(p) => format!(
                    "{}|{}",
                    normalise_message(&p.message),
                    p.location
                        .as_deref()
                        .map(portable_location)
                        .unwrap_or_default()
                ),
                None => String::new(),
            },
            Kind::Crash | Kind::Timeout | Kind::OutOfMemory => self
                .outcomes
                .iter()
                .find_map(|r| match &r.seen {
                    Seen::Failed(e) => Some(normalise_message(&e.message)),
                    _ => None,
                })
                .unwrap_or_default(),
            Kind::Inconsistent => self.invariant.unwrap_or_default().to_string(),
            k if k.is_stream() => {
                let how = self.invariant.unwrap_or_default();
                match &self.difference {
                    Some(d) => format!("{how}|{}", d.class()),
                    None => how.to_string(),
                }
            }
            _ => match (&self.difference, self.outcomes.as_slice()) {
                (Some(d), _) => d.class(),
                (None, [one]) => match &one.seen {
                    Seen::Rejected(e) => error_class(e),
                    _ => String::new(),
                },
                (None, rows) => rows
                    .iter()
                    .map(|r| format!("{}={}", r.codec, seen_class(&r.seen)))
                    .collect::<Vec<_>>()
                    .join(","),
            },
        }
    }

    /// `check|codecs|kind|class`: see the module documentation.
    pub fn signature(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.check,
            self.codecs.join("+"),
            self.kind.name(),
            self.class()
        )
    }
}

fn seen_class(s: &Seen) -> String {
    match s {
        Seen::Value(_) | Seen::Bytes(_) => "ok".into(),
        Seen::Rejected(e) => error_class(e),
        Seen::Panicked(_) => "panic".into(),
        Seen::Failed(e) => format!("failed:{:?}", e.kind),
        Seen::Records(_) => "records".into(),
    }
}

/// `err:<ErrorKind>:<message>`, the message normalised.
pub fn error_class(e: &CodecError) -> String {
    format!("err:{:?}:{}", e.kind, normalise_message(&e.message))
}

/// A codec's message without what varies between inputs that trip one bug:
/// cut before an offset (` at offset`, ` at byte`, ` after `, ` (after`), and
/// every number, decimal or `0x` hex, as `N`.
pub fn normalise_message(msg: &str) -> String {
    let cut = [" at offset", " (after", " after ", " at byte"]
        .iter()
        .filter_map(|c| msg.find(c))
        .min()
        .map_or(msg, |i| &msg[..i]);
    numbers_to_n(cut.trim())
}

/// Every number, decimal or `0x` hex, becomes `N`: `index 5 out of range
/// for 0x1f` and `index 7 out of range for 0x2` are one message.
pub fn numbers_to_n(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_digits = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '0' && !in_digits && chars.peek() == Some(&'x') {
            let mut ahead = chars.clone();
            ahead.next();
            if ahead.peek().is_some_and(char::is_ascii_hexdigit) {
                chars = ahead;
                while chars.peek().is_some_and(char::is_ascii_hexdigit) {
                    chars.next();
                }
                out.push('N');
                in_digits = true;
                continue;
            }
        }
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('N');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

/// A panic location (`file:line:column`) without the column and without
/// the machine-specific part of the path: from `crates/` for crossfmt's own
/// crates (wherever the checkout or a fuzz build put them), from the crate
/// directory for a registry crate (`ciborium-0.2.2/src/de.rs:12`), from
/// `library/` for the standard library.
pub fn portable_location(at: &str) -> String {
    let at = match at.rsplit_once(':') {
        Some((file_line, col))
            if col.chars().all(|c| c.is_ascii_digit()) && file_line.contains(':') =>
        {
            file_line
        }
        _ => at,
    };
    if let Some(i) = at.find("/registry/src/") {
        let rest = &at[i + "/registry/src/".len()..];
        return rest
            .split_once('/')
            .map_or(rest, |(_, crate_path)| crate_path)
            .to_string();
    }
    if at.starts_with("crates/") {
        return at.to_string();
    }
    // The standard library, wherever the toolchain put it
    // (`/rustc/<commit>/library/core/src/...`).
    if let Some(i) = at.find("/library/") {
        if at.starts_with("/rustc/") || at.contains("/rustlib/") {
            return at[i + 1..].to_string();
        }
    }
    match at.find("/crates/") {
        Some(i) => at[i + 1..].to_string(),
        None => at.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_offsets_are_normalised() {
        assert_eq!(
            normalise_message("index 5 out of range for 0x1f at offset 9"),
            "index N out of range for N"
        );
        assert_eq!(numbers_to_n("UTF-8 in 12 0xg"), "UTF-N in N Nxg");
    }

    #[test]
    fn locations_lose_the_column_and_the_machine() {
        assert_eq!(
            portable_location("crates/codecs/src/planted.rs:274:9"),
            "crates/codecs/src/planted.rs:274"
        );
        assert_eq!(
            portable_location("/work/x/crates/codecs/src/planted.rs:274:9"),
            "crates/codecs/src/planted.rs:274"
        );
        assert_eq!(
            portable_location(
                "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/ciborium-0.2.2/src/de.rs:12:5"
            ),
            "ciborium-0.2.2/src/de.rs:12"
        );
        assert_eq!(
            portable_location(
                "/rustc/5980761/library/core/src/slice/sort/shared/smallsort.rs:860:5"
            ),
            "library/core/src/slice/sort/shared/smallsort.rs:860"
        );
    }
}

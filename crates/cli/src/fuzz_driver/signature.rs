//! Crash signatures: the key that deduplicates crashes.
//!
//! In order of preference: the `CROSSFMT-FINDING {json}` line a target prints
//! before aborting; a Rust panic's location and message; the sanitizer or
//! libFuzzer error kind with the first stack frame that belongs to crossfmt or
//! a codec crate (never the shared abort, panic or libFuzzer frames).

use crossfmt::finding::signature::numbers_to_n;

/// Crates whose frames identify a bug (crossfmt, its codecs, fuzz targets).
pub const OWN_CRATES: [&str; 9] = [
    "rmp",
    "rmpv",
    "rmp_serde",
    "ciborium",
    "ciborium_ll",
    "ciborium_io",
    "serde_json",
    "serde_pickle",
    "prost",
];

/// The parsed `CROSSFMT-FINDING` line.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct FindingLine {
    pub target: String,
    pub check: String,
    pub codecs: Vec<String>,
    pub signature: String,
    pub kind: String,
    pub headline: String,
    pub input_hex: String,
    pub repro: String,
}

/// How a crash was signed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Signature {
    /// The deduplication key, `<target>: <kind>: <where>`.
    pub key: String,
    /// `finding`, `panic`, `stack-overflow`, `timeout`, `out-of-memory`, …
    pub kind: String,
    /// One line for people.
    pub title: String,
    pub finding: Option<FindingLine>,
}

/// Signs the log of a run that crashed.
pub fn sign(target: &str, log: &str) -> Signature {
    let clean = strip_ansi(log);
    let log = clean.as_str();
    if let Some(f) = finding_line(log) {
        let what = if f.signature.is_empty() {
            format!("{} {}", f.check, f.codecs.join("+"))
        } else {
            f.signature.clone()
        };
        return Signature {
            key: format!("{target}: finding: {what}"),
            kind: "finding".into(),
            title: format!("{what}: {}", f.headline),
            finding: Some(f),
        };
    }
    if let Some((location, message)) = panic(log) {
        let norm = numbers_to_n(&message);
        return Signature {
            key: format!("{target}: panic: {location}: {norm}"),
            kind: "panic".into(),
            title: format!("panicked at {location}: {message}"),
            finding: None,
        };
    }
    let kind = error_kind(log).unwrap_or_else(|| "crash".to_string());
    match first_own_frame(log, target) {
        Some(frame) => Signature {
            key: format!("{target}: {kind}: {frame}"),
            kind: kind.clone(),
            title: format!("{kind} in {frame}"),
            finding: None,
        },
        None => Signature {
            key: format!("{target}: {kind}"),
            kind: kind.clone(),
            title: kind,
            finding: None,
        },
    }
}

/// The first `CROSSFMT-FINDING {json}` line, if well-formed.
pub fn finding_line(log: &str) -> Option<FindingLine> {
    log.lines().find_map(|l| {
        let i = l.find("CROSSFMT-FINDING ")?;
        serde_json::from_str(l[i + "CROSSFMT-FINDING ".len()..].trim()).ok()
    })
}

/// A Rust panic's `(location, first line of message)`. Understands the
/// current form (`panicked at src/x.rs:1:2:\nmsg`) and the pre-1.73 one
/// (`panicked at 'msg', src/x.rs:1:2`).
pub fn panic(log: &str) -> Option<(String, String)> {
    let lines: Vec<&str> = log.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        let Some(p) = l.find("panicked at ") else {
            continue;
        };
        let rest = l[p + "panicked at ".len()..].trim_end();
        if let Some(old) = rest.strip_prefix('\'') {
            if let Some((msg, loc)) = old.rsplit_once("', ") {
                return Some((loc.to_string(), msg.to_string()));
            }
        }
        let loc = rest.strip_suffix(':').unwrap_or(rest).to_string();
        let msg = lines.get(i + 1).map_or("", |m| m.trim()).to_string();
        return Some((loc, msg));
    }
    None
}

/// The sanitizer's or libFuzzer's error class: `stack-overflow`,
/// `heap-buffer-overflow`, `out-of-memory`, `timeout`, `deadly signal`, …
pub fn error_kind(log: &str) -> Option<String> {
    for l in log.lines() {
        if let Some(i) = l.find("ERROR: AddressSanitizer: ") {
            let rest = &l[i + "ERROR: AddressSanitizer: ".len()..];
            return rest.split_whitespace().next().map(str::to_string);
        }
        if let Some(i) = l.find("ERROR: libFuzzer: ") {
            let rest = &l[i + "ERROR: libFuzzer: ".len()..];
            let kind = rest.split(" (").next().unwrap_or(rest);
            let kind = kind.split(" after ").next().unwrap_or(kind).trim();
            return Some(kind.replace(' ', "-"));
        }
        if let Some(i) = l.find("ERROR: LeakSanitizer: ") {
            let rest = &l[i + "ERROR: LeakSanitizer: ".len()..];
            return Some(format!(
                "leak-{}",
                rest.split_whitespace().next().unwrap_or("")
            ));
        }
    }
    None
}

/// The function of the first stack frame (`#N 0x… in FUNC file:line`) that
/// belongs to one of [`OWN_CRATES`] (or any `crossfmt*` crate, or the target's
/// own crate), with the symbol hash removed.
pub fn first_own_frame(log: &str, target: &str) -> Option<String> {
    log.lines().find_map(|l| {
        let l = l.trim_start();
        if !l.starts_with('#') {
            return None;
        }
        let (_, after) = l.split_once(" in ")?;
        let func = strip_hash(after.split(' ').next()?);
        own(&func, target).then_some(func)
    })
}

fn own(func: &str, target: &str) -> bool {
    let f = func.trim_start_matches(['<', '&', '*']);
    let f = f.strip_prefix("mut ").unwrap_or(f);
    let krate = f.split("::").next().unwrap_or("");
    OWN_CRATES.contains(&krate) || krate.starts_with("crossfmt") || krate == target
}

fn strip_hash(func: &str) -> String {
    match func.rsplit_once("::h") {
        Some((head, h)) if h.len() == 16 && h.chars().all(|c| c.is_ascii_hexdigit()) => {
            head.to_string()
        }
        _ => func.to_string(),
    }
}

/// Removes terminal colour sequences (`ESC [ … m`), which panics carry when
/// the fuzzer runs under a terminal-minded environment.
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_stripped() {
        assert_eq!(
            strip_hash("crossfmt::value::drop::h0123456789abcdef"),
            "crossfmt::value::drop"
        );
        assert!(own("<rmpv::decode::Foo as core::Bar>::baz", "t"));
        assert!(own("decode_cbor_ciborium::_::run", "decode_cbor_ciborium"));
        assert!(!own("std::panicking::begin_panic", "t"));
        assert!(!own("libfuzzer_sys::initialize", "t"));
    }
}

//! The scanner's own oracle, for the `pickle_scan` fuzz target: on any
//! bytes, a scan returns (no panic) and its work stays within a bound fixed
//! by the input and the [`Limits`], never by lengths the input declares.

use super::{CheckResult, Finding, Input, Kind, Verdict, PICKLE_SCAN};
use crate::finding::{Row, Seen};
use crate::guard::{contain, Outcome};
use crate::Format;
use crossfmt_pickle::scan::{scan_bytes, Limits, Policy, OPS_PER_BYTE};

/// What the check's findings name in place of a codec.
pub const ENGINE: &str = "pickle/scan";

/// Ops a scan of `len` input bytes may process: each reading of a stream
/// spends at most [`OPS_PER_BYTE`] a byte (the pickles in a row, then the
/// bounded search for the next pickle), and a byte is read at most once
/// per nesting level and once per view of the file (raw stream, zip member,
/// local-header fallback), decoded payloads counting as input.
pub fn op_bound(len: usize, decoded: usize, limits: &Limits) -> u64 {
    ((len + decoded) as u64 + 1) * OPS_PER_BYTE * (limits.max_nesting as u64 + 1) * 3
}

/// Scans `data` with the default policy and limits: a finding on a panic,
/// a bound exceeded, or more findings kept than the limit allows.
pub fn bounded(data: &[u8]) -> CheckResult {
    // A decoding budget of 64 KiB (64 times the input at least) rather than
    // 64 MiB: a 600-byte bzip2 stream inflates to the whole default budget,
    // and the search after a break over 64 MiB of line opcodes takes longer
    // than a fuzz input may (each probe's line is searched again: the work
    // grows with the square of the decoded size, an open problem).
    let limits = Limits {
        max_decoded: 64 << 10,
        ..Limits::default()
    };
    let input = Input::bytes(Format::Pickle, data);
    let finding = |kind, invariant: &'static str, detail: String| {
        Box::new(
            Finding::engine(PICKLE_SCAN, kind, ENGINE, input.clone())
                .invariant(invariant)
                .context(detail),
        )
    };
    let r = match contain(|| Ok(scan_bytes("fuzz", data, &Policy::default_policy(), limits))) {
        Outcome::Ok(r) => r,
        broke => {
            let mut f = finding(Kind::Panic, "returns", "while scanning".into());
            f.kind = Kind::of_breakdown(&broke).unwrap_or(Kind::Panic);
            f.outcomes.push(Row {
                codec: ENGINE.into(),
                seen: Seen::of_value(&broke.map(|_| crate::Value::Null)),
            });
            return Err(f);
        }
    };
    let bound = op_bound(data.len(), r.decoded, &limits);
    if r.ops > bound {
        return Err(finding(
            Kind::Inconsistent,
            "work bounded by the input",
            format!("scan processed {} ops, bound {bound}", r.ops),
        ));
    }
    if r.findings.len() > limits.max_findings || r.globals.len() > limits.max_findings {
        return Err(finding(
            Kind::Inconsistent,
            "findings bounded",
            format!(
                "scan kept {} findings, limit {}",
                r.findings.len(),
                limits.max_findings
            ),
        ));
    }
    Ok(Verdict::Pass)
}

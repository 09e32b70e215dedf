//! The scanner's own oracle, for the `pickle_scan` fuzz target: on any
//! bytes, a scan returns (no panic) and its work stays within a bound fixed
//! by the input and the [`Limits`], never by lengths the input declares.

use crate::check::{Finding, Input};
use crate::guard::{contain, Outcome};
use crate::Format;
use crossfmt_pickle::scan::{scan_bytes, Limits, Policy};

/// The check's name in findings.
pub const CHECK: &str = "pickle_scan";

/// Ops a scan of `len` input bytes may process: every op consumes a byte of
/// some pickle, and a byte is read at most once per nesting level and once
/// per view of the file (raw stream, zip member, local-header fallback),
/// decoded payloads counting as input.
pub fn op_bound(len: usize, decoded: usize, limits: &Limits) -> u64 {
    ((len + decoded) as u64 + 1) * (limits.max_nesting as u64 + 1) * 3
}

/// Scans `data` with the default policy and limits: `Err` on a panic, a
/// bound exceeded, or more findings kept than the limit allows.
pub fn bounded(data: &[u8]) -> Result<(), Box<Finding>> {
    let limits = Limits::default();
    let finding = |detail: String| {
        let mut f = Finding::new(
            CHECK,
            &[],
            Input::Bytes {
                format: Format::Pickle,
                bytes: data.to_vec(),
            },
        )
        .detail(detail);
        f.codecs = vec!["pickle/scan".into()];
        Box::new(f)
    };
    let r = match contain(|| Ok(scan_bytes("fuzz", data, &Policy::default_policy(), limits))) {
        Outcome::Ok(r) => r,
        Outcome::Panicked(p) => {
            let mut f = finding(format!("scanner panicked: {p}"));
            f.panic = Some(p);
            return Err(f);
        }
        other => return Err(finding(format!("scanner failed: {:?}", other.failure()))),
    };
    let bound = op_bound(data.len(), r.decoded, &limits);
    if r.ops > bound {
        return Err(finding(format!(
            "scan processed {} ops, bound {bound}",
            r.ops
        )));
    }
    if r.findings.len() > limits.max_findings || r.globals.len() > limits.max_findings {
        return Err(finding(format!(
            "scan kept {} findings, limit {}",
            r.findings.len(),
            limits.max_findings
        )));
    }
    Ok(())
}

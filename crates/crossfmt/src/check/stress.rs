//! Stress probes through one codec ([`crate::probe`]): deep, wide and long
//! values at and past the codec's declared limits.
//!
//! What a codec owes depends on where the value lies:
//!
//! - **within its caps** (nesting at `max_depth`, 65,537 items, 4 MiB of
//!   text): the round trip `roundtrip` asks for — it encodes, decodes its
//!   own bytes, and gives back the value's normal form;
//! - **past them** (one level deeper, 10,000 deep): any answer. A refusal
//!   is fine; a value it does read back must be the one written; a panic,
//!   a crash, a hang or running out of memory is a finding.
//!
//! The probe runs on a thread of its own with a 64 MiB stack, so that
//! crossfmt's own walks over a 10,000-deep value (building it, its normal
//! form, comparison, the testee protocol's JSON, drop) and a codec that
//! recurses a few kilobytes per level do not meet the end of a test
//! thread's 2 MiB. A codec that needs more than that past its declared
//! depth has no bound worth the name; its stack overflow cannot be caught
//! in-process and ends the run, with the thread's name (`crossfmt-stress
//! deep-array/10000`) saying which probe did it (a testee's shows as the
//! crash finding it is). A finding names the probe, never carries the value: it is
//! built again from the codec's caps by the repro command.

use super::roundtrip::{trip, Trip};
use super::{CheckResult, Finding, Input, Kind, Outcome, Verdict, STRESS};
use crate::diff::{self, Difference};
use crate::finding::{Seen, Wanted};
use crate::probe::Probe;
use crate::Codec;

/// The stack a probe runs on: address space, not memory, until touched.
const STACK: usize = 64 << 20;

/// Runs `probe` through `codec` and judges it (module docs).
pub fn probe(codec: &dyn Codec, probe: Probe) -> CheckResult {
    let run = std::thread::scope(|s| {
        std::thread::Builder::new()
            .name(format!("crossfmt-stress {probe}"))
            .stack_size(STACK)
            .spawn_scoped(s, || judge(codec, probe))
            .map(|t| t.join())
    });
    match run {
        Ok(Ok(result)) => result,
        // A panic outside the codec's calls is crossfmt's own: let it show.
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(e) => Ok(Verdict::Skip(format!(
            "could not start a thread with a {} MiB stack for the probe: {e}",
            STACK >> 20
        ))),
    }
}

fn judge(codec: &dyn Codec, probe: Probe) -> CheckResult {
    let caps = codec.caps();
    let v = match probe.value(&caps) {
        Ok(v) => v,
        Err(why) => return Ok(Verdict::Skip(why)),
    };
    // Within the caps, the codec owes a round trip; past them only because
    // of the depth, an answer; anything else about the value it cannot
    // hold at all (a wide map of keys it has no type for) is a skip.
    let within = match codec.unsupported(&v) {
        None => true,
        Some(_) if probe.is_deep() => {
            let one_level = Probe {
                size: crate::probe::Size::Fixed(1),
                ..probe
            }
            .value(&caps)
            .ok();
            match one_level.and_then(|shallow| codec.unsupported(&shallow)) {
                None => false,
                Some(why) => return Ok(Verdict::Skip(why)),
            }
        }
        Some(why) => return Ok(Verdict::Skip(why)),
    };
    let finding = |kind| {
        Finding::new(STRESS, kind, &[codec], Input::Probe(probe)).context(format!(
            "{}, {}",
            probe.describe(&caps),
            if within {
                "within its declared caps"
            } else {
                "past its declared max_depth"
            }
        ))
    };
    let wanted = |within_want| if within { within_want } else { Wanted::Answer };
    Err(Box::new(match trip(codec, &v) {
        Trip::Kept => return Ok(Verdict::Pass),
        Trip::NotEncoded(Outcome::Rejected(_)) if !within => return Ok(Verdict::Pass),
        Trip::NotEncoded(other) => finding(Kind::EncodeFailed)
            .expected(wanted(Wanted::Encoding))
            .outcome(codec, &other, |b| Seen::Bytes(b.clone())),
        Trip::Changed { expected, back, .. } => {
            finding(Kind::ValueChanged).difference(diff::first(&expected, &back).map(compact))
        }
        Trip::NotDecoded {
            outcome: Outcome::Rejected(e),
            ..
        } if e.kind.is_accept() => {
            return Ok(Verdict::Skip(format!(
                "accepted its own encoding, but the value cannot be compared ({e})"
            )))
        }
        Trip::NotDecoded {
            outcome: Outcome::Rejected(_),
            ..
        } if !within => return Ok(Verdict::Pass),
        Trip::NotDecoded { outcome, .. } => finding(Kind::OwnEncodingRejected)
            .expected(wanted(Wanted::Representable))
            .outcome(codec, &outcome, |v| Seen::Value(v.clone())),
    }))
}

/// A difference 10,000 levels down has a path of 10,000 steps: a run of
/// one repeated step is written once with its count (`[0]×9999`).
fn compact(mut d: Difference) -> Difference {
    d.path = compact_path(&d.path);
    d
}

fn compact_path(path: &str) -> String {
    let Some(end) = path.find([']', '}', ')']) else {
        return path.to_string();
    };
    let step = &path[..=end];
    let mut rest = path;
    let mut count = 0;
    while let Some(r) = rest.strip_prefix(step) {
        rest = r;
        count += 1;
    }
    let tail = if rest.chars().count() > 80 {
        format!("{}…", rest.chars().take(80).collect::<String>())
    } else {
        rest.to_string()
    };
    if count > 3 {
        format!("{step}×{count}{tail}")
    } else {
        format!("{}{tail}", step.repeat(count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_run_of_one_step_is_written_once() {
        assert_eq!(compact_path(&"[0]".repeat(9999)), "[0]×9999");
        assert_eq!(compact_path("[0][0][1]"), "[0][0][1]");
        assert_eq!(
            compact_path(&format!("{}[7]", "[\"k\"]".repeat(50))),
            "[\"k\"]×50[7]"
        );
        assert_eq!(compact_path(""), "");
    }
}

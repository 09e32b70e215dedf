//! What a codec author writes: a `Codec` impl for their implementation and one
//! call to `crossfmt::testing::check_codec`. The codec is the example crate's
//! (examples/tinymsgpack, a MessagePack subset), so the run also compares it
//! byte for byte with rmp-serde and rmpv.

#[path = "../../../examples/tinymsgpack/src/lib.rs"]
// `TinyMsgpack::from_env` serves the copy `.ci/outside` sets up, not these tests.
#[allow(dead_code)]
mod tinymsgpack;

use crossfmt::testing::{check_codec, check_codec_with, Options};
use std::sync::Arc;
use tinymsgpack::{Bug, TinyMsgpack};

#[test]
fn tiny_msgpack_passes_every_check() {
    check_codec(TinyMsgpack { bug: Bug::None });
}

#[test]
fn a_planted_bug_is_reported_with_a_repro() {
    let report = check_codec_with(
        Arc::new(TinyMsgpack {
            bug: Bug::Uint8Boundary,
        }),
        &Options::default(),
    )
    .expect("the corpus loads");
    assert!(
        !report.findings.is_empty(),
        "the planted bug went unnoticed"
    );
    let text = report.render();
    // 128 written as a one-byte fixint reads back as -128.
    assert!(text.contains("roundtrip [msgpack/tiny]"), "{text}");
    assert!(
        text.contains("crossfmt check roundtrip --codec msgpack/tiny --value"),
        "{text}"
    );
}

#[test]
fn findings_of_one_cause_are_one_group() {
    let report = check_codec_with(
        Arc::new(TinyMsgpack {
            bug: Bug::MinusOneIsZero,
        }),
        &Options::default(),
    )
    .expect("the corpus loads");
    let causes = report.causes();
    let biggest = causes.iter().max_by_key(|c| c.count()).unwrap();
    assert!(
        biggest.count() > 1,
        "the planted bug shows on several cases: {:?}",
        causes
            .iter()
            .map(|c| (&c.signature, c.count()))
            .collect::<Vec<_>>()
    );
    let text = report.render();
    // The cause is listed once, with its count, before any finding in full.
    let line = format!("{:>5} x {}", biggest.count(), biggest.signature);
    assert_eq!(text.matches(&line).count(), 1, "{text}");
    assert!(text.find(&line) < text.find("repro:"), "{text}");
    assert_eq!(text.matches("repro:").count(), causes.len(), "{text}");
}

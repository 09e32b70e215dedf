//! Properties of the struct engine on random formats and fitting records:
//! `unpack(pack(v)) == v` and `calcsize == len(pack(v))`, and every format's
//! layout consistent. The checks are `crossfmt::codec::pystruct::oracle`'s.

use crossfmt::check::struct_layout::{layout_consistent, pack_roundtrip};
use crossfmt::check::{cross_format, Verdict};
use crossfmt::codecs::pystruct::StructCodec;
use crossfmt::{Registry, Value};
use crossfmt_pystruct::strategy::{format, format_and_values};
use proptest::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn pack_then_unpack_is_identity_and_calcsize_is_the_length((format, values) in format_and_values()) {
        if let Err(f) = pack_roundtrip(&format, &values) {
            return Err(TestCaseError::fail(f.to_string()));
        }
    }

    #[test]
    fn generated_layouts_are_consistent(format in format()) {
        if let Err(f) = layout_consistent(&format) {
            return Err(TestCaseError::fail(f.to_string()));
        }
    }

    #[test]
    fn any_text_is_a_format_or_a_clean_error(format in "[@=<>! 0-9a-zA-Z?]{0,12}") {
        if let Err(f) = layout_consistent(&format) {
            return Err(TestCaseError::fail(f.to_string()));
        }
    }
}

/// A random record through its layout and every one-model codec that can
/// hold it (msgpack, CBOR, JSON, pickle, protobuf): the same value comes back
/// from both, and transcodes. Counted, so that all-skips cannot pass.
#[test]
fn records_agree_across_formats() {
    let passes = AtomicUsize::new(0);
    let others: Vec<_> = Registry::builtin()
        .all()
        .iter()
        .filter(|c| !c.format().has_schema())
        .cloned()
        .collect();
    let config = ProptestConfig {
        cases: 1000,
        ..ProptestConfig::default()
    };
    proptest::test_runner::TestRunner::new(config)
        .run(&format_and_values(), |(format, values)| {
            let codec = StructCodec::new(&format).unwrap();
            let record = Value::Array(values);
            for other in &others {
                match cross_format::pair(&codec, other.as_ref(), &record) {
                    Ok(Verdict::Pass) => {
                        passes.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(Verdict::Skip(_)) => {}
                    Err(f) => return Err(TestCaseError::fail(f.to_string())),
                }
            }
            Ok(())
        })
        .unwrap();
    let passes = passes.into_inner();
    eprintln!("{passes} struct x one-model cross-format passes in 1000 records");
    assert!(
        passes > 500,
        "only {passes} cross-format passes in 1000 records"
    );
}

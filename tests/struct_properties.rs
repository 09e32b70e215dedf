//! Properties of the struct engine on random formats and fitting records:
//! `unpack(pack(v)) == v` and `calcsize == len(pack(v))`, and every format's
//! layout consistent. The checks are `crossfmt::codec::pystruct::oracle`'s.

use crossfmt::codec::pystruct::oracle::{layout_consistent, pack_roundtrip};
use crossfmt::codec::pystruct::strategy::{format, format_and_values};
use proptest::prelude::*;

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

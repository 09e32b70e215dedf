//! `parse(print(v)) == v` over generated values, and the parser never panics.
#![cfg(feature = "proptest")]

use crossfmt_value::notation::{parse, print, print_pretty};
use crossfmt_value::strategy::any_value;
use crossfmt_value::{Float, Value};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_inverts_print(v in any_value()) {
        let t = print(&v);
        prop_assert_eq!(parse(&t), Ok(v.clone()), "{}", t);
        let pretty = print_pretty(&v);
        prop_assert_eq!(parse(&pretty), Ok(v), "{}", pretty);
    }

    #[test]
    fn floats_at_every_width_round_trip(bits in any::<u64>()) {
        for f in [Float::F16(bits as u16), Float::F32(bits as u32), Float::F64(bits)] {
            let t = print(&Value::Float(f));
            prop_assert_eq!(parse(&t), Ok(Value::Float(f)), "{}", t);
            prop_assert!(t.contains(['.', 'e', 'E']) || t.contains("NaN") || t.contains("Infinity") || t.starts_with("float'"), "{}", t);
        }
    }

    /// Token soup: whatever parses reaches a fixed point after one print,
    /// and nothing panics.
    #[test]
    fn print_of_parse_is_a_fixed_point(tokens in proptest::collection::vec(proptest::sample::select(vec![
        "[", "]", "{", "}", "(_ ", ")", ", ", ": ", " ", "# c\n", "/ c /", "1", "-0x1f", "0b1", "1.5_1",
        "1e-3_2", "-0.0", "NaN", "-Infinity_1", "h'00ff'", "b64'AA'", "'x'", "\"\\u00e9\"", "2(", "3(",
        "258(", "65300(", "65301(", "65302(", "[_ ", "{_ ", "float'7e01'", "float'3c00'", "true",
        "undefined", "simple(5)", "18446744073709551616", "-129", "127",
    ]), 0..24)) {
        let t: String = tokens.concat();
        if let Ok(v) = parse(&t) {
            let once = print(&v);
            prop_assert_eq!(parse(&once), Ok(v), "{} -> {}", t, once);
        }
    }

    #[test]
    fn arbitrary_text_does_not_panic(t in ".{0,40}") {
        let _ = parse(&t);
    }
}

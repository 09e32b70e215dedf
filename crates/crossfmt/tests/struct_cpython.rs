//! The struct engine against CPython: the committed vectors
//! (`conformance/suites/struct-cpython.json`, written by CPython's own
//! `struct`) must pass in full, and a live differential through the Python
//! reference testee must agree on thousands of random formats.

use crossfmt::caps::Caps;
use crossfmt::check::conformance::{self, OutcomeKind};
use crossfmt::codecs::pystruct::StructCodec;
use crossfmt::conformance::suite;
use crossfmt::Value;
use crossfmt::{Codec, CodecError, CodecRef, Format};

/// The struct codec as CPython's conversions see it: every record it can
/// pack is in scope. (`Codec::unsupported` skips records that do not come
/// back as themselves — a bool packed as an integer, 0.1 rounded to `e` —
/// which `crossfmt conformance` therefore counts as skipped; here their
/// bytes are checked too.)
struct Converting(CodecRef);

impl Codec for Converting {
    fn id(&self) -> &str {
        self.0.id()
    }
    fn format(&self) -> Format {
        self.0.format()
    }
    fn caps(&self) -> Caps {
        self.0.caps()
    }
    fn unsupported(&self, _: &Value) -> Option<String> {
        None
    }
    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        self.0.encode(v)
    }
    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        self.0.decode(b)
    }
}

#[test]
fn cpython_vectors_pass_in_full() {
    let suites = suite::load(
        &suite::builtin_root().join("suites"),
        &["struct-cpython".to_string()],
    )
    .unwrap();
    let cases = &suites[0].cases;
    assert!(cases.len() > 2000, "{} cases", cases.len());
    let engine = StructCodec::new("").unwrap();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let schema = case.schema.as_deref().expect("struct cases name a format");
            let bound = Converting(engine.for_schema(schema).unwrap());
            let outcome = conformance::run(&bound, &case.test);
            (outcome.kind != OutcomeKind::Pass).then(|| format!("{}: {outcome:?}", case.id))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

mod live {
    //! A live differential against CPython's `struct` through the Python
    //! reference testee, on thousands of random formats and records.

    use crossfmt::check::{self, Input, SCHEMA_DECODE, SCHEMA_ENCODE};
    use crossfmt::codecs::external::{start, Limits};
    use crossfmt::codecs::pystruct::StructCodec;
    use crossfmt::{CodecRef, Format, Value};
    use std::sync::Arc;

    /// The engine and the reference agree on `input` under `format`
    /// (`schema-encode` for a record, `schema-decode` for bytes).
    fn agree(
        engine: &CodecRef,
        reference: &CodecRef,
        format: &str,
        input: Input,
    ) -> Result<(), String> {
        let name = match input {
            Input::Value(_) => SCHEMA_ENCODE,
            Input::Bytes { .. } => SCHEMA_DECODE,
            Input::Probe(p) => return Err(format!("probe {p} is neither a record nor bytes")),
        };
        let c = check::get(name).expect("a registered check");
        match check::run_bound(c, &[engine.clone(), reference.clone()], format, &input)? {
            Ok(_) => Ok(()),
            Err(f) => Err(f.to_string()),
        }
    }

    /// Both directions for one record: pack, then unpack of the
    /// reference's bytes when it packed.
    fn record(
        engine: &CodecRef,
        reference: &CodecRef,
        format: &str,
        record: Value,
    ) -> Result<(), String> {
        agree(engine, reference, format, Input::Value(record.clone()))?;
        let bound = reference.for_schema(format).map_err(|e| e.to_string())?;
        match crossfmt::guard::encode(bound.as_ref(), &record) {
            crossfmt::Outcome::Ok(bytes) => agree(
                engine,
                reference,
                format,
                Input::bytes(Format::Struct, &bytes),
            ),
            _ => Ok(()),
        }
    }
    use crossfmt_pystruct::strategy::{format_and_any_values, format_and_bytes};
    use proptest::test_runner::{Config, TestCaseError, TestRunner};

    const CASES: u32 = 3000;

    fn cpython() -> Option<CodecRef> {
        let python = std::process::Command::new("python3")
            .arg("--version")
            .output();
        if !python.is_ok_and(|o| o.status.success()) {
            eprintln!("skipping: no python3 for the reference testee");
            return None;
        }
        let testee = crate::util::reference_testee();
        let codecs = start(testee.to_str().unwrap(), Limits::default())
            .unwrap_or_else(|e| panic!("starting the reference testee: {e}"));
        let found = codecs.into_iter().find(|c| c.id() == "struct/cpython");
        Some(found.expect("the reference testee announces struct/cpython"))
    }

    fn runner() -> TestRunner {
        TestRunner::new(Config {
            cases: CASES,
            failure_persistence: None,
            ..Config::default()
        })
    }

    #[test]
    fn engine_agrees_with_cpython_on_random_formats() {
        let Some(reference) = cpython() else { return };
        let engine: CodecRef = Arc::new(StructCodec::new("").unwrap());
        let packs = std::cell::Cell::new(0u32);
        runner()
            .run(&format_and_any_values(), |(format, values)| {
                packs.set(packs.get() + 1);
                record(&engine, &reference, &format, Value::Array(values))
                    .map_err(TestCaseError::fail)
            })
            .unwrap();
        let unpacks = std::cell::Cell::new(0u32);
        runner()
            .run(&format_and_bytes(), |(format, bytes)| {
                unpacks.set(packs.get() + 1);
                agree(
                    &engine,
                    &reference,
                    &format,
                    Input::bytes(Format::Struct, &bytes),
                )
                .map_err(TestCaseError::fail)
            })
            .unwrap();
        let (packs, unpacks) = (packs.get(), unpacks.get());
        eprintln!(
            "struct vs CPython: {packs} random records packed and unpacked, \
             {unpacks} random buffers unpacked"
        );
        assert!(packs >= CASES && unpacks >= CASES);
    }

    #[test]
    fn bad_formats_agree_with_cpython() {
        let Some(reference) = cpython() else { return };
        let engine: CodecRef = Arc::new(StructCodec::new("").unwrap());
        for format in [
            "z",
            "3",
            "<3",
            "h<",
            "<<h",
            " <h",
            "3 h",
            "<n",
            "=P",
            "99999999999999999999b",
            "@9223372036854775807xl",
            "@9223372036854775807bq",
            "h\0",
        ] {
            agree(
                &engine,
                &reference,
                format,
                Input::bytes(Format::Struct, b""),
            )
            .unwrap_or_else(|f| panic!("{format:?}: {f}"));
        }
    }
}

//! Property tests: generated values through every default value check of
//! the registry (`roundtrip`, `records` and `truncation` for each codec,
//! `cross_format` for each pair), within what the codecs hold. Failures shrink to a minimal value and are
//! persisted in `tests/properties.proptest-regressions`, which is committed
//! and replayed first on every run.
//!
//! Third-party bugs recorded in `corpus/known-findings.txt` would fail these
//! properties on every run: a finding that list records (by the one matcher
//! every driver uses) does not fail a property, so that everything else
//! stays guarded.

use crossfmt::check::{self, Input, InputKind, Verdict};
use crossfmt::known::Known;
use crossfmt::strategy::value_for;
use crossfmt::{Codec, CodecRef, Registry};
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: 512,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/properties.proptest-regressions",
        ))),
        source_file: Some(file!()),
        ..Config::default()
    })
}

/// The built-in codecs with one data model; a struct layout's values are
/// shaped by its format, so `struct_properties` generates them.
fn codecs() -> Vec<CodecRef> {
    let all = Registry::builtin();
    let one_model = all.all().iter().filter(|c| !c.format().has_schema());
    one_model.cloned().collect()
}

#[test]
fn every_value_check_over_every_application() {
    let known = Known::load(&Known::builtin_path()).unwrap_or_else(|e| panic!("{e}"));
    let codecs = codecs();
    let mut ran = 0;
    for c in check::defaults()
        .into_iter()
        .filter(|c| c.input == InputKind::Value)
    {
        for app in c.applications(&codecs) {
            let refs: Vec<&dyn Codec> = app.iter().map(|x| x.as_ref()).collect();
            let caps = refs
                .iter()
                .skip(1)
                .fold(refs[0].caps(), |m, x| m.meet(&x.caps()));
            let ids: Vec<&str> = refs.iter().map(|x| x.id()).collect();
            runner()
                .run(&value_for(&caps), |v| {
                    match c.run(&refs, &Input::Value(v)) {
                        Ok(Verdict::Pass) => Ok(()),
                        Ok(Verdict::Skip(why)) => Err(TestCaseError::reject(why)),
                        Err(f) if known.find(&f, "generated").is_some() => Ok(()),
                        Err(f) => Err(TestCaseError::fail(f.to_string())),
                    }
                })
                .unwrap_or_else(|e| panic!("{} {}: {e}", c.name, ids.join(" x ")));
            ran += 1;
        }
    }
    // Every codec's round trip, records and truncation checks, and every
    // pair's cross-format check.
    let n = codecs.len();
    assert_eq!(ran, 3 * n + n * (n - 1) / 2);
}

/// The bytes-first stream check on what the generated values encode to:
/// the planted reader that trusts one `read` (bug (e)) is found, and
/// shrinks to a string split across two pieces; with the bug off, nothing.
#[test]
fn generated_values_find_the_planted_boundary_bug() {
    use crossfmt::codecs::planted::{enabled, Planted};
    let chunked = check::get(check::CHUNKED).unwrap();
    let run = || {
        TestRunner::new(Config {
            cases: 256,
            failure_persistence: None,
            ..Config::default()
        })
        .run(&value_for(&Planted.caps()), |v| {
            let Ok(bytes) = Planted.encode(&v) else {
                return Ok(());
            };
            match chunked.run(&[&Planted], &Input::bytes(Planted.format(), &bytes)) {
                Err(f) => Err(TestCaseError::fail(f.to_string())),
                Ok(_) => Ok(()),
            }
        })
    };
    match run() {
        Err(e) if enabled('e') => {
            let text = e.to_string();
            assert!(text.contains("chunked [planted/buggy]"), "{text}");
            assert!(
                text.contains("reads other records when the bytes arrive in pieces"),
                "{text}"
            );
        }
        Ok(()) if enabled('e') => panic!("the planted boundary bug went unnoticed"),
        other => assert!(other.is_ok(), "bug (e) is off: {other:?}"),
    }
}

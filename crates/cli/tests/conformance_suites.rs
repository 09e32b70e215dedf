//! The committed suites against every built-in codec and the Python
//! reference testee, exactly as `crossfmt conformance` runs them: every
//! required case passes or is a listed expected failure, no listed failure
//! passes, and no list entry is stale.

use std::path::Path;
use std::process::Command;

fn crossfmt() -> Command {
    let mut cmd = crate::util::crossfmt();
    cmd.current_dir(crate::util::root());
    cmd
}

fn totals(report: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(report).expect("conformance JSON report");
    serde_json::from_str(&text).expect("conformance JSON parses")
}

/// Passes per implementation id, from the JSON report. An implementation
/// that skips more than a tenth of the cases it can be bound to is not
/// really taking part (a codec wrongly declaring it can hold nothing would
/// pass every run); a case whose message or mapping it has no code for
/// (prost's generated code and JSON) does not count.
fn passes(report: &serde_json::Value) -> Vec<(String, u64)> {
    let unbound = |id: &str| {
        report["cases"]
            .as_array()
            .expect("cases")
            .iter()
            .filter(|c| {
                c["results"][id]["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("skipped: schema "))
            })
            .count() as u64
    };
    report["implementations"]
        .as_array()
        .expect("implementations")
        .iter()
        .map(|i| {
            let id = i["id"].as_str().unwrap().to_string();
            let t = &i["totals"];
            let (cases, skipped) = (t["cases"].as_u64().unwrap(), t["skipped"].as_u64().unwrap());
            let unbound = unbound(&id);
            assert!(
                (skipped - unbound) * 10 <= cases - unbound,
                "{id} skipped {skipped} of {cases} cases ({unbound} of another schema)"
            );
            (id, t["pass"].as_u64().unwrap_or(0))
        })
        .collect()
}

fn run(extra: &[&str], report: &Path) -> (bool, String) {
    let out = crossfmt()
        .arg("conformance")
        .args(extra)
        .arg("--json")
        .arg(report)
        .output()
        .expect("crossfmt runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn builtin_codecs_conform_to_every_suite() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("conformance.json");
    let (ok, text) = run(&[], &report);
    assert!(ok, "crossfmt conformance failed:\n{text}");
    let passes = passes(&totals(&report));
    for id in [
        "msgpack/rmp-serde",
        "msgpack/rmpv",
        "cbor/ciborium",
        "json/serde_json",
        "pickle/serde-pickle",
        "protobuf/prost",
    ] {
        let n = passes.iter().find(|(i, _)| i == id).map(|(_, n)| *n);
        assert!(n.unwrap_or(0) > 100, "{id} passed {n:?} cases:\n{text}");
    }
}

/// The README's test command sets up the reference environment itself (a
/// venv under target/, from PyPI); without python3 this fails, loudly.
#[test]
fn python_reference_testee_conforms_to_every_suite() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("conformance.json");
    let testee = crate::util::reference_testee();
    let (ok, text) = run(&["--testee", &testee.to_string_lossy()], &report);
    assert!(
        ok,
        "crossfmt conformance with the Python testee failed:\n{text}"
    );
    let passes = passes(&totals(&report));
    for id in [
        "pickle/cpython",
        "json/cpython",
        "msgpack/msgpack-python",
        "cbor/cbor2",
        "protobuf/python-protobuf",
    ] {
        let n = passes.iter().find(|(i, _)| i == id).map(|(_, n)| *n);
        assert!(n.unwrap_or(0) > 100, "{id} passed {n:?} cases:\n{text}");
    }
}

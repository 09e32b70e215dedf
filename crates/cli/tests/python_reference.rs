//! `crossfmt run` with the Python reference testee
//! (`conformance/testees/python/testee`: CPython's pickle and json,
//! msgpack-python, cbor2, Google's protobuf) must be clean: every finding is
//! recorded in `corpus/known-findings.txt`, no recorded one is stale, and
//! the Python codecs really took part.
//!
//! Needs `python3` (CPython 3.11+) on PATH; the testee's wrapper creates its
//! venv (`target/pyref`) on first use, which needs PyPI (or PIP_INDEX_URL).
//! Without python3 this test fails, naming what is missing: it never skips.

use std::path::Path;
use std::process::Command;

/// The Python codecs the testee announces and crossfmt runs (struct/cpython
/// is announced too, and joins once crossfmt has a struct format).
const PYTHON_CODECS: [&str; 5] = [
    "pickle/cpython",
    "json/cpython",
    "msgpack/msgpack-python",
    "cbor/cbor2",
    "protobuf/python-protobuf",
];

fn require_python3() {
    let found = Command::new("python3")
        .args(["-c", "import sys; sys.exit(sys.version_info < (3, 11))"])
        .status();
    match found {
        Ok(s) if s.success() => {}
        Ok(_) => panic!(
            "python3 on PATH is older than 3.11: the Python reference testee \
             (conformance/testees/python) needs CPython 3.11+"
        ),
        Err(e) => panic!(
            "python3 not found on PATH ({e}): the Python reference testee \
             (conformance/testees/python) needs CPython 3.11+; install it to run this test"
        ),
    }
}

fn shell_quote(p: &Path) -> String {
    format!("'{}'", p.to_string_lossy().replace('\'', r"'\''"))
}

#[test]
fn run_with_the_python_reference_testee_is_clean() {
    require_python3();
    let testee = crate::util::reference_testee();
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("run.json");
    let out = crate::util::crossfmt()
        // A fixed seed for the generated values: the known findings cover
        // what these find; another seed may find more (that is the point).
        .args([
            "run",
            "--seed",
            "20261124",
            "--testee",
            &shell_quote(&testee),
            "--json",
        ])
        .arg(&json)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let unexpected: Vec<&str> = stdout
        .split("\n\n")
        .filter(|block| block.contains("[UNEXPECTED]"))
        .collect();
    assert_eq!(
        out.status.code(),
        Some(0),
        "crossfmt run --testee {} failed\nunexpected findings:\n{}\n--- stdout tail:\n{}\n--- stderr:\n{stderr}",
        testee.display(),
        unexpected.join("\n\n"),
        stdout
            .lines()
            .rev()
            .take(20)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n"),
    );

    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(j["unexpected"], 0, "{}", j["stale_known"]);
    assert_eq!(j["stale_known"], serde_json::json!([]));
    let ids: Vec<&str> = j["codecs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    let rows = j["checks"].as_array().unwrap();
    for id in PYTHON_CODECS {
        assert!(
            ids.contains(&id),
            "{id} did not join the run: {ids:?}\n{stderr}"
        );
        // Its own round trip passed cases, and so did every check it is in.
        for check in [
            "roundtrip",
            "roundtrip-bytes",
            "cross_format",
            "differential",
        ] {
            let passed: u64 = rows
                .iter()
                .filter(|r| r["check"] == check)
                .filter(|r| r["codecs"].as_array().unwrap().iter().any(|c| c == id))
                .map(|r| r["passed"].as_u64().unwrap())
                .sum();
            assert!(passed > 0, "{id}: no {check} case passed");
        }
    }
    // The recorded findings with the testee are really exercised.
    let known = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["known"].is_string()
                && f["codecs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| PYTHON_CODECS.iter().any(|p| c == p))
        })
        .count();
    assert!(known > 0, "no recorded finding involves a Python codec");
}

/// The testee's own Python tests and the helper's
/// (`conformance/testees/python/test_*.py`), in the testee's venv.
#[test]
fn the_python_testee_modules_pass_their_own_tests() {
    require_python3();
    let testee = crate::util::reference_testee();
    let dir = testee.parent().unwrap();
    let out = Command::new("bash")
        .arg("-c")
        .arg(r#"source ./venv.sh && exec "$venv/bin/python" -m unittest test_testee test_crossfmt_testee"#)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python -m unittest failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A `.proto` message of a user's (written here, outside the repository)
/// gets more implementations: Google's protobuf in the reference testee,
/// upb (`protobuf/python-protobuf@<Msg>`) and, in a testee process of its
/// own (`--pure-python`), the pure-Python backend, each bound to the
/// compiled schema; the differential compares every pair with prost-reflect
/// on every sample's encoding. With a bug planted in the Python side (a
/// decoded message loses its unknown fields) the round trip and the
/// differential find it, and the printed repro command reproduces it.
#[test]
fn a_users_proto_message_is_compared_with_googles_protobuf() {
    require_python3();
    let testee = crate::util::reference_testee();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("inv.proto"),
        "syntax = \"proto3\";\npackage inv;\n\
         message Item { string sku = 1; int64 count = 2; repeated fixed32 bins = 3; map<string, Item> parts = 4;\n\
         oneof price { double amount = 5; sint32 cents = 6; } optional bool stocked = 7; bytes blob = 8; }\n",
    )
    .unwrap();
    let id = format!(
        "protobuf:{}#inv.Item",
        dir.path().join("inv.proto").display()
    );
    let peer = "protobuf/python-protobuf@inv.Item";
    let run = |testee: &str, more: &[&str]| {
        let out = crate::util::crossfmt()
            .args([
                "run",
                "--testee",
                testee,
                "--codec",
                &id,
                "--codec",
                "protobuf/python-protobuf",
            ])
            .args(more)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        (out.status.code(), stdout, stderr)
    };

    // With the pure-Python backend too: four implementations of the
    // message, every pair compared.
    let pure = format!("{} --pure-python", shell_quote(&testee));
    let (code, stdout, stderr) = run(
        &shell_quote(&testee),
        &[
            "--testee",
            &pure,
            "--codec",
            "protobuf/python-protobuf-pure",
        ],
    );
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    for pair in [
        format!("{id} + {peer}"),
        format!("{id} + protobuf/python-protobuf-pure@inv.Item"),
        format!("{peer} + protobuf/python-protobuf-pure@inv.Item"),
    ] {
        let passed = crate::util::passed(&stdout, "differential", &pair);
        assert!(
            passed >= 100,
            "{pair}: {passed} of the samples' encodings agreed\n{stdout}"
        );
    }

    let buggy = crate::util::here("testees/helper_protobuf_drops_unknown.sh");
    let (code, stdout, stderr) = run(&shell_quote(&buggy), &[]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!("roundtrip [{peer}]: value changed")),
        "{stdout}"
    );
    // Built with the `python` feature, the headline names who departs from
    // upb, read under the same message: the testee that drops fields, never
    // the user's codec.
    let headline = stdout
        .lines()
        .find(|l| l.starts_with(&format!("differential [{id}, {peer}]: ")))
        .unwrap_or_else(|| panic!("no differential finding:\n{stdout}"));
    assert!(
        headline.contains("implementations decode the same bytes to different values"),
        "{headline}"
    );
    if headline.contains("depart") {
        assert!(
            headline.contains(&format!("]: {peer} departs from upb")),
            "{headline}"
        );
    }
    // The first differential finding's repro, run as printed.
    let repro = stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("repro:    crossfmt "))
        .find(|r| r.starts_with("check differential"))
        .unwrap_or_else(|| panic!("no differential repro:\n{stdout}"));
    let args = shell_words::split(repro).unwrap();
    let out = crate::util::crossfmt().args(&args).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{repro}\n{text}");
    assert!(
        text.contains("decode the same bytes to different values"),
        "{text}"
    );
}

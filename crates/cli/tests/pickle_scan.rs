//! `crossfmt pickle scan` as a command: SARIF output, exit codes, flags.
//! The scanner itself is tested in crates/pickle/tests.

use crossfmt_pickle::scan::{scan_file, Limits, Policy, Report};
use std::path::PathBuf;
use std::process::Command;

fn dir() -> PathBuf {
    crate::util::root().join("corpus/pickles")
}

fn scan(file: &str) -> Report {
    scan_file(
        &dir().join(file),
        &Policy::default_policy(),
        Limits::default(),
        1 << 30,
    )
    .unwrap()
}

#[test]
fn sarif_parses_and_carries_the_findings() {
    let reports = vec![
        scan("malicious/stack_global_memo.pkl"),
        scan("benign/native_p4.pkl"),
    ];
    let s: serde_json::Value =
        serde_json::from_str(&crossfmt_cli::report::sarif::pickle_scan(&reports)).unwrap();
    assert_eq!(s["version"], "2.1.0");
    let results = s["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), reports[0].findings.len());
    let r = results
        .iter()
        .find(|r| r["properties"]["global"] == "os.system")
        .unwrap();
    assert_eq!(r["level"], "error");
    let loc = &r["locations"][0]["physicalLocation"];
    assert!(loc["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("stack_global_memo.pkl"));
    assert!(loc["region"]["byteOffset"].as_i64().unwrap() > 0);
}

#[test]
fn cli_exit_codes_and_formats() {
    let bin = crate::util::CROSSFMT;
    let run = |args: &[&str]| {
        Command::new(bin)
            .args(["pickle", "scan"])
            .args(args)
            .output()
            .unwrap()
    };
    let d = dir();
    let benign = d.join("benign").display().to_string();
    let bad = d.join("malicious/inst_p0.pkl").display().to_string();
    // The benign corpus holds checkpoints, safe under the ml preset only.
    let out = run(&[&benign, "--preset", "ml"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let checkpoint = d
        .join("benign/torch_zip_state_dict.pt")
        .display()
        .to_string();
    assert_eq!(run(&[&checkpoint]).status.code(), Some(1));
    assert_eq!(
        run(&[&checkpoint, "--preset", "nope"]).status.code(),
        Some(2)
    );
    let out = run(&[&bad, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["files"][0]["verdict"], "dangerous");
    let out = run(&[&bad, "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap();
    let out = run(&["/nonexistent/file.pkl"]);
    assert_eq!(out.status.code(), Some(2));
    let policy = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(policy.path(), "permit os.system\n").unwrap();
    let out = run(&[&bad, "--policy", &policy.path().display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
    // --fail-on dangerous lets a suspicious file through.
    let sus = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(sus.path(), b"ccollections\nOrderedDict\n)R.").unwrap();
    let sus = sus.path().display().to_string();
    assert_eq!(run(&[&sus]).status.code(), Some(1));
    assert_eq!(
        run(&[&sus, "--fail-on", "dangerous"]).status.code(),
        Some(0)
    );
}

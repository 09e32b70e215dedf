//! The testee protocol's client, for real: every process-level outcome
//! produced by a deliberately broken testee (tests/testees/broken.py), and
//! the reference server (`crossfmt testee`) agreeing with the in-process
//! codecs it serves.

use crossfmt::check::{self, differential, roundtrip, Kind, Verdict};
use crossfmt::codecs::external::{self, Limits};
use crossfmt::{corpus, notation, Caps, Value};
use crossfmt::{CodecRef, ErrorKind, Format, Registry};
use shell_words::quote as shell_quote;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const CROSSFMT: &str = crate::util::CROSSFMT;

fn broken_command(args: &str) -> String {
    let script = crate::util::here("testees/broken.py");
    format!("python3 {} {args}", shell_quote(&script.to_string_lossy()))
}

fn quick() -> Limits {
    Limits {
        timeout: Duration::from_millis(300),
        memory_mb: Some(256),
    }
}

/// The testee's msgpack codec (its other codec, of an unknown format, is
/// skipped).
fn broken(mode: &str, limits: Limits) -> CodecRef {
    let codecs = external::start(&broken_command(&format!("--mode {mode}")), limits).unwrap();
    let ids: Vec<&str> = codecs.iter().map(|c| c.id()).collect();
    assert_eq!(ids, ["msgpack/broken"]);
    codecs.into_iter().next().unwrap()
}

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

/// Decodes `ff`, which the *-on-ff modes misbehave on, and returns the error.
fn misbehaviour(c: &CodecRef) -> crossfmt::CodecError {
    c.decode(&hex("ff"))
        .expect_err("the testee was meant to misbehave")
}

/// A request after a failure reaches a fresh, working process.
fn assert_restarted(c: &CodecRef) {
    assert_eq!(c.decode(&hex("2a")), Ok(Value::Int(42)));
}

/// The broken testee's command with `args` and a pidfile in a fresh
/// directory (kept alive by the returned guard).
fn with_pidfile(args: &str) -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let cmd = broken_command(&format!(
        "{args} --pidfile {}",
        shell_quote(&pidfile.to_string_lossy())
    ));
    (dir, pidfile, cmd)
}

fn pid_in(file: &Path) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(text) = std::fs::read_to_string(file) {
            if let Ok(pid) = text.trim().parse() {
                return pid;
            }
        }
        assert!(Instant::now() < deadline, "no pid in {}", file.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Gone, or a zombie waiting for an init that does not reap: either way no
/// longer running.
fn process_ended(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn an_honest_testee_decodes_encodes_and_refuses() {
    let c = broken("honest", quick());
    assert_eq!(c.format(), Format::MsgPack);
    assert_eq!(c.caps().ints.max, 127);
    assert!(!c.caps().bytes, "missing caps fields mean unsupported");
    let v = Value::Array(vec![Value::Null, Value::Bool(true), Value::text("a")]);
    assert_eq!(c.decode(&hex("93c0c3a161")), Ok(v.clone()));
    assert_eq!(c.encode(&v), Ok(hex("93c0c3a161")));
    assert_eq!(
        c.decode(&hex("c1")).unwrap_err().kind,
        ErrorKind::Unsupported
    );
    assert_eq!(c.decode(&hex("a2")).unwrap_err().kind, ErrorKind::Syntax);
    let long = Value::text("x".repeat(40));
    assert_eq!(c.encode(&long).unwrap_err().kind, ErrorKind::Limit);
    assert!(c.for_schema("<i").is_err(), "the codec declared no schemas");
}

#[test]
fn a_crash_is_crashed_with_signal_and_stderr_then_restarts() {
    let c = broken("crash-on-ff", quick());
    let e = misbehaviour(&c);
    assert_eq!(e.kind, ErrorKind::Crashed, "{e}");
    assert!(e.message.contains("SIGABRT"), "{e}");
    assert!(e.message.contains("aborting on purpose"), "{e}");
    assert_restarted(&c);

    let c = broken("exit-on-ff", quick());
    let e = misbehaviour(&c);
    assert_eq!(e.kind, ErrorKind::Crashed, "{e}");
    assert!(e.message.contains("status 7"), "{e}");
    assert_restarted(&c);
    // A crash is a failure of the implementation, which the checks report.
    let o = check::decode(c.as_ref(), &hex("ff"));
    assert!(matches!(o, check::Outcome::Failed(_)), "{o:?}");
}

#[test]
fn a_hang_times_out_within_the_bound_and_restarts() {
    let c = broken("hang-on-ff", quick());
    let started = Instant::now();
    let e = misbehaviour(&c);
    let took = started.elapsed();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
    assert!(took >= Duration::from_millis(300), "{took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert_restarted(&c);
}

#[test]
fn a_timeout_kills_the_testees_whole_process_group() {
    let (_dir, pidfile, cmd) = with_pidfile("--mode hang-with-child-on-ff");
    let c = external::start(&cmd, quick()).unwrap().remove(0);
    assert_eq!(misbehaviour(&c).kind, ErrorKind::Timeout);
    let grandchild = pid_in(&pidfile);
    eventually("the testee's own child ends", || process_ended(grandchild));
}

#[test]
fn running_out_of_memory_is_out_of_memory() {
    for mode in ["oom-on-ff", "oom-caught-on-ff"] {
        let c = broken(mode, quick());
        let e = misbehaviour(&c);
        assert_eq!(e.kind, ErrorKind::OutOfMemory, "{mode}: {e}");
        assert!(e.message.contains("256 MiB"), "{mode}: {e}");
        assert_restarted(&c);
    }
}

#[test]
fn a_response_off_the_protocol_is_a_crash_naming_the_protocol_error() {
    for (mode, says) in [
        ("garbage-on-ff", "not JSON"),
        ("huge-on-ff", "exceeds"),
        ("stdout-on-ff", "reads \"debu\""),
        ("wrong-op-on-ff", "expected an \"ok\": \"value\""),
    ] {
        let c = broken(mode, quick());
        let e = misbehaviour(&c);
        assert_eq!(e.kind, ErrorKind::Crashed, "{mode}: {e}");
        assert!(e.message.starts_with("protocol error: "), "{mode}: {e}");
        assert!(e.message.contains(says), "{mode}: {e}");
        assert_restarted(&c);
    }
}

#[test]
fn a_failed_start_names_the_command_and_its_stderr() {
    let cmd = broken_command("--mode exit-at-hello");
    let e = external::start(&cmd, quick()).err().unwrap();
    assert!(e.contains(&cmd), "{e}");
    assert!(e.contains("exiting at hello on purpose"), "{e}");

    let e = external::start(&broken_command("--mode bad-hello"), quick())
        .err()
        .unwrap();
    assert!(e.contains("malformed hello") && e.contains("colour"), "{e}");

    // Without max_depth every value would be skipped: an error naming it.
    let e = external::start(&broken_command("--mode no-depth-at-hello"), quick())
        .err()
        .unwrap();
    assert!(
        e.contains("\"msgpack/broken\"") && e.contains("`max_depth`"),
        "{e}"
    );

    let e = external::start("/nonexistent/testee --x", quick())
        .err()
        .unwrap();
    assert!(
        e.contains("cannot start testee `/nonexistent/testee --x`"),
        "{e}"
    );
    assert!(external::start("python3 'unbalanced", quick()).is_err());
}

#[test]
fn dropping_the_codecs_ends_the_process() {
    let (_dir, pidfile, cmd) = with_pidfile("--mode honest");
    let codecs = external::start(&cmd, quick()).unwrap();
    let pid = pid_in(&pidfile);
    assert!(!process_ended(pid));
    drop(codecs);
    // Reaped by the drop itself: not even a zombie is left.
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "testee {pid} still exists"
    );
}

#[test]
fn requests_from_many_threads_are_serialised() {
    let c = broken("honest", quick());
    std::thread::scope(|s| {
        for t in 0..4i64 {
            let c = &c;
            s.spawn(move || {
                for i in 0..50i64 {
                    let n = (t * 50 + i) % 128;
                    let b = c.encode(&Value::from(n)).unwrap();
                    assert_eq!(c.decode(&b), Ok(Value::from(n)));
                }
            });
        }
    });
}

#[test]
fn the_checks_see_a_lying_testee() {
    let c = broken("lie", quick());
    let f = roundtrip::bytes_first(c.as_ref(), &hex("01")).unwrap_err();
    assert_eq!(f.kind, Kind::NotFixedPoint, "{f}");
    let accept = broken("accept-all", quick());
    let reject = broken("reject-all", quick());
    let honest = broken("honest", quick());
    for (other, want) in [(&accept, Kind::AcceptReject), (&reject, Kind::AcceptReject)] {
        let f = differential::same_bytes(&[honest.as_ref(), other.as_ref()], &hex("a2"))
            .and_then(|_| differential::same_bytes(&[honest.as_ref(), other.as_ref()], &hex("01")))
            .unwrap_err();
        assert_eq!(f.kind, want, "{f}");
    }
}

/// `crossfmt testee`, the reference server, against the in-process codecs
/// it serves: the same round trips, and no difference between the two on
/// the corpus's bytes.
#[test]
fn the_reference_server_agrees_with_the_in_process_codecs() {
    let builtin = Registry::builtin();
    let cmd = format!("{} testee", shell_quote(CROSSFMT));
    let served = external::start(&cmd, Limits::default()).unwrap();
    let ids = |cs: &[CodecRef]| cs.iter().map(|c| c.id().to_string()).collect::<Vec<_>>();
    assert_eq!(ids(&served), ids(builtin.all()));

    let corpus = corpus::load(&corpus::builtin_root()).unwrap();
    let values: Vec<&Value> = corpus.values.iter().map(|c| &c.value).step_by(2).collect();
    for (inside, outside) in builtin.all().iter().zip(&served) {
        // A testee is held to the depth crossfmt reads back.
        let held = Caps {
            max_depth: inside.caps().max_depth.min(notation::MAX_DEPTH),
            ..inside.caps()
        };
        assert_eq!(held, outside.caps(), "{}", inside.id());
        if inside.format().has_schema() {
            // A layout's shape is the codec's own `unsupported`, which a
            // served copy cannot know: compare what both make of the values.
            let fitting = values.iter().filter(|v| inside.unsupported(v).is_none());
            for v in fitting {
                let bytes = inside.encode(v).unwrap();
                assert_eq!(outside.encode(v), Ok(bytes.clone()), "{}: {v}", inside.id());
                assert_eq!(
                    inside.decode(&bytes),
                    outside.decode(&bytes),
                    "{}: {v}",
                    inside.id()
                );
            }
            continue;
        }
        // The served codec's findings also name the testee to start again.
        let unserved = |r: crossfmt::check::CheckResult| {
            r.map_err(|mut f| {
                f.testees.clear();
                f
            })
        };
        for v in &values {
            assert_eq!(
                roundtrip::value_first(inside.as_ref(), v),
                unserved(roundtrip::value_first(outside.as_ref(), v)),
                "{}: {v}",
                inside.id()
            );
            if inside.unsupported(v).is_none() {
                assert_eq!(inside.encode(v), outside.encode(v), "{}: {v}", inside.id());
            }
        }
        let mut compared = 0;
        for case in corpus.bytes_of(inside.format()).step_by(3) {
            let pair = [inside.as_ref(), outside.as_ref()];
            let verdict = differential::same_bytes(&pair, &case.bytes);
            assert_eq!(verdict, Ok(Verdict::Pass), "{}: {}", inside.id(), case.name);
            compared += 1;
        }
        assert!(compared > 0, "{}: no corpus bytes compared", inside.id());
    }
}

fn crossfmt(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(CROSSFMT).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn run_takes_testee_codecs_in_place_of_built_ins() {
    let served = format!("{} testee --codec msgpack/rmpv", shell_quote(CROSSFMT));
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("run.json");
    let (code, stdout, stderr) = crossfmt(&[
        "run",
        "--testee",
        &served,
        "--json",
        &json.to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stderr.contains("msgpack/rmpv") && stderr.contains("testee"),
        "{stderr}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let rmpv_rows = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["codecs"].to_string().contains("msgpack/rmpv"))
        .count();
    assert!(rmpv_rows >= 3, "{report}");

    // A lying testee's codec takes part, and its finding fails the run.
    let lying = format!("external:{}", broken_command("--mode lie"));
    let (code, stdout, stderr) = crossfmt(&[
        "run",
        "--codec",
        "msgpack/rmpv",
        "--codec",
        &lying,
        "--check",
        "differential",
    ]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stdout.contains("msgpack/rmpv + msgpack/broken"), "{stdout}");
    assert!(
        stderr.contains("skipping codec \"tomlish/broken\""),
        "{stderr}"
    );

    // `--codec` names a testee's codec as `conformance` does: only it runs,
    // and each cause's repro starts the testee again and fails the same way.
    let lying = broken_command("--mode lie");
    let (code, stdout, stderr) = crossfmt(&[
        "run",
        "--testee",
        &lying,
        "--codec",
        "msgpack/broken",
        "--check",
        "roundtrip",
        "--json",
        &json.to_string_lossy(),
    ]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let rows = report["checks"].as_array().unwrap();
    assert!(
        !rows.is_empty()
            && rows
                .iter()
                .all(|r| r["codecs"] == serde_json::json!(["msgpack/broken"])),
        "{report}"
    );
    let cause = report["causes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["signature"].as_str().unwrap().contains("value-changed"))
        .unwrap_or_else(|| panic!("no value-changed cause: {report}"));
    assert!(cause["count"].as_u64().unwrap() > 1, "{cause}");
    let repro = cause["repro"].as_str().unwrap();
    assert!(repro.contains("--testee"), "{repro}");
    let argv = shell_words::split(repro.strip_prefix("crossfmt ").unwrap()).unwrap();
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let (code, stdout, stderr) = crossfmt(&argv);
    assert_eq!(code, 1, "{repro}\n{stdout}\n{stderr}");
    assert!(stdout.contains("value changed"), "{stdout}");

    let failing = broken_command("--mode exit-at-hello");
    let (code, _, stderr) = crossfmt(&["run", "--testee", &failing]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("exiting at hello on purpose"), "{stderr}");
}

/// The example testee in conformance/PROTOCOL.md works as printed.
#[test]
fn the_protocol_documents_a_working_testee() {
    let doc = std::fs::read_to_string(crate::util::root().join("conformance/PROTOCOL.md")).unwrap();
    let section = &doc[doc.find("### By hand").expect("the section")..];
    let start = section.find("```python\n").expect("a python block") + "```python\n".len();
    let code = &section[start..start + section[start..].find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("testee.py");
    std::fs::write(&script, code).unwrap();
    let cmd = format!("python3 {}", shell_quote(&script.to_string_lossy()));
    let c = external::start(&cmd, Limits::default()).unwrap().remove(0);
    assert_eq!(c.id(), "json/python-json");

    let corpus = corpus::load(&corpus::builtin_root()).unwrap();
    let mut passed = 0;
    for case in &corpus.values {
        match roundtrip::value_first(c.as_ref(), &case.value) {
            Ok(Verdict::Pass) => passed += 1,
            Ok(Verdict::Skip(_)) => {}
            Err(f) => panic!("{}: {f}", case.name),
        }
    }
    assert!(passed > 20, "only {passed} values passed");
    for case in corpus.bytes_of(Format::Json) {
        if let Err(f) = roundtrip::bytes_first(c.as_ref(), &case.bytes) {
            assert!(f.panic().is_none(), "{}: {f}", case.name);
        }
    }
}

#[test]
fn codecs_lists_what_a_testee_announces() {
    let served = format!("{} testee --codec msgpack/rmpv", shell_quote(CROSSFMT));
    let (code, stdout, stderr) = crossfmt(&["codecs", "--testee", &served]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    // The testee's rmpv takes the built-in's place, with its declared caps.
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("msgpack/rmpv "))
        .collect();
    assert_eq!(rows.len(), 1, "{stdout}");
    assert!(rows[0].contains("ext"), "{stdout}");
    assert!(stderr.contains("msgpack/rmpv"), "{stderr}");
    let (code, _, stderr) = crossfmt(&["codecs", "--testee", "/nonexistent/testee"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("/nonexistent/testee"), "{stderr}");
}

/// The Python helper (conformance/testees/python/crossfmt_testee.py): a
/// testee of a dozen lines wrapping Python's json module runs clean through
/// the corpus and generated values, and a planted bug in it is found, its
/// generated value shrunk over the pipe.
#[test]
fn a_testee_written_with_the_python_helper_runs_and_its_bug_is_found() {
    let testee = helper_json();
    let args = |cmd: &str| {
        vec![
            "run".to_string(),
            "--testee".to_string(),
            cmd.to_string(),
            "--codec".to_string(),
            "json/helper-json".to_string(),
            "--check".to_string(),
            "roundtrip".to_string(),
            "--check".to_string(),
            "roundtrip-bytes".to_string(),
            "--seed".to_string(),
            "1".to_string(),
        ]
    };
    let argv = args(&testee);
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let (code, stdout, stderr) = crossfmt(&argv);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("generated  roundtrip") && stdout.contains("json/helper-json"),
        "{stdout}"
    );

    let buggy = format!("{testee} --bug");
    let argv = args(&buggy);
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let (code, stdout, stderr) = crossfmt(&argv);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("roundtrip|json/helper-json|value-changed"),
        "{stdout}"
    );
    // The generated values found it too (one cause with the corpus's).
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("generated  roundtrip") && l.ends_with("FOUND")),
        "{stdout}"
    );
}

/// An encoder that dies just past the depth it declares (the helper
/// testee's `--deep-bug`, as a C extension without a depth check would) is
/// found by the stress probes, as the crash it is, with a repro that names
/// the probe; written correctly, every probe passes or is skipped.
#[test]
fn stress_probes_find_an_encoder_that_dies_past_its_depth() {
    let testee = helper_json();
    let run = |cmd: &str| {
        crossfmt(&[
            "run",
            "--testee",
            cmd,
            "--codec",
            "json/helper-json",
            "--check",
            "stress",
        ])
    };
    let (code, stdout, stderr) = run(&testee);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("stress  json/helper-json     12"),
        "{stdout}"
    );

    let (code, stdout, stderr) = run(&format!("{testee} --deep-bug"));
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("json/helper-json crashed (probe deep-array/past-limit: 101 nested arrays"),
        "{stdout}"
    );
    assert!(stdout.contains("--probe deep-array/past-limit"), "{stdout}");
    // One cause, both past-limit probes (arrays and maps); nothing at the limit.
    assert!(
        stdout.contains("stress  json/helper-json     12       8       2"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("case stress/deep-array/at-limit"),
        "{stdout}"
    );
}

/// A library that reads MessagePack timestamps into microsecond datetimes
/// (msgpack-python with `timestamp=3`, through the Python helper) loses
/// nanoseconds by design. Declared (`timestamp_precision: "us"`), the finer
/// timestamps are outside its model and never a finding; undeclared, each
/// is one (the testee's `--claim-ns`, all a testee could say before).
#[test]
fn a_declared_timestamp_precision_keeps_by_design_truncation_out_of_findings() {
    crate::util::reference_testee(); // the venv, with msgpack pinned
    let script = crate::util::here("testees/helper_msgpack_datetime.sh");
    let testee = shell_quote(&script.to_string_lossy()).to_string();
    let run = |cmd: &str| {
        crossfmt(&[
            "run",
            "--testee",
            cmd,
            "--codec",
            "msgpack/datetime",
            "--check",
            "roundtrip",
            "--seed",
            "2",
        ])
    };
    let truncated = "roundtrip|msgpack/datetime|value-changed|ext->ext";
    let (code, stdout, stderr) = run(&testee);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(!stdout.contains(truncated), "{stdout}");
    let (code, stdout, stderr) = run(&format!("{testee} --claim-ns"));
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stdout.contains(truncated), "{stdout}");
}

/// The helper testee `tests/testees/helper_json.py`, as a `--testee` command.
fn helper_json() -> String {
    let script = crate::util::here("testees/helper_json.py");
    format!("python3 {}", shell_quote(&script.to_string_lossy()))
}

/// `conformance --testee` pushes generated values through the testee's
/// codecs as `run --testee` does: the helper's planted bug (map keys
/// written sorted) is in no suite case, so with generation off the run is
/// green; with it on the shrunk value is found and fails the run, and the
/// same testee written correctly stays green.
#[test]
fn conformance_pushes_generated_values_through_a_testee() {
    let dir = tempfile::tempdir().unwrap();
    // The helper's by-design choices (json.loads takes NaN and lone
    // surrogates), recorded as an author would.
    let expected = dir.path().join("expected.txt");
    std::fs::write(
        &expected,
        "conformance json/helper-json json-crossfmt/n/number/nan* false-accept -- json.loads reads NaN\n\
         conformance json/helper-json json-crossfmt/n/number/*infinity false-accept -- json.loads reads Infinity\n\
         conformance json/helper-json json-crossfmt/n/utf8/surrogate-* false-accept -- json.loads keeps lone surrogates\n",
    )
    .unwrap();
    let run = |cmd: &str, generated: &str| {
        crossfmt(&[
            "conformance",
            "--testee",
            cmd,
            "--codec",
            "json/helper-json",
            "--suite",
            "json-crossfmt",
            "--expected",
            &expected.to_string_lossy(),
            "--generated",
            generated,
            "--seed",
            "1",
        ])
    };
    let testee = helper_json();
    let buggy = format!("{testee} --bug");

    let (code, stdout, stderr) = run(&buggy, "0");
    assert_eq!(
        code, 0,
        "the suite alone misses the bug\n{stdout}\n{stderr}"
    );
    assert!(!stdout.contains("generated  "), "{stdout}");

    let (code, stdout, stderr) = run(&testee, "100");
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("generated  roundtrip") && l.ends_with("ok")),
        "{stdout}"
    );
    assert!(stderr.contains("--seed 1"), "{stderr}");

    let (code, stdout, stderr) = run(&buggy, "100");
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("generated  roundtrip") && l.ends_with("FOUND")),
        "{stdout}"
    );
    assert!(
        stdout.contains("roundtrip [json/helper-json]: value changed")
            && stdout.contains("repro:    crossfmt check roundtrip --testee"),
        "{stdout}"
    );
}

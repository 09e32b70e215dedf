//! The conformance runner end to end: fake codecs that lie, accept
//! everything, reject everything, panic or fail, run over a small suite and
//! classified; expected-failure lists (expected failures, unexpected passes,
//! stale entries); and the `crossfmt conformance` command's exit codes and
//! report files.

use crossfmt::caps::{Caps, IntRange};
use crossfmt::conformance::expected::FailureList;
use crossfmt::conformance::matrix::Status;
use crossfmt::conformance::runner::{self, Options};
use crossfmt::conformance::{suite, Matrix};
use crossfmt::run::Quiet;
use crossfmt::{Codec, CodecError, Format, Registry, Value};
use crossfmt::{CodecRef, ErrorKind};
use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// How a fake codec answers every call.
#[derive(Clone, Copy)]
enum Behaviour {
    /// Decodes everything to 42, encodes everything as `ff`.
    Lies,
    /// Decodes everything to null, encodes everything as `c0`.
    AcceptsAll,
    RejectsAll,
    Panics,
    Fails(ErrorKind),
    /// Decodes `01` to 1 and rejects the rest, encodes 1 as `01`: conforms
    /// on the suite below.
    Right,
}

struct Fake {
    id: String,
    b: Behaviour,
    bound: Arc<AtomicUsize>,
}

fn fake(id: &str, b: Behaviour) -> CodecRef {
    Arc::new(Fake {
        id: format!("msgpack/{id}"),
        b,
        bound: Arc::new(AtomicUsize::new(0)),
    })
}

impl Codec for Fake {
    fn id(&self) -> &str {
        &self.id
    }
    fn format(&self) -> Format {
        Format::MsgPack
    }
    fn caps(&self) -> Caps {
        Caps {
            null: true,
            ints: IntRange::I64_U64,
            max_depth: 8,
            ..Caps::NONE
        }
    }
    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        match self.b {
            Behaviour::Lies => Ok(vec![0xff]),
            Behaviour::AcceptsAll => Ok(vec![0xc0]),
            Behaviour::RejectsAll => Err(CodecError::encode("never")),
            Behaviour::Panics => panic!("encode exploded"),
            Behaviour::Fails(k) => Err(CodecError::failure(k, "process trouble")),
            Behaviour::Right if *v == Value::Int(1) => Ok(vec![1]),
            Behaviour::Right => Err(CodecError::encode("only 1")),
        }
    }
    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        match self.b {
            Behaviour::Lies => Ok(Value::Int(42)),
            Behaviour::AcceptsAll => Ok(Value::Null),
            Behaviour::RejectsAll => Err(CodecError::syntax("never")),
            Behaviour::Panics => panic!("decode exploded"),
            Behaviour::Fails(k) => Err(CodecError::failure(k, "process trouble")),
            Behaviour::Right if b == [1] => Ok(Value::Int(1)),
            Behaviour::Right => Err(CodecError::syntax("only 01")),
        }
    }
    fn for_schema(&self, schema: &str) -> Result<CodecRef, CodecError> {
        self.bound.fetch_add(1, Ordering::SeqCst);
        if schema == "good" {
            Ok(Arc::new(Fake {
                id: self.id.clone(),
                b: self.b,
                bound: self.bound.clone(),
            }))
        } else {
            Err(CodecError::unsupported(format!("no schema {schema}")))
        }
    }
}

const SUITE: &str = r#"{"suite": "t", "cases": [
 {"id": "t/accept", "format": "msgpack", "source": "s", "level": "required", "op": "decode",
  "input": "01", "expect": "accept", "value": "1"},
 {"id": "t/reject", "format": "msgpack", "source": "s", "level": "required", "op": "decode",
  "input": "c1", "expect": "reject"},
 {"id": "t/either", "format": "msgpack", "source": "s", "level": "required", "op": "decode",
  "input": "c1", "expect": "implementation-defined"},
 {"id": "t/text", "format": "msgpack", "source": "s", "level": "recommended", "op": "decode",
  "input": "a161", "expect": "accept", "value": "\"a\""},
 {"id": "t/encode", "format": "msgpack", "source": "s", "level": "required", "op": "encode",
  "value": "1", "encodings": ["01", "cc01"]},
 {"id": "t/encode-reject", "format": "msgpack", "source": "s", "level": "required", "op": "encode",
  "value": "-1", "expect": "reject"},
 {"id": "t/schema-1", "format": "msgpack", "schema": "good", "source": "s", "level": "required",
  "op": "decode", "input": "01", "expect": "accept", "value": "1"},
 {"id": "t/schema-2", "format": "msgpack", "schema": "good", "source": "s", "level": "required",
  "op": "decode", "input": "01", "expect": "accept", "value": "1"},
 {"id": "t/schema-bad", "format": "msgpack", "schema": "bad", "source": "s", "level": "required",
  "op": "decode", "input": "01", "expect": "accept", "value": "1"},
 {"id": "t/cbor", "format": "cbor", "source": "s", "level": "required", "op": "decode",
  "input": "01", "expect": "accept", "value": "1"}
]}"#;

fn suite_dir(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("suites")).unwrap();
    std::fs::write(dir.path().join("suites/t.json"), text).unwrap();
    dir
}

fn run(codecs: Vec<CodecRef>, lists: Vec<FailureList>) -> Matrix {
    let dir = suite_dir(SUITE);
    let suites = suite::load(&dir.path().join("suites"), &[]).unwrap();
    let cases = suites.into_iter().flat_map(|s| s.cases).collect();
    let opts = Options {
        strict: false,
        check_stale: true,
    };
    runner::run(&Registry::new(codecs), cases, lists, opts, &mut Quiet)
}

#[test]
fn every_in_process_outcome_is_classified() {
    use Behaviour::*;
    let codecs = vec![
        fake("right", Right),
        fake("liar", Lies),
        fake("yes", AcceptsAll),
        fake("no", RejectsAll),
        fake("boom", Panics),
        fake("slow", Fails(ErrorKind::Timeout)),
        fake("big", Fails(ErrorKind::OutOfMemory)),
        fake("dead", Fails(ErrorKind::Crashed)),
    ];
    let n = codecs.len();
    let m = run(codecs, vec![FailureList::default(); n]);
    let row = |id: &str| -> String {
        let c = m.cases.iter().position(|c| c.id == id).unwrap();
        let names: Vec<&str> = m.cells[c]
            .iter()
            .map(|cell| cell.as_ref().unwrap().outcome.kind.name())
            .collect();
        names.join(" ")
    };
    // Columns: right liar yes no, then the four that break down.
    const BROKE: &str = "panic timeout out-of-memory panic";
    assert_eq!(
        row("t/accept"),
        format!("pass wrong-value wrong-value false-reject {BROKE}")
    );
    assert_eq!(
        row("t/reject"),
        format!("pass false-accept false-accept pass {BROKE}")
    );
    assert_eq!(row("t/either"), format!("pass pass pass pass {BROKE}"));
    // The fakes hold no text: skipped, unless the codec broke down.
    assert_eq!(
        row("t/text"),
        format!("skipped skipped skipped skipped {BROKE}")
    );
    assert_eq!(row("t/encode"), row("t/accept"));
    assert_eq!(row("t/encode-reject"), row("t/reject"));
    assert_eq!(row("t/schema-1"), row("t/accept"));
    // A schema the codec refuses: skipped (no call to the codec at all).
    assert_eq!(row("t/schema-bad"), ["skipped"; 8].join(" "));
    // The cbor case applies to none of them.
    let cbor = m.cases.iter().position(|c| c.id == "t/cbor").unwrap();
    assert!(m.cells[cbor].iter().all(Option::is_none));
    assert_eq!(m.unserved(), [("cbor".to_string(), 1)]);

    for (c, case) in m.cases.iter().enumerate() {
        for cell in m.cells[c].iter().flatten() {
            assert!(
                cell.outcome.message.starts_with(cell.outcome.kind.name()),
                "{}: {}",
                case.id,
                cell.outcome.message
            );
        }
    }
    let t = m.totals(0);
    assert_eq!((t.cases, t.pass, t.skipped, t.fail_required), (9, 7, 2, 0));
    let t = m.totals(3);
    assert_eq!((t.fail_required, t.fail_recommended), (4, 0));
    assert!(m.failures()[0].contains("required case(s) failed"));
}

#[test]
fn each_schema_is_bound_once_per_codec() {
    let counter = Arc::new(AtomicUsize::new(0));
    let c: CodecRef = Arc::new(Fake {
        id: "msgpack/schemas".into(),
        b: Behaviour::Right,
        bound: counter.clone(),
    });
    run(vec![c], vec![FailureList::default()]);
    // "good" (two cases) and "bad" (one): two bindings.
    assert_eq!(counter.load(Ordering::SeqCst), 2);
}

fn list(text: &str) -> FailureList {
    FailureList::parse(
        Path::new("expected-failures/msgpack/no.txt"),
        "msgpack/no",
        text,
    )
    .unwrap()
}

#[test]
fn expected_failures_unexpected_passes_and_stale_entries() {
    let l = list(
        "conformance msgpack/no t/accept false-reject err:Syntax:* -- refuses all\n\
         conformance msgpack/no t/encode false-reject err:Encode:* -- refuses all\n\
         # a pass now\n\
         conformance msgpack/no t/reject false-accept -- was lax\n\
         conformance msgpack/no t/schema-* false-reject -- refuses all\n\
         conformance msgpack/no gone/* panic -- a case since removed\n",
    );
    let m = run(vec![fake("no", Behaviour::RejectsAll)], vec![l]);
    let status = |id: &str| {
        let c = m.cases.iter().position(|c| c.id == id).unwrap();
        m.cells[c][0].as_ref().unwrap().status
    };
    assert_eq!(status("t/accept"), Status::ExpectedFailure);
    assert_eq!(status("t/encode"), Status::ExpectedFailure);
    assert_eq!(status("t/schema-1"), Status::ExpectedFailure);
    // Listed, but passes.
    assert_eq!(status("t/reject"), Status::UnexpectedPass);
    // A skip is neither a pass nor a failure, listed or not.
    assert_eq!(status("t/schema-bad"), Status::Skipped);
    assert_eq!(status("t/text"), Status::Skipped);
    assert_eq!(m.stale.len(), 1);
    assert_eq!(m.stale[0].entry.case, "gone/*");
    let t = m.totals(0);
    assert_eq!(
        (
            t.expected_failures,
            t.unexpected_passes,
            t.fail_required,
            t.stale_entries
        ),
        (4, 1, 0, 1)
    );
    let why = m.failures().join("; ");
    assert!(why.contains("1 unexpected pass"), "{why}");
    assert!(why.contains("1 stale"), "{why}");

    // A class that no longer matches: the failure is unexpected again.
    let m = run(
        vec![fake("no", Behaviour::RejectsAll)],
        vec![list(
            "conformance msgpack/no t/accept false-reject err:Limit:* -- a limit",
        )],
    );
    let c = m.cases.iter().position(|c| c.id == "t/accept").unwrap();
    assert_eq!(m.cells[c][0].as_ref().unwrap().status, Status::Fail);
}

#[test]
fn recommended_failures_fail_only_under_strict() {
    // The text case is recommended; a codec that holds text but decodes it wrong.
    let suite = SUITE.replace(r#""value": "\"a\"""#, r#""value": "42""#);
    let dir = suite_dir(&suite);
    let cases: Vec<_> = suite::load(&dir.path().join("suites"), &[])
        .unwrap()
        .into_iter()
        .flat_map(|s| s.cases)
        .filter(|c| c.id == "t/text")
        .collect();
    for strict in [false, true] {
        let opts = Options {
            strict,
            check_stale: true,
        };
        let reg = Registry::new(vec![fake("no", Behaviour::RejectsAll)]);
        let m = runner::run(
            &reg,
            cases.clone(),
            vec![FailureList::default()],
            opts,
            &mut Quiet,
        );
        assert_eq!(m.totals(0).fail_recommended, 1);
        assert_eq!(m.failures().is_empty(), !strict, "strict {strict}");
    }
}

#[test]
fn the_pruned_matrix_groups_identical_rows() {
    use Behaviour::*;
    let m = run(
        vec![fake("right", Right), fake("liar", Lies)],
        vec![FailureList::default(); 2],
    );
    let groups = m.groups();
    let total: usize = groups.iter().map(|g| g.cases.len()).sum();
    assert_eq!(total, m.cases.len());
    // Failing groups come first; all-pass ones last.
    let first_quiet = groups.iter().position(|g| g.all_pass()).unwrap();
    assert!(groups[first_quiet..].iter().all(|g| g.all_pass()));
    // accept, encode, schema-1, schema-2: right passes, the liar gives a wrong value.
    let big = &groups[0];
    let ids: Vec<&str> = big.cases.iter().map(|&c| m.cases[c].id.as_str()).collect();
    assert_eq!(ids, ["t/accept", "t/encode", "t/schema-1", "t/schema-2"]);

    let html = crossfmt_cli::report::matrix_html::render(&m);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        !html.contains("<script src") && !html.contains("<link"),
        "self-contained"
    );
    assert!(html.contains("wrong-value: at top level: expected integer 1, got integer 42"));
    assert!(
        html.contains("<details><summary>1 case(s) in 1 group(s) pass"),
        "{html}"
    );
    let md = crossfmt_cli::report::matrix_md::render(&m);
    assert!(
        md.contains("| 4 | t/accept, t/encode, t/schema-1, t/schema-2 | pass | wrong-value |"),
        "{md}"
    );
    let xml = crossfmt_cli::report::junit::render(&m).unwrap();
    assert!(
        xml.contains(
            r#"<testsuite name="msgpack/liar" tests="9" skipped="2" errors="0" failures="6">"#
        ),
        "{xml}"
    );
    let j: serde_json::Value =
        serde_json::from_str(&crossfmt_cli::report::conformance_json::render(&m)).unwrap();
    let r = &j["cases"][0]["results"]["msgpack/liar"];
    assert_eq!(r["outcome"], "wrong-value");
    assert_eq!(r["expected"], "1");
    assert_eq!(r["actual"], "42");
    assert_eq!(j["cases"][0]["input_hex"], "01");
    assert_eq!(j["implementations"][1]["totals"]["fail_required"], 6);
}

#[test]
fn values_from_cases_are_escaped_in_html() {
    let suite = SUITE.replace(r#""value": "\"a\"""#, r#""value": "\"<b>&\"""#);
    let dir = suite_dir(&suite);
    let cases = suite::load(&dir.path().join("suites"), &[])
        .unwrap()
        .into_iter()
        .flat_map(|s| s.cases)
        .collect();
    let reg = Registry::new(vec![fake("boom", Behaviour::Panics)]);
    let m = runner::run(
        &reg,
        cases,
        vec![FailureList::default()],
        Options::default(),
        &mut Quiet,
    );
    let html = crossfmt_cli::report::matrix_html::render(&m);
    assert!(
        html.contains("&quot;&lt;b&gt;&amp;&quot;") || html.contains("\"&lt;b&gt;&amp;\""),
        "{html}"
    );
    assert!(!html.contains("<b>&"));
}

// --- the command ---------------------------------------------------------

fn crossfmt(args: &[&str], dir: &Path) -> Output {
    crate::util::crossfmt()
        .arg("conformance")
        .arg("--dir")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

fn fixture() -> tempfile::TempDir {
    let src = crate::util::here("fixtures/conformance");
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&src, dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

const RMPV_LIST: &str = "expected-failures/msgpack/rmpv.txt";

#[test]
fn the_fixture_suites_pass_with_their_expected_failures() {
    let dir = fixture();
    let o = crossfmt(&[], dir.path());
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(out.contains("result: ok"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("msgpack/rmpv") && l.contains(" 1 ")),
        "{out}"
    );

    // Without the list, rmpv's acceptance of 0xc1 fails the run.
    std::fs::remove_file(dir.path().join(RMPV_LIST)).unwrap();
    let o = crossfmt(&[], dir.path());
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains(
            "[FAIL] msgpack/rmpv mini-msgpack/decode/never-used-c1: false-accept: decoded null"
        ),
        "{out}"
    );
    assert!(
        out.contains("result: FAILED: 1 required case(s) failed"),
        "{out}"
    );
}

#[test]
fn an_authors_own_list_adds_to_the_directorys() {
    let dir = fixture();
    let list = dir.path().join(RMPV_LIST);
    let own = dir.path().join("my-known.txt");
    // An author's file: other checks' lines are ignored here.
    let text_of_list = std::fs::read_to_string(&list).unwrap();
    std::fs::write(
        &own,
        format!("roundtrip msgpack/mine * value-changed -- not conformance\n{text_of_list}"),
    )
    .unwrap();
    std::fs::remove_file(&list).unwrap();
    let expected = own.to_str().unwrap();
    let o = crossfmt(&["--expected", expected], dir.path());
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(out.contains("result: ok"), "{out}");
    // The same entry in both: still one expected failure, not an error.
    std::fs::write(&list, &text_of_list).unwrap();
    let o = crossfmt(&["--expected", expected], dir.path());
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let o = crossfmt(&["--expected", "/nonexistent/known.txt"], dir.path());
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(err.contains("--expected /nonexistent/known.txt"), "{err}");
}

#[test]
fn unexpected_passes_and_stale_entries_fail_the_command() {
    let dir = fixture();
    std::fs::write(
        dir.path().join("expected-failures/msgpack/rmp-serde.txt"),
        "conformance msgpack/rmp-serde mini-msgpack/decode/nil wrong-value -- was wrong\n\
         conformance msgpack/rmp-serde mini-msgpack/gone/* panic -- a case since removed\n",
    )
    .unwrap();
    let o = crossfmt(&[], dir.path());
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("[UNEXPECTED PASS] msgpack/rmp-serde mini-msgpack/decode/nil: listed at"),
        "{out}"
    );
    assert!(
        out.contains(
            "rmp-serde.txt:2: `conformance msgpack/rmp-serde mini-msgpack/gone/* panic -- a case since removed` matches no case"
        ),
        "{out}"
    );
    // Restricted to one suite, entries for others are not stale.
    let o = crossfmt(&["--suite", "mini-cbor"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).0);
}

#[test]
fn recommended_failures_warn_unless_strict() {
    let dir = fixture();
    let p = dir.path().join("suites/mini-msgpack.json");
    let suite = std::fs::read_to_string(&p).unwrap().replace(
        r#""input": "d90161", "expect": "accept", "value": "\"a\"""#,
        r#""input": "d90161", "expect": "accept", "value": "\"b\"""#,
    );
    std::fs::write(&p, suite).unwrap();
    let o = crossfmt(&["--codec", "msgpack/rmp-serde"], dir.path());
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("[warn] msgpack/rmp-serde mini-msgpack/decode/str8-short: wrong-value"),
        "{out}"
    );
    assert!(out.contains("--strict fails on them"), "{out}");
    let o = crossfmt(&["--codec", "msgpack/rmp-serde", "--strict"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o).0);
}

#[test]
fn input_errors_exit_2_and_say_where() {
    let dir = fixture();
    let o = crossfmt(&["--suite", "nope"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o)
        .1
        .contains("unknown suite \"nope\"; known: mini-cbor, mini-msgpack"));
    let o = crossfmt(&["--case", "nothing/*"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let o = crossfmt(&["--codec", "msgpack/nope"], dir.path());
    assert_eq!(o.status.code(), Some(2));

    let p = dir.path().join("suites/mini-cbor.json");
    let broken = std::fs::read_to_string(&p)
        .unwrap()
        .replace("\"f93e00\"", "\"f93e0\"");
    std::fs::write(&p, broken).unwrap();
    let o = crossfmt(&[], dir.path());
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("mini-cbor.json: case \"mini-cbor/decode/f16-1.5\": input: not hex"),
        "{err}"
    );

    std::fs::write(dir.path().join(RMPV_LIST), "just-a-glob\n").unwrap();
    std::fs::remove_file(&p).unwrap();
    let o = crossfmt(&[], dir.path());
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("rmpv.txt:1: expected `<check> <codec>"),
        "{err}"
    );

    let empty = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(empty.path().join("suites")).unwrap();
    let o = crossfmt(&[], empty.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).1.contains("no suite files (*.json) in "),
        "{}",
        text(&o).1
    );
}

#[test]
fn reports_are_written_where_asked() {
    let dir = fixture();
    let out = tempfile::tempdir().unwrap();
    let p = |n: &str| out.path().join(n);
    let o = crate::util::crossfmt()
        .arg("conformance")
        .arg("--dir")
        .arg(dir.path())
        .arg("--json")
        .arg(p("c.json"))
        .arg("--junit")
        .arg(p("c.xml"))
        .arg("--markdown")
        .arg(p("c.md"))
        .arg("--html")
        .arg(p("html"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let j: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p("c.json")).unwrap()).unwrap();
    assert_eq!(j["interrupted"], false);
    assert_eq!(j["cases"].as_array().unwrap().len(), 16);
    let c1 = j["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "mini-msgpack/decode/never-used-c1")
        .unwrap();
    assert_eq!(c1["results"]["msgpack/rmpv"]["status"], "expected-failure");
    assert_eq!(c1["results"]["msgpack/rmp-serde"]["status"], "pass");
    let xml = std::fs::read_to_string(p("c.xml")).unwrap();
    assert!(
        xml.contains("<skipped message=\"expected failure ("),
        "{xml}"
    );
    let md = std::fs::read_to_string(p("c.md")).unwrap();
    assert!(
        md.contains("| mini-msgpack/decode/never-used-c1 | pass | xfail false-accept |"),
        "{md}"
    );
    let html = std::fs::read_to_string(p("html/index.html")).unwrap();
    assert!(html.contains("never-used-c1") && html.ends_with("</html>\n"));
    let again: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p("html/matrix.json")).unwrap()).unwrap();
    assert_eq!(again, j);
}

#[test]
fn one_case_is_dumped_in_full() {
    let dir = fixture();
    let o = crossfmt(&["--case", "mini-msgpack/decode/never-used-c1"], dir.path());
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    for want in [
        "case mini-msgpack/decode/never-used-c1",
        "source:   spec: 0xc1 is never used",
        "input:    c1",
        "expect:   reject",
        "msgpack/rmpv: false-accept: decoded null [expected-failure]",
        "actual:   null",
    ] {
        assert!(out.contains(want), "{want:?} missing in\n{out}");
    }
}

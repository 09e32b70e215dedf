//! Google's conformance testee protocol, both ways.
//!
//! Client: `crossfmt conformance --google-testee` runs the protobuf suites
//! against an upstream-style testee written in Python on the real
//! `conformance.proto` (`conformance/testees/python/google-testee`), finds a
//! planted bug in it, reads and writes upstream failure lists, and survives
//! the testee crashing, hanging and answering garbage.
//!
//! Server: `crossfmt google-testee` is driven by a small request player
//! built from `conformance.proto` (the generated types crossfmt uses).
//! The suite's JSON cases go through both as JSON requests.

use crossfmt::codecs::protobuf::upstream::proto::{
    conformance_request::Payload, conformance_response::Result as Answer, ConformanceRequest,
    ConformanceResponse, FailureSet, WireFormat,
};
use prost::Message;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn google_testee() -> PathBuf {
    crate::util::reference_testee().with_file_name("google-testee")
}

fn quoted(p: &Path, args: &str) -> String {
    format!("'{}'{args}", p.display())
}

fn conformance(args: &[&str]) -> (i32, String) {
    let out = crate::util::crossfmt()
        .args(["conformance", "--suite", "protobuf-google"])
        .args(args)
        .output()
        .expect("crossfmt runs");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The summary row of implementation `id`: cases, pass, fail required, fail
/// recommended, xfail, xpass, skipped, not run, stale.
fn row(text: &str, id: &str) -> Vec<u64> {
    let line = text
        .lines()
        .find(|l| l.split_whitespace().next() == Some(id))
        .unwrap_or_else(|| panic!("no summary row for {id}:\n{text}"));
    let n: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|x| x.parse().unwrap())
        .collect();
    n
}

#[test]
fn a_python_testee_over_googles_protocol_is_run_and_its_planted_bug_found() {
    let testee = google_testee();
    let (code, text) = conformance(&["--google-testee", &quoted(&testee, "")]);
    assert_eq!(code, 0, "{text}");
    let r = row(&text, "protobuf/google-testee");
    assert!(r[0] >= 2000 && r[1] * 100 >= r[0] * 99, "{text}");

    // The same testee made to drop unknown fields: found, and the
    // failures written as an upstream list name Google's test.
    let dir = tempfile::tempdir().unwrap();
    let lists = dir.path().join("lists");
    let (code, text) = conformance(&[
        "--google-testee",
        &quoted(&testee, " --drop-unknown"),
        "--write-google-failure-list",
        lists.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(
            "[FAIL] protobuf/google-testee protobuf-google/Proto3/UnknownVarint: wrong-value"
        ),
        "{text}"
    );
    let written = std::fs::read_to_string(lists.join("google-testee.txt")).unwrap();
    assert!(
        written.lines().any(|l| l
            .starts_with("Required.Proto3.ProtobufInput.UnknownVarint.ProtobufOutput ")
            && l.contains("# wrong-value")),
        "{written}"
    );

    // That list, given back: its cases are expected failures of the broken
    // testee, and unexpected passes of the correct one.
    let list = lists.join("google-testee.txt");
    let (_, text) = conformance(&[
        "--google-testee",
        &quoted(&testee, " --drop-unknown"),
        "--google-failure-list",
        list.to_str().unwrap(),
    ]);
    // Every named failure written is now expected (some were already, by
    // conformance/expected-failures/protobuf/google-testee.txt).
    let named = written.lines().count() as u64;
    assert!(named >= 2, "{written}");
    assert!(
        row(&text, "protobuf/google-testee")[4] >= named,
        "xfail: {text}"
    );
    assert!(
        !text.contains("[FAIL] protobuf/google-testee protobuf-google/Proto3/UnknownVarint:"),
        "{text}"
    );
    let (code, text) = conformance(&[
        "--google-testee",
        &quoted(&testee, ""),
        "--google-failure-list",
        list.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(
            "[UNEXPECTED PASS] protobuf/google-testee protobuf-google/Proto3/UnknownVarint"
        ),
        "{text}"
    );
}

#[test]
fn a_google_testee_that_crashes_hangs_or_answers_garbage_is_reported_and_restarted() {
    let testee = google_testee();
    for (kind, says) in [
        ("crash", "SIGABRT"),
        ("hang", "no answer within"),
        ("garbage", "protocol error"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = crate::util::crossfmt()
            .env("GOOGLE_TESTEE_MARK", dir.path().join("mark"))
            .args([
                "conformance",
                "--suite",
                "protobuf-google",
                "--case",
                "protobuf-google/Proto3/ValidDataScalar.INT32/*",
                "--timeout-ms",
                "3000",
                "--google-testee",
                &quoted(&testee, &format!(" --misbehave-once {kind}")),
            ])
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(1), "{kind}: {text}");
        assert!(text.contains(says), "{kind}: expected {says:?} in:\n{text}");
        // One case took the blow; the restarted testee passed the rest (the
        // ten decode cases and their ten JSON outputs).
        let r = row(&text, "protobuf/google-testee");
        assert_eq!(r[..3], [20, 19, 1], "{kind}: {text}");
    }
}

/// Plays requests to `crossfmt google-testee` and returns its responses.
fn play(codec: &str, requests: &[ConformanceRequest]) -> Vec<ConformanceResponse> {
    let mut child = Command::new(crate::util::CROSSFMT)
        .args(["google-testee", "--codec", codec])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for r in requests {
        let body = r.encode_to_vec();
        stdin.write_all(&(body.len() as u32).to_le_bytes()).unwrap();
        stdin.write_all(&body).unwrap();
    }
    drop(stdin);
    let mut out = Vec::new();
    child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
    assert!(child.wait().unwrap().success());
    let mut responses = Vec::new();
    let mut at = 0;
    while at < out.len() {
        let n = u32::from_le_bytes(out[at..at + 4].try_into().unwrap()) as usize;
        responses.push(ConformanceResponse::decode(&out[at + 4..at + 4 + n]).unwrap());
        at += 4 + n;
    }
    responses
}

fn binary(message: &str, payload: &[u8]) -> ConformanceRequest {
    ConformanceRequest {
        payload: Some(Payload::ProtobufPayload(payload.to_vec())),
        requested_output_format: WireFormat::Protobuf as i32,
        message_type: message.to_string(),
        ..ConformanceRequest::default()
    }
}

#[test]
fn crossfmt_answers_googles_runner_as_a_testee() {
    const P3: &str = "protobuf_test_messages.proto3.TestAllTypesProto3";
    const P2: &str = "protobuf_test_messages.proto2.TestAllTypesProto2";
    // optional_int32 = 5, then unknown field 555 = 1.
    let with_unknown = [0x08, 0x05, 0xd8, 0x22, 0x01];
    let requests = [
        ConformanceRequest {
            message_type: "conformance.FailureSet".into(),
            ..ConformanceRequest::default()
        },
        binary(P3, &with_unknown),
        binary(P2, &[0x08, 0x80, 0x01]),
        binary(P3, &[0x08]),
        ConformanceRequest {
            payload: Some(Payload::JsonPayload("{}".into())),
            requested_output_format: WireFormat::Protobuf as i32,
            message_type: P3.into(),
            ..ConformanceRequest::default()
        },
        binary(
            "protobuf_test_messages.editions.proto3.TestAllTypesProto3",
            &[],
        ),
    ];
    for (codec, unknown_kept) in [("protobuf/prost", false), ("protobuf/prost-reflect", true)] {
        let r = play(codec, &requests);
        assert_eq!(r.len(), requests.len(), "{codec}");
        let payload = |i: usize| match &r[i].result {
            Some(Answer::ProtobufPayload(p)) => p.clone(),
            other => panic!("{codec}: request {i}: {other:?}"),
        };
        assert_eq!(
            FailureSet::decode(payload(0).as_slice()).unwrap(),
            FailureSet::default()
        );
        let kept: &[u8] = if unknown_kept {
            &with_unknown
        } else {
            &with_unknown[..2]
        };
        assert_eq!(payload(1), kept, "{codec}: unknown fields");
        assert_eq!(payload(2), [0x08, 0x80, 0x01], "{codec}: proto2");
        assert!(
            matches!(&r[3].result, Some(Answer::ParseError(_))),
            "{codec}: {:?}",
            r[3]
        );
        // JSON in: prost-reflect reads it (its serde support), prost's
        // generated code has no JSON and skips.
        if unknown_kept {
            assert_eq!(payload(4), Vec::<u8>::new(), "{codec}: {{}} in JSON");
        } else {
            assert!(
                matches!(&r[4].result, Some(Answer::Skipped(_))),
                "{codec}: {:?}",
                r[4]
            );
        }
        assert!(
            matches!(&r[5].result, Some(Answer::Skipped(_))),
            "{codec}: {:?}",
            r[5]
        );
    }
}

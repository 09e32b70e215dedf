//! The `crossfmt` binary as a user and CI see it: exit codes, the summary,
//! the JSON shape, and errors that name the offending input.

use std::path::PathBuf;
use std::process::Command;

fn crossfmt() -> Command {
    crate::util::crossfmt()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("crossfmt-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn run_on_the_builtin_corpus_is_clean_and_writes_json() {
    let dir = tmp("run");
    let json = dir.join("run.json");
    let out = crossfmt()
        .args(["run", "--json"])
        .arg(&json)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "exit {:?}\n{stdout}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("result: ok, nothing unexpected"),
        "{stdout}"
    );
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(j["unexpected"], 0);
    let ids: Vec<&str> = j["codecs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    for id in [
        "msgpack/rmp-serde",
        "msgpack/rmpv",
        "cbor/ciborium",
        "json/serde_json",
        "pickle/serde-pickle",
        "protobuf/prost",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let checks = j["checks"].as_array().unwrap();
    for name in [
        "roundtrip",
        "roundtrip-bytes",
        "cross_format",
        "differential",
    ] {
        let ran: usize = checks
            .iter()
            .filter(|c| c["check"] == name)
            .map(|c| c["cases"].as_u64().unwrap() as usize)
            .sum();
        assert!(ran > 0, "{name} ran no case");
    }
    for c in checks {
        let t = |k: &str| c[k].as_u64().unwrap();
        assert_eq!(t("cases"), t("passed") + t("failed") + t("skipped"), "{c}");
    }
    for f in j["findings"].as_array().unwrap() {
        assert!(f["known"].is_string(), "unexpected finding in JSON: {f}");
        for k in [
            "check",
            "kind",
            "codecs",
            "signature",
            "headline",
            "input_hex",
            "outcomes",
        ] {
            assert!(!f[k].is_null(), "{k} missing in {f}");
        }
    }
}

#[test]
fn a_stale_known_finding_fails_the_run() {
    let dir = tmp("stale");
    let list = dir.join("known.txt");
    std::fs::write(
        &list,
        "roundtrip json/serde_json int-zero * -- json cannot write zero (not true)\n",
    )
    .unwrap();
    let out = crossfmt()
        .args([
            "run",
            "--codec",
            "json/serde_json",
            "--check",
            "roundtrip",
            "--known",
        ])
        .arg(&list)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("no longer occur"), "{stdout}");
}

#[test]
fn usage_and_input_errors_exit_2_and_name_the_input() {
    let out = crossfmt()
        .args(["run", "--codec", "nope/nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown codec \"nope/nope\""));

    let dir = tmp("badcorpus");
    std::fs::create_dir_all(dir.join("values")).unwrap();
    std::fs::write(dir.join("values/broken.diag"), "[1, 2").unwrap();
    let out = crossfmt()
        .args(["run", "--corpus"])
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("broken.diag"), "{stderr}");
}

#[test]
fn convert_and_check_round_trip_through_the_cli() {
    let out = crossfmt()
        .args(["convert", "--from", "diag", "--to", "msgpack/rmpv", "--hex"])
        .arg(write_tmp("v.diag", "[1, \"a\", 1.5_2]"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hex = String::from_utf8(out.stdout).unwrap();
    assert_eq!(hex.trim(), "9301a161ca3fc00000");
    let out = crossfmt()
        .args(["convert", "--from", "cbor", "--to", "diag", "--hex"])
        .arg(write_tmp("c.hex", "83 01 02 03"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), "[1, 2, 3]");
    let out = crossfmt()
        .args([
            "check",
            "roundtrip",
            "--codec",
            "msgpack/rmpv",
            "--value",
            "{1: [h'00', -0.0]}",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), "pass");
}

#[test]
fn inspect_shows_every_implementation() {
    let out = crossfmt()
        .args(["inspect", "--format", "msgpack", "--hex"])
        .arg(write_tmp("i.hex", "c1"))
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("00000000  c1"), "{s}");
    assert!(
        s.contains("msgpack/rmp-serde:") && s.contains("msgpack/rmpv:"),
        "{s}"
    );
    assert!(
        s.contains("error"),
        "0xc1 is reserved and must be rejected: {s}"
    );
}

fn write_tmp(name: &str, text: &str) -> PathBuf {
    let p = tmp(name).join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// CROSSFMT_DATA points every command at another data directory (an
/// author's copy with their own cases); one that is not a data directory is
/// a usage error naming it.
#[test]
fn crossfmt_data_names_another_data_directory() {
    let dir = tmp("data");
    std::fs::create_dir_all(dir.join("corpus/values")).unwrap();
    std::fs::create_dir_all(dir.join("conformance/suites")).unwrap();
    std::fs::write(dir.join("corpus/values/only-one.diag"), "[1, \"one\"]\n").unwrap();
    let out = crossfmt()
        .env("CROSSFMT_DATA", &dir)
        .args(["run", "--check", "roundtrip", "--codec", "json/serde_json"])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("1 cases: 1 passed"), "{stdout}");
    assert!(
        stderr.contains(&*dir.join("corpus").to_string_lossy()),
        "{stderr}"
    );

    let missing = dir.join("nowhere");
    let out = crossfmt()
        .env("CROSSFMT_DATA", &missing)
        .args(["run"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("CROSSFMT_DATA") && stderr.contains(&*missing.to_string_lossy()),
        "{stderr}"
    );
}

#[test]
fn init_sets_up_a_crate_and_never_overwrites() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let init = |extra: &[&str]| {
        crossfmt()
            .args([
                "init",
                "--codec",
                "my_cbor::Mine::default()",
                "--format",
                "cbor",
            ])
            .arg("--path")
            .arg(dir.path())
            .args(extra)
            .output()
            .unwrap()
    };
    // Not a crate yet: a usage error naming the manifest.
    let o = init(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Cargo.toml"));

    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"my-cbor\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    let o = init(&[]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("cargo add --dev crossfmt"), "{out}");
    let read = |p: &str| std::fs::read_to_string(dir.path().join(p)).unwrap();
    assert!(read("tests/crossfmt.rs").contains("check_codec(my_cbor::Mine::default())"));
    assert!(read("crossfmt-known.txt").contains("cbor/my-cbor"));
    let manifest = read("fuzz/Cargo.toml");
    // One [[bin]] per target the harness defines for a codec of the format.
    for t in crossfmt::fuzz::targets_for(crossfmt::Format::Cbor) {
        assert!(
            manifest.contains(&format!("name = \"{}\"", t.name)),
            "{manifest}"
        );
        let target = read(&format!("fuzz/fuzz_targets/{}.rs", t.name));
        assert!(
            target.contains(&format!(
                "codec_target!(\n    {},\n    my_cbor::Mine::default()",
                t.name
            )),
            "{target}"
        );
        assert_eq!(
            read(&format!("fuzz/options/{}.options", t.name)),
            crossfmt::fuzz::options_text(&t)
        );
    }
    assert!(
        manifest.contains("my-cbor = { path = \"..\" }"),
        "{manifest}"
    );
    assert!(!read("fuzz/dict/cbor.dict").is_empty());
    let mode = std::fs::metadata(dir.path().join(".clusterfuzzlite/build.sh"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o111, 0o111);
    assert!(read(".clusterfuzzlite/Dockerfile").contains("COPY . $SRC/my-cbor"));

    // A second run writes nothing and lists what is in the way.
    std::fs::write(dir.path().join("crossfmt-known.txt"), "mine\n").unwrap();
    let o = init(&[]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("nothing written") && err.contains("  crossfmt-known.txt"),
        "{err}"
    );
    assert_eq!(read("crossfmt-known.txt"), "mine\n");
}

#[test]
fn stream_lists_the_records_and_names_the_cut_one() {
    let dir = tmp("stream");
    // 1, "abc", [1, 2], then a str8 of 5 bytes cut after 2.
    let file = dir.join("log.msgpack");
    std::fs::write(&file, b"\x01\xa3abc\x92\x01\x02\xd9\x05ab").unwrap();
    let out = crossfmt()
        .args(["stream", "--format", "msgpack", "--records"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    for line in [
        "0x00000000         1  1",
        "0x00000001         4  \"abc\"",
        "0x00000005         3  [1, 2]",
        "3 record(s) in 8 bytes",
        "error: record at offset 0x8",
    ] {
        assert!(stdout.contains(line), "{line:?} missing from:\n{stdout}");
    }
    // The same file read by a testee's own reader (the built-in server).
    let testee = format!("{} testee --codec msgpack/rmpv", crate::util::CROSSFMT);
    let out = crossfmt()
        .args([
            "stream",
            "--testee",
            &testee,
            "--codec",
            "msgpack/rmpv",
            "--records",
        ])
        .arg(&file)
        .output()
        .unwrap();
    let through = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{through}");
    assert!(
        through.contains("0x00000005         3  [1, 2]"),
        "{through}"
    );
    assert!(through.contains("error: record at offset 0x8"), "{through}");
    std::fs::write(&file, b"\x01\xa3abc").unwrap();
    let out = crossfmt()
        .args(["stream", "-f", "msgpack"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("2 record(s) in 5 bytes"), "{stdout}");
    let out = crossfmt()
        .args(["stream", "-f", "msgpack"])
        .arg(dir.join("missing"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing"));
}

#[test]
fn a_stream_finding_reproduces_through_a_testee() {
    // The planted reader (bug (e)) served by `crossfmt testee`: the pieces
    // go over the pipe and the finding is the in-process one.
    let testee = format!("{} testee --codec planted/buggy", crate::util::CROSSFMT);
    let out = crossfmt()
        .args([
            "check",
            "chunked",
            "--testee",
            &testee,
            "--codec",
            "planted/buggy",
        ])
        .args(["--format", "msgpack", "--hex", "a2c280"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if crossfmt::codecs::planted::enabled('e') {
        assert_eq!(out.status.code(), Some(1), "{stdout}");
        assert!(
            stdout.contains("reads other records when the bytes arrive in pieces"),
            "{stdout}"
        );
    } else {
        assert_eq!(out.status.code(), Some(0), "{stdout}");
    }
}

/// A `.proto` file of a user's, outside the repository, with an import
/// found through `--proto-path`: `run` tests the message with its samples
/// (round trips, bytes first, cross-format), `convert` and `inspect` read it
/// by the same id, and a schema that does not compile is a usage error
/// naming the file, line and column.
#[test]
fn a_proto_message_of_the_users_is_a_codec() {
    let dir = tempfile::tempdir().unwrap();
    let lib = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(lib.path().join("units")).unwrap();
    std::fs::write(
        lib.path().join("units/len.proto"),
        "syntax = \"proto2\";\npackage units;\nmessage Length { optional double metres = 1; }\n",
    )
    .unwrap();
    let file = dir.path().join("route.proto");
    std::fs::write(
        &file,
        "syntax = \"proto3\";\npackage nav;\nimport \"units/len.proto\";\n\
         message Route { string name = 1; repeated units.Length legs = 2; map<int64, bool> seen = 3;\n\
         oneof end { uint32 stop = 4; string city = 5; } }\n",
    )
    .unwrap();
    let id = format!("protobuf:{}#nav.Route", file.display());
    let include = lib.path().to_string_lossy().to_string();

    let out = crossfmt()
        .args([
            "run",
            "--proto-path",
            &include,
            "--codec",
            &id,
            "--codec",
            "cbor/ciborium",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for check in ["roundtrip", "roundtrip-bytes", "cross_format"] {
        let passed = crate::util::passed(&stdout, check, &id);
        assert!(passed >= 50, "{check}: {passed} passed\n{stdout}");
    }

    let convert = |args: &[&str], input: &str| {
        use std::io::Write;
        let mut child = crossfmt()
            .args(["--proto-path", &include, "convert", "--hex"])
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let hex = convert(
        &["--from", "diag", "--to", &id],
        r#"{2: [{1: 1.5}], 5: "Oslo"}"#,
    );
    assert_eq!(hex.trim(), "120909000000000000f83f2a044f736c6f");
    let back = convert(&["--from", &id, "--to", "diag"], &hex);
    assert_eq!(back.trim(), r#"{2: [{1: 1.5}], 5: "Oslo"}"#);

    std::fs::write(
        &file,
        "syntax = \"proto3\";\nmessage Route {\n  strin name = 1;\n}\n",
    )
    .unwrap();
    let out = crossfmt()
        .args([
            "run",
            "--codec",
            &format!("protobuf:{}#Route", file.display()),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:3:3: ", file.display())),
        "{stderr}"
    );
}

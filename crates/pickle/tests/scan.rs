//! The pickle scanner against its corpora (corpus/pickles/): every malicious
//! file dangerous for the reason the manifest gives, every benign file safe,
//! every global CPython's `find_class` was asked for (find_class.tsv) in the
//! scanner's inventory, outputs that parse, and bounded work on hostile input.
//!
//! A scan never executes anything, by construction: the scanner is Rust code
//! that reads opcodes; no Python is started by it or by these tests (the
//! corpora and the oracle's TSV are generated offline and committed).

use crossfmt_pickle::scan::{
    output, scan_bytes, scan_file, Kind, Limits, Policy, Report, Severity, OPS_PER_BYTE,
};
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/pickles")
}

fn tsv(name: &str) -> Vec<Vec<String>> {
    std::fs::read_to_string(dir().join(name))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn scan(file: &str) -> Report {
    scan_with(file, "default")
}

fn scan_with(file: &str, preset: &str) -> Report {
    scan_file(
        &dir().join(file),
        &Policy::preset(preset).unwrap(),
        Limits::default(),
        1 << 30,
    )
    .unwrap()
}

#[test]
fn every_corpus_file_gets_the_manifest_verdict_and_reason() {
    let rows = tsv("MANIFEST.tsv");
    assert!(rows.len() > 60, "manifest has {} rows", rows.len());
    let mut wrong = Vec::new();
    for row in &rows {
        let (file, verdict, global, preset) = (&row[0], &row[1], &row[2], &row[3]);
        let r = scan_with(file, preset);
        if r.verdict.to_string() != *verdict {
            let got = r.verdict;
            wrong.push(format!(
                "{file}: {got} expected {verdict}\n{}",
                output::text(&[r])
            ));
            continue;
        }
        if global != "-"
            && !r
                .findings
                .iter()
                .any(|f| f.severity == Severity::Dangerous && f.global.as_deref() == Some(global))
        {
            wrong.push(format!(
                "{file}: no dangerous finding names {global}\n{}",
                output::text(&[r])
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} files wrong:\n{}",
        wrong.len(),
        rows.len(),
        wrong.join("\n")
    );
}

#[test]
fn scanner_names_every_global_cpython_asks_find_class_for() {
    let rows = tsv("find_class.tsv");
    assert!(rows.len() > 40);
    let mut missing = Vec::new();
    for row in &rows {
        let (file, place, global) = (&row[0], &row[1], &row[2]);
        let r = scan(file);
        if !r
            .globals
            .iter()
            .any(|g| &g.global == global && &g.location == place)
        {
            missing.push(format!("{file} {place} {global}"));
        }
    }
    assert!(
        missing.is_empty(),
        "missing globals:\n{}",
        missing.join("\n")
    );
}

#[test]
fn a_check_that_can_fail_an_allowlisted_global_is_not_flagged_and_a_policy_can_flag_it() {
    let p = Policy::parse("dangerous builtins.set\n").unwrap();
    let bytes = std::fs::read(dir().join("benign/native_p2.pkl")).unwrap();
    assert_eq!(
        scan_bytes("x", &bytes, &Policy::default_policy(), Limits::default()).verdict,
        Severity::Safe
    );
    let r = scan_bytes("x", &bytes, &p, Limits::default());
    assert_eq!(r.verdict, Severity::Dangerous);
    assert!(r
        .findings
        .iter()
        .any(|f| f.global.as_deref() == Some("__builtin__.set")
            || f.global.as_deref() == Some("builtins.set")));
}

#[test]
fn json_parses_and_carries_the_findings() {
    let reports = vec![
        scan("malicious/stack_global_memo.pkl"),
        scan("benign/native_p4.pkl"),
    ];
    let j: serde_json::Value = serde_json::from_str(&output::json(&reports)).unwrap();
    assert_eq!(j["files"][0]["verdict"], "dangerous");
    assert_eq!(j["files"][1]["verdict"], "safe");
    let f = j["files"][0]["findings"].as_array().unwrap();
    assert!(f.iter().any(|f| f["global"] == "os.system"
        && f["kind"] == "import"
        && f["opcode"] == "STACK_GLOBAL"));
}

#[test]
fn zip_members_are_located_by_name() {
    let r = scan("malicious/torch_zip_no_central_dir.pt");
    assert_eq!(r.container, "zip");
    assert!(r.findings.iter().any(|f| f.kind == Kind::Container));
    assert!(r
        .findings
        .iter()
        .any(|f| f.location == "archive/data.pkl#0" && f.global.as_deref() == Some("os.system")));
    let r = scan("malicious/concatenated_second_bad.pkl");
    assert!(
        r.findings.iter().all(|f| f.location == "#1"),
        "{}",
        output::text(&[r])
    );
}

#[test]
fn a_zip_header_that_is_also_a_pickle_is_read_both_ways() {
    // `PK\x03\x04\n` is PERSID with the line `K\x03\x04` to pickle.load.
    let poly = b"PK\x03\x04\ncos\nsystem\n(S'x'\ntR.";
    let r = scan_bytes("poly", poly, &Policy::default_policy(), Limits::default());
    assert_eq!(r.container, "zip+raw");
    assert_eq!(r.verdict, Severity::Dangerous);
    assert!(r
        .findings
        .iter()
        .any(|f| f.location == "#0" && f.global.as_deref() == Some("os.system")));
    // A plain zip is not flagged for failing to be a pickle.
    let r = scan("benign/torch_zip_benign.pt");
    assert_eq!((r.container, r.verdict), ("zip", Severity::Safe));
}

#[test]
fn many_appended_pickles_are_safe_and_a_payload_after_them_is_found() {
    // 5000 records, each `pickle.dump` of a small dict (protocol 4), as a log
    // written one row at a time: every one scanned, none a limit.
    let record = b"\x80\x04\x95\x0a\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x01k\x94K\x07s.";
    let mut log: Vec<u8> = record.repeat(5000);
    let r = scan_bytes(
        "log.pkl",
        &log,
        &Policy::default_policy(),
        Limits::default(),
    );
    assert_eq!(r.verdict, Severity::Safe, "{:?}", r.findings.first());
    // The same log with `os.system` in its last record.
    log.extend_from_slice(b"\x80\x02cos\nsystem\nX\x04\x00\x00\x00echo\x85R.");
    let r = scan_bytes(
        "log.pkl",
        &log,
        &Policy::default_policy(),
        Limits::default(),
    );
    assert_eq!(r.verdict, Severity::Dangerous);
    let f = r
        .findings
        .iter()
        .find(|f| f.severity == Severity::Dangerous)
        .unwrap();
    assert_eq!(f.location, "#5000", "{f:?}");
}

#[test]
fn broken_streams_report_what_came_before_the_break() {
    let r = scan("malicious/truncated_after_reduce.pkl");
    let call = r
        .findings
        .iter()
        .position(|f| f.kind == Kind::Call)
        .unwrap();
    let brk = r
        .findings
        .iter()
        .position(|f| f.kind == Kind::Break)
        .unwrap();
    assert!(call < brk);
    for (file, kind) in [
        ("malicious/frame_too_short.pkl", Kind::Frame),
        ("malicious/frame_too_long.pkl", Kind::Frame),
        ("malicious/proto_twice.pkl", Kind::Proto),
        ("malicious/unknown_opcode_after.pkl", Kind::Break),
    ] {
        assert!(
            scan(file).findings.iter().any(|f| f.kind == kind),
            "{file}: no {kind:?}"
        );
    }
}

#[test]
fn work_is_bounded_by_the_input_on_hostile_pickles() {
    // 1 MiB of MEMOIZE after one value, then a call: every op is processed
    // once, the memo stays capped, and the call is still found.
    let mut bomb = vec![0x80, 4, b'N'];
    bomb.extend(std::iter::repeat_n(0x94u8, 1 << 20));
    bomb.extend_from_slice(b"0cos\nsystem\n(S'x'\ntR.");
    let r = scan_bytes("bomb", &bomb, &Policy::default_policy(), Limits::default());
    assert!(
        r.ops <= bomb.len() as u64,
        "{} ops for {} bytes",
        r.ops,
        bomb.len()
    );
    assert!(r.ops > 1 << 20);
    assert_eq!(r.verdict, Severity::Dangerous);
    assert!(r.findings.iter().any(|f| f.kind == Kind::Limit));

    // Nested pickles: each level is a fresh scan of bytes that are part of
    // the input, and nesting stops at the depth bound.
    let mut p = b"cos\nsystem\n(S'x'\ntR.".to_vec();
    for _ in 0..20 {
        let mut outer = b"\x80\x03cpickle\nloads\nB".to_vec();
        outer.extend_from_slice(&(p.len() as u32).to_le_bytes());
        outer.extend_from_slice(&p);
        outer.extend_from_slice(b"\x85R.");
        p = outer;
    }
    let r = scan_bytes("nest", &p, &Policy::default_policy(), Limits::default());
    assert!(r.ops < 200, "{} ops", r.ops);
    assert!(r.findings.iter().any(|f| f.kind == Kind::Limit));
    // Stack overflow of the scanner itself: 1 MiB of DUP.
    let mut dups = vec![b'N'];
    dups.extend(std::iter::repeat_n(b'2', 1 << 20));
    dups.push(b'.');
    let r = scan_bytes("dup", &dups, &Policy::default_policy(), Limits::default());
    assert_eq!(r.ops, dups.len() as u64);
    // A stack past its cap forgets its oldest entries (said once), and the
    // ops after it are read as before.
    let mut deep = vec![0x80, 4];
    deep.extend(std::iter::repeat_n(b'N', 200_000));
    deep.extend_from_slice(b"\x8c\x02os\x8c\x06system\x93\x8c\x01x\x85R.");
    let r = scan_bytes("deep", &deep, &Policy::default_policy(), Limits::default());
    assert_eq!(r.verdict, Severity::Dangerous);
    assert!(r
        .findings
        .iter()
        .any(|f| f.kind == Kind::Call && f.global.as_deref() == Some("os.system")));
    let limits: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.kind == Kind::Limit)
        .collect();
    assert_eq!(limits.len(), 1, "{limits:?}");
    assert!(limits[0].message.contains("stack deeper than 65536"));
}

#[test]
fn mutated_corpus_files_never_panic() {
    // Deterministic byte flips and truncations of every corpus file.
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for row in tsv("MANIFEST.tsv") {
        let bytes = std::fs::read(dir().join(&row[0])).unwrap();
        if bytes.len() > 20_000 {
            continue;
        }
        for _ in 0..20 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut b = bytes.clone();
            let i = (seed as usize) % b.len();
            b[i] = (seed >> 32) as u8;
            b.truncate(b.len() - (seed >> 40) as usize % (b.len() / 2 + 1));
            let r = scan_bytes("m", &b, &Policy::default_policy(), Limits::default());
            // OPS_PER_BYTE for each reading: the raw stream, and a
            // container's members (decoded bytes) once more.
            let bound = OPS_PER_BYTE * (2 * (b.len() + r.decoded) as u64 + 2);
            assert!(r.ops <= bound, "{}: {} ops over {bound}", row[0], r.ops);
        }
    }
}

#[test]
fn big_data_pickles_at_every_protocol_are_safe() {
    // A list of 300,000 dicts, as CPython writes it (the crate's encoder is
    // CPython-exact): every dict and key is memoised, so the memo holds
    // about 900,000 entries, which an absolute memo cap would flag.
    use crossfmt_value::Value;
    let rows: Vec<Value> = (0..300_000)
        .map(|i| {
            Value::Map(vec![
                (Value::Text("id".into()), Value::Int(i)),
                (Value::Text("name".into()), Value::Text(format!("row {i}"))),
            ])
        })
        .collect();
    let big = Value::Array(rows);
    for protocol in 0..=5 {
        let bytes = crossfmt_pickle::encoder::encode(&big, protocol).unwrap();
        let r = scan_bytes("big", &bytes, &Policy::default_policy(), Limits::default());
        let verdict = r.verdict;
        assert_eq!(
            verdict,
            Severity::Safe,
            "protocol {protocol}, {} bytes:\n{}",
            bytes.len(),
            output::text(&[r])
        );
    }
}

#[test]
fn resource_hazards_are_findings_with_their_figure() {
    let rows = tsv("MANIFEST.tsv");
    let hazards: Vec<_> = rows
        .iter()
        .filter(|r| r[0].starts_with("hazards/"))
        .collect();
    assert!(hazards.len() >= 5);
    for row in hazards {
        let r = scan(&row[0]);
        let f = r
            .findings
            .iter()
            .find(|f| f.kind == Kind::Resource)
            .unwrap_or_else(|| {
                panic!(
                    "{}: no resource finding\n{}",
                    row[0],
                    output::text(std::slice::from_ref(&r))
                )
            });
        assert!(
            ["GiB", "TiB", "e30", "e30 elements", "e29", "e28"]
                .iter()
                .any(|unit| f.message.contains(unit)),
            "{}: {}",
            row[0],
            f.message
        );
    }
}

#[test]
fn overlapping_zip_entries_spend_the_decoding_budget() {
    // 100 central-directory entries all pointing at one stored 1 MiB
    // member: 100 MiB to a reader that trusts each entry, from a 1 MiB file.
    let mut data = b"\x80\x02N.".to_vec();
    data.resize(1 << 20, 0);
    let crc = {
        // CRC-32 (IEEE), bit by bit: the test needs no crate for it.
        let mut c = !0u32;
        for &b in &data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    (c >> 1) ^ 0xEDB8_8320
                } else {
                    c >> 1
                };
            }
        }
        !c
    };
    let le16 = |v: u16| v.to_le_bytes();
    let le32 = |v: u32| v.to_le_bytes();
    let mut zip = Vec::new();
    zip.extend(b"PK\x03\x04");
    for f in [le16(20), le16(0), le16(0), le16(0), le16(0)] {
        zip.extend(f);
    }
    for f in [le32(crc), le32(data.len() as u32), le32(data.len() as u32)] {
        zip.extend(f);
    }
    zip.extend(le16(5));
    zip.extend(le16(0));
    zip.extend(b"a.pkl");
    zip.extend(&data);
    let cd_at = zip.len();
    let n = 100u16;
    for i in 0..n {
        let name = format!("m{i:05}.pkl");
        zip.extend(b"PK\x01\x02");
        for f in [le16(20), le16(20), le16(0), le16(0), le16(0), le16(0)] {
            zip.extend(f);
        }
        for f in [le32(crc), le32(data.len() as u32), le32(data.len() as u32)] {
            zip.extend(f);
        }
        zip.extend(le16(name.len() as u16));
        for f in [le16(0), le16(0), le16(0), le16(0)] {
            zip.extend(f);
        }
        zip.extend(le32(0));
        zip.extend(le32(0));
        zip.extend(name.as_bytes());
    }
    let cd_len = (zip.len() - cd_at) as u32;
    zip.extend(b"PK\x05\x06");
    for f in [le16(0), le16(0), le16(n), le16(n)] {
        zip.extend(f);
    }
    zip.extend(le32(cd_len));
    zip.extend(le32(cd_at as u32));
    zip.extend(le16(0));
    let limits = Limits::default();
    let r = scan_bytes("overlap.zip", &zip, &Policy::default_policy(), limits);
    assert!(
        r.decoded <= limits.max_decoded.max(64 * zip.len()),
        "{}",
        r.decoded
    );
    // Members stop being read when the budget is spent: 64 of the 100.
    let read: std::collections::HashSet<&str> = r
        .findings
        .iter()
        .map(|f| f.location.as_str())
        .filter(|l| l.starts_with('m'))
        .collect();
    assert!(
        read.len() < usize::from(n) * 3 / 4,
        "{} members read",
        read.len()
    );
    assert!(
        r.findings
            .iter()
            .any(|f| f.kind == Kind::Container && f.message.contains("budget is spent")),
        "{}",
        output::text(std::slice::from_ref(&r))
    );
}

#[test]
fn the_search_after_a_break_does_not_misread_allowed_globals() {
    // A pickle broken by raw bytes, then the rest of it: allowed GLOBALs
    // whose text holds `c` and `i` bytes. Probes that run into that text
    // misaligned (`_code` + `cs`) must not be reported as imports.
    let mut p = b"\x80\x02]q\x00\x06\x06".to_vec();
    for _ in 0..3 {
        // `G` (BINFLOAT) takes the next 8 bytes, `h3c_code`, as its
        // argument and leaves a probe from it at `cs\nencode`: as the joblib
        // file this comes from did.
        p.extend(b"c__builtin__\nset\nq\x01]\x85RqGh3c_codecs\nencode\nq\x03X\x01\x00\x00\x00aX\x06\x00\x00\x00latin1\x86R");
    }
    p.push(b'.');
    let r = scan_bytes("misread", &p, &Policy::default_policy(), Limits::default());
    let imports: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.kind == Kind::Import)
        .collect();
    assert!(
        imports.is_empty(),
        "{}",
        output::text(std::slice::from_ref(&r))
    );
    assert!(r.findings.iter().any(|f| f.kind == Kind::Break));
}

#[test]
fn joblib_object_arrays_nest_only_as_deep_as_pickles_do() {
    // 20,000 NumpyArrayWrapper BUILDs each followed by a PROTO: every one
    // would open an object array inside the last, one stack frame each.
    let su = |s: &str| [&[0x8c, s.len() as u8][..], s.as_bytes()].concat();
    let mut w = b"\x80\x04".to_vec();
    w.extend(su("joblib.numpy_pickle"));
    w.extend(su("NumpyArrayWrapper"));
    w.extend(b"\x93)\x81}b");
    let mut p = w.repeat(20_000);
    p.push(b'N');
    p.extend(std::iter::repeat_n(b'.', 20_000));
    let r = scan_bytes(
        "deep.joblib",
        &p,
        &Policy::preset("ml").unwrap(),
        Limits::default(),
    );
    assert_eq!(r.verdict, Severity::Suspicious);
}

//! The nightly fuzzing driver (`crossfmt fuzz`): parsing libFuzzer's output,
//! signing and deduplicating crashes, splitting the budget, the summaries,
//! and whole runs against a stand-in for `cargo fuzz` (a shell script named
//! by `CROSSFMT_FUZZ_CARGO`), including an interruption by SIGTERM.

use crossfmt_cli::fuzz_driver::libfuzzer::parse_stats;
use crossfmt_cli::fuzz_driver::signature::{first_own_frame, panic, sign};
use crossfmt_cli::fuzz_driver::summary::{render_markdown, CrashReport, Summary, TargetReport};
use crossfmt_cli::fuzz_driver::{split_budget, Budget};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The end of a real run (cargo-fuzz 0.13, libFuzzer of libfuzzer-sys 0.4.13)
/// that found a panic, trimmed of its middle.
const PANIC_LOG: &str = "\
INFO: Running with entropic power schedule (0xFF, 100).
INFO: Seed: 1
INFO: Loaded 1 modules   (1263 inline 8-bit counters): 1263 [0x55ed8547f3b0, 0x55ed8547f89f),
INFO: A corpus is not provided, starting from an empty corpus
#2\tINITED cov: 6 ft: 6 corp: 1/1b exec/s: 0 rss: 30Mb
#123\tNEW    cov: 10 ft: 20 corp: 3/4b lim: 4 exec/s: 100 rss: 30Mb L: 2/2 MS: 1 ChangeBit-
#2801\tNEW    cov: 28 ft: 28 corp: 5/12b lim: 25 exec/s: 0 rss: 134Mb L: 4/4 MS: 2 CopyPart-
\u{1b}[1m\u{1b}[31mthread '<unnamed>' (2994) panicked at fuzz_targets/smoke.rs:8:63:
boom at 2\u{1b}[0m
stack backtrace:
   0: __rustc::rust_begin_unwind
==2994== ERROR: libFuzzer: deadly signal
    #0 0x55ed85245801 in __sanitizer_print_stack_trace /rustc/llvm/src/llvm-project/compiler-rt/lib/asan/asan_stack.cpp:87:3
    #1 0x55ed8533775a in fuzzer::PrintStackTrace() /root/.cargo/registry/src/libfuzzer-sys-0.4.13/libfuzzer/FuzzerUtil.cpp:210:38
    #10 0x55ed8526ef54 in libfuzzer_sys::initialize::{closure#0} /root/.cargo/registry/src/libfuzzer-sys-0.4.13/src/lib.rs:94:9
    #13 0x55ed853a2fc1 in std::panicking::panic_handler::{closure#0} /rustc/e50a/library/std/src/panicking.rs:698:13
NOTE: libFuzzer has rudimentary signal handlers.
SUMMARY: libFuzzer: deadly signal
MS: 1 ChangeByte-; base unit: 0000000000000000000000000000000000000000
0x70,0x21,
p!
artifact_prefix='/tmp/cfz/t/fuzz/artifacts/smoke/'; Test unit written to /tmp/cfz/t/fuzz/artifacts/smoke/crash-268d2752ea570064be0599893bf55ae11f150066
Base64: cCE=
stat::number_of_executed_units: 3135
stat::average_exec_per_sec:     0
stat::new_units_added:          6
stat::slowest_unit_time_sec:    0
stat::peak_rss_mb:              136
";

/// A finding a target contained and reported before aborting (real output,
/// shortened stack).
const FINDING_LOG: &str = r#"Running: /tmp/cfz/hi.bin
CROSSFMT-FINDING {"target":"decode_msgpack_rmpv","check":"roundtrip-bytes","codecs":["msgpack/rmpv"],"signature":"roundtrip-bytes msgpack/rmpv not a fixed point","detail":"re-encoding changed the value","input_hex":"c1","repro":"crossfmt check roundtrip-bytes --codec msgpack/rmpv --format msgpack --hex c1"}
==4236== ERROR: libFuzzer: deadly signal
    #0 0x5635b5601841 in __sanitizer_print_stack_trace /rustc/llvm/src/llvm-project/compiler-rt/lib/asan/asan_stack.cpp:87:3
    #7 0x7fb334844471 in abort stdlib/./stdlib/abort.c:79:7
    #9 0x5635b576e988 in std::process::abort /rustc/library/std/src/process.rs:2605:5
    #10 0x5635b5628cf8 in decode_msgpack_rmpv::_::__libfuzzer_sys_run /w/fuzz/fuzz_targets/decode_msgpack_rmpv.rs:6:9
SUMMARY: libFuzzer: deadly signal
"#;

/// AddressSanitizer's report of a stack overflow in a codec's recursion.
const STACK_OVERFLOW_LOG: &str = "\
#40321\tNEW    cov: 812 ft: 2301 corp: 211/9331b lim: 4096 exec/s: 13440 rss: 61Mb L: 200/4096 MS: 3 ChangeBit-
AddressSanitizer:DEADLYSIGNAL
=================================================================
==31337==ERROR: AddressSanitizer: stack-overflow on address 0x7ffd3a2b5ff8 (pc 0x55d0c4a1b2c3 bp 0x7ffd3a2b6040 sp 0x7ffd3a2b6000 T0)
    #0 0x55d0c4a1b2c3 in __asan_memcpy /rustc/llvm/src/llvm-project/compiler-rt/lib/asan/asan_interceptors_memintrinsics.cpp:63:3
    #1 0x55d0c4b0c0de in core::ptr::drop_in_place::<rmpv::Value> /rustc/library/core/src/ptr/mod.rs:523:1
    #2 0x55d0c4b1d00d in rmpv::decode::value::read_value_inner::h0123456789abcdef /cargo/registry/src/rmpv-1.3.0/src/decode/value.rs:233:21
    #3 0x55d0c4b1d00d in rmpv::decode::value::read_array_data /cargo/registry/src/rmpv-1.3.0/src/decode/value.rs:120:17
    #4 0x55d0c4b1d00d in rmpv::decode::value::read_value_inner /cargo/registry/src/rmpv-1.3.0/src/decode/value.rs:233:21

SUMMARY: AddressSanitizer: stack-overflow /cargo/registry/src/rmpv-1.3.0/src/decode/value.rs:233:21 in rmpv::decode::value::read_value_inner
==31337==ABORTING
MS: 1 InsertRepeatedBytes-; base unit: 3c363836cf4e16666669a25da280a1865c2f2c0f
artifact_prefix='fuzz/artifacts/decode_msgpack_rmpv/'; Test unit written to fuzz/artifacts/decode_msgpack_rmpv/crash-aa
";

#[test]
fn final_stats_take_precedence_over_status_lines() {
    let s = parse_stats(PANIC_LOG);
    assert_eq!(s.execs, Some(3135));
    assert_eq!(s.exec_per_sec, Some(0));
    assert_eq!((s.cov, s.ft), (Some(28), Some(28)));
    assert_eq!(s.peak_rss_mb, Some(136));
    assert_eq!(s.new_units, Some(6));
}

#[test]
fn status_line_fields_are_read() {
    let s = parse_stats("#123 NEW cov: 10 ft: 20 corp: 3/4b exec/s: 100 rss: 30Mb\n");
    assert_eq!(s.execs, Some(123));
    assert_eq!(s.exec_per_sec, Some(100));
    assert_eq!((s.cov, s.ft), (Some(10), Some(20)));
    assert_eq!(s.peak_rss_mb, Some(30));
}

#[test]
fn a_panic_is_signed_by_location_and_message() {
    assert_eq!(
        panic("thread '<unnamed>' panicked at src/x.rs:1:2:\nmsg\n"),
        Some(("src/x.rs:1:2".to_string(), "msg".to_string()))
    );
    assert_eq!(
        panic("thread '<unnamed>' panicked at 'old style', src/y.rs:3:4\n"),
        Some(("src/y.rs:3:4".to_string(), "old style".to_string()))
    );
    let s = sign("smoke", PANIC_LOG);
    assert_eq!(s.kind, "panic");
    assert_eq!(s.key, "smoke: panic: fuzz_targets/smoke.rs:8:63: boom at N");
    // Not the shared abort/libFuzzer frames.
    assert!(!s.key.contains("libfuzzer") && !s.key.contains("deadly"));
}

#[test]
fn the_crossfmt_finding_line_wins() {
    let s = sign("decode_msgpack_rmpv", FINDING_LOG);
    assert_eq!(s.kind, "finding");
    assert_eq!(
        s.key,
        "decode_msgpack_rmpv: finding: roundtrip-bytes msgpack/rmpv not a fixed point"
    );
    let f = s.finding.unwrap();
    assert_eq!(f.codecs, vec!["msgpack/rmpv"]);
    assert!(f.repro.starts_with("crossfmt check roundtrip-bytes"));
}

#[test]
fn a_stack_overflow_is_signed_by_the_first_codec_frame() {
    let s = sign("decode_msgpack_rmpv", STACK_OVERFLOW_LOG);
    assert_eq!(s.kind, "stack-overflow");
    assert_eq!(
        s.key,
        "decode_msgpack_rmpv: stack-overflow: rmpv::decode::value::read_value_inner"
    );
    // Without any frame of ours, the kind alone.
    let bare = "==1==ERROR: AddressSanitizer: stack-overflow on address 0x1\n    #0 0x1 in __asan_memcpy x.cpp:1\n";
    assert_eq!(sign("t", bare).key, "t: stack-overflow");
    assert_eq!(
        first_own_frame(FINDING_LOG, "decode_msgpack_rmpv").as_deref(),
        Some("decode_msgpack_rmpv::_::__libfuzzer_sys_run")
    );
}

/// Real: a stack overflow in the target's own recursion (cargo-fuzz 0.13, ASan).
const REAL_STACK_OVERFLOW_LOG: &str = "\
Running: /tmp/cfz/so.bin
AddressSanitizer:DEADLYSIGNAL
=================================================================
==4898==ERROR: AddressSanitizer: stack-overflow on address 0x7ffc005fcda0 (pc 0x557eb84039e5 bp 0x7ffc005fd070 sp 0x7ffc005fcda0 T0)
    #0 0x557eb84039e5 in smoke::deep /tmp/cfz/t/fuzz/fuzz_targets/smoke.rs
    #1 0x557eb8403c84 in smoke::deep /tmp/cfz/t/fuzz/fuzz_targets/smoke.rs:12:124
    #2 0x557eb8403c84 in smoke::deep /tmp/cfz/t/fuzz/fuzz_targets/smoke.rs:12:124
";

#[test]
fn a_stack_overflow_in_the_target_crate_is_signed_by_its_frame() {
    let s = sign("smoke", REAL_STACK_OVERFLOW_LOG);
    assert_eq!(s.key, "smoke: stack-overflow: smoke::deep");
}

#[test]
fn libfuzzer_errors_are_classified() {
    let oom = "==9== ERROR: libFuzzer: out-of-memory (malloc(2147483648))\n    #0 0x1 in __sanitizer_print_stack_trace a.cpp:1\n    #5 0x2 in ciborium::de::Deserializer::recurse c.rs:1:1\n";
    assert_eq!(
        sign("decode_cbor_ciborium", oom).key,
        "decode_cbor_ciborium: out-of-memory: ciborium::de::Deserializer::recurse"
    );
    let timeout = "ALARM: working on the last Unit for 25 seconds\n==9== ERROR: libFuzzer: timeout after 25 seconds\n";
    assert_eq!(sign("t", timeout).key, "t: timeout");
}

#[test]
fn crashes_with_different_numbers_are_one_bug() {
    let a = "thread '<unnamed>' panicked at src/codec/x.rs:10:5:\nindex out of bounds: the len is 3 but the index is 5\n";
    let b = "thread '<unnamed>' panicked at src/codec/x.rs:10:5:\nindex out of bounds: the len is 1 but the index is 9\n";
    let c = "thread '<unnamed>' panicked at src/codec/x.rs:11:5:\nindex out of bounds: the len is 1 but the index is 9\n";
    assert_eq!(sign("t", a).key, sign("t", b).key);
    assert_ne!(sign("t", b).key, sign("t", c).key);
}

#[test]
fn the_budget_is_split_in_equal_shares_after_a_reserve() {
    // 16 targets, 8 minutes, 2 jobs: 8 waves of (480 - 72) / 8 s.
    assert_eq!(
        split_budget(480, 16, 2),
        Budget {
            per_target: 51,
            reserve: 72
        }
    );
    assert_eq!(
        split_budget(3600, 1, 1),
        Budget {
            per_target: 3060,
            reserve: 540
        }
    );
}

#[test]
fn the_summary_renders_targets_and_crashes() {
    let s = Summary {
        minutes: 1.0,
        jobs: 1,
        seed: Some(1),
        toolchain: "cargo +nightly".into(),
        new_crashes: 1,
        exit_code: 1,
        targets: vec![TargetReport {
            name: "decode_cbor_ciborium".into(),
            status: "crashed".into(),
            corpus_before: 3,
            corpus_after: 7,
            crashes: vec![CrashReport {
                target: "decode_cbor_ciborium".into(),
                signature: "decode_cbor_ciborium: panic: src/a.rs:1:1: boom".into(),
                title: "panicked at src/a.rs:1:1: boom".into(),
                new: true,
                input_hex: "9f9f".into(),
                input_len: 2,
                input_diag: Some("[_ [_ ]]".into()),
                reproduce: "cargo +nightly fuzz run decode_cbor_ciborium corpus/regressions/decode_cbor_ciborium/0011".into(),
                ..CrashReport::default()
            }],
            ..TargetReport::default()
        }],
        ..Summary::default()
    };
    let md = render_markdown(&s);
    assert!(md.contains("**1 new distinct crash(es).**"), "{md}");
    assert!(md.contains("| decode_cbor_ciborium | crashed |"), "{md}");
    assert!(md.contains("3 → 7"), "{md}");
    assert!(
        md.contains("[NEW]") && md.contains("`9f9f`") && md.contains("[_ [_ ]]"),
        "{md}"
    );
    assert!(
        md.contains("reproduce: `cargo +nightly fuzz run decode_cbor_ciborium corpus/regressions/")
    );
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["targets"][0]["crashes"][0]["input_hex"], "9f9f");
    assert_eq!(json["exit_code"], 1);
}

// ---- whole runs against a stand-in for `cargo fuzz` ----

/// Emulates `cargo [+nightly] fuzz {--version,list,build,run,tmin}`. Targets
/// named `crash*` or `planted*` write an artifact holding `CRASH` and report
/// a finding; `FAKE_SLEEP` makes them hang afterwards. Replaying a file that
/// holds `CRASH` reports the same finding. `FAKE_FIXED` is the bug fixed:
/// `crash*` targets find nothing and replays pass.
const FAKE_CARGO: &str = r#"#!/usr/bin/env bash
[ "$1" = "+nightly" ] && shift
[ "$1" = "fuzz" ] || { echo "fake cargo: $*" >&2; exit 2; }
shift; cmd=$1; shift
finding() {
  echo "CROSSFMT-FINDING {\"target\":\"$1\",\"check\":\"roundtrip-bytes\",\"codecs\":[\"msgpack/rmpv\"],\"signature\":\"bug in $1\",\"detail\":\"a planted detail\",\"input_hex\":\"\",\"repro\":\"crossfmt check roundtrip-bytes --codec msgpack/rmpv --hex 00\"}" >&2
  echo "==1== ERROR: libFuzzer: deadly signal" >&2
}
case $cmd in
  --version) echo "cargo-fuzz 0.13.1" ;;
  list) printf '%s\n' $FAKE_TARGETS ;;
  build) echo "fake build $*" >&2 ;;
  run)
    [ "$1" = "-O" ] && shift
    t=$1; shift
    dirs=(); while [ $# -gt 0 ] && [ "$1" != "--" ]; do dirs+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    if [[ " $* " == *" -merge=1 "* ]]; then cp "${dirs[1]}"/* "${dirs[0]}"/; echo "MERGE-OUTER: done"; exit 0; fi
    if [ -f "${dirs[0]}" ]; then
      if [ -z "$FAKE_FIXED" ] && grep -q CRASH "${dirs[0]}"; then finding "$t"; exit 1; fi
      exit 0
    fi
    echo "$*" > "fuzz/flags-$t"
    art=fuzz/artifacts/$t; mkdir -p "$art"
    printf '#2\tINITED cov: 5 ft: 6 corp: 1/1b exec/s: 0 rss: 30Mb\n' >&2
    printf '#100\tNEW    cov: 10 ft: 20 corp: 3/4b lim: 4 exec/s: 100 rss: 31Mb L: 2/2 MS: 1 ChangeBit-\n' >&2
    echo "unit of $t" > "${dirs[0]}/new-$t"
    case $t in
      crash*) [ -n "$FAKE_FIXED" ] && t_fixed=1 ;;
    esac
    case ${t_fixed:+fixed}$t in
      crash*|planted*|decode_*)
        printf 'xxCRASHxx-padding' > "$art/crash-0123abcd"
        finding "$t"
        if [ -n "$FAKE_SLEEP" ]; then sleep "$FAKE_SLEEP"; fi
        echo "stat::number_of_executed_units: 100" >&2
        exit 1 ;;
    esac
    printf 'stat::number_of_executed_units: 12345\nstat::average_exec_per_sec:     4115\nstat::peak_rss_mb:              42\n' >&2
    exit 0 ;;
  coverage)
    while [ "${1#-}" != "$1" ]; do
      case $1 in --sanitizer|--target-dir|--features) [ "$1" = "--target-dir" ] && tdir=$2; shift 2 ;; *) shift ;; esac
    done
    t=$1; corpus=$2
    mkdir -p "$tdir/fake-triple/debug" && echo "binary of $t" > "$tdir/fake-triple/debug/$t"
    case $t in nocov*) echo "replay of $t crashed" >&2; exit 1 ;; esac
    mkdir -p "fuzz/coverage/$t" && echo "profile of $t, $(ls "$corpus" | wc -l) inputs" > "fuzz/coverage/$t/coverage.profdata" ;;
  tmin)
    [ "$1" = "-O" ] && shift
    case $1 in
      decode_json*) printf '[1, "CRASH"]' ;;
      *) printf 'CRASH' ;;
    esac > "fuzz/artifacts/$1/minimized-from-$(basename "$2")" ;;
  *) echo "fake cargo fuzz: unknown $cmd" >&2; exit 2 ;;
esac
"#;

/// Stand-ins for llvm-tools (`CROSSFMT_LLVM_BIN`): a merged profile is its
/// inputs' lines, and `llvm-cov export` says `$FAKE_ROOT/src/lib.rs` has as
/// many covered lines (of 10) as the profile has lines.
const FAKE_LLVM_PROFDATA: &str = r#"#!/usr/bin/env bash
[ "$1" = merge ] || exit 2
shift; ins=()
while [ $# -gt 0 ]; do case $1 in -sparse) shift ;; -o) out=$2; shift 2 ;; *) ins+=("$1"); shift ;; esac; done
cat "${ins[@]}" > "$out"
"#;
const FAKE_LLVM_COV: &str = r#"#!/usr/bin/env bash
sub=$1; shift
for a in "$@"; do case $a in -instr-profile=*) prof=${a#*=} ;; -output-dir=*) out=${a#*=} ;; esac; done
case $sub in
  export)
    n=$(wc -l < "$prof")
    c='{"count":10,"covered":'$n'}'
    echo '{"data":[{"files":[{"filename":"'$FAKE_ROOT'/src/lib.rs","summary":{"lines":'$c',"regions":'$c',"functions":'$c'}},{"filename":"/elsewhere/dep.rs","summary":{"lines":'$c',"regions":'$c',"functions":'$c'}}]}]}' ;;
  show) mkdir -p "$out" && echo "<html>$*</html>" > "$out/index.html" ;;
  *) exit 2 ;;
esac
"#;

struct Fake {
    dir: tempfile::TempDir,
}

impl Fake {
    fn new() -> Fake {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("fuzz/options")).unwrap();
        fs::create_dir_all(root.join("fuzz/dict")).unwrap();
        fs::create_dir_all(root.join("fuzz/corpus/ok_a")).unwrap();
        fs::write(root.join("fuzz/corpus/ok_a/seed1"), "s").unwrap();
        fs::write(
            root.join("fuzz/Cargo.toml"),
            "[package]\nname = \"fake-fuzz\"\n",
        )
        .unwrap();
        fs::write(
            root.join("fuzz/options/ok_a.options"),
            "[libfuzzer]\nmax_len = 4096\ntimeout = 10\ndict = msgpack.dict\n",
        )
        .unwrap();
        fs::write(root.join("fuzz/dict/msgpack.dict"), "\"\\xc1\"\n").unwrap();
        let cargo = root.join("fake-cargo");
        fs::write(&cargo, FAKE_CARGO).unwrap();
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&cargo, fs::Permissions::from_mode(0o755)).unwrap();
        fs::create_dir_all(root.join("llvm")).unwrap();
        for (name, text) in [
            ("llvm-profdata", FAKE_LLVM_PROFDATA),
            ("llvm-cov", FAKE_LLVM_COV),
        ] {
            let p = root.join("llvm").join(name);
            fs::write(&p, text).unwrap();
            fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
        }
        Fake { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self, targets: &str, args: &[&str]) -> Command {
        let mut c = crate::util::crossfmt();
        c.arg("fuzz")
            .arg("--root")
            .arg(self.root())
            .args(["--minimize-seconds", "1"])
            .args(args)
            .env("CROSSFMT_FUZZ_CARGO", self.root().join("fake-cargo"))
            .env("FAKE_TARGETS", targets)
            .env("FAKE_ROOT", fs::canonicalize(self.root()).unwrap())
            .env("CROSSFMT_LLVM_BIN", self.root().join("llvm"))
            .env_remove("FAKE_SLEEP")
            .env_remove("FAKE_FIXED");
        c
    }

    fn summary(&self) -> serde_json::Value {
        let text =
            fs::read_to_string(self.root().join("target/crossfmt-fuzz/summary.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    fn regressions(&self, target: &str) -> Vec<PathBuf> {
        fs::read_dir(self.root().join("fuzz/regressions").join(target))
            .map(|rd| rd.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default()
    }
}

fn output(c: &mut Command) -> (i32, String) {
    let o = c.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code().unwrap_or(-1), text)
}

#[test]
fn a_night_with_a_new_crash_saves_it_minimised_and_exits_1() {
    let f = Fake::new();
    let (code, out) = output(&mut f.command(
        "ok_a crash_b planted_c",
        &[
            "--minutes",
            "0.2",
            "--seed",
            "7",
            "--expect-crash",
            "planted_c",
        ],
    ));
    assert_eq!(code, 1, "{out}");
    let s = f.summary();
    assert_eq!(s["new_crashes"], 1, "{s:#}");
    assert_eq!(s["missed_expected"].as_array().unwrap().len(), 0);
    let ok = &s["targets"][0];
    assert_eq!(ok["name"], "ok_a");
    assert_eq!(ok["status"], "ok");
    assert_eq!(ok["execs"], 12345);
    assert_eq!(ok["exec_per_sec"], 4115);
    assert_eq!(
        (ok["cov"].clone(), ok["ft"].clone()),
        (10.into(), 20.into())
    );
    assert_eq!(
        (ok["corpus_before"].clone(), ok["corpus_after"].clone()),
        (1.into(), 2.into())
    );
    assert_eq!(ok["merged"], true);
    // The options file and dictionary reached libFuzzer, with the seed.
    let flags = fs::read_to_string(f.root().join("fuzz/flags-ok_a")).unwrap();
    for flag in [
        "-seed=7",
        "-print_final_stats=1",
        "-max_len=4096",
        "-timeout=10",
        "-dict=",
        "-max_total_time=",
    ] {
        assert!(flags.contains(flag), "{flag} not in {flags}");
    }
    // The crash, minimised, under its content hash; the planted one not in regressions.
    let saved = f.regressions("crash_b");
    assert_eq!(saved.len(), 1);
    assert_eq!(fs::read(&saved[0]).unwrap(), b"CRASH");
    assert_eq!(
        saved[0].file_name().unwrap().to_str().unwrap(),
        crossfmt::corpus::content_name(b"CRASH")
    );
    assert!(f.regressions("planted_c").is_empty());
    let crash = &s["targets"][1]["crashes"][0];
    assert_eq!(crash["signature"], "crash_b: finding: bug in crash_b");
    assert_eq!(crash["minimized"], true);
    assert_eq!(crash["new"], true);
    assert_eq!(crash["input_hex"], hex::encode("CRASH"));
    assert!(crash["reproduce"]
        .as_str()
        .unwrap()
        .starts_with("cargo +nightly fuzz run crash_b fuzz/regressions/crash_b/"));
    assert!(crash["crossfmt_repro"]
        .as_str()
        .unwrap()
        .starts_with("crossfmt check roundtrip-bytes"));
    let planted = &s["targets"][2]["crashes"][0];
    assert_eq!(planted["expected"], true);
    let md = fs::read_to_string(f.root().join("target/crossfmt-fuzz/summary.md")).unwrap();
    assert!(
        md.contains("[NEW]") && md.contains("expected (planted)"),
        "{md}"
    );

    // The next night finds the same bug again: known, not new.
    let (code, out) = output(&mut f.command("ok_a crash_b", &["--minutes", "0.1"]));
    assert_eq!(code, 0, "{out}");
    assert_eq!(f.summary()["new_crashes"], 0);
    assert_eq!(f.summary()["targets"][1]["crashes"][0]["new"], false);
    assert_eq!(f.regressions("crash_b").len(), 1);
}

fn ledger(f: &Fake) -> serde_json::Value {
    let text = fs::read_to_string(f.root().join("target/crossfmt-fuzz/ledger.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_ledger_counts_nights_and_tells_fixed_from_regressed() {
    let f = Fake::new();
    let sig = "crash_b: finding: bug in crash_b";
    let night = |fixed: bool| {
        let mut c = f.command("ok_a crash_b", &["--minutes", "0.1", "--no-merge"]);
        if fixed {
            c.env("FAKE_FIXED", "1");
        }
        output(&mut c)
    };
    let (code, out) = night(false);
    assert_eq!(code, 1, "{out}");
    let entry = |l: &serde_json::Value| l["entries"][sig].clone();
    let e = entry(&ledger(&f));
    assert_eq!(
        (e["status"].clone(), e["times_seen"].clone()),
        ("new".into(), 1.into()),
        "{e:#}"
    );
    assert!(e["regression"]
        .as_str()
        .unwrap()
        .starts_with("fuzz/regressions/crash_b/"));
    // The new input, for a CI job to upload.
    assert_eq!(
        fs::read(
            f.root()
                .join("target/crossfmt-fuzz/new/crash_b")
                .join(crossfmt::corpus::content_name(b"CRASH"))
        )
        .unwrap(),
        b"CRASH"
    );

    let (code, out) = night(false);
    assert_eq!(code, 0, "{out}");
    let e = entry(&ledger(&f));
    assert_eq!(
        (e["status"].clone(), e["times_seen"].clone()),
        ("known".into(), 2.into()),
        "{e:#}"
    );
    assert!(e["first_seen"].as_u64() <= e["last_seen"].as_u64());

    let (code, out) = night(true);
    assert_eq!(code, 0, "{out}");
    let e = entry(&ledger(&f));
    assert_eq!(
        (e["status"].clone(), e["times_seen"].clone()),
        ("fixed".into(), 2.into()),
        "{e:#}"
    );
    let sarif = fs::read_to_string(f.root().join("target/crossfmt-fuzz/ledger.sarif")).unwrap();
    assert!(
        !sarif.contains(sig),
        "a fixed finding is not an open result: {sarif}"
    );

    let (code, out) = night(false);
    assert_eq!(code, 1, "a regression fails the night: {out}");
    let e = entry(&ledger(&f));
    assert_eq!(
        (e["status"].clone(), e["times_seen"].clone()),
        ("regressed".into(), 3.into()),
        "{e:#}"
    );
    let sarif: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(f.root().join("target/crossfmt-fuzz/ledger.sarif")).unwrap(),
    )
    .unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["partialFingerprints"]["crossfmtSignature/v1"], sig);
    assert_eq!(result["level"], "error");
    let md = fs::read_to_string(f.root().join("target/crossfmt-fuzz/summary.md")).unwrap();
    assert!(
        md.contains("## Findings ledger") && md.contains("| regressed | 3 |"),
        "{md}"
    );
}

#[test]
fn a_damaged_ledger_stops_the_run_before_it_fuzzes() {
    let f = Fake::new();
    let out_dir = f.root().join("target/crossfmt-fuzz");
    fs::create_dir_all(&out_dir).unwrap();
    fs::write(
        out_dir.join("ledger.json"),
        "{\"version\": 1, \"entries\": [",
    )
    .unwrap();
    let (code, out) = output(&mut f.command("crash_b", &["--minutes", "0.1"]));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("ledger.json is not a findings ledger"),
        "{out}"
    );
    assert!(
        !f.root().join("fuzz/artifacts/crash_b").exists(),
        "it fuzzed: {out}"
    );
}

#[test]
fn inputs_of_decode_targets_are_shown_decoded() {
    let f = Fake::new();
    let (code, out) = output(&mut f.command("decode_json_serde_json", &["--minutes", "0.1"]));
    assert_eq!(code, 1, "{out}");
    let c = &f.summary()["targets"][0]["crashes"][0];
    assert_eq!(c["input_hex"], hex::encode(r#"[1, "CRASH"]"#));
    assert_eq!(c["input_diag"], r#"[1, "CRASH"]"#, "{c:#}");
}

#[test]
fn a_planted_bug_that_is_not_found_fails_the_run() {
    let f = Fake::new();
    let (code, out) =
        output(&mut f.command("ok_a", &["--minutes", "0.05", "--expect-crash", "ok_a"]));
    assert_eq!(code, 1, "{out}");
    assert_eq!(f.summary()["missed_expected"][0], "ok_a");
    assert!(out.contains("[MISSED] ok_a"), "{out}");
}

#[test]
fn coverage_replays_each_corpus_and_reports_the_crates_files() {
    let f = Fake::new();
    fs::create_dir_all(f.root().join("fuzz/corpus/nocov_b")).unwrap();
    let (code, out) = output(&mut f.command(
        "ok_a nocov_b ok_c",
        &["--seconds-per-target", "1", "--coverage"],
    ));
    assert_eq!(code, 0, "{out}");
    let cov = &f.summary()["coverage"];
    let t = &cov["targets"];
    assert_eq!(t[0]["status"], "ok", "{cov:#}");
    assert_eq!(
        t[0]["lines"],
        serde_json::json!({"covered": 1, "count": 10})
    );
    assert_eq!(t[0]["html"], "targets/ok_a/index.html");
    assert!(t[1]["status"]
        .as_str()
        .unwrap()
        .starts_with("replay failed"));
    assert_eq!(t[1]["html"], serde_json::Value::Null);
    assert_eq!(t[2]["status"], "ok");
    // Together: the two profiles merged, not either one; files outside the
    // crate's root left out.
    assert_eq!(cov["lines"], serde_json::json!({"covered": 2, "count": 10}));
    assert_eq!(cov["files"].as_array().unwrap().len(), 1);
    assert_eq!(cov["files"][0]["path"], "src/lib.rs");
    let dir = f.root().join("target/crossfmt-fuzz/coverage");
    let page = fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(page.contains("href=\"targets/ok_c/index.html\""), "{page}");
    assert!(page.contains("href=\"all/index.html\""), "{page}");
    assert!(dir.join("targets/ok_a/index.html").is_file());
    let all = fs::read_to_string(dir.join("all/index.html")).unwrap();
    assert!(all.contains("-object"), "{all}");
    let md = fs::read_to_string(f.root().join("target/crossfmt-fuzz/summary.md")).unwrap();
    assert!(
        md.contains("## Coverage") && md.contains("| `src/lib.rs` | 2/10 (20.0 %)"),
        "{md}"
    );
    // The fuzzing results are all there beside it.
    assert_eq!(f.summary()["targets"].as_array().unwrap().len(), 3);
}

#[test]
fn coverage_that_cannot_be_measured_keeps_the_night_and_exits_2() {
    let f = Fake::new();
    fs::remove_dir_all(f.root().join("llvm")).unwrap();
    let (code, out) = output(&mut f.command("ok_a", &["--seconds-per-target", "1", "--coverage"]));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("llvm-cov"), "{out}");
    assert_eq!(f.summary()["targets"][0]["status"], "ok");
    // A night that found something says so, coverage or not.
    let (code, out) =
        output(&mut f.command("crash_b", &["--seconds-per-target", "1", "--coverage"]));
    assert_eq!(code, 1, "{out}");
}

#[test]
fn coverage_only_fuzzes_nothing_and_joins_an_existing_summary() {
    let f = Fake::new();
    let (code, out) = output(&mut f.command("ok_a", &["--coverage-only"]));
    assert_eq!(code, 0, "{out}");
    assert!(!f.root().join("target/crossfmt-fuzz/summary.json").exists());
    assert!(
        !f.root().join("fuzz/corpus/ok_a/new-ok_a").exists(),
        "it fuzzed"
    );
    let cov: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(f.root().join("target/crossfmt-fuzz/coverage/summary.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(cov["targets"][0]["inputs"], 1);
    let (code, _) = output(&mut f.command("nocov_b", &["--coverage-only"]));
    assert_eq!(code, 2);
    // After a night, it joins the night's summary.json, which keeps the rest.
    let (code, out) = output(&mut f.command("ok_a", &["--seconds-per-target", "1"]));
    assert_eq!(code, 0, "{out}");
    assert!(f.summary()["coverage"].is_null());
    let (code, out) = output(&mut f.command("ok_a", &["--coverage-only"]));
    assert_eq!(code, 0, "{out}");
    assert_eq!(f.summary()["coverage"]["targets"][0]["status"], "ok");
    assert_eq!(f.summary()["targets"][0]["name"], "ok_a");
}

#[test]
fn a_target_that_compares_with_a_reference_is_left_out_without_the_referee() {
    let f = Fake::new();
    fs::write(
        f.root().join("fuzz/options/ref_d.options"),
        "[crossfmt]\ncheck = differential\nformat = cbor\nreference = cbor/cbor2\n",
    )
    .unwrap();
    // The fake fuzz crate has no `python` feature: no referee.
    let (code, out) = output(&mut f.command("ok_a ref_d", &["--seconds-per-target", "1"]));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("left out without the referee: ref_d (cbor/cbor2)"),
        "{out}"
    );
    let names: Vec<_> = f.summary()["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].clone())
        .collect();
    assert_eq!(names, ["ok_a"]);
    // Named, it is a usage error rather than a night that compared nothing.
    let (code, out) = output(&mut f.command("ok_a ref_d", &["--target", "ref_d"]));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("ref_d compares with cbor/cbor2"), "{out}");
}

#[test]
fn usage_errors_exit_2() {
    let f = Fake::new();
    let (code, out) = output(&mut f.command("ok_a", &["--target", "nope"]));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("unknown fuzz target"), "{out}");
    let (code, _) = output(&mut f.command("ok_a", &["--expect-crash", "other"]));
    assert_eq!(code, 2);
    let empty = tempfile::tempdir().unwrap();
    let (code, out) = output(
        crate::util::crossfmt()
            .args(["fuzz", "--root"])
            .arg(empty.path()),
    );
    assert_eq!(code, 2, "{out}");
}

#[test]
fn sigterm_stops_the_fuzzers_and_keeps_what_was_found() {
    let f = Fake::new();
    let mut child = f
        .command("crash_slow", &["--minutes", "5"])
        .env("FAKE_SLEEP", "60")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let artifact = f.root().join("fuzz/artifacts/crash_slow/crash-0123abcd");
    let start = Instant::now();
    while !artifact.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the fake target never crashed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    let t = Instant::now();
    let st = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let status = child.wait().unwrap();
    assert!(
        t.elapsed() < Duration::from_secs(20),
        "took {:?} to stop",
        t.elapsed()
    );
    assert_eq!(status.code(), Some(1));
    let s = f.summary();
    assert_eq!(s["interrupted"], "signal");
    assert_eq!(s["new_crashes"], 1);
    // Saved un-minimised.
    let saved = f.regressions("crash_slow");
    assert_eq!(saved.len(), 1);
    assert_eq!(fs::read(&saved[0]).unwrap(), b"xxCRASHxx-padding");
    assert_eq!(s["targets"][0]["crashes"][0]["minimized"], false);
    assert!(f.root().join("target/crossfmt-fuzz/summary.md").is_file());
    // And in the ledger.
    let e = &ledger(&f)["entries"]["crash_slow: finding: bug in crash_slow"];
    assert_eq!(e["status"], "new", "{e:#}");
}

// ---- the ClusterFuzzLite build, for real (CI sets CROSSFMT_CFLITE_TEST=1 after its fuzz build) ----

/// The number of entries of a zip file, from its end-of-central-directory record.
fn zip_entries(bytes: &[u8]) -> Option<u16> {
    let at = bytes.windows(4).rposition(|w| w == b"PK\x05\x06")?;
    let e = bytes.get(at + 10..at + 12)?;
    Some(u16::from_le_bytes([e[0], e[1]]))
}

#[test]
fn clusterfuzzlite_build_puts_every_target_with_seeds_and_options_in_out() {
    if std::env::var("CROSSFMT_CFLITE_TEST").as_deref() != Ok("1") {
        eprintln!("skipped: set CROSSFMT_CFLITE_TEST=1 to run .clusterfuzzlite/build.sh");
        return;
    }
    let repo = crate::util::root();
    let out = tempfile::tempdir().unwrap();
    let (code, log) = output(
        Command::new(repo.join(".clusterfuzzlite/build.sh"))
            .current_dir(&repo)
            .env("OUT", out.path())
            .env("CROSSFMT_BIN", crate::util::CROSSFMT),
    );
    assert_eq!(code, 0, "build.sh failed:\n{log}");
    let tc = crossfmt_cli::fuzz_driver::Toolchain::detect();
    let list = tc.fuzz(&repo, &["list"]).output().expect("cargo fuzz list");
    let targets: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    assert!(!targets.is_empty(), "cargo fuzz list named no targets");
    use std::os::unix::fs::PermissionsExt;
    let options = repo.join("fuzz/options");
    let mut left_out = 0;
    for t in &targets {
        let bin = out.path().join(t);
        let described = crossfmt_cli::fuzz_driver::libfuzzer::Options::load(&options, t).unwrap();
        if described.crossfmt.contains_key("reference") {
            // It compares with a Python reference, which this build lacks.
            assert!(!bin.exists(), "{t} compares nothing here, yet is in OUT");
            left_out += 1;
            continue;
        }
        let meta = fs::metadata(&bin).unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
        assert!(
            meta.permissions().mode() & 0o111 != 0,
            "{t} is not executable"
        );
        let zip = fs::read(out.path().join(format!("{t}_seed_corpus.zip")))
            .unwrap_or_else(|e| panic!("{t}_seed_corpus.zip: {e}"));
        let n = zip_entries(&zip).unwrap_or_else(|| panic!("{t}_seed_corpus.zip is not a zip"));
        assert!(n > 0, "{t}_seed_corpus.zip holds no seeds");
        let options = fs::read_to_string(out.path().join(format!("{t}.options")))
            .unwrap_or_else(|e| panic!("{t}.options: {e}"));
        assert!(options.contains("[libfuzzer]"), "{t}.options: {options}");
        if let Some(d) = crossfmt_cli::fuzz_driver::libfuzzer::Options::parse(&options)
            .libfuzzer
            .get("dict")
        {
            assert!(
                out.path().join(d).is_file(),
                "{t}.options names {d}, absent from OUT"
            );
        }
    }
    assert_eq!(log.contains("left out"), left_out > 0, "{log}");
}

#[test]
fn zip_entries_are_counted() {
    // An empty archive: just the end record.
    let mut empty = b"PK\x05\x06".to_vec();
    empty.extend([0u8; 18]);
    assert_eq!(zip_entries(&empty), Some(0));
    assert_eq!(zip_entries(b"not a zip"), None);
}

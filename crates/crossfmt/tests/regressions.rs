//! Replays every raw fuzz input under `corpus/regressions/<target>/` through
//! `crossfmt::fuzz::run_target`: no libFuzzer, no time cut-off.
//!
//! - Planted-bug targets (`planted_*`): each input is evidence that the fuzz
//!   set-up detects a planted bug, so the finding must still be reported.
//!   Two of the planted classes (stack overflow, allocation from an untrusted
//!   length) kill the process and cannot be contained, so every planted input
//!   runs in a child process (this test binary, re-invoked with
//!   [`CHILD_ENV`], under `ulimit -v` like libFuzzer's `-malloc_limit_mb`):
//!   it must exit with [`FOUND`] (a contained finding) or abort on a stack
//!   overflow or a failed allocation (told apart by Rust's message). A clean exit means the bug
//!   is no longer detected.
//! - Every other target: no finding, or one `corpus/known-findings.txt`
//!   records; and every cause that list records (an entry for any case) is
//!   still shown by some regression input or corpus case, so the list
//!   stays true.

use crossfmt::codecs::planted::Planted;
use crossfmt::corpus::{self, RegressionInput};
use crossfmt::fuzz::run_target;
use crossfmt::known::Known;
use crossfmt::run::{self, Plan, Quiet};
use crossfmt::{Codec, Registry};
use std::collections::BTreeSet;
use std::process::Command;

/// Set in the child: `<target>` and the input file, tab-separated.
const CHILD_ENV: &str = "CROSSFMT_FUZZ_REGRESSION_CHILD";
/// The child's exit code when the target reported a finding.
const FOUND: i32 = 3;
/// Address-space limit of the child, in KiB (libFuzzer's malloc limit is 2 GiB).
const CHILD_VMEM_KB: u64 = 4 * 1024 * 1024;

fn target_inputs() -> Vec<(String, std::path::PathBuf, Vec<u8>)> {
    corpus::load_regressions(&corpus::builtin_root())
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .filter_map(|r| match r.input {
            RegressionInput::Target { target, data } => Some((target, r.path, data)),
            _ => None,
        })
        .collect()
}

/// The child's side: runs one input and exits with [`FOUND`] or 0 (or dies).
#[test]
fn child_entry() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (target, path) = spec.split_once('\t').expect("target<TAB>path");
    let data = std::fs::read(path).unwrap();
    match run_target(target, &data) {
        Ok(()) => std::process::exit(0),
        Err(f) => {
            eprintln!("FOUND {}", f.signature());
            std::process::exit(FOUND)
        }
    }
}

#[test]
fn planted_regressions_are_still_detected() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let mut n = 0;
    for (target, path, _) in target_inputs() {
        if !target.starts_with("planted_") {
            continue;
        }
        n += 1;
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "ulimit -v {CHILD_VMEM_KB} && exec \"$0\" --exact regressions::child_entry --nocapture --test-threads=1"
            ))
            .arg(&exe)
            .env(CHILD_ENV, format!("{target}\t{}", path.display()))
            .env("RUST_BACKTRACE", "0")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let how = match out.status.code() {
            Some(FOUND) => "finding",
            // Rust's own messages before it aborts: the two uncontainable classes.
            None if stderr.contains("has overflowed its stack") => "stack overflow",
            None if stderr.contains("memory allocation of") => "allocation failure",
            None => panic!(
                "{}: {target}: died of something other than a planted bug ({}); stderr:\n{stderr}",
                path.display(),
                out.status
            ),
            Some(_) => panic!(
                "{}: planted bug no longer detected by {target} ({}); stderr:\n{stderr}",
                path.display(),
                out.status
            ),
        };
        eprintln!("{}: {target}: {how}", path.display());
    }
    assert!(
        n >= 1,
        "no planted regression inputs under corpus/regressions/planted_*"
    );
}

#[test]
fn regressions_find_nothing_new_and_every_known_cause_is_witnessed() {
    let known = Known::load(&Known::builtin_path()).unwrap_or_else(|e| panic!("{e}"));
    let mut witnessed = BTreeSet::new();
    let mut unexpected = Vec::new();
    let targets: BTreeSet<String> = crossfmt::fuzz::targets()
        .into_iter()
        .map(|t| t.name)
        .collect();
    for (target, path, _) in target_inputs() {
        assert!(
            targets.contains(&target),
            "{}: corpus/regressions/{target}/ names no fuzz target; known: {targets:?}",
            path.display()
        );
    }
    for (target, path, data) in target_inputs() {
        if target.starts_with("planted_") {
            continue;
        }
        if let Err(f) = run_target(&target, &data) {
            let case = format!(
                "regressions/{target}/{}",
                path.file_name().unwrap().to_string_lossy()
            );
            let hits: Vec<usize> = (0..known.entries.len())
                .filter(|&i| known.entries[i].matches(&f, &case))
                .collect();
            if hits.is_empty() {
                unexpected.push(format!("{}: {}\n{f}", path.display(), f.signature()));
            }
            witnessed.extend(hits);
        }
    }
    assert!(
        unexpected.is_empty(),
        "unexpected findings:\n{}",
        unexpected.join("\n\n")
    );
    // Causes found on the corpus itself are witnessed by the corpus run.
    let corpus = corpus::load(&corpus::builtin_root()).unwrap();
    let registry = Registry::builtin();
    let out = run::run(
        &registry,
        &run::cases(&corpus),
        &Plan::default_checks(),
        &known,
        &mut Quiet,
    );
    for r in &out.findings {
        witnessed.extend(
            (0..known.entries.len()).filter(|&i| known.entries[i].matches(&r.finding, &r.case)),
        );
    }
    let mut ours: BTreeSet<String> = registry.all().iter().map(|c| c.id().to_string()).collect();
    ours.insert(Planted.id().to_string());
    let stale: Vec<String> = known
        .entries
        .iter()
        .enumerate()
        .filter(|(i, e)| {
            e.is_cause() && e.codecs.iter().all(|c| ours.contains(c)) && !witnessed.contains(i)
        })
        .map(|(_, e)| format!("line {}: {e}", e.line))
        .collect();
    assert!(
        stale.is_empty(),
        "known causes that no regression input or corpus case shows any more \
         (fixed upstream: remove the entry; else keep an input that shows it \
         under corpus/regressions/):\n{}",
        stale.join("\n")
    );
}

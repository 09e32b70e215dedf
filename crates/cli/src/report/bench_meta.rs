//! Where the numbers were measured: CPU, compiler, the codec crates'
//! versions (from `cargo metadata`, i.e. the lock file) and the git revision.
//! A fact that cannot be found is written as `unknown (why)`, never guessed.

use serde::Serialize;
use std::collections::BTreeMap;
use std::process::Command;

/// The crates whose versions the report states: the codecs under test and
/// the tools that measured them.
pub const CRATES: [&str; 12] = [
    "rmp-serde",
    "rmpv",
    "ciborium",
    "serde_json",
    "serde-pickle",
    "prost",
    "prost-reflect",
    "serde",
    "zstd",
    "criterion",
    "plotters",
    "crossfmt",
];

#[derive(Clone, Debug, Serialize)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub os: String,
    pub rustc: String,
    pub git_revision: String,
    pub crates: BTreeMap<String, String>,
}

fn run(cmd: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .map_err(|e| format!("unknown ({cmd}: {e})"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "unknown ({cmd} {}: {})",
            args.join(" "),
            err.trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn cpu() -> (String, usize) {
    match std::fs::read_to_string("/proc/cpuinfo") {
        Ok(text) => {
            let field = |name: &str| {
                text.lines()
                    .filter_map(|l| l.split_once(':'))
                    .filter(|(k, _)| k.trim() == name)
                    .map(|(_, v)| v.trim().to_string())
                    .collect::<Vec<_>>()
            };
            let model = field("model name").into_iter().next();
            let cores = field("processor").len();
            (
                model.unwrap_or_else(|| "unknown (no model name in /proc/cpuinfo)".into()),
                cores,
            )
        }
        Err(e) => (format!("unknown (/proc/cpuinfo: {e})"), 0),
    }
}

fn git_revision() -> String {
    let rev = match run("git", &["rev-parse", "HEAD"]) {
        Ok(r) => r,
        Err(e) => return e,
    };
    match run("git", &["status", "--porcelain", "--untracked-files=no"]) {
        Ok(s) if s.is_empty() => rev,
        Ok(_) => format!("{rev}-dirty"),
        Err(e) => format!("{rev} ({e})"),
    }
}

fn crates() -> BTreeMap<String, String> {
    let meta = run("cargo", &["metadata", "--format-version", "1", "--offline"]).and_then(|s| {
        serde_json::from_str::<serde_json::Value>(&s)
            .map_err(|e| format!("unknown (cargo metadata: {e})"))
    });
    let mut out = BTreeMap::new();
    for name in CRATES {
        let version = match &meta {
            Err(e) => e.clone(),
            Ok(m) => {
                let versions: Vec<&str> = m["packages"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["name"] == name)
                    .filter_map(|p| p["version"].as_str())
                    .collect();
                if versions.is_empty() {
                    "unknown (not in cargo metadata)".to_string()
                } else {
                    versions.join(", ")
                }
            }
        };
        out.insert(name.to_string(), version);
    }
    out
}

/// Gathers the metadata from the current directory (the repository root).
pub fn machine() -> Machine {
    let (cpu, cores) = cpu();
    let os = run("uname", &["-sr"]).unwrap_or_else(|e| e);
    Machine {
        cpu,
        cores,
        os,
        rustc: run("rustc", &["-V"]).unwrap_or_else(|e| e),
        git_revision: git_revision(),
        crates: crates(),
    }
}

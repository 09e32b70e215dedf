//! `crossfmt pickle scan`: arguments, file walking, exit codes.

use anyhow::{Context, Result};
use crossfmt_pickle::scan::{output, scan_file, Limits, Policy, Severity};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub const AFTER_HELP: &str = "\
Exit status: 0 when every file is below --fail-on (default: every file safe),
1 when some file is at or above it, 2 on usage or I/O errors (the other files
are still scanned and reported).

Nothing is loaded or executed: the scanner reads opcodes and simulates the
unpickler's stack and memo on symbolic values.

Containers are opened by content, whatever the file's name: zip (every
member, every compression method), tar, gzip, NumPy .npy/.npz, legacy
torch.save files, nested to a bounded depth. After bytes that are not a
pickle, the rest is searched for the next pickle that imports something.

Policy file: one rule a line, `allow|suspicious|dangerous module.name` or
`... module.*`; `#` starts a comment. File rules override the built-in ones,
except that a wildcard never allows a built-in dangerous entry.";

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum FailOn {
    Suspicious,
    Dangerous,
}

#[derive(clap::Args, Debug)]
pub struct ScanArgs {
    /// Files or directories (scanned recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Allow or deny more globals (see below for the format); its rules
    /// go on top of the preset's.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Built-in rules to start from: `default` allows only what CPython
    /// writes for native data; `ml` also allows what ordinary PyTorch and
    /// NumPy checkpoints hold (tensor rebuild functions, storage types,
    /// OrderedDict, NumPy's array reconstructors), never a dangerous entry.
    #[arg(long, value_name = "NAME", default_value = "default",
          value_parser = clap::builder::PossibleValuesParser::new(crossfmt_pickle::scan::policy::PRESETS))]
    pub preset: String,
    /// Read at most this many bytes of each file; a longer file is scanned
    /// up to there and reported as suspicious.
    #[arg(long, value_name = "N", default_value_t = 1 << 30)]
    pub max_bytes: u64,
    /// The least severity that makes the exit status 1.
    #[arg(long, value_enum, default_value = "suspicious")]
    pub fail_on: FailOn,
}

/// Files under `path`, sorted, or `path` itself.
fn files(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for e in entries {
            files(&e, out)?;
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

pub fn run(args: ScanArgs) -> Result<ExitCode> {
    let preset = Policy::preset(&args.preset).expect("clap checked the preset name");
    let policy = match &args.policy {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("reading policy {}", p.display()))?;
            preset
                .with_rules(&text)
                .with_context(|| format!("policy {}", p.display()))?
        }
        None => preset,
    };
    let mut paths = Vec::new();
    let mut io_error = false;
    for p in &args.paths {
        if let Err(e) = files(p, &mut paths) {
            eprintln!("crossfmt: error: {}: {e}", p.display());
            io_error = true;
        }
    }
    let mut reports = Vec::new();
    for p in &paths {
        match scan_file(p, &policy, Limits::default(), args.max_bytes) {
            Ok(r) => reports.push(r),
            Err(e) => {
                eprintln!("crossfmt: error: {}: {e}", p.display());
                io_error = true;
            }
        }
    }
    let text = match args.format {
        OutputFormat::Text => output::text(&reports),
        OutputFormat::Json => output::json(&reports) + "\n",
        OutputFormat::Sarif => crate::report::sarif::pickle_scan(&reports) + "\n",
    };
    print!("{text}");
    let threshold = match args.fail_on {
        FailOn::Suspicious => Severity::Suspicious,
        FailOn::Dangerous => Severity::Dangerous,
    };
    Ok(if io_error {
        ExitCode::from(2)
    } else if reports.iter().any(|r| r.verdict >= threshold) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

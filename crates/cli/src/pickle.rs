//! `crossfmt pickle ...`: commands about pickle files.

use anyhow::{anyhow, Context, Result};
use clap::Subcommand;
use crossfmt_pickle::disasm;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum PickleArgs {
    /// Disassemble a pickle in the manner of `pickletools.dis`: offset,
    /// opcode, argument, stack depth, memo and mark notes. Nothing is loaded
    /// or run. Exits 1 when the stream breaks before STOP (after printing
    /// everything before the break).
    Disasm {
        /// The pickle file; `-` for standard input.
        file: PathBuf,
        /// The file holds hex text rather than raw bytes.
        #[arg(long)]
        hex: bool,
    },
    /// Scan files for pickles that import or call anything unsafe, without loading them.
    #[command(after_help = crate::pickle_scan::AFTER_HELP)]
    Scan(crate::pickle_scan::ScanArgs),
}

pub fn run(args: PickleArgs) -> Result<ExitCode> {
    match args {
        PickleArgs::Scan(args) => crate::pickle_scan::run(args),
        PickleArgs::Disasm { file, hex } => {
            let bytes = read(&file, hex)?;
            let (text, complete) = disasm::disassemble(&bytes);
            print!("{text}");
            Ok(if complete {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

fn read(file: &Path, is_hex: bool) -> Result<Vec<u8>> {
    let raw = if file == Path::new("-") {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .context("reading standard input")?;
        buf
    } else {
        std::fs::read(file).with_context(|| format!("reading {}", file.display()))?
    };
    if !is_hex {
        return Ok(raw);
    }
    let clean: Vec<u8> = raw
        .into_iter()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    hex::decode(clean).map_err(|e| anyhow!("{} is not valid hex: {e}", file.display()))
}

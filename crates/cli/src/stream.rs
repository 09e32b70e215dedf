//! `crossfmt stream`: the records of a file of many values, read the way a
//! program reads it — one record at a time from a buffered reader, so a
//! file larger than memory streams in constant memory.

use anyhow::{anyhow, bail, Context, Result};
use crossfmt::stream::{Record, Records, Source, StreamError};
use crossfmt::{notation, CodecRef, Format, Registry};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

pub const AFTER_HELP: &str = "\
Each format's convention for many values in one file:
  msgpack   values one after another (rmp-serde, rmpv)
  cbor      a CBOR sequence, RFC 8742 (ciborium)
  json      JSON Lines: one value per line, each ended by a newline
  pickle    pickles appended to one file (pickle.dump called repeatedly)
  protobuf  varint length, then the message (writeDelimitedTo)
  struct    fixed-size records of one layout (--codec 'pystruct:<format>')

With --records, one line per record: its offset (hex), its length and its
value in diagnostic notation (shortened). Without, a summary. The stream
stops at the first record that cannot be read (truncated, malformed, or
garbage between records), and its error names that record's offset.

Exit status: 0 every byte read as complete records; 1 the stream ends in an
error (the records before it are still listed); 2 usage or input errors.";

#[derive(clap::Args)]
pub struct StreamArgs {
    /// The file to read; `-` for standard input.
    file: PathBuf,
    /// The format: its first implementation that reads streams reads it.
    #[arg(long, short, required_unless_present = "codec")]
    format: Option<Format>,
    /// The codec that reads it (`crossfmt codecs` lists them; with
    /// `--testee`, also the testee's).
    #[arg(long, conflicts_with = "format")]
    codec: Option<String>,
    /// Start CMD as a testee (conformance/PROTOCOL.md, stream extension):
    /// `--codec` can then name its codec, whose own reader reads the file.
    #[arg(long = "testee", value_name = "CMD", requires = "codec")]
    testees: Vec<String>,
    /// List every record, not just the summary.
    #[arg(long)]
    records: bool,
    /// Stop after this many records.
    #[arg(long, value_name = "N")]
    limit: Option<u64>,
}

fn pick(args: &StreamArgs) -> Result<CodecRef> {
    let registry = Registry::builtin();
    let codec = match (&args.codec, args.format) {
        (Some(id), _) => {
            crate::cli::resolve_codecs(std::slice::from_ref(id), &args.testees)?.remove(0)
        }
        (None, Some(f)) => registry
            .of_format(f)
            .into_iter()
            .find(|c| c.framing().is_some())
            .ok_or_else(|| anyhow!("no built-in {f} codec reads streams; name one with --codec"))?,
        (None, None) => bail!("name the format (--format) or the codec (--codec)"),
    };
    if codec.framing().is_none() {
        bail!("{} reads no record streams", codec.id());
    }
    Ok(codec)
}

/// Runs `crossfmt stream`.
pub fn run(args: StreamArgs) -> Result<ExitCode> {
    let codec = pick(&args)?;
    let name = args.file.display().to_string();
    let (input, size): (Box<dyn BufRead>, Option<u64>) = if args.file.as_os_str() == "-" {
        (Box::new(BufReader::new(std::io::stdin().lock())), None)
    } else {
        let f = std::fs::File::open(&args.file).with_context(|| format!("opening {name}"))?;
        let size = f.metadata().ok().map(|m| m.len());
        (Box::new(BufReader::with_capacity(1 << 16, f)), size)
    };
    crate::fuzz_driver::process::install_signal_handlers();
    let bar = crate::progress::bytes_bar(size);
    let mut out = BufWriter::new(std::io::stdout().lock());
    // A testee's reader runs in its process, on the file itself: what it
    // answers is listed the same way (held in memory on this side).
    let mut records: Box<dyn Iterator<Item = Result<Record, StreamError>> + '_> =
        if codec.testee().is_some() {
            if args.file.as_os_str() == "-" {
                bail!("a testee reads a file, not standard input");
            }
            let path =
                std::fs::canonicalize(&args.file).with_context(|| format!("opening {name}"))?;
            let reading = codec
                .read_stream(&Source::File(&path))
                .map_err(|e| anyhow!("{}: {e}", codec.id()))?;
            Box::new(
                reading
                    .records
                    .into_iter()
                    .map(Ok)
                    .chain(reading.end.map(Err)),
            )
        } else {
            Box::new(Records::new(codec.as_ref(), input))
        };
    let (mut count, mut largest, mut complete) = (0u64, 0u64, 0u64);
    let mut end = None;
    while args.limit.is_none_or(|n| count < n) {
        if crate::fuzz_driver::process::interrupted() {
            end = Some(format!("interrupted at offset {complete:#x}"));
            break;
        }
        match records.next() {
            None => break,
            Some(Ok(r)) => {
                count += 1;
                largest = largest.max(r.len);
                complete = r.offset + r.len;
                if args.records {
                    bar.suspend(|| {
                        writeln!(
                            out,
                            "{:#010x}  {:>8}  {}",
                            r.offset,
                            r.len,
                            notation::print_short(&r.value)
                        )
                    })?;
                }
                if count % 4096 == 0 {
                    bar.set_position(complete);
                }
            }
            Some(Err(e)) => {
                end = Some(e.to_string());
                break;
            }
        }
    }
    bar.finish_and_clear();
    writeln!(
        out,
        "{name}: {count} record(s) in {complete} bytes ({}, {}; largest record {largest} bytes)",
        codec.id(),
        codec.framing().map(|f| f.to_string()).unwrap_or_default(),
    )?;
    let code = match &end {
        None if args.limit.is_some_and(|n| count >= n) => {
            writeln!(out, "stopped after {count} record(s) (--limit)")?;
            ExitCode::SUCCESS
        }
        None => ExitCode::SUCCESS,
        Some(e) => {
            writeln!(out, "error: {e}")?;
            ExitCode::from(if e.starts_with("interrupted") { 2 } else { 1 })
        }
    };
    out.flush().context("writing standard output")?;
    Ok(code)
}

//! `crossfmt struct calcsize|pack|unpack|iter FORMAT [FILE]`: record files
//! in binary mode, as Python's `struct` reads and writes them.

use anyhow::{anyhow, bail, Context, Result};
use crossfmt::notation;
use crossfmt::Value;
use crossfmt_pystruct::{iter_unpack, pack, unpack, Layout};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Subcommand, Debug)]
pub enum StructCommand {
    /// Print the size of a record (`struct.calcsize`).
    Calcsize { format: String },
    /// Pack records: VALUES is one array in diagnostic notation (`[1, 2.5,
    /// h'6869']`); without it, standard input holds one array a line. The
    /// packed records are written one after another.
    Pack {
        format: String,
        values: Option<String>,
        /// Write hex text (one record a line) instead of raw bytes.
        #[arg(long)]
        hex: bool,
        /// Write here instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Unpack one record: FILE (or standard input) must be exactly calcsize bytes.
    Unpack {
        format: String,
        file: Option<PathBuf>,
        /// The input is hex text rather than raw bytes.
        #[arg(long)]
        hex: bool,
        /// Print a JSON array instead of diagnostic notation.
        #[arg(long)]
        json: bool,
    },
    /// Stream a file of fixed-size records, one line per record, in constant
    /// memory; a trailing partial record is an error naming its byte offset.
    Iter {
        format: String,
        file: Option<PathBuf>,
        /// Print JSON lines instead of diagnostic notation.
        #[arg(long)]
        json: bool,
    },
}

/// Runs one `crossfmt struct` command.
pub fn run(cmd: StructCommand) -> Result<()> {
    let layout = |f: &str| Layout::parse(f).map_err(|e| anyhow!("{e}"));
    match cmd {
        StructCommand::Calcsize { format } => {
            println!("{}", layout(&format)?.size);
            Ok(())
        }
        StructCommand::Pack {
            format,
            values,
            hex,
            output,
        } => {
            let layout = layout(&format)?;
            let out: Box<dyn Write> = match &output {
                Some(p) => Box::new(
                    std::fs::File::create(p).with_context(|| format!("writing {}", p.display()))?,
                ),
                None => Box::new(std::io::stdout().lock()),
            };
            let mut out = BufWriter::new(out);
            match values {
                Some(text) => pack_line(&layout, &text, "VALUES", hex, &mut out)?,
                None => {
                    for (i, line) in std::io::stdin().lock().lines().enumerate() {
                        let line = line.context("reading standard input")?;
                        if !line.trim().is_empty() {
                            pack_line(&layout, &line, &format!("line {}", i + 1), hex, &mut out)?;
                        }
                    }
                }
            }
            out.flush()?;
            Ok(())
        }
        StructCommand::Unpack {
            format,
            file,
            hex,
            json,
        } => {
            let layout = layout(&format)?;
            let mut data = Vec::new();
            open(file.as_deref())?.read_to_end(&mut data)?;
            if hex {
                let text = String::from_utf8_lossy(&data);
                let digits: String = text.split_whitespace().collect();
                data = hex::decode(digits).context("the input is not hex")?;
            }
            let values = unpack(&layout, &data).map_err(|e| anyhow!("{e}"))?;
            println!("{}", record_line(&values, json));
            Ok(())
        }
        StructCommand::Iter { format, file, json } => {
            let layout = layout(&format)?;
            let mut out = BufWriter::new(std::io::stdout().lock());
            iter_records(&layout, open(file.as_deref())?, &mut out, json)?;
            out.flush()?;
            Ok(())
        }
    }
}

fn pack_line(
    layout: &Layout,
    text: &str,
    what: &str,
    hex: bool,
    out: &mut impl Write,
) -> Result<()> {
    let values = match notation::parse(text).map_err(|e| anyhow!("{what}: {e}"))? {
        Value::Array(xs) | Value::Tuple(xs) => xs,
        other => bail!(
            "{what}: a record is an array of fields, not {} {}",
            other.kind(),
            notation::print_short(&other)
        ),
    };
    let bytes = pack(layout, &values).map_err(|e| anyhow!("{what}: {e}"))?;
    if hex {
        writeln!(out, "{}", hex::encode(bytes))?;
    } else {
        out.write_all(&bytes)?;
    }
    Ok(())
}

fn open(path: Option<&Path>) -> Result<Box<dyn Read>> {
    Ok(match path {
        None => Box::new(std::io::stdin().lock()),
        Some(p) if p == Path::new("-") => Box::new(std::io::stdin().lock()),
        Some(p) => {
            Box::new(std::fs::File::open(p).with_context(|| format!("reading {}", p.display()))?)
        }
    })
}

/// Unpacks `input` record by record, writing one line each; returns the
/// number of records. Memory holds one record (and never more than was
/// read: a format naming a gigabyte over a short file costs the file).
pub fn iter_records(
    layout: &Layout,
    input: impl Read,
    out: &mut impl Write,
    json: bool,
) -> Result<u64> {
    // A zero-size layout: CPython's own error.
    if let Err(e) = iter_unpack(layout, &[]) {
        bail!("{e}");
    }
    let size = layout.size as u64;
    let mut reader = BufReader::with_capacity(64 << 10, input);
    let mut record = Vec::new();
    let mut count = 0u64;
    loop {
        record.clear();
        let n = (&mut reader)
            .take(size)
            .read_to_end(&mut record)
            .with_context(|| format!("reading record {count}"))? as u64;
        if n == 0 {
            return Ok(count);
        }
        if n < size {
            bail!(
                "trailing partial record at byte offset {}: {n} of {size} bytes \
                 (format {:?}; {count} whole records before it)",
                count * size,
                layout.format
            );
        }
        let values = unpack(layout, &record).map_err(|e| anyhow!("record {count}: {e}"))?;
        writeln!(out, "{}", record_line(&values, json))?;
        count += 1;
    }
}

/// One record as a line: diagnostic notation, or a JSON array (integers and
/// finite floats as numbers, NaN and infinities as strings, byte strings as
/// hex strings).
pub fn record_line(values: &[Value], json: bool) -> String {
    if !json {
        return notation::print(&Value::Array(values.to_vec()));
    }
    let field = |v: &Value| -> serde_json::Value {
        match v {
            Value::Bool(b) => (*b).into(),
            Value::Int(i) => match (i64::try_from(*i), u64::try_from(*i)) {
                (Ok(x), _) => x.into(),
                (_, Ok(x)) => x.into(),
                _ => i.to_string().into(),
            },
            Value::Float(f) => {
                let x = f.to_f64();
                match serde_json::Number::from_f64(x) {
                    Some(n) => serde_json::Value::Number(n),
                    None if x.is_nan() => "NaN".into(),
                    None if x > 0.0 => "Infinity".into(),
                    None => "-Infinity".into(),
                }
            }
            Value::Bytes(b) => hex::encode(b).into(),
            other => notation::print(other).into(),
        }
    };
    serde_json::Value::Array(values.iter().map(field).collect()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iter_streams_records_and_names_the_partial_one() {
        let layout = Layout::parse("<hB").unwrap();
        let data = [1, 0, 2, 0xff, 0xff, 3, 9];
        let mut out = Vec::new();
        let err = iter_records(&layout, &data[..], &mut out, false).unwrap_err();
        assert_eq!(String::from_utf8(out).unwrap(), "[1, 2]\n[-1, 3]\n");
        assert!(err.to_string().contains("byte offset 6"), "{err}");
        let mut out = Vec::new();
        assert_eq!(
            iter_records(&layout, &data[..6], &mut out, true).unwrap(),
            2
        );
        assert_eq!(String::from_utf8(out).unwrap(), "[1,2]\n[-1,3]\n");
        // A gigabyte-sized format over ten bytes: a partial record, no allocation.
        let huge = Layout::parse("1000000000x").unwrap();
        let err = iter_records(&huge, &[0u8; 10][..], &mut Vec::new(), false).unwrap_err();
        assert!(err.to_string().contains("byte offset 0"), "{err}");
        let empty = Layout::parse("<0h").unwrap();
        assert!(iter_records(&empty, &[][..], &mut Vec::new(), false).is_err());
    }
}

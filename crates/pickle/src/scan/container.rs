//! What a file holds, decided by its bytes, never by its name: a zip
//! archive (as `torch.save` writes them, or an `.npz`), a tar archive (as
//! `torch.save` wrote them before 0.4), gzip, zlib, bzip2, xz and lzma (as
//! joblib and pandas compress pickles), a NumPy `.npy` array, a stream
//! of pickles, or several at once (a polyglot: `pickle.load` reads from the
//! start, a zip reader from the end). Containers inside containers are
//! opened to [`Limits::max_nesting`](super::Limits::max_nesting) levels.
//!
//! Zip members are decompressed with every method the `zip` crate reads
//! (stored, deflate, deflate64, bzip2, LZMA, XZ) and scanned even when their
//! CRC is wrong: PyTorch's loader does not refuse such a member, and neither
//! may a scanner that wants to see what it loads. When the central
//! directory cannot be read at all, members are found by walking the local
//! file headers. Every member is scanned whatever its name: one that reads
//! as a pickle (named `*.pkl`, or starting with `PROTO`) as a stream of
//! pickles; any other as data that may hide one.

use super::stream::{scan_stream, Mode};
use super::{Finding, Kind, Sink};
use std::io::{Cursor, Read};

const LOCAL_HEADER: &[u8; 4] = b"PK\x03\x04";
const CENTRAL_HEADER: &[u8; 4] = b"PK\x01\x02";
const GZIP: &[u8; 2] = b"\x1f\x8b";
const NPY: &[u8; 6] = b"\x93NUMPY";

/// Scans `bytes`; returns how the content was recognised (`raw`, `zip`,
/// `zip+raw` for a file that is also a pickle from its first byte, `tar`,
/// `gzip`, `zlib`, `bz2`, `xz`, `lzma`, `npy`).
pub(crate) fn scan(bytes: &[u8], sink: &mut Sink) -> &'static str {
    scan_content(bytes, "", 0, sink)
}

/// `label` joined with a member's name: `outer.zip!inner/data.pkl`.
fn member_label(label: &str, name: &str) -> String {
    if label.is_empty() {
        name.to_string()
    } else {
        format!("{label}!{name}")
    }
}

fn is_tar(bytes: &[u8]) -> bool {
    bytes.len() >= 512 && &bytes[257..262] == b"ustar"
}

/// Content found at `label` (a file, a member, decompressed bytes, a
/// payload handed to a loader), `depth` containers or nested pickles down.
pub(crate) fn scan_content(
    bytes: &[u8],
    label: &str,
    depth: usize,
    sink: &mut Sink,
) -> &'static str {
    if depth > sink.limits.max_nesting {
        sink.push(Finding::note(
            Kind::Limit,
            0,
            label,
            format!(
                "containers and pickles nested deeper than {}; this one is not opened",
                sink.limits.max_nesting
            ),
        ));
        return "nested";
    }
    if bytes.starts_with(GZIP) {
        scan_gzip(bytes, label, depth, sink);
        return "gzip";
    }
    if bytes.starts_with(NPY) {
        scan_npy(bytes, label, depth, sink);
        return "npy";
    }
    if let Some((name, decoded)) = compressed(bytes, label, sink) {
        scan_content(&decoded, &member_label(label, name), depth + 1, sink);
        return name;
    }
    if is_tar(bytes) {
        scan_tar(bytes, label, depth, sink);
        also_as_pickle(bytes, label, depth, sink);
        return "tar";
    }
    let starts_as_zip = bytes.starts_with(LOCAL_HEADER);
    let central = if has_end_of_central_directory(bytes) {
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())
    } else {
        Err("no end of central directory record".to_string())
    };
    let zip = match central {
        Ok(mut archive) => {
            scan_archive(&mut archive, label, depth, sink);
            true
        }
        Err(e) if starts_as_zip || looks_like_zip(bytes) => {
            sink.push(container_finding(
                0,
                label,
                format!("zip central directory unreadable ({e}); members found from their local headers"),
            ));
            scan_local_headers(bytes, label, depth, sink);
            true
        }
        Err(_) => false,
    };
    if starts_as_zip {
        return if also_as_pickle(bytes, label, depth, sink) {
            "zip+raw"
        } else {
            "zip"
        };
    }
    scan_stream(bytes, label, depth, sink, Mode::Pickles);
    if zip {
        "zip+raw"
    } else {
        "raw"
    }
}

/// An archive that starts where a pickle could (`PK` is also PERSID plus a
/// line; a tar's first bytes are a member's name) is what `pickle.load`
/// reads while `torch.load` reads the archive. The raw reading is reported
/// only when it imports or calls something, so a plain archive is not
/// flagged for not being a pickle. True when it was reported.
fn also_as_pickle(bytes: &[u8], label: &str, depth: usize, sink: &mut Sink) -> bool {
    let mut raw = Sink::new(sink.policy, sink.limits);
    scan_stream(bytes, label, depth, &mut raw, Mode::FromStart);
    sink.ops += raw.ops;
    let active = raw
        .findings
        .iter()
        .any(|f| matches!(f.kind, Kind::Import | Kind::Call | Kind::UnresolvedImport));
    if active {
        sink.globals.extend(raw.globals);
        raw.findings.into_iter().for_each(|f| sink.push(f));
    }
    active
}

/// A zip's end-of-central-directory record sits in its last 65,557 bytes
/// (22 and a comment of at most 65,535); without one, the zip reader would
/// search the whole file backwards for it, which on a big pickle is most of
/// the scan's time.
fn has_end_of_central_directory(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(22 + 65_535)..];
    memchr::memmem::rfind(tail, b"PK\x05\x06").is_some()
}

/// A local header at the start, or one whose fields parse, somewhere.
fn looks_like_zip(bytes: &[u8]) -> bool {
    local_headers(bytes).next().is_some()
}

fn container_finding(offset: usize, label: &str, message: String) -> Finding {
    Finding::note(Kind::Container, offset, label, message)
}

/// Members a loader would unpickle as they are: `*.pkl`, and anything else
/// that starts like a protocol 2+ pickle (PyTorch names its pickle
/// `data.pkl`, but a scanner keyed on names is a scanner bypassed by
/// renaming). Every other member is still searched for pickles.
fn is_pickle_member(name: &str, head: &[u8]) -> bool {
    name.ends_with(".pkl") || matches!(head, [0x80, 2..=5, ..])
}

/// One member of an archive, decompressed: another container, a pickle,
/// or data that may hide one.
fn scan_member(label: &str, name: &str, data: &[u8], depth: usize, sink: &mut Sink) {
    let here = member_label(label, name);
    let container = data.starts_with(GZIP)
        || data.starts_with(NPY)
        || data.starts_with(LOCAL_HEADER)
        || is_tar(data);
    if container {
        scan_content(data, &here, depth + 1, sink);
    } else if matches!(name.rsplit('/').next(), Some("storages" | "tensors")) {
        // torch.save's tar format: a pickle per storage, each followed by
        // the storage's raw bytes.
        scan_stream(data, &here, depth, sink, Mode::PicklesThenData);
    } else if is_pickle_member(name, data) {
        scan_stream(data, &here, depth, sink, Mode::Pickles);
    } else {
        scan_stream(data, &here, depth, sink, Mode::Data);
    }
}

/// Reads all of `r`, bytes the file holds as they are; a read error keeps
/// what was read before it.
fn read_all(mut r: impl Read, what: &str, offset: usize, label: &str, sink: &mut Sink) -> Vec<u8> {
    let mut out = Vec::new();
    if let Err(e) = r.read_to_end(&mut out) {
        sink.push(container_finding(
            offset,
            label,
            format!(
                "{what}: {e}; scanning the {} bytes read before it",
                out.len()
            ),
        ));
    }
    out
}

/// Reads at most the rest of the decoding budget from `r`; a read error
/// keeps what was read before it.
fn read_budgeted(r: impl Read, what: &str, offset: usize, label: &str, sink: &mut Sink) -> Vec<u8> {
    let budget = sink.limits.max_decoded.saturating_sub(sink.decoded) as u64;
    let mut out = read_all(r.take(budget + 1), what, offset, label, sink);
    if out.len() as u64 > budget {
        sink.push(container_finding(
            offset,
            label,
            format!(
                "{what} decompresses past the {}-byte decoding budget; the rest is not scanned",
                sink.limits.max_decoded
            ),
        ));
        out.truncate(budget as usize);
    }
    sink.decoded += out.len();
    out
}

fn scan_archive(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    label: &str,
    depth: usize,
    sink: &mut Sink,
) {
    let n = archive.len();
    if n > sink.limits.max_members {
        sink.push(container_finding(
            0,
            label,
            format!(
                "{n} zip members; only the first {} are scanned",
                sink.limits.max_members
            ),
        ));
    }
    let mut fallback = false;
    for i in 0..n.min(sink.limits.max_members) {
        if sink.decoded >= sink.limits.max_decoded {
            sink.push(container_finding(
                0,
                label,
                format!(
                    "the {}-byte decoding budget is spent; zip members {i} to {} are not scanned",
                    sink.limits.max_decoded,
                    n - 1
                ),
            ));
            break;
        }
        match archive.by_index(i) {
            Ok(f) => {
                let name = f.name().to_string();
                let offset = f.data_start().unwrap_or(0) as usize;
                let what = format!("zip member {name}");
                // Stored members spend the budget too: central-directory
                // entries may all point at the same bytes (an overlapping
                // zip bomb), so what they hold is not bounded by the file.
                let data = read_budgeted(f, &what, offset, label, sink);
                scan_member(label, &name, &data, depth, sink);
            }
            Err(e) => {
                let unsupported = matches!(e, zip::result::ZipError::UnsupportedArchive(_));
                sink.push(container_finding(
                    0,
                    label,
                    format!("zip member {i} unreadable: {e}"),
                ));
                fallback |= !unsupported;
            }
        }
    }
    if fallback {
        let bytes = *archive.clone().into_inner().get_ref();
        scan_local_headers(bytes, label, depth, sink);
    }
}

fn scan_gzip(bytes: &[u8], label: &str, depth: usize, sink: &mut Sink) {
    let mut gz = flate2::read::MultiGzDecoder::new(bytes);
    let name = gz
        .header()
        .and_then(|h| h.filename())
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .unwrap_or_else(|| "(gunzip)".into());
    let data = read_budgeted(&mut gz, "gzip stream", 0, label, sink);
    scan_content(&data, &member_label(label, &name), depth + 1, sink);
}

/// A whole file compressed as joblib and pandas write pickles (`.z`,
/// `.bz2`, `.xz`, `.lzma`): the decompressed bytes, when they decompress.
/// None of the three can start a pickle that loads (`x`, 0xFD, `]` and
/// `BZh` as `BINBYTES` of a 1.7-GB length), so trying costs nothing on a
/// pickle.
fn compressed(bytes: &[u8], label: &str, sink: &mut Sink) -> Option<(&'static str, Vec<u8>)> {
    let (name, reader): (&str, Box<dyn Read + '_>) = match bytes {
        [0x78, b, ..] if (0x7800 | u16::from(*b)) % 31 == 0 => {
            ("zlib", Box::new(flate2::read::ZlibDecoder::new(bytes)))
        }
        [b'B', b'Z', b'h', b'1'..=b'9', ..] => {
            ("bz2", Box::new(bzip2::read::MultiBzDecoder::new(bytes)))
        }
        [0xFD, b'7', b'z', b'X', b'Z', 0, ..] => ("xz", super::decode::lzma_reader(bytes)?),
        [0x5D, 0, 0, ..] => ("lzma", super::decode::lzma_reader(bytes)?),
        _ => return None,
    };
    let mut probe = reader;
    let mut head = [0u8; 1];
    // Not this format after all: read as whatever else it is.
    if probe.read(&mut head).ok()? == 0 {
        return None;
    }
    let rest = read_budgeted(probe, &format!("{name} stream"), 0, label, sink);
    let mut out = Vec::with_capacity(rest.len() + 1);
    out.push(head[0]);
    out.extend(rest);
    Some((name, out))
}

/// A NumPy array file: its header, then raw data or, for an object array
/// (`'descr': '|O'`, or a structured dtype with an `O` field), the pickle
/// `numpy.load(allow_pickle=True)` runs.
fn scan_npy(bytes: &[u8], label: &str, depth: usize, sink: &mut Sink) {
    let header = match bytes.get(6) {
        Some(1) => bytes
            .get(8..10)
            .map(|l| (10, usize::from(u16::from_le_bytes([l[0], l[1]])))),
        Some(2 | 3) => bytes
            .get(8..12)
            .map(|l| (12, u32::from_le_bytes([l[0], l[1], l[2], l[3]]) as usize)),
        _ => None,
    };
    let Some((at, len)) = header.filter(|(at, len)| at + len <= bytes.len()) else {
        sink.push(container_finding(
            0,
            label,
            "NumPy header unreadable; the rest is searched for pickles".into(),
        ));
        scan_stream(bytes, label, depth, sink, Mode::Data);
        return;
    };
    let dict = String::from_utf8_lossy(&bytes[at..at + len]);
    let data = &bytes[at + len..];
    let here = member_label(label, "(npy data)");
    if dict.contains("'|O'") || dict.contains("\"|O\"") {
        scan_stream(data, &here, depth, sink, Mode::Pickles);
    } else {
        // Numbers, read as they are; still searched, as any data is.
        scan_stream(data, &here, depth, sink, Mode::Data);
    }
}

fn scan_tar(bytes: &[u8], label: &str, depth: usize, sink: &mut Sink) {
    let mut archive = tar::Archive::new(bytes);
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => {
            sink.push(container_finding(0, label, format!("tar unreadable: {e}")));
            return;
        }
    };
    for (i, entry) in entries.enumerate() {
        if i == sink.limits.max_members {
            sink.push(container_finding(
                0,
                label,
                format!("more than {i} tar members; the rest is not scanned"),
            ));
            break;
        }
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                sink.push(container_finding(
                    0,
                    label,
                    format!("tar member {i} unreadable: {e}"),
                ));
                break;
            }
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let offset = entry.raw_file_position() as usize;
        let data = read_all(
            &mut entry,
            &format!("tar member {name}"),
            offset,
            label,
            sink,
        );
        scan_member(label, &name, &data, depth, sink);
    }
}

/// (name, compression method, data offset, compressed bytes) of each local
/// header whose fields make sense.
fn local_headers(bytes: &[u8]) -> impl Iterator<Item = (String, u16, usize, &[u8])> {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(at) = find(bytes, LOCAL_HEADER, from) {
            from = at + 4;
            let h = bytes.get(at..at + 30)?;
            let u16_at = |i: usize| u16::from_le_bytes([h[i], h[i + 1]]);
            let u32_at = |i: usize| u32::from_le_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
            let (flags, method, csize) = (u16_at(6), u16_at(8), u32_at(18));
            let (name_len, extra_len) = (usize::from(u16_at(26)), usize::from(u16_at(28)));
            let data_at = at + 30 + name_len + extra_len;
            let Some(name) = bytes.get(at + 30..at + 30 + name_len) else {
                continue;
            };
            if data_at > bytes.len() {
                continue;
            }
            // Sizes deferred to a data descriptor, or zip64: read up to the
            // next header.
            let end = if flags & 8 != 0 || csize == u32::MAX {
                [LOCAL_HEADER, CENTRAL_HEADER]
                    .iter()
                    .filter_map(|sig| find(bytes, *sig, data_at))
                    .min()
                    .unwrap_or(bytes.len())
            } else {
                (data_at + csize as usize).min(bytes.len())
            };
            from = end.max(from);
            return Some((
                String::from_utf8_lossy(name).into_owned(),
                method,
                data_at,
                &bytes[data_at..end],
            ));
        }
        None
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    memchr::memmem::find(hay.get(from..)?, needle).map(|i| i + from)
}

fn scan_local_headers(bytes: &[u8], label: &str, depth: usize, sink: &mut Sink) {
    for (i, (name, method, offset, raw)) in local_headers(bytes).enumerate() {
        if i == sink.limits.max_members {
            sink.push(container_finding(
                offset,
                label,
                format!("more than {i} local headers; the rest is not scanned"),
            ));
            break;
        }
        let what = format!("zip member {name}");
        let data = match method {
            0 => raw.to_vec(),
            8 => read_budgeted(
                flate2::read::DeflateDecoder::new(raw),
                &what,
                offset,
                label,
                sink,
            ),
            12 => read_budgeted(bzip2::read::BzDecoder::new(raw), &what, offset, label, sink),
            m => {
                sink.push(container_finding(
                    offset,
                    label,
                    format!("{what}: compression method {m} not read without a central directory"),
                ));
                continue;
            }
        };
        scan_member(label, &name, &data, depth, sink);
    }
}

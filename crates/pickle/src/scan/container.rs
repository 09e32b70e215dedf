//! What a file holds, decided by its bytes: a zip archive (as `torch.save`
//! writes them), a stream of pickles, or both (a polyglot: `pickle.load`
//! reads from the start, a zip reader from the end).
//!
//! Zip members are read raw, without the CRC check: PyTorch's loader does
//! not refuse a member whose CRC is wrong, and neither may a scanner that
//! wants to see what it loads. When the central directory cannot be read at
//! all, members are found by walking the local file headers. A file that
//! starts like a zip is also read as a pickle (see [`scan_file`](super::scan_file)).

use super::stream::scan_stream;
use super::{Finding, Kind, Sink};
use std::io::{Cursor, Read};

const LOCAL_HEADER: &[u8; 4] = b"PK\x03\x04";
const CENTRAL_HEADER: &[u8; 4] = b"PK\x01\x02";

/// Scans `bytes`; returns how the content was recognised (`raw`, `zip`, or
/// `zip+raw` for a file that is also a pickle from its first byte).
pub(crate) fn scan(bytes: &[u8], sink: &mut Sink) -> &'static str {
    let starts_as_zip = bytes.starts_with(LOCAL_HEADER);
    let zip = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(mut archive) => {
            scan_archive(&mut archive, sink);
            true
        }
        Err(e) if starts_as_zip || looks_like_zip(bytes) => {
            sink.push(container_finding(
                0,
                format!("zip central directory unreadable ({e}); members found from their local headers"),
            ));
            scan_local_headers(bytes, sink);
            true
        }
        Err(_) => false,
    };
    if starts_as_zip {
        // `PK` is also PERSID plus a line: `pickle.load` reads such a file
        // as a pickle while `torch.load` reads it as a zip. The raw reading
        // is reported only when it imports or calls something, so a plain
        // zip is not flagged for not being a pickle.
        let mut raw = Sink::new(sink.policy, sink.limits);
        scan_stream(bytes, "", 0, &mut raw);
        sink.ops += raw.ops;
        let active = raw
            .findings
            .iter()
            .any(|f| matches!(f.kind, Kind::Import | Kind::Call | Kind::UnresolvedImport));
        if !active {
            return "zip";
        }
        sink.globals.extend(raw.globals);
        raw.findings.into_iter().for_each(|f| sink.push(f));
        return "zip+raw";
    }
    scan_stream(bytes, "", 0, sink);
    if zip {
        "zip+raw"
    } else {
        "raw"
    }
}

/// A local header at the start, or one whose fields parse, somewhere.
fn looks_like_zip(bytes: &[u8]) -> bool {
    local_headers(bytes).next().is_some()
}

fn container_finding(offset: usize, message: String) -> Finding {
    Finding::note(Kind::Container, offset, "", message)
}

/// Members a loader would unpickle: `*.pkl`, and anything else that starts
/// like a protocol 2+ pickle (PyTorch names its pickle `data.pkl`, but a
/// scanner keyed on names is a scanner bypassed by renaming).
fn is_pickle_member(name: &str, head: &[u8]) -> bool {
    name.ends_with(".pkl") || matches!(head, [0x80, 2..=5, ..])
}

fn scan_archive(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, sink: &mut Sink) {
    let n = archive.len();
    if n > sink.limits.max_members {
        sink.push(container_finding(
            0,
            format!(
                "{n} zip members; only the first {} are scanned",
                sink.limits.max_members
            ),
        ));
    }
    let mut fallback = false;
    for i in 0..n.min(sink.limits.max_members) {
        let member = archive
            .by_index_raw(i)
            .map_err(|e| e.to_string())
            .and_then(|mut f| {
                let name = f.name().to_string();
                let method = f.compression();
                let offset = f.data_start().unwrap_or(0) as usize;
                let mut raw = Vec::new();
                (&mut f)
                    .take(sink.limits.max_decoded as u64)
                    .read_to_end(&mut raw)
                    .map_err(|e| e.to_string())?;
                Ok((name, method, offset, raw))
            });
        match member {
            Ok((name, method, offset, raw)) => {
                let stored = method == zip::CompressionMethod::Stored;
                scan_member(&name, stored, offset, &raw, sink)
            }
            Err(e) => {
                sink.push(container_finding(
                    0,
                    format!("zip member {i} unreadable: {e}"),
                ));
                fallback = true;
            }
        }
    }
    if fallback {
        let bytes = *archive.clone().into_inner().get_ref();
        scan_local_headers(bytes, sink);
    }
}

fn scan_member(name: &str, stored: bool, offset: usize, raw: &[u8], sink: &mut Sink) {
    let data = if stored {
        raw.to_vec()
    } else {
        let budget = sink.limits.max_decoded.saturating_sub(sink.decoded) as u64;
        let mut out = Vec::new();
        let read = flate2::read::DeflateDecoder::new(raw)
            .take(budget + 1)
            .read_to_end(&mut out);
        if let Err(e) = read {
            if is_pickle_member(name, &out) || name.ends_with(".pkl") {
                sink.push(container_finding(
                    offset,
                    format!("zip member {name}: inflate failed ({e}); scanning what inflated"),
                ));
            }
        }
        if out.len() as u64 > budget {
            sink.push(container_finding(
                offset,
                format!("zip member {name} inflates past the decoding budget"),
            ));
            out.truncate(budget as usize);
        }
        sink.decoded += out.len();
        out
    };
    if is_pickle_member(name, &data) {
        scan_stream(&data, name, 0, sink);
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
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

fn scan_local_headers(bytes: &[u8], sink: &mut Sink) {
    for (i, (name, method, offset, raw)) in local_headers(bytes).enumerate() {
        if i == sink.limits.max_members {
            sink.push(container_finding(
                offset,
                format!("more than {i} local headers; the rest is not scanned"),
            ));
            break;
        }
        match method {
            0 | 8 => scan_member(&name, method == 0, offset, raw, sink),
            m => sink.push(container_finding(
                offset,
                format!("zip member {name}: compression method {m} not read"),
            )),
        }
    }
}

//! The pure decoding functions a pickle can call on a payload before it
//! hands the result to a loader (`pickle.loads(zlib.decompress(b64decode(
//! ...)))`): what each returns, computed here so the nested pickle can be
//! scanned. Each is spelt as CPython's: base64 discards characters outside
//! its alphabet, `bytes.fromhex` skips whitespace, `lzma.decompress` takes
//! `.xz` and `.lzma` alike.

use std::io::Read;

/// What `full(input, encoding)` returns, or `None` when `full` is not a
/// decoder the scanner knows or the input does not decode. At most
/// `budget + 1` bytes are produced, so the caller can tell "over budget".
pub(crate) fn decode(
    full: &str,
    input: &[u8],
    is_text: bool,
    encoding: Option<&[u8]>,
    budget: usize,
) -> Option<Vec<u8>> {
    let cap = budget as u64 + 1;
    let stream = |r: &mut dyn Read| {
        let mut out = Vec::new();
        r.take(cap).read_to_end(&mut out).ok().map(|_| out)
    };
    match full {
        "base64.b64decode"
        | "base64.standard_b64decode"
        | "base64.decodebytes"
        | "base64.decodestring"
        | "binascii.a2b_base64" => b64(input, b"+/", &base64::alphabet::STANDARD),
        "base64.urlsafe_b64decode" => b64(input, b"-_", &base64::alphabet::URL_SAFE),
        "base64.b16decode" | "binascii.unhexlify" | "binascii.a2b_hex" => hex::decode(input).ok(),
        "builtins.bytes.fromhex" | "builtins.bytearray.fromhex" => {
            let clean: Vec<u8> = input
                .iter()
                .copied()
                .filter(|c| !c.is_ascii_whitespace())
                .collect();
            hex::decode(clean).ok()
        }
        "base64.b85decode" => b85(input),
        "base64.a85decode" => a85(input),
        "base64.b32decode" => b32(input),
        "io.BytesIO" | "_io.BytesIO" => Some(input.to_vec()),
        "zlib.decompress" => stream(&mut flate2::read::ZlibDecoder::new(input)),
        "gzip.decompress" => stream(&mut flate2::read::MultiGzDecoder::new(input)),
        "bz2.decompress" => stream(&mut bzip2::read::MultiBzDecoder::new(input)),
        "lzma.decompress" => stream(&mut *lzma_reader(input)?),
        "codecs.decode" | "_codecs.decode" => {
            let codec = String::from_utf8_lossy(encoding?).to_ascii_lowercase();
            let codec = codec
                .strip_suffix("_codec")
                .unwrap_or(&codec)
                .replace('-', "_");
            let via = match codec.as_str() {
                "hex" => "binascii.a2b_hex",
                "base64" | "base_64" => "base64.b64decode",
                "zlib" | "zip" => "zlib.decompress",
                "bz2" => "bz2.decompress",
                _ => return None,
            };
            decode(via, input, is_text, None, budget)
        }
        "_codecs.encode" | "codecs.encode" if is_text && is_latin1_name(encoding?) => latin1(input),
        _ => None,
    }
}

/// The dictionary an LZMA decoder may allocate: 256 MiB, four times what
/// `xz -9` uses. The decoder allocates its whole dictionary up front, so a
/// header declaring 4 GiB would otherwise cost 4 GiB before a byte decodes.
const LZMA_DICT_MAX: u32 = 256 << 20;

/// A decoder for `.xz` or `.lzma` (what `lzma.decompress` accepts), or
/// `None` when the header is not one or declares a dictionary over
/// [`LZMA_DICT_MAX`] (for `.xz`, in its first block).
pub(crate) fn lzma_reader(input: &[u8]) -> Option<Box<dyn Read + '_>> {
    if input.starts_with(b"\xfd7zXZ\x00") {
        if xz_first_dict(input).is_none_or(|d| d > u64::from(LZMA_DICT_MAX)) {
            return None;
        }
        return Some(Box::new(lzma_rust2::XzReader::new(input, true)));
    }
    let r = lzma_rust2::LzmaReader::new_mem_limit(input, LZMA_DICT_MAX / 1024 + 64, None).ok()?;
    Some(Box::new(r))
}

/// The LZMA2 dictionary size the first block of an `.xz` stream declares.
fn xz_first_dict(input: &[u8]) -> Option<u64> {
    let header = input.get(12..)?;
    let size = (usize::from(*header.first()?) + 1) * 4;
    let block = header.get(..size)?;
    let flags = *block.get(1)?;
    let mut at = 2;
    let varint = |at: &mut usize| -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..63).step_by(7) {
            let b = *block.get(*at)?;
            *at += 1;
            v |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    };
    for present in [flags & 0x40 != 0, flags & 0x80 != 0] {
        if present {
            varint(&mut at)?;
        }
    }
    for _ in 0..(flags & 3) + 1 {
        let id = varint(&mut at)?;
        let len = varint(&mut at)? as usize;
        let props = block.get(at..at + len)?;
        at += len;
        if id == 0x21 {
            let p = u32::from(*props.first()?);
            return (p <= 40).then(|| {
                if p == 40 {
                    u64::from(u32::MAX)
                } else {
                    u64::from(2 | (p & 1)) << (p / 2 + 11)
                }
            });
        }
    }
    None
}

/// The encoding names CPython writes, or accepts, for latin-1.
pub(crate) fn is_latin1_name(codec: &[u8]) -> bool {
    matches!(codec, b"latin1" | b"latin-1" | b"iso-8859-1" | b"iso8859-1")
}

/// UTF-8 text encoded to latin-1, as `_codecs.encode(text, 'latin1')`
/// returns it; `None` where CPython raises.
pub(crate) fn latin1(text: &[u8]) -> Option<Vec<u8>> {
    std::str::from_utf8(text)
        .ok()?
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}

fn b64(input: &[u8], extra: &[u8; 2], alphabet: &base64::alphabet::Alphabet) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let lenient = base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    let clean: Vec<u8> = input
        .iter()
        .copied()
        .filter(|c| c.is_ascii_alphanumeric() || extra.contains(c))
        .collect();
    base64::engine::GeneralPurpose::new(alphabet, lenient)
        .decode(clean)
        .ok()
}

/// Groups of `width` digits in base `base`, read big-endian into `bytes`
/// bytes each; a short last group is padded with the highest digit and the
/// padding's bytes dropped, as CPython's b85decode and a85decode do.
fn base_n(digits: &[u32], base: u64, width: usize, bytes: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(digits.len() * bytes / width + bytes);
    for group in digits.chunks(width) {
        let pad = width - group.len();
        let mut n: u64 = 0;
        for i in 0..width {
            n = n * base + u64::from(group.get(i).copied().unwrap_or(base as u32 - 1));
        }
        if n >= 1u64 << (8 * bytes) {
            return None;
        }
        let be = n.to_be_bytes();
        out.extend_from_slice(&be[8 - bytes..8 - pad]);
    }
    Some(out)
}

fn b85(input: &[u8]) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] =
        b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
    let digits = input
        .iter()
        .map(|c| ALPHABET.iter().position(|a| a == c).map(|i| i as u32))
        .collect::<Option<Vec<_>>>()?;
    base_n(&digits, 85, 5, 4)
}

fn a85(input: &[u8]) -> Option<Vec<u8>> {
    let body = input.strip_prefix(b"<~").unwrap_or(input);
    let body = body.strip_suffix(b"~>").unwrap_or(body);
    let mut out = Vec::new();
    let mut digits = Vec::new();
    for &c in body {
        match c {
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' => {}
            b'z' if digits.is_empty() => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                digits.push(u32::from(c - b'!'));
                if digits.len() == 5 {
                    out.extend(base_n(&digits, 85, 5, 4)?);
                    digits.clear();
                }
            }
            _ => return None,
        }
    }
    out.extend(base_n(&digits, 85, 5, 4)?);
    Some(out)
}

fn b32(input: &[u8]) -> Option<Vec<u8>> {
    let body: Vec<u8> = input.iter().copied().filter(|&c| c != b'=').collect();
    let mut out = Vec::with_capacity(body.len() * 5 / 8);
    let (mut acc, mut bits) = (0u64, 0u32);
    for c in body {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        acc = (acc << 5) | u64::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decoders_agree_with_cpython() {
        // Outputs of CPython 3.11's base64 module for b"pickle!".
        let d = |f: &str, s: &[u8]| decode(f, s, false, None, 1 << 20);
        assert_eq!(d("base64.b85decode", b"aA{*}Y-J$").unwrap(), b"pickle!");
        assert_eq!(d("base64.a85decode", b"E+rftCh4a").unwrap(), b"pickle!");
        assert_eq!(
            d("base64.b32decode", b"OBUWG23MMUQQ====").unwrap(),
            b"pickle!"
        );
        assert_eq!(
            d("builtins.bytes.fromhex", b"70 69636b6c6521").unwrap(),
            b"pickle!"
        );
        assert_eq!(
            decode(
                "codecs.decode",
                b"7069636b6c6521",
                false,
                Some(b"hex"),
                1 << 20
            )
            .unwrap(),
            b"pickle!"
        );
        assert_eq!(d("base64.a85decode", b"z").unwrap(), [0; 4]);
        assert!(d("base64.b85decode", b"\"").is_none());
        assert!(d("os.system", b"x").is_none());
        // CPython's lzma.compress output (xz, preset 6: an 8 MiB dictionary)
        // decodes; the same stream declaring a 4 GiB dictionary is refused.
        let xz = hex::decode(
            "fd377a585a000004e6d6b4460200210116000000742fe5a30100067069636b6c6521000089b05d0da2f4e421\
             00011f07162eb8731fb6f37d010000000004595a",
        )
        .unwrap();
        assert_eq!(d("lzma.decompress", &xz).unwrap(), b"pickle!");
        let mut huge = xz.clone();
        huge[16] = 40;
        assert!(super::lzma_reader(&huge).is_none());
    }
}

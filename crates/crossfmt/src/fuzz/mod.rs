//! The library half of fuzzing: the list of fuzz targets, what each one runs
//! on one input, seeds, libFuzzer options and dictionaries. The cargo-fuzz
//! crate in `fuzz/` is a thin driver: each target is one macro call that
//! hands libFuzzer's input to [`fuzz_one`]. Every check is still a function
//! in [`crate::check`]; nothing here decides what is correct.
//!
//! # Targets
//!
//! | name | kind | input | runs |
//! |---|---|---|---|
//! | `decode_<codec>` | [`TargetKind::Decode`] | bytes | [`check::roundtrip::bytes_first`] |
//! | `bare_decode_<codec>` | [`TargetKind::BareDecode`] | bytes | `decode` only, result ignored (exec/s baseline; never a finding) |
//! | `roundtrip_value` | [`TargetKind::RoundtripValue`] | a `Value` (via `Arbitrary`) | [`check::roundtrip::value_first`] for every built-in codec |
//! | `cross_format` | [`TargetKind::CrossFormat`] | a `Value` | [`check::cross_format::pair`] for every pair of built-in codecs |
//! | `differential_<format>` | [`TargetKind::Differential`] | bytes | [`check::differential::same_bytes`] over the format's implementations |
//! | `planted_decode` | [`TargetKind::Planted`] | bytes | `bytes_first` on [`crate::codec::planted::Planted`] |
//! | `planted_roundtrip` | [`TargetKind::Planted`] | a `Value` | `value_first` on `Planted` |
//! | `struct_format` | [`TargetKind::StructFormat`] | a `struct` format string | [`check::struct_layout::layout_consistent`] |
//! | `struct_unpack` | [`TargetKind::StructUnpack`] | format, NUL, record bytes | [`check::struct_layout::unpack_input`] |
//! | `pickle_scan` | [`TargetKind::PickleScan`] | bytes (any file) | [`crate::check::pickle_scan::bounded`] |
//!
//! `<codec>` is the codec id with `/` and `-` mapped to `_`; a format has a
//! differential target when it has two or more built-in implementations.
//! Schema-driven codecs (the built-in `pystruct:<format>` layouts) have no
//! per-codec targets: `struct_unpack` takes the format as part of its input.
//! Value-input targets need the `arbitrary` feature (a default feature, so
//! `cargo test` replays their regressions); without it [`run_target`] panics
//! on them.
//!
//! # Findings and signatures
//!
//! [`fuzz_one`] writes one line, `CROSSFMT-FINDING {json}` (keys `target`,
//! `check`, `codecs`, `signature`, `detail`, `input_hex`, `repro`), to
//! standard error and aborts, so libFuzzer records the input whatever the
//! panic hooks do. The `signature` ([`signature`]) is the dedup key:
//!
//! - a contained panic: `check|codecs|message|file:line`, where `codecs` is
//!   the ids joined by `+`, `message` is the panic message with every run of
//!   digits replaced by `N` (so `the len is 59 but the index is 60` is one
//!   bug), and `file:line` is the panic location without its column;
//! - any other finding: `check|codecs|detail|classes`, where `detail` is the
//!   finding's detail up to its first `:` or `(`, trimmed (the part that
//!   names the kind of failure), and `classes` names the outcomes without
//!   their values: the kinds at the first difference of the expected and
//!   actual values (`f64->f64`), or each implementation's outcome
//!   (`msgpack/rmpv=ok`,
//!   `msgpack/rmp-serde=err:Syntax:wrong msgpack marker Reserved`), error
//!   messages cut before any offset and with digits as `N`. Two inputs that
//!   trip the same bug in the same way share a signature; a different
//!   disagreement between the same codecs does not.
//!
//! Findings whose signature starts with a line of `fuzz/known-signatures.txt`
//! ([`KnownSignatures`]) are known third-party bugs: `fuzz_one` returns
//! quietly on them so a nightly run keeps hunting new ones.
//!
//! # Seeds
//!
//! [`materialise_seeds`] writes `out/<target>/<hash>`: `pickle_scan` also gets
//! the files of `corpus/pickles/` (up to its `max_len`); for bytes targets, the
//! corpus bytes of the target's format, every built-in implementation's
//! encoding of every corpus value it supports, and the target's regressions.
//! The struct targets get the built-in layouts and edge formats
//! ([`check::struct_layout::seeds`]). Value-input targets (`roundtrip_value`, `cross_format`,
//! `planted_roundtrip`) read their input through `Arbitrary`, whose inverse we
//! do not have, so they get their regressions plus [`RANDOM_SEEDS`]
//! deterministic pseudo-random byte strings (splitmix64, fixed seed).

use crate::check::{self, Finding};
use crate::corpus::{self, Corpus, RegressionInput};
use crate::{CodecRef, Format, Registry};
use crossfmt_codecs::planted::Planted;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// What a target runs; see the module documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TargetKind {
    Decode,
    BareDecode,
    RoundtripValue,
    CrossFormat,
    Differential,
    Planted,
    StructFormat,
    StructUnpack,
    /// The malicious-pickle scanner on any bytes: no panic, bounded work.
    PickleScan,
}

/// One fuzz target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub name: String,
    pub kind: TargetKind,
    /// The format of the input bytes, for bytes targets.
    pub format: Option<Format>,
    /// The codec ids the target exercises.
    pub codecs: Vec<String>,
    /// libFuzzer's `-max_len`.
    pub max_len: usize,
}

/// Names of the two planted-bug targets.
pub const PLANTED_DECODE: &str = "planted_decode";
pub const PLANTED_ROUNDTRIP: &str = "planted_roundtrip";
/// Name of the scanner's target.
pub const PICKLE_SCAN: &str = "pickle_scan";

/// Names of the two `struct` engine targets.
pub const STRUCT_FORMAT: &str = "struct_format";
pub const STRUCT_UNPACK: &str = "struct_unpack";

/// Default `-max_len` of every target.
pub const MAX_LEN: usize = 4096;

/// How many pseudo-random seeds a value-input target gets.
pub const RANDOM_SEEDS: usize = 300;

impl Target {
    /// True when the input is raw bytes of [`Target::format`]; false when it
    /// is read as a `Value` through `Arbitrary`.
    pub fn takes_bytes(&self) -> bool {
        match self.kind {
            TargetKind::Decode
            | TargetKind::BareDecode
            | TargetKind::Differential
            | TargetKind::StructFormat
            | TargetKind::StructUnpack
            | TargetKind::PickleScan => true,
            TargetKind::RoundtripValue | TargetKind::CrossFormat => false,
            TargetKind::Planted => self.name == PLANTED_DECODE,
        }
    }

    /// The dictionary file name (`<format>.dict` under `fuzz/dict/`), for
    /// bytes targets.
    pub fn dict(&self) -> Option<String> {
        match (self.takes_bytes(), self.format) {
            (true, Some(f)) => Some(format!("{}.dict", f.name())),
            _ => None,
        }
    }
}

/// `decode_msgpack_rmp_serde` from `decode_` and `msgpack/rmp-serde`.
pub fn codec_target_name(prefix: &str, codec_id: &str) -> String {
    format!("{prefix}{}", codec_id.replace(['/', '-'], "_"))
}

/// Every fuzz target, in a fixed order.
pub fn targets() -> Vec<Target> {
    table().iter().map(|(t, _)| t.clone()).collect()
}

type Table = Vec<(Target, Vec<CodecRef>)>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(build_table)
}

fn build_table() -> Table {
    let registry = Registry::builtin();
    let all = registry.all().to_vec();
    let ids = |cs: &[CodecRef]| cs.iter().map(|c| c.id().to_string()).collect::<Vec<_>>();
    let mut out: Table = Vec::new();
    let mut push = |name: String, kind, format, codecs: Vec<CodecRef>| {
        let t = Target {
            name,
            kind,
            format,
            codecs: ids(&codecs),
            max_len: MAX_LEN,
        };
        out.push((t, codecs));
    };
    for (prefix, kind) in [
        ("decode_", TargetKind::Decode),
        ("bare_decode_", TargetKind::BareDecode),
    ] {
        for c in all.iter().filter(|c| !c.format().has_schema()) {
            push(
                codec_target_name(prefix, c.id()),
                kind,
                Some(c.format()),
                vec![c.clone()],
            );
        }
    }
    push(
        "roundtrip_value".into(),
        TargetKind::RoundtripValue,
        None,
        all.clone(),
    );
    push(
        "cross_format".into(),
        TargetKind::CrossFormat,
        None,
        all.clone(),
    );
    for f in Format::ALL.into_iter().filter(|f| !f.has_schema()) {
        let impls = registry.of_format(f);
        if impls.len() >= 2 {
            push(
                format!("differential_{}", f.name()),
                TargetKind::Differential,
                Some(f),
                impls,
            );
        }
    }
    let planted: CodecRef = Arc::new(Planted);
    push(
        PLANTED_DECODE.into(),
        TargetKind::Planted,
        Some(planted.format()),
        vec![planted.clone()],
    );
    push(
        PLANTED_ROUNDTRIP.into(),
        TargetKind::Planted,
        None,
        vec![planted],
    );
    push(
        STRUCT_FORMAT.into(),
        TargetKind::StructFormat,
        Some(Format::Struct),
        Vec::new(),
    );
    push(
        STRUCT_UNPACK.into(),
        TargetKind::StructUnpack,
        Some(Format::Struct),
        Vec::new(),
    );
    push(
        PICKLE_SCAN.into(),
        TargetKind::PickleScan,
        Some(Format::Pickle),
        Vec::new(),
    );
    out
}

/// The target called `name`.
pub fn target(name: &str) -> Option<Target> {
    table()
        .iter()
        .find(|(t, _)| t.name == name)
        .map(|(t, _)| t.clone())
}

/// Runs target `name`'s checks on one input: `Err` with the first finding.
///
/// # Panics
///
/// On a name that is not in [`targets`] (a driver bug, not a finding), and on
/// a value-input target when built without the `arbitrary` feature.
pub fn run_target(name: &str, data: &[u8]) -> Result<(), Box<Finding>> {
    let Some((t, codecs)) = table().iter().find(|(t, _)| t.name == name) else {
        let names: Vec<_> = table().iter().map(|(t, _)| t.name.as_str()).collect();
        panic!("unknown fuzz target {name:?}; known: {}", names.join(", "));
    };
    let cs: Vec<&dyn crate::Codec> = codecs.iter().map(|c| c.as_ref()).collect();
    match t.kind {
        TargetKind::Decode => check::roundtrip::bytes_first(cs[0], data).map(drop),
        TargetKind::BareDecode => {
            // Speed baseline only: even a panic is contained and ignored.
            let _ = check::decode(cs[0], data);
            Ok(())
        }
        TargetKind::Differential => check::differential::same_bytes(&cs, data).map(drop),
        TargetKind::PickleScan => crate::check::pickle_scan::bounded(data),
        TargetKind::Planted if t.takes_bytes() => {
            check::roundtrip::bytes_first(cs[0], data).map(drop)
        }
        TargetKind::RoundtripValue | TargetKind::Planted => {
            let v = value_of(name, data);
            for c in &cs {
                check::roundtrip::value_first(*c, &v)?;
            }
            Ok(())
        }
        TargetKind::StructFormat => {
            check::struct_layout::layout_consistent(&String::from_utf8_lossy(data)).map(drop)
        }
        TargetKind::StructUnpack => check::struct_layout::unpack_input(data).map(drop),
        TargetKind::CrossFormat => {
            let v = value_of(name, data);
            for (i, a) in cs.iter().enumerate() {
                for b in &cs[i + 1..] {
                    check::cross_format::pair(*a, *b, &v)?;
                }
            }
            Ok(())
        }
    }
}

/// The `Value` a value-input target reads from `data`.
#[cfg(feature = "arbitrary")]
pub fn value_of(_target: &str, data: &[u8]) -> crate::Value {
    use ::arbitrary::{Arbitrary, Unstructured};
    // Never an error: an exhausted input yields nulls (see `arbitrary`).
    crate::Value::arbitrary(&mut Unstructured::new(data)).unwrap_or(crate::Value::Null)
}

#[cfg(not(feature = "arbitrary"))]
pub fn value_of(target: &str, _data: &[u8]) -> crate::Value {
    panic!("fuzz target {target} reads a Value and needs crossfmt's `arbitrary` feature")
}

/// What a libFuzzer target calls: runs the target and, on a finding that is
/// not a known signature, prints `CROSSFMT-FINDING {json}` to stderr and
/// aborts.
pub fn fuzz_one(name: &str, data: &[u8]) {
    let Err(finding) = run_target(name, data) else {
        return;
    };
    let sig = signature(&finding);
    if known().matches(&sig).is_some() {
        return;
    }
    eprintln!(
        "CROSSFMT-FINDING {}",
        finding_json(name, data, &finding, &sig)
    );
    std::process::abort();
}

/// The JSON object `fuzz_one` prints; `input_hex` is the raw fuzz input
/// (what `run_target` and a regression file take), not the value's encoding.
pub fn finding_json(target: &str, data: &[u8], f: &Finding, signature: &str) -> String {
    serde_json::json!({
        "target": target,
        "check": f.check,
        "codecs": f.codecs,
        "signature": signature,
        "detail": f.detail,
        "input_hex": hex::encode(data),
        "repro": f.repro(),
    })
    .to_string()
}

/// The dedup key of a finding; the rule is in the module documentation.
pub fn signature(f: &Finding) -> String {
    let head = format!("{}|{}", f.check, f.codecs.join("+"));
    if let Some(p) = f.panic.as_deref() {
        // `<message> at <file>:<line>:<col>`.
        let (msg, at) = match p.rfind(" at ") {
            Some(i) => (&p[..i], &p[i + 4..]),
            None => (p, ""),
        };
        let at = match at.rsplit_once(':') {
            Some((file_line, col)) if col.chars().all(|c| c.is_ascii_digit()) => file_line,
            _ => at,
        };
        return format!("{head}|{}|{}", digits_to_n(msg), portable_path(at));
    }
    let cut = f.detail.find([':', '(']).unwrap_or(f.detail.len());
    format!("{head}|{}|{}", f.detail[..cut].trim(), classes(f))
}

/// The value-free shape of a finding's outcomes (see the module docs).
fn classes(f: &Finding) -> String {
    use crate::notation::parse;
    // Two values that differ (a round trip, a fixed point): the kinds at the
    // first difference, from the values themselves, never from the text.
    if let (Ok(e), Ok(a)) = (parse(&f.expected), parse(&f.actual)) {
        if let Some((e, a)) = crate::diff::first_difference_kinds(&e, &a) {
            return format!("{e}->{a}");
        }
    }
    // Outcome rows: `codec: outcome`, several joined by `; ` (differential),
    // or a bare outcome.
    let rows: Vec<&str> = [f.expected.as_str(), f.actual.as_str()]
        .into_iter()
        .flat_map(|s| outcome_rows(s, &f.codecs))
        .filter(|r| r.starts_with("error (") || f.check == crate::check::DIFFERENTIAL)
        .collect();
    rows.iter()
        .map(|row| {
            let (codec, outcome) = match row.split_once(": ") {
                Some((c, o)) if f.codecs.iter().any(|id| id == c) => (Some(c), o),
                _ => (None, *row),
            };
            let class = outcome_class(outcome);
            codec.map_or(class.clone(), |c| format!("{c}={class}"))
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `codec: outcome` rows joined by `; `, split only where the next row
/// starts with one of `codecs` (a decoded text may itself hold `; `).
fn outcome_rows<'a>(s: &'a str, codecs: &[String]) -> Vec<&'a str> {
    let mut rows = Vec::new();
    let mut start = 0;
    for (i, _) in s.match_indices("; ") {
        let next = &s[i + 2..];
        if i >= start && codecs.iter().any(|c| next.starts_with(&format!("{c}: "))) {
            rows.push(&s[start..i]);
            start = i + 2;
        }
    }
    rows.push(&s[start..]);
    rows
}

fn outcome_class(outcome: &str) -> String {
    if let Some(rest) = outcome.strip_prefix("error (") {
        let rest = rest.strip_suffix(')').unwrap_or(rest);
        let (kind, msg) = rest.split_once(": ").unwrap_or((rest, ""));
        let msg = [" at offset", " (after", " after ", " at byte"]
            .iter()
            .filter_map(|cut| msg.find(cut))
            .min()
            .map_or(msg, |i| &msg[..i]);
        return format!("err:{kind}:{}", digits_to_n(msg.trim()));
    }
    if outcome.starts_with("panic") {
        return "panic".to_string();
    }
    // The accepted value's kind is the input's, not the bug's: one bug in
    // a str nested anywhere is one signature.
    "ok".to_string()
}

/// A panic location without the machine-specific part: relative to the
/// crossfmt checkout, or starting at the crate directory for a registry crate
/// (`ciborium-0.2.2/src/de.rs:12`).
fn portable_path(at: &str) -> &str {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
    if let Some(rest) = at.strip_prefix(root) {
        return rest;
    }
    if let Some(i) = at.find("/registry/src/") {
        let rest = &at[i + "/registry/src/".len()..];
        return rest
            .split_once('/')
            .map_or(rest, |(_, crate_path)| crate_path);
    }
    at
}

/// Every number, decimal or `0x` hex, becomes `N`.
fn digits_to_n(s: &str) -> String {
    let mut out = String::new();
    let mut in_digits = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '0' && !in_digits && chars.peek() == Some(&'x') {
            let mut ahead = chars.clone();
            ahead.next();
            if ahead.peek().is_some_and(char::is_ascii_hexdigit) {
                chars = ahead;
                while chars.peek().is_some_and(char::is_ascii_hexdigit) {
                    chars.next();
                }
                out.push('N');
                in_digits = true;
                continue;
            }
        }
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('N');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

/// `fuzz/known-signatures.txt`: known third-party findings, one a line as
/// `<signature prefix> -- <reason>`; `#` comments and blank lines ignored.
#[derive(Clone, Debug, Default)]
pub struct KnownSignatures {
    pub entries: Vec<(String, String)>,
}

impl KnownSignatures {
    pub fn parse(text: &str) -> Result<KnownSignatures, String> {
        let mut entries = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((sig, reason)) = line.split_once(" -- ") else {
                return Err(format!(
                    "line {}: expected `<signature prefix> -- <reason>`",
                    i + 1
                ));
            };
            entries.push((sig.trim().to_string(), reason.trim().to_string()));
        }
        Ok(KnownSignatures { entries })
    }

    /// The reason of the first entry `signature` starts with.
    pub fn matches(&self, signature: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(p, _)| signature.starts_with(p.as_str()))
            .map(|(_, r)| r.as_str())
    }
}

/// The committed list's path: `<crate root>/fuzz/known-signatures.txt`.
pub fn known_signatures_path() -> PathBuf {
    crate::data_root().join("fuzz/known-signatures.txt")
}

/// The environment variable naming a known-signatures file that replaces the
/// compiled-in list (to update the list without rebuilding the targets).
pub const KNOWN_SIGNATURES_ENV: &str = "CROSSFMT_KNOWN_SIGNATURES";

/// The committed list, compiled in (so a fuzz binary needs no file at run
/// time), or the file named by [`KNOWN_SIGNATURES_ENV`].
///
/// # Panics
///
/// When that file cannot be read or parsed: a typo must not silently hide
/// nothing or everything.
pub fn known() -> &'static KnownSignatures {
    static KNOWN: OnceLock<KnownSignatures> = OnceLock::new();
    KNOWN.get_or_init(|| match std::env::var_os(KNOWN_SIGNATURES_ENV) {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{KNOWN_SIGNATURES_ENV}={path:?}: {e}"));
            KnownSignatures::parse(&text)
                .unwrap_or_else(|e| panic!("{KNOWN_SIGNATURES_ENV}={path:?}: {e}"))
        }
        None => KnownSignatures::parse(include_str!("../../../../fuzz/known-signatures.txt"))
            .expect("fuzz/known-signatures.txt is well-formed (a unit test checks it)"),
    })
}

/// The libFuzzer options file of a target (`fuzz/options/<name>.options`).
/// `dict` names the file beside the binary, as ClusterFuzzLite/OSS-Fuzz lay
/// them out (`fuzz/dict/<format>.dict` copied next to the target).
pub fn options_text(t: &Target) -> String {
    let mut s = String::from("[libfuzzer]\n");
    let _ = writeln!(s, "max_len = {}", t.max_len);
    let _ = writeln!(s, "timeout = 25");
    let _ = writeln!(s, "rss_limit_mb = 2048");
    let _ = writeln!(s, "malloc_limit_mb = 2048");
    if let Some(d) = t.dict() {
        let _ = writeln!(s, "dict = {d}");
    }
    s
}

/// Formats that have a dictionary: those of some bytes target.
pub fn dict_formats() -> Vec<Format> {
    let mut fs: Vec<Format> = targets()
        .iter()
        .filter(|t| t.dict().is_some())
        .filter_map(|t| t.format)
        .collect();
    fs.sort();
    fs.dedup();
    fs
}

/// How many seed files each target got.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedStats {
    pub per_target: BTreeMap<String, usize>,
}

impl SeedStats {
    pub fn files(&self) -> usize {
        self.per_target.values().sum()
    }
}

/// Writes `out/<target>/<hash>` seed files for every target (see the module
/// documentation for what each target gets).
pub fn materialise_seeds(
    corpus: &Corpus,
    registry: &Registry,
    out: &Path,
) -> std::io::Result<SeedStats> {
    let mut stats = SeedStats::default();
    for t in targets() {
        let mut seeds: Vec<Vec<u8>> = Vec::new();
        match (t.takes_bytes(), t.format) {
            _ if t.kind == TargetKind::StructFormat => {
                seeds.extend(check::struct_layout::seeds(false))
            }
            _ if t.kind == TargetKind::StructUnpack => {
                seeds.extend(check::struct_layout::seeds(true))
            }
            (true, Some(f)) => {
                seeds.extend(corpus.bytes_of(f).map(|c| c.bytes.clone()));
                for c in registry.of_format(f) {
                    for v in &corpus.values {
                        if c.unsupported(&v.value).is_some() {
                            continue;
                        }
                        if let check::Outcome::Ok(b) = check::encode(c.as_ref(), &v.value) {
                            seeds.push(b);
                        }
                    }
                }
            }
            _ => seeds.extend(random_seeds(&t.name)),
        }
        if t.kind == TargetKind::PickleScan {
            // The scanner's own corpora: every bypass family and benign file.
            for sub in ["pickles/malicious", "pickles/benign"] {
                if let Ok(entries) = std::fs::read_dir(corpus.root.join(sub)) {
                    for e in entries.flatten() {
                        seeds.push(std::fs::read(e.path())?);
                    }
                }
            }
        }
        seeds.extend(corpus.regressions.iter().filter_map(|r| match &r.input {
            RegressionInput::Target { target, data } if *target == t.name => Some(data.clone()),
            _ => None,
        }));
        let dir = out.join(&t.name);
        std::fs::create_dir_all(&dir)?;
        let mut names = std::collections::BTreeSet::new();
        for s in seeds.iter().filter(|s| s.len() <= t.max_len) {
            let name = corpus::content_name(s);
            if names.insert(name.clone()) {
                std::fs::write(dir.join(name), s)?;
            }
        }
        stats.per_target.insert(t.name.clone(), names.len());
    }
    Ok(stats)
}

/// [`RANDOM_SEEDS`] byte strings of 1..=256 bytes, the same on every run
/// (splitmix64 from a fixed seed; the target name is not mixed in, so every
/// value-input target starts alike).
pub fn random_seeds(_target: &str) -> Vec<Vec<u8>> {
    let mut s: u64 = 0x00c0_ffee_5eed;
    let mut next = move || {
        s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    (0..RANDOM_SEEDS)
        .map(|_| {
            let n = 1 + (next() % 256) as usize;
            (0..n).map(|_| next() as u8).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_contract() {
        let names: Vec<String> = targets().into_iter().map(|t| t.name).collect();
        for n in [
            "decode_msgpack_rmp_serde",
            "decode_msgpack_rmpv",
            "decode_cbor_ciborium",
            "decode_json_serde_json",
            "decode_pickle_serde_pickle",
            "decode_protobuf_prost",
            "bare_decode_protobuf_prost",
            "roundtrip_value",
            "cross_format",
            "differential_msgpack",
            "decode_pickle_crossfmt",
            "differential_pickle",
            "planted_decode",
            "planted_roundtrip",
            "struct_format",
            "struct_unpack",
            "pickle_scan",
        ] {
            assert!(names.contains(&n.to_string()), "{n} missing from {names:?}");
        }
        assert_eq!(names.len(), 7 + 7 + 2 + 2 + 2 + 2 + 1);
    }

    #[test]
    fn signatures_are_stable() {
        let panicked = run_target(PLANTED_DECODE, &[0xda, 0x2a, 0x3b]).unwrap_err();
        let sig = signature(&panicked);
        assert!(
            sig.starts_with(
                "roundtrip-bytes|planted/buggy|index out of bounds: the len is N but the index is N|"
            ) && sig.ends_with(&format!("|crates/codecs/src/planted.rs:{}", sig.rsplit(':').next().unwrap())),
            "{sig}"
        );
        let changed = run_target("differential_msgpack", &[0xc1]).unwrap_err();
        assert_eq!(
            signature(&changed),
            "differential|msgpack/rmp-serde+msgpack/rmpv|one implementation accepts what another rejects|\
             msgpack/rmp-serde=err:Syntax:wrong msgpack marker Reserved,msgpack/rmpv=ok"
        );
        // Text inside a value never passes for a panic or a kind: this
        // input's map key reads "...expected `:`...panic: exceeded".
        let tricky = include_bytes!(
            "../../../../corpus/regressions/decode_json_serde_json/3175575a9f35e41e"
        );
        let f = run_target("decode_json_serde_json", tricky).unwrap_err();
        assert_eq!(f.panic, None);
        assert_eq!(
            signature(&f),
            "roundtrip-bytes|json/serde_json|decode -> encode -> decode is not a fixed point|f64->f64"
        );
        // Another disagreement between the same two is another signature.
        let utf8 = run_target("differential_msgpack", &[0xa1, 0xff]).unwrap_err();
        assert_eq!(
            signature(&utf8),
            "differential|msgpack/rmp-serde+msgpack/rmpv|one implementation accepts what another rejects|\
             msgpack/rmp-serde=ok,msgpack/rmpv=err:Syntax:str payload is not valid UTF-N"
        );
    }

    #[test]
    fn known_signatures_parse() {
        let k =
            KnownSignatures::parse(include_str!("../../../../fuzz/known-signatures.txt")).unwrap();
        assert!(!k.entries.is_empty());
        assert!(KnownSignatures::parse("no separator").is_err());
    }

    #[test]
    fn bare_decode_never_finds() {
        for t in targets() {
            if t.kind == TargetKind::BareDecode {
                assert!(run_target(&t.name, b"\xff\x00garbage").is_ok());
            }
        }
    }

    #[test]
    #[should_panic(expected = "unknown fuzz target")]
    fn unknown_target_panics() {
        let _ = run_target("nope", b"");
    }
}

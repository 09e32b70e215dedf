//! The library half of fuzzing: the fuzz targets, what each one runs on one
//! input, seeds, libFuzzer options and dictionaries. The cargo-fuzz crate in
//! `fuzz/` is a thin driver: each target is one macro call that hands
//! libFuzzer's input to [`fuzz_one`]. Nothing here decides what is correct:
//! a target is a check from the registry ([`crate::check::CHECKS`]) applied
//! over a set of codecs.
//!
//! # Targets
//!
//! Every check that names a fuzz target ([`Check::target`]) gets one (or
//! one per codec or format), built from the registry:
//!
//! | target | check | codecs | input |
//! |---|---|---|---|
//! | `decode_<codec>` | `roundtrip-bytes` | one built-in codec | bytes |
//! | `chunked_<codec>` | `chunked` | one built-in codec that reads streams | bytes, read in pieces cut where the input's own hash says |
//! | `roundtrip_value` | `roundtrip` | one built-in codec per input, chosen by its first byte | a `Value` (via `Arbitrary`) from the rest |
//! | `cross_format` | `cross_format` | one pair of built-in codecs per input, chosen by its first byte | a `Value` from the rest |
//! | `differential_<format>` | `differential` | every pair of the format's implementations | bytes |
//! | `differential_protobuf_proto3`, `_proto2` | `differential` | prost and prost-reflect bound to Google's test message | bytes, seeded from its conformance cases |
//! | `differential_cbor`, `_json`, `_protobuf` | `differential` | the format's one built-in implementation and its reference (cbor2, CPython `json`, upb) | bytes |
//! | `differential_struct` | `schema-decode` | the struct engine and CPython's `struct`, both bound to the input's format | a format, NUL, a record |
//! | `struct_format`, `struct_unpack` | `struct-layout`, `struct-unpack` | — (the engine) | a format string; format, NUL, record |
//! | `pickle_scan` | `pickle-scan` | — (the scanner) | any file's bytes |
//!
//! and some that are not a check's:
//!
//! - `bare_decode_<codec>`: `decode` only, result ignored — the exec/s
//!   baseline, never a finding;
//! - `planted_decode`, `planted_chunked`, `planted_roundtrip`:
//!   `roundtrip-bytes`, `chunked` and `roundtrip` on [`Planted`], a codec
//!   with planted bugs — proof that the set-up finds bugs at all;
//! - `planted_differential`: `differential` on [`PlantedPickle`] (the pickle
//!   machine with a planted divergence) and serde-pickle — proof that the
//!   referee blames the right one.
//!
//! # The referee
//!
//! A build with the `python` feature (`crossfmt fuzz` turns it on when the
//! Python reference venv exists) runs CPython, msgpack-python and cbor2 in
//! the fuzzing process ([`crate::reference`]): every disagreement a
//! `differential_` target finds between two implementations is decided by
//! the format's reference, and the finding's headline names the one that
//! departs from it (`pickle/crossfmt departs from CPython (pickle/cpython)`).
//! The pairs compared, and so the signatures, stay the same.
//!
//! A format with one built-in implementation has no pair to compare, so
//! its `differential_` target takes the reference as the other side
//! ([`Target::reference`]): every finding there is a disagreement with the
//! reference, and the known list records where the reference is the one
//! that departs. Such a target runs only in a build with the referee;
//! without it [`unavailable`] says why, and `crossfmt fuzz` and `build.sh`
//! leave it out.
//!
//! `<codec>` is the codec id with `/` and `-` mapped to `_`. Schema-driven
//! codecs (the built-in `pystruct:<format>` layouts) have no per-codec
//! targets: `struct_unpack` takes the format as part of its input.
//! Value-input targets need the `arbitrary` feature (a default feature, so
//! `cargo test` replays their regressions); without it [`run_target`]
//! panics on them.
//!
//! # Findings
//!
//! [`fuzz_one`] writes one line, `CROSSFMT-FINDING {json}` (keys `target`,
//! `check`, `kind`, `codecs`, `signature`, `headline`, `input_hex`, `repro`),
//! to standard error and aborts, so libFuzzer records the input whatever the
//! panic hooks do. The signature ([`Finding::signature`]) is the dedup key.
//! A finding the known-findings list records ([`crate::known`], compiled in
//! from `corpus/known-findings.txt`) is a known third-party bug: `fuzz_one`
//! returns quietly on it so a nightly run keeps hunting new ones.
//!
//! # Seeds
//!
//! [`materialise_seeds`] writes `out/<target>/<hash>`: for bytes targets,
//! the corpus bytes of the target's format and every built-in
//! implementation's encoding of every corpus value it supports; the struct
//! targets get the built-in layouts and edge formats
//! ([`check::struct_layout::seeds`]); `pickle_scan` the files of
//! `corpus/pickles/`. Value-input targets read their input through
//! `Arbitrary`, whose inverse we do not have, so they get [`RANDOM_SEEDS`]
//! deterministic pseudo-random byte strings (splitmix64, fixed seed). Every
//! target also gets its regressions.

pub mod codec;
pub mod mutate;

pub use codec::{targets_for, CodecTargets};
pub use mutate::mutate;

use crate::check::{self, Arity, Check, InputKind};
use crate::corpus::{self, Corpus};
use crate::finding::{Finding, Input};
use crate::known::Known;
use crate::{Codec, CodecRef, Format, Registry};
use crossfmt_codecs::planted::{Planted, PlantedPickle};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// One fuzz target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Its name: the `fuzz/fuzz_targets/<name>.rs` binary.
    pub name: String,
    /// The check the target runs; `None` for a `bare_decode_` baseline.
    pub check: Option<&'static str>,
    /// The format of the input bytes, for bytes targets.
    pub format: Option<Format>,
    /// The codec ids the target exercises.
    pub codecs: Vec<String>,
    /// libFuzzer's `-max_len`.
    pub max_len: usize,
    /// The message its codecs are bound to, for a target over one schema's
    /// implementations (`differential_protobuf_proto3`); seeded from the
    /// conformance cases of that message.
    pub schema: Option<String>,
    /// The reference codec the target compares its built-in implementation
    /// with (`cbor/cbor2` for `differential_cbor`): one that runs only in a
    /// build with the `python` feature. Without it the target has nothing
    /// to compare ([`unavailable`] says so), and `crossfmt fuzz` and
    /// ClusterFuzzLite's `build.sh` leave it out.
    pub reference: Option<String>,
}

/// The planted-bug target that decodes bytes.
pub const PLANTED_DECODE: &str = "planted_decode";
/// The planted-bug target that reads bytes in pieces (bug (e)).
pub const PLANTED_CHUNKED: &str = "planted_chunked";
/// The planted-bug target that round-trips values.
pub const PLANTED_ROUNDTRIP: &str = "planted_roundtrip";
/// The planted-divergence target: `differential` on
/// [`PlantedPickle`] and serde-pickle, which the referee (a build with the
/// `python` feature) must blame on the planted codec.
pub const PLANTED_DIFFERENTIAL: &str = "planted_differential";
/// The prefix of the exec/s baseline targets.
pub const BARE_DECODE: &str = "bare_decode_";

/// Default `-max_len` of every target.
pub const MAX_LEN: usize = 4096;

/// How many pseudo-random seeds a value-input target gets.
pub const RANDOM_SEEDS: usize = 300;

impl Target {
    /// True when the input is raw bytes of [`Target::format`]; false when it
    /// is read as a `Value` through `Arbitrary`.
    pub fn takes_bytes(&self) -> bool {
        self.check
            .and_then(check::get)
            .is_none_or(|c| c.input == InputKind::Bytes)
    }

    /// The dictionary file name (`<format>.dict` under `fuzz/dict/`), for
    /// bytes targets.
    pub fn dict(&self) -> Option<String> {
        match (self.takes_bytes(), self.format) {
            (true, Some(f)) => Some(format!("{}.dict", f.name())),
            _ => None,
        }
    }

    /// The one codec a single-codec target decodes with (`decode_` and
    /// `bare_decode_` targets), to show what an input decodes to.
    pub fn decoding_codec(&self) -> Option<&str> {
        match (self.takes_bytes(), self.codecs.as_slice()) {
            (true, [one]) if !self.name.starts_with("planted_") => Some(one),
            _ => None,
        }
    }
}

fn target_of(
    name: String,
    check: Option<&'static Check>,
    format: Option<Format>,
    codecs: &[CodecRef],
) -> Target {
    Target {
        name,
        check: check.map(|c| c.name),
        format,
        codecs: codecs.iter().map(|c| c.id().to_string()).collect(),
        max_len: MAX_LEN,
        schema: None,
        reference: None,
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

/// Every target with the codec sets its check runs on, one per application.
type Table = Vec<(Target, Vec<Vec<CodecRef>>)>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(build_table)
}

fn build_table() -> Table {
    let registry = Registry::builtin();
    let codecs: Vec<CodecRef> = registry
        .all()
        .iter()
        .filter(|c| !c.format().has_schema())
        .cloned()
        .collect();
    let mut out: Table = Vec::new();
    let mut schemas: Vec<(String, String)> = Vec::new();
    let mut referenced: Table = Vec::new();
    let mut push = |name: String, check: Option<&'static Check>, format, codecs: Vec<CodecRef>| {
        let apps = match check {
            Some(c) => c
                .applications(&codecs)
                .into_iter()
                .map(|app| app.into_iter().cloned().collect())
                .collect(),
            None => vec![codecs.clone()],
        };
        out.push((target_of(name, check, format, &codecs), apps));
    };
    for c in check::CHECKS.iter() {
        let Some(name) = c.target else { continue };
        match (c.arity, c.input) {
            (Arity::One, InputKind::Bytes) => {
                for codec in &codecs {
                    let target = codec_target_name(name, codec.id());
                    push(target, Some(c), Some(codec.format()), vec![codec.clone()]);
                }
                // Beside each decoding target, its speed baseline.
                for codec in codecs.iter().filter(|_| c.name == check::ROUNDTRIP_BYTES) {
                    let target = codec_target_name(BARE_DECODE, codec.id());
                    push(target, None, Some(codec.format()), vec![codec.clone()]);
                }
            }
            (Arity::SameFormatPair, InputKind::Bytes) => {
                // One target per format, over every pair of its implementations.
                let mut formats: Vec<Format> = codecs.iter().map(|c| c.format()).collect();
                formats.sort();
                formats.dedup();
                for f in formats {
                    let group: Vec<CodecRef> =
                        codecs.iter().filter(|c| c.format() == f).cloned().collect();
                    if group.len() >= 2 {
                        push(format!("{name}{}", f.name()), Some(c), Some(f), group);
                    }
                }
                // And one per schema with built-in implementations of it.
                for (group, message, bound) in Registry::schema_groups() {
                    let target = format!("{name}{group}");
                    schemas.push((target.clone(), message));
                    push(target, Some(c), Some(bound[0].format()), bound);
                }
                // A format with one built-in implementation is compared
                // with its reference; see `against_reference`.
                for (f, reference, _) in crate::reference::REFERENCES {
                    let group: Vec<CodecRef> =
                        codecs.iter().filter(|c| c.format() == f).cloned().collect();
                    let (check, group) = if f.has_schema() {
                        let engine = registry.of_format(f).into_iter().next();
                        let engine = engine.and_then(|e| e.for_schema("").ok());
                        (
                            check::get(check::SCHEMA_DECODE),
                            engine.into_iter().collect(),
                        )
                    } else {
                        (Some(c), group)
                    };
                    if group.len() != 1 {
                        continue;
                    }
                    let mut t = target_of(format!("{name}{}", f.name()), check, Some(f), &group);
                    t.codecs.push(reference.to_string());
                    t.reference = Some(reference.to_string());
                    referenced.push((t, vec![group]));
                }
            }
            (Arity::Engine, _) => push(name.into(), Some(c), c.format, Vec::new()),
            _ => push(name.into(), Some(c), None, codecs.clone()),
        }
    }
    let planted: CodecRef = Arc::new(Planted);
    let get = |n| check::get(n).expect("a registered check");
    push(
        PLANTED_DECODE.into(),
        Some(get(check::ROUNDTRIP_BYTES)),
        Some(planted.format()),
        vec![planted.clone()],
    );
    push(
        PLANTED_CHUNKED.into(),
        Some(get(check::CHUNKED)),
        Some(planted.format()),
        vec![planted.clone()],
    );
    push(
        PLANTED_ROUNDTRIP.into(),
        Some(get(check::ROUNDTRIP)),
        None,
        vec![planted],
    );
    let signed: CodecRef = Arc::new(PlantedPickle);
    let serde_pickle = registry.get("pickle/serde-pickle").expect("built in");
    push(
        PLANTED_DIFFERENTIAL.into(),
        Some(get(check::DIFFERENTIAL)),
        Some(signed.format()),
        vec![signed, serde_pickle],
    );
    out.extend(referenced);
    for (t, _) in &mut out {
        t.schema = schemas
            .iter()
            .find(|(name, _)| *name == t.name)
            .map(|(_, m)| m.clone());
    }
    out
}

/// The target called `name`.
pub fn target(name: &str) -> Option<Target> {
    table()
        .iter()
        .find(|(t, _)| t.name == name)
        .map(|(t, _)| t.clone())
}

/// Runs target `name`'s check on one input, over every application of the
/// check to the target's codecs: `Err` with the first finding.
///
/// # Panics
///
/// On a name that is not in [`targets`] (a driver bug, not a finding), and on
/// a value-input target when built without the `arbitrary` feature.
pub fn run_target(name: &str, data: &[u8]) -> Result<(), Box<Finding>> {
    run_in(table(), name, data, Scope::All)
}

/// Which applications of its check a target runs on one input.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// The one the input chooses (see [`split_choice`]): what the fuzz loop
    /// runs, so that one execution exercises one codec or pair.
    Chosen,
    /// The chosen one first, then every other: what a replay runs, a
    /// superset that finds what the fuzzer found first.
    All,
}

/// A value-input target over several applications (`roundtrip_value`: one
/// per codec; `cross_format`: one per pair) reads its first byte as the
/// choice of application (modulo their number) and the value from the rest.
/// Running every codec on every input made each execution touch every
/// codec's code, and libFuzzer's per-execution bookkeeping grows with the
/// code an execution touches: one choice per execution is what lets these
/// targets run at decode-target rates. Bytes targets and single-application
/// targets read the whole input as before.
fn split_choice(data: &[u8], applications: usize) -> (usize, &[u8]) {
    match data.split_first() {
        Some((first, rest)) if applications > 1 => (*first as usize % applications, rest),
        _ => (0, data),
    }
}

/// Runs target `name` of `table` on one input (see [`run_target`]).
fn run_in(table: &Table, name: &str, data: &[u8], scope: Scope) -> Result<(), Box<Finding>> {
    let Some((t, apps)) = table.iter().find(|(t, _)| t.name == name) else {
        let names: Vec<_> = table.iter().map(|(t, _)| t.name.as_str()).collect();
        panic!("unknown fuzz target {name:?}; known: {}", names.join(", "));
    };
    let Some(c) = t.check.and_then(check::get) else {
        // Speed baseline only: even a panic is contained and ignored.
        let _ = crate::guard::decode(apps[0][0].as_ref(), data);
        return Ok(());
    };
    if let Some(reference) = &t.reference {
        return against_reference(t, c, &apps[0], reference, data);
    }
    let (chosen, input) = match c.input {
        InputKind::Bytes => (None, Input::bytes(t.format.unwrap_or(Format::Struct), data)),
        InputKind::Value => {
            let (chosen, rest) = split_choice(data, apps.len());
            (Some(chosen), Input::Value(value_of(name, rest)))
        }
        // No probe check declares a fuzz target: a probe is a name, and
        // the fuzzer has nothing to mutate.
        InputKind::Probe => return Ok(()),
    };
    let order: Vec<&Vec<CodecRef>> = match (chosen, scope) {
        (Some(i), Scope::Chosen) => vec![&apps[i]],
        (Some(i), Scope::All) => std::iter::once(&apps[i])
            .chain(
                apps.iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, a)| a),
            )
            .collect(),
        (None, _) => apps.iter().collect(),
    };
    for app in order {
        let refs: Vec<&dyn Codec> = app.iter().map(|c| c.as_ref()).collect();
        c.run(&refs, &input)?;
    }
    Ok(())
}

/// Runs `check` on each of `builtin` paired with the reference codec
/// `reference`, built-in side first (so a finding's pair reads as the
/// testee path's, `cbor/ciborium+cbor/cbor2`, and the known list's lines
/// for that pair apply). The reference is a participant here, not only a
/// judge: a finding is a disagreement with it, and its verdict names the
/// built-in side. For a schema format (`struct`) the input is `schema NUL
/// bytes`, and both sides are bound to the schema first.
///
/// Without the reference in this build there is nothing to compare: every
/// input passes ([`unavailable`] tells a driver so beforehand).
fn against_reference(
    t: &Target,
    check: &'static Check,
    builtin: &[CodecRef],
    reference: &str,
    data: &[u8],
) -> Result<(), Box<Finding>> {
    let Some(reference) = crate::reference::participant(reference) else {
        return Ok(());
    };
    let format = t.format.unwrap_or_else(|| reference.format());
    for codec in builtin {
        let pair = [codec.clone(), reference.clone()];
        if format.has_schema() {
            let (schema, bytes) = check::struct_layout::split_input(data);
            let input = Input::bytes(format, bytes);
            // Both sides bind to any schema (a bad one refuses every
            // record), so an error here is a broken target, not an input.
            check::run_bound(check, &pair, &schema, &input)
                .unwrap_or_else(|e| panic!("{}: {e}", t.name))?;
        } else {
            let refs: Vec<&dyn Codec> = pair.iter().map(|c| c.as_ref()).collect();
            check.run(&refs, &Input::bytes(format, data))?;
        }
    }
    Ok(())
}

/// Why target `name` cannot run in this build or on this machine, if it
/// cannot: it compares with a reference codec that is not here (a build
/// without the `python` feature, or no reference venv).
pub fn unavailable(name: &str) -> Option<String> {
    let t = target(name)?;
    let reference = t.reference.as_deref()?;
    crate::reference::participant(reference).is_none().then(|| {
        format!(
            "{name} compares with {reference}, which runs only in a build with the \
             `python` feature and the Python reference venv \
             (conformance/testees/python/setup)"
        )
    })
}

/// The `Value` a value-input target reads from `data`.
#[cfg(feature = "arbitrary")]
pub fn value_of(_target: &str, data: &[u8]) -> crate::Value {
    use ::arbitrary::{Arbitrary, Unstructured};
    // Never an error: an exhausted input yields nulls (see `arbitrary`).
    crate::Value::arbitrary(&mut Unstructured::new(data)).unwrap_or(crate::Value::Null)
}

/// Without the `arbitrary` feature a value-input target cannot read its
/// input: a driver bug, so this panics naming the feature.
#[cfg(not(feature = "arbitrary"))]
pub fn value_of(target: &str, _data: &[u8]) -> crate::Value {
    panic!("fuzz target {target} reads a Value and needs crossfmt's `arbitrary` feature")
}

/// The case name a fuzz target's findings are matched under: only causes
/// (known-findings entries with case `*`) match it.
pub fn case_name(target: &str) -> String {
    format!("fuzz/{target}")
}

/// What a libFuzzer target calls: runs the target and, on a finding the
/// known list does not record, prints `CROSSFMT-FINDING {json}` to stderr
/// and aborts.
pub fn fuzz_one(name: &str, data: &[u8]) {
    fuzz_in(table(), name, data, |f| is_known(name, f));
}

/// Whether the known-findings list records `finding`, made by target
/// `name`: what [`fuzz_one`] passes over.
pub fn is_known(name: &str, finding: &Finding) -> bool {
    known().find(finding, &case_name(name)).is_some()
}

/// [`fuzz_one`] over `table`, with `is_known` deciding what to pass over:
/// runs the application the input chooses without the referee; on a finding
/// that is not known, runs it again with the referee (the check is
/// deterministic, so it finds the same thing), prints it and aborts.
fn fuzz_in(table: &Table, name: &str, data: &[u8], is_known: impl Fn(&Finding) -> bool) {
    let run = || run_in(table, name, data, Scope::Chosen);
    let Err(finding) = crate::reference::without(run) else {
        return;
    };
    if is_known(&finding) {
        return;
    }
    let finding = match run() {
        Err(refereed) if refereed.signature() == finding.signature() => refereed,
        _ => finding,
    };
    eprintln!("CROSSFMT-FINDING {}", finding_json(name, data, &finding));
    std::process::abort();
}

/// The JSON object `fuzz_one` prints; `input_hex` is the raw fuzz input
/// (what `run_target` and a regression file take), not the value's encoding.
pub fn finding_json(target: &str, data: &[u8], f: &Finding) -> String {
    serde_json::json!({
        "target": target,
        "check": f.check,
        "kind": f.kind.name(),
        "codecs": f.codecs,
        "signature": f.signature(),
        "headline": f.headline(),
        "input_hex": hex::encode(data),
        "repro": f.repro(),
    })
    .to_string()
}

/// The environment variable naming a known-findings file that replaces the
/// compiled-in list (to update the list without rebuilding the targets).
pub const KNOWN_FINDINGS_ENV: &str = "CROSSFMT_KNOWN_FINDINGS";

/// The committed known-findings list, compiled in (so a fuzz binary needs
/// no file at run time), or the file named by [`KNOWN_FINDINGS_ENV`].
///
/// # Panics
///
/// When that file cannot be read or parsed: a typo must not silently hide
/// nothing or everything.
pub fn known() -> &'static Known {
    static KNOWN: OnceLock<Known> = OnceLock::new();
    KNOWN.get_or_init(|| match std::env::var_os(KNOWN_FINDINGS_ENV) {
        Some(path) => {
            Known::load(Path::new(&path)).unwrap_or_else(|e| panic!("{KNOWN_FINDINGS_ENV}: {e}"))
        }
        None => Known::parse(
            include_str!("../../../../corpus/known-findings.txt"),
            Path::new("corpus/known-findings.txt"),
        )
        .expect("corpus/known-findings.txt is well-formed (a unit test checks it)"),
    })
}

/// The libFuzzer options file of a target (`fuzz/options/<name>.options`).
/// `dict` names the file beside the binary, as ClusterFuzzLite/OSS-Fuzz lay
/// them out (`fuzz/dict/<format>.dict` copied next to the target). The
/// `[crossfmt]` section (which libFuzzer and ClusterFuzz ignore) says what
/// the target takes, so `crossfmt fuzz` can seed a target it has never seen
/// (a codec author's): its `check` and the `format` of its bytes.
pub fn options_text(t: &Target) -> String {
    let mut s = String::from("[crossfmt]\n");
    if let Some(c) = t.check {
        let _ = writeln!(s, "check = {c}");
    }
    if let Some(f) = t.format {
        let _ = writeln!(s, "format = {}", f.name());
    }
    if let Some(r) = &t.reference {
        // Read by `crossfmt fuzz` and `build.sh`: a build without the
        // reference leaves the target out.
        let _ = writeln!(s, "reference = {r}");
    }
    s.push_str("\n[libfuzzer]\n");
    let _ = writeln!(s, "max_len = {}", t.max_len);
    let _ = writeln!(s, "timeout = 25");
    let _ = writeln!(s, "rss_limit_mb = 2048");
    let _ = writeln!(s, "malloc_limit_mb = 2048");
    if let Some(d) = t.dict() {
        let _ = writeln!(s, "dict = {d}");
    }
    if !t.takes_bytes() && t.codecs.len() > 1 {
        // The entropic schedule's bookkeeping (InputCorpus::AddRareFeature)
        // took a third of these targets' time, as executions keep finding
        // new features in some codec; without it, run side by side for 30 s
        // from the same 300 seeds, roundtrip_value made 3,217 exec/s against
        // 1,575 and cross_format 2,133 against 1,269, to the same coverage.
        let _ = writeln!(s, "entropic = 0");
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
    /// Files written per target.
    pub per_target: BTreeMap<String, usize>,
}

impl SeedStats {
    /// Files written in all.
    pub fn files(&self) -> usize {
        self.per_target.values().sum()
    }
}

/// A target as its options file describes it (see [`options_text`]): what
/// [`materialise_seeds`] needs of a target crossfmt does not define.
pub fn described_target(
    name: &str,
    check: Option<&str>,
    format: Option<&str>,
) -> Result<Target, String> {
    let check = match check {
        Some(c) => Some(check::get(c).map(|c| c.name).ok_or_else(|| {
            format!(
                "unknown check {c:?}; expected one of {}",
                check::names().join(", ")
            )
        })?),
        None => None,
    };
    let format = format.map(str::parse::<Format>).transpose()?;
    Ok(Target {
        name: name.to_string(),
        check,
        format,
        codecs: Vec::new(),
        max_len: MAX_LEN,
        schema: None,
        reference: None,
    })
}

/// Writes `out/<target>/<hash>` seed files for every target of `targets`
/// (see the module documentation for what each target gets), adding the
/// files of `regressions/<target>/` (saved crash inputs: raw files named by
/// their hash).
pub fn materialise_seeds(
    corpus: &Corpus,
    registry: &Registry,
    targets: &[Target],
    regressions: &Path,
    out: &Path,
) -> std::io::Result<SeedStats> {
    let mut stats = SeedStats::default();
    for t in targets.iter().cloned() {
        let mut seeds: Vec<Vec<u8>> = Vec::new();
        match (t.check, t.takes_bytes(), t.format) {
            (Some(check::STRUCT_LAYOUT), ..) => seeds.extend(check::struct_layout::seeds(false)),
            (Some(check::STRUCT_UNPACK | check::SCHEMA_DECODE), ..) => {
                seeds.extend(check::struct_layout::seeds(true))
            }
            (Some(check::PICKLE_SCAN), ..) => {
                // The scanner's own corpora: every bypass family and benign file.
                for sub in ["pickles/malicious", "pickles/benign"] {
                    if let Ok(entries) = std::fs::read_dir(corpus.root.join(sub)) {
                        for e in entries.flatten() {
                            seeds.push(std::fs::read(e.path())?);
                        }
                    }
                }
            }
            (_, true, Some(f)) => {
                if let Some(message) = &t.schema {
                    seeds.extend(schema_seeds(message));
                }
                seeds.extend(corpus.bytes_of(f).map(|c| c.bytes.clone()));
                for c in registry.of_format(f) {
                    for v in &corpus.values {
                        if c.unsupported(&v.value).is_some() {
                            continue;
                        }
                        if let crate::Outcome::Ok(b) = crate::guard::encode(c.as_ref(), &v.value) {
                            seeds.push(b);
                        }
                    }
                }
            }
            _ => seeds.extend(random_seeds(&t.name)),
        }
        seeds.extend(
            saved_inputs(&regressions.join(&t.name))?
                .into_iter()
                .map(|(_, data)| data),
        );
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

/// The bytes of every conformance case bound to `message` (decode inputs,
/// acceptable encodings): a schema target's seeds. None when the suites
/// cannot be read (seeding is best effort; the suites' own tests say why).
fn schema_seeds(message: &str) -> Vec<Vec<u8>> {
    use crate::check::conformance::Test;
    let dir = crate::conformance::suite::builtin_root().join("suites");
    let Ok(suites) = crate::conformance::suite::load(&dir, &[]) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for case in suites.into_iter().flat_map(|s| s.cases) {
        let bound = case.bind.as_deref().and_then(|b| b.split_once('@'));
        if bound.is_none_or(|(m, _)| m != message) {
            continue;
        }
        match case.test {
            Test::Decode { input, .. } | Test::Stream { input, .. } => out.push(input),
            Test::Encode { encodings, .. } => out.extend(encodings.into_iter().flatten()),
        }
    }
    out
}

/// The saved inputs of one target, `dir/<hash>` as `crossfmt fuzz` writes
/// them (files named by [`corpus::content_name`]; a check's `.diag`
/// regressions and READMEs beside them are not inputs), sorted by path.
/// None when `dir` is absent. The seeds and `testing::check_codec`'s replay
/// both read them here.
pub fn saved_inputs(dir: &Path) -> std::io::Result<Vec<(std::path::PathBuf, Vec<u8>)>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for e in entries {
        let path = e?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_file() && name.len() == 16 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
            let data = std::fs::read(&path)?;
            out.push((path, data));
        }
    }
    out.sort();
    Ok(out)
}

/// [`RANDOM_SEEDS`] byte strings of 1..=256 bytes, the same on every run
/// (splitmix64 from a fixed seed; the target name is not mixed in, so every
/// value-input target starts alike).
pub fn random_seeds(_target: &str) -> Vec<Vec<u8>> {
    let mut rng = crate::rng::SplitMix64::new(0x00c0_ffee_5eed);
    (0..RANDOM_SEEDS)
        .map(|_| {
            let n = 1 + rng.below(256) as usize;
            (0..n).map(|_| rng.next_u64() as u8).collect()
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
            "differential_protobuf_proto3",
            "differential_protobuf_proto2",
            "differential_cbor",
            "differential_json",
            "differential_protobuf",
            "differential_struct",
            "planted_decode",
            "planted_chunked",
            "planted_roundtrip",
            "planted_differential",
            "chunked_msgpack_rmpv",
            "chunked_pickle_crossfmt",
            "struct_format",
            "struct_unpack",
            "pickle_scan",
        ] {
            assert!(names.contains(&n.to_string()), "{n} missing from {names:?}");
        }
        // decode_, bare_decode_, chunked_, value-first, differential_ over
        // pairs, over Google's messages, with a reference, planted, struct,
        // scanner.
        assert_eq!(names.len(), 7 + 7 + 7 + 2 + 2 + 2 + 4 + 4 + 2 + 1);
    }

    #[test]
    fn signatures_are_computed_from_the_finding() {
        let panicked = run_target(PLANTED_DECODE, &[0xda, 0x2a, 0x3b]).unwrap_err();
        let sig = panicked.signature();
        let line = sig.rsplit(':').next().unwrap();
        assert_eq!(
            sig,
            format!(
                "roundtrip-bytes|planted/buggy|panic|index out of bounds: the len is N but the index is N|crates/codecs/src/planted.rs:{line}"
            )
        );
        let changed = run_target("differential_msgpack", &[0xc1]).unwrap_err();
        assert_eq!(
            changed.signature(),
            "differential|msgpack/rmp-serde+msgpack/rmpv|accept-reject|\
             msgpack/rmp-serde=err:Syntax:wrong msgpack marker Reserved,msgpack/rmpv=ok"
        );
        // Text inside a value never passes for a panic or a kind: this
        // input's map key reads "...expected `:`...panic: exceeded".
        let tricky = include_bytes!(
            "../../../../corpus/regressions/decode_json_serde_json/3175575a9f35e41e"
        );
        let f = run_target("decode_json_serde_json", tricky).unwrap_err();
        assert_eq!(f.panic(), None);
        assert_eq!(
            f.signature(),
            "roundtrip-bytes|json/serde_json|not-fixed-point|f64->f64"
        );
        // Another disagreement between the same two is another signature.
        let utf8 = run_target("differential_msgpack", &[0xa1, 0xff]).unwrap_err();
        assert_eq!(
            utf8.signature(),
            "differential|msgpack/rmp-serde+msgpack/rmpv|accept-reject|\
             msgpack/rmp-serde=ok,msgpack/rmpv=err:Syntax:str payload is not valid UTF-N"
        );
    }

    #[test]
    fn the_compiled_known_list_parses() {
        assert!(!known().entries.is_empty());
    }

    #[test]
    fn bare_decode_never_finds() {
        for t in targets() {
            if t.check.is_none() {
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

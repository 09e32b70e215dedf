//! Fuzz targets for a codec crossfmt does not ship: yours, run from your own
//! cargo-fuzz crate (`crossfmt init` writes one; `crossfmt_fuzz::codec_target!`
//! is the two-line target).
//!
//! | target | check | codecs | input |
//! |---|---|---|---|
//! | `decode` | `roundtrip-bytes` | yours | bytes of its format |
//! | `roundtrip_value` | `roundtrip` | yours | a `Value` (via `Arbitrary`) |
//! | `chunked` | `chunked` | yours, when it reads streams ([`crate::Codec::framing`]; else every input is a skip) | bytes, read in pieces |
//! | `differential` | `differential` | yours paired with each built-in implementation of its format | bytes |
//!
//! The names come from the check registry: every check with a fuzz target
//! that takes one codec, or a pair of one format, gets one, named as the
//! built-in target without the codec or format suffix. A finding is printed
//! as `CROSSFMT-FINDING {json}` and aborts, as the built-in targets do, so
//! `crossfmt fuzz --root <your crate>` signs and saves it the same way. A
//! finding your known-findings list records (or crossfmt's own list, for a
//! built-in codec's bug) returns quietly, so the nightly run keeps hunting.

use super::{case_name, fuzz_in, known, run_in, target_of, Scope, Table, Target};
use crate::check::{self, Arity};
use crate::finding::Finding;
use crate::known::Known;
use crate::{CodecRef, Format, Registry};
use std::path::Path;

/// The fuzz targets of one codec, with the known findings that do not stop
/// them.
pub struct CodecTargets {
    table: Table,
    known: Known,
}

impl CodecTargets {
    /// The targets for `codec` (see the module documentation); its
    /// differential peers are [`Registry::peers_of`] it: for a codec bound
    /// to a `.proto` message, prost-reflect reading the same message.
    pub fn new(codec: CodecRef) -> CodecTargets {
        let peers = Registry::peers_of(&codec);
        CodecTargets {
            table: table(codec.format(), &[codec], &peers),
            known: Known::default(),
        }
    }

    /// With the known findings of `text` (the syntax of
    /// [`crate::known`]); `source` names it in an error.
    ///
    /// # Panics
    ///
    /// When `text` does not parse: a fuzz target must not run on a list
    /// that silently records nothing.
    pub fn with_known(mut self, text: &str, source: &str) -> CodecTargets {
        let k = Known::parse(text, Path::new(source)).unwrap_or_else(|e| panic!("{e}"));
        self.known.extend(k);
        self
    }

    /// With the entries of `known` (already parsed).
    pub fn with_known_list(mut self, known: Known) -> CodecTargets {
        self.known.extend(known);
        self
    }

    /// The targets, in the registry's order.
    pub fn targets(&self) -> Vec<Target> {
        self.table.iter().map(|(t, _)| t.clone()).collect()
    }

    /// Runs target `name` on one input: `Err` with the first finding.
    ///
    /// # Panics
    ///
    /// On a name that is not one of [`CodecTargets::targets`]; the message
    /// lists them.
    pub fn run(&self, name: &str, data: &[u8]) -> Result<(), Box<Finding>> {
        run_in(&self.table, name, data, Scope::All)
    }

    /// The known-findings entry (yours, then crossfmt's) that records
    /// `finding`, made by target `name`.
    pub fn known(&self, name: &str, finding: &Finding) -> Option<&crate::known::Entry> {
        let case = case_name(name);
        self.known
            .find(finding, &case)
            .or_else(|| known().find(finding, &case))
    }

    /// What a libFuzzer target calls: runs target `name` and, on a finding
    /// neither list records, prints `CROSSFMT-FINDING {json}` to stderr and
    /// aborts.
    pub fn fuzz_one(&self, name: &str, data: &[u8]) {
        fuzz_in(&self.table, name, data, |f| self.known(name, f).is_some());
    }

    /// The structure-aware mutator of target `name` ([`super::mutate()`]):
    /// what the target's `LLVMFuzzerCustomMutator` calls.
    pub fn mutate(
        &self,
        name: &str,
        data: &mut [u8],
        size: usize,
        max_size: usize,
        seed: u32,
        bytes: super::mutate::ByteMutator,
    ) -> usize {
        super::mutate::mutate_in(&self.table, name, data, size, max_size, seed, bytes)
    }
}

/// The targets a codec of `format` gets, described without the codec (what
/// `crossfmt init` writes): [`CodecTargets::targets`] less the codec's own
/// id in [`Target::codecs`].
pub fn targets_for(format: Format) -> Vec<Target> {
    let peers = Registry::builtin().of_format(format);
    table(format, &[], &peers)
        .into_iter()
        .map(|(t, _)| t)
        .collect()
}

/// One row per check with a fuzz target that takes one codec (`mine`) or a
/// same-format pair (`mine` with each of `peers`; no row without peers).
fn table(format: Format, mine: &[CodecRef], peers: &[CodecRef]) -> Table {
    let mut table: Table = Vec::new();
    for c in check::CHECKS.iter() {
        let Some(prefix) = c.target else { continue };
        let name = prefix.trim_end_matches('_').to_string();
        let apps: Vec<Vec<CodecRef>> = match c.arity {
            Arity::One => vec![mine.to_vec()],
            Arity::SameFormatPair => peers
                .iter()
                .map(|o| mine.iter().chain([o]).cloned().collect())
                .collect(),
            Arity::Pair | Arity::Engine => continue,
        };
        if apps.is_empty() {
            continue;
        }
        let bytes_format = (c.input == check::InputKind::Bytes).then_some(format);
        let mut codecs: Vec<CodecRef> = Vec::new();
        for x in apps.iter().flatten() {
            if !codecs.iter().any(|y| y.id() == x.id()) {
                codecs.push(x.clone());
            }
        }
        table.push((target_of(name, Some(c), bytes_format, &codecs), apps));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Caps, Codec, CodecError, Format, Value};
    use std::sync::Arc;

    /// MessagePack's nil and booleans, with a planted bug.
    #[derive(Clone, Copy, PartialEq)]
    enum Bug {
        None,
        /// Writes false as c3 (true).
        Encode,
        /// Reads c2 (false) as true.
        Decode,
    }

    struct Flags {
        bug: Bug,
    }

    impl Codec for Flags {
        fn id(&self) -> &str {
            "msgpack/flags"
        }
        fn format(&self) -> Format {
            Format::MsgPack
        }
        fn caps(&self) -> Caps {
            Caps {
                null: true,
                bool: true,
                max_depth: 1,
                ..Caps::NONE
            }
        }
        fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
            match v {
                Value::Null => Ok(vec![0xc0]),
                Value::Bool(b) => Ok(vec![0xc2 + u8::from(*b || self.bug == Bug::Encode)]),
                other => Err(CodecError::unsupported(other.kind())),
            }
        }
        fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
            match b {
                [0xc0] => Ok(Value::Null),
                [0xc2] => Ok(Value::Bool(self.bug == Bug::Decode)),
                [0xc3] => Ok(Value::Bool(true)),
                _ => Err(CodecError::unsupported("only nil, false and true")),
            }
        }
    }

    #[test]
    fn a_codec_gets_one_target_per_check_and_its_format_peers() {
        let t = CodecTargets::new(Arc::new(Flags { bug: Bug::None }));
        let names: Vec<String> = t.targets().into_iter().map(|t| t.name).collect();
        assert_eq!(
            names,
            ["roundtrip_value", "decode", "chunked", "differential"]
        );
        let diff = t.targets().into_iter().find(|t| t.name == "differential");
        assert_eq!(
            diff.unwrap().codecs,
            ["msgpack/flags", "msgpack/rmp-serde", "msgpack/rmpv"]
        );
        for name in &names {
            assert!(t.run(name, &[0xc2]).is_ok(), "{name}");
        }
    }

    #[test]
    fn the_targets_of_a_format_are_the_targets_of_its_codecs() {
        let with: Vec<(String, Option<Format>)> =
            CodecTargets::new(Arc::new(Flags { bug: Bug::None }))
                .targets()
                .into_iter()
                .map(|t| (t.name, t.format))
                .collect();
        let without: Vec<(String, Option<Format>)> = targets_for(Format::MsgPack)
            .into_iter()
            .map(|t| (t.name, t.format))
            .collect();
        assert_eq!(with, without);
        let diff = targets_for(Format::MsgPack)
            .into_iter()
            .find(|t| t.name == "differential");
        assert_eq!(diff.unwrap().codecs, ["msgpack/rmp-serde", "msgpack/rmpv"]);
    }

    #[test]
    fn a_planted_bug_is_found_and_a_known_one_is_not_reported() {
        let t = CodecTargets::new(Arc::new(Flags { bug: Bug::Encode }));
        let f = t.run("decode", &[0xc2]).unwrap_err();
        assert_eq!(
            f.signature(),
            "roundtrip-bytes|msgpack/flags|not-fixed-point|bool->bool"
        );
        assert!(t.run("roundtrip_value", &[]).is_ok(), "null holds");
        let t = CodecTargets::new(Arc::new(Flags { bug: Bug::Decode }));
        assert!(t.run("decode", &[0xc2]).is_ok(), "true is a fixed point");
        let f = t.run("differential", &[0xc2]).unwrap_err();
        assert_eq!(f.codecs, ["msgpack/flags", "msgpack/rmp-serde"]);
        assert!(t.known("decode", &f).is_none());
        let t = t.with_known(
            "differential msgpack/flags+msgpack/rmp-serde * values-differ -- planted\n",
            "k.txt",
        );
        assert!(t.known("differential", &f).is_some());
    }

    #[test]
    #[should_panic(expected = "decode, chunked, differential")]
    fn an_unknown_target_names_the_others() {
        let _ = CodecTargets::new(Arc::new(Flags { bug: Bug::None })).run("nope", b"");
    }
}

//! The differential check's referee: a disagreement between two
//! implementations names the one that departs from the format's reference.
//! With the `python` feature the references run in this process; without
//! it a disagreement is only a disagreement.

use crossfmt::fuzz::{run_target, PLANTED_DIFFERENTIAL};

/// `PROTO 2, BININT1 200, STOP`: the planted codec reads -56.
const PICKLE_200: &[u8] = &[0x80, 0x02, 0x4b, 0xc8, 0x2e];

fn planted_finding() -> crossfmt::finding::Finding {
    *run_target(PLANTED_DIFFERENTIAL, PICKLE_200).expect_err("the planted codec diverges")
}

#[test]
fn a_small_int_is_not_the_planted_divergence() {
    // BININT1 100: both read 100.
    run_target(PLANTED_DIFFERENTIAL, &[0x80, 0x02, 0x4b, 0x64, 0x2e]).expect("agree");
}

#[cfg(not(feature = "python"))]
#[test]
fn without_a_reference_a_disagreement_blames_nobody() {
    let f = planted_finding();
    assert!(f.referee.is_none(), "{f}");
    assert!(!f.headline().contains("departs"), "{}", f.headline());
}

/// `[1, 2]` then `f6`: cbor2 reads the first item, ciborium refuses the
/// trailing byte.
const CBOR_TRAILING: &[u8] = &[0x82, 0x01, 0x02, 0xf6];

#[cfg(not(feature = "python"))]
#[test]
fn a_target_that_compares_with_a_reference_says_it_cannot_run_without_one() {
    let mut with_reference: Vec<_> = crossfmt::fuzz::targets()
        .into_iter()
        .filter(|t| t.reference.is_some())
        .map(|t| t.name)
        .collect();
    with_reference.sort();
    assert_eq!(
        with_reference,
        [
            "differential_cbor",
            "differential_json",
            "differential_protobuf",
            "differential_struct"
        ]
    );
    for t in &with_reference {
        let why = crossfmt::fuzz::unavailable(t).expect("no reference in this build");
        assert!(why.contains("`python` feature"), "{why}");
    }
    // Nothing to compare: no finding, and the drivers were told beforehand.
    run_target("differential_cbor", CBOR_TRAILING).expect("nothing compared");
    assert_eq!(crossfmt::fuzz::unavailable("differential_msgpack"), None);
}

#[cfg(feature = "python")]
mod in_process {
    use super::*;
    use crossfmt::check::{self, DIFFERENTIAL};
    use crossfmt::finding::Input;
    use crossfmt::{reference, Codec, Format, Registry};

    fn require_references() {
        assert!(
            reference::for_format(Format::Pickle).is_some(),
            "no in-process CPython: run conformance/testees/python/setup first"
        );
    }

    #[test]
    fn the_reference_takes_part_where_a_format_has_one_rust_implementation() {
        require_references();
        assert_eq!(crossfmt::fuzz::unavailable("differential_cbor"), None);
        let f = run_target("differential_cbor", CBOR_TRAILING).expect_err("cbor2 reads it");
        assert_eq!(f.codecs, ["cbor/ciborium", "cbor/cbor2"]);
        assert!(
            f.headline()
                .starts_with("cbor/ciborium departs from cbor2 (cbor/cbor2)"),
            "{}",
            f.headline()
        );
        // The known list records it (cbor2 ignores what follows the first
        // item), so the fuzz target passes over it.
        assert!(crossfmt::fuzz::is_known("differential_cbor", &f), "{f}");
        // Both agree on one item.
        run_target("differential_cbor", &[0x82, 0x01, 0x02]).expect("agree");
        // A struct input is `format NUL record`, both sides bound to the
        // format: a record of the wrong size is refused by both.
        run_target("differential_struct", b"<h\0\xff\xff").expect("agree on -1");
        run_target("differential_struct", b"<h\0\xff").expect("both refuse");
        let f = run_target("differential_json", b"[NaN]").expect_err("CPython reads NaN");
        assert!(
            f.headline()
                .starts_with("json/serde_json departs from CPython (json/cpython)"),
            "{}",
            f.headline()
        );
    }

    #[test]
    fn cpython_blames_the_planted_pickle_codec() {
        require_references();
        let f = planted_finding();
        let r = f.referee.as_ref().expect("a referee");
        assert_eq!(r.reference, "pickle/cpython");
        assert_eq!(r.departs, ["planted/pickle-signed"], "{f}");
        assert!(
            f.headline()
                .starts_with("planted/pickle-signed departs from CPython (pickle/cpython)"),
            "{}",
            f.headline()
        );
        assert!(
            f.to_string().contains("referee:  pickle/cpython 200"),
            "{f}"
        );
    }

    /// `codecs` disagree on `input`, and `reference` blames `departs` alone.
    fn assert_verdict(codecs: &[&dyn Codec], input: &Input, reference: &str, departs: &str) {
        let f = check::get(DIFFERENTIAL)
            .expect("registered")
            .run(codecs, input)
            .expect_err("they disagree");
        let r = f.referee.as_ref().expect("a referee");
        assert_eq!(r.reference, reference);
        assert_eq!(r.departs, [departs], "{f}");
    }

    /// A real disagreement of two third-party codecs: rmp-serde reads a str
    /// with invalid UTF-8, rmpv refuses it, and so does msgpack-python.
    #[test]
    fn msgpack_python_blames_rmp_serde_for_invalid_utf8() {
        require_references();
        let registry = Registry::builtin();
        let owned: Vec<_> = ["msgpack/rmp-serde", "msgpack/rmpv"]
            .iter()
            .map(|id| registry.get(id).expect("built in"))
            .collect();
        let codecs: Vec<&dyn Codec> = owned.iter().map(|c| c.as_ref()).collect();
        let input = Input::bytes(Format::MsgPack, &[0xa1, 0xff]);
        assert_verdict(
            &codecs,
            &input,
            "msgpack/msgpack-python",
            "msgpack/rmp-serde",
        );
    }

    /// A user's message decoded by their codec and by one that changes a
    /// string: upb reads the bytes under the same message and blames the
    /// changer. Read unbound, the field meant something else and upb blamed
    /// both.
    #[test]
    fn upb_reads_a_users_message_under_its_schema() {
        use crossfmt::codecs::protobuf::dynamic::Dynamic;
        use crossfmt::{Caps, CodecError, Value};
        use std::sync::Arc;

        struct Changes(Arc<Dynamic>);
        impl Codec for Changes {
            fn id(&self) -> &str {
                "test/changes-a-string"
            }
            fn format(&self) -> Format {
                Format::Protobuf
            }
            fn caps(&self) -> Caps {
                self.0.caps()
            }
            fn schema(&self) -> Option<&str> {
                self.0.schema()
            }
            fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
                self.0.encode(v)
            }
            fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
                Ok(self.0.decode(b)?.map_scalars(&|x| match x {
                    Value::Text(t) if t == "hi" => Some(Value::text("ho")),
                    _ => None,
                }))
            }
        }

        require_references();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("m.proto");
        std::fs::write(
            &file,
            "syntax = \"proto3\";\npackage t;\nmessage M { string name = 7; }\n",
        )
        .unwrap();
        let mine = Arc::new(Dynamic::compile(&file, "t.M", &[]).unwrap());
        let changes = Changes(Arc::clone(&mine));
        let codecs: Vec<&dyn Codec> = vec![&*mine, &changes];
        // Field 7, a string: "hi".
        let input = Input::bytes(Format::Protobuf, &[0x3a, 0x02, b'h', b'i']);
        assert_verdict(
            &codecs,
            &input,
            "protobuf/python-protobuf",
            "test/changes-a-string",
        );
    }

    /// The in-process testee answers as the process one does, deep answers
    /// included (serde_json's own 128-level limit once made a 500-deep
    /// array a crash of the reference).
    #[test]
    fn the_in_process_testee_serves_the_references_deep_values_included() {
        use crossfmt::codecs::external::{self, IN_PROCESS_PYTHON};
        use crossfmt::Value;
        let started = external::start_testee(IN_PROCESS_PYTHON, Default::default())
            .expect("the in-process testee starts");
        let ids: Vec<&str> = started.codecs.iter().map(|c| c.id()).collect();
        for (_, id, _) in reference::REFERENCES {
            assert!(ids.contains(&id), "{id} not among {ids:?}");
        }
        let msgpack = started
            .codecs
            .iter()
            .find(|c| c.id() == "msgpack/msgpack-python")
            .expect("announced");
        let mut deep = Value::Null;
        for _ in 0..500 {
            deep = Value::Array(vec![deep]);
        }
        let bytes = msgpack.encode(&deep).expect("encodes 500 levels");
        assert_eq!(msgpack.decode(&bytes).expect("decodes 500 levels"), deep);
    }
}

//! A service's own prost structs for a `.proto` of its own, as a codec
//! (`protobuf::generated::Generated`): its fuzz targets and `check_codec`
//! compare it with prost-reflect reading the same schema, so a struct that
//! has drifted from its `.proto` is found.

use crossfmt::codecs::protobuf::{dynamic::Dynamic, generated::Generated};
use crossfmt::fuzz::CodecTargets;
use crossfmt::testing::{check_codec_with, Options};
use crossfmt::{Codec, CodecRef};
use std::collections::HashMap;
use std::sync::Arc;

const PROTO: &str = r#"
syntax = "proto3";
package shop;

message Address { string city = 1; }

message Order {
  sint64 id = 1;
  string item = 2;
  repeated uint32 qty = 3;
  map<string, int64> tags = 4;
  Address ship_to = 5;
  oneof pay {
    string card = 6;
    bool cash = 7;
  }
}
"#;

#[derive(Clone, PartialEq, prost::Message)]
struct Address {
    #[prost(string, tag = "1")]
    city: String,
}

#[derive(Clone, PartialEq, prost::Oneof)]
enum Pay {
    #[prost(string, tag = "6")]
    Card(String),
    #[prost(bool, tag = "7")]
    Cash(bool),
}

/// What prost generates for `shop.Order`.
#[derive(Clone, PartialEq, prost::Message)]
struct Order {
    #[prost(sint64, tag = "1")]
    id: i64,
    #[prost(string, tag = "2")]
    item: String,
    #[prost(uint32, repeated, tag = "3")]
    qty: Vec<u32>,
    #[prost(map = "string, int64", tag = "4")]
    tags: HashMap<String, i64>,
    #[prost(message, optional, tag = "5")]
    ship_to: Option<Address>,
    #[prost(oneof = "Pay", tags = "6, 7")]
    pay: Option<Pay>,
}

/// The same struct generated before `id` became `sint64`: a stale file.
#[derive(Clone, PartialEq, prost::Message)]
struct StaleOrder {
    #[prost(int64, tag = "1")]
    id: i64,
    #[prost(string, tag = "2")]
    item: String,
}

fn schema() -> (tempfile::TempDir, Dynamic) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shop.proto");
    std::fs::write(&file, PROTO).unwrap();
    let d = Dynamic::compile(&file, "shop.Order", &[]).unwrap();
    (dir, d)
}

fn codecs() -> (CodecRef, CodecRef) {
    let (_dir, d) = schema();
    // The same schema compiled into the binary, as a fuzz target holds it.
    let set = hex::decode(d.schema().unwrap().split_once('@').unwrap().1).unwrap();
    let embedded = Dynamic::from_descriptor_set("unused", "shop.Order", &set).unwrap();
    (
        Arc::new(Generated::<Order>::new("protobuf/shop", d)),
        Arc::new(Generated::<StaleOrder>::new(
            "protobuf/shop-stale",
            embedded,
        )),
    )
}

#[test]
fn a_message_named_by_its_proto_file_is_prost_reflect_and_has_no_peer_in_itself() {
    let (_dir, d) = schema();
    let file = d.id().to_string();
    assert!(file.starts_with("protobuf:"), "{file}");
    let peers = crossfmt::Registry::peers_of(&(Arc::new(d) as CodecRef));
    assert!(
        peers.is_empty(),
        "{:?}",
        peers.iter().map(|p| p.id()).collect::<Vec<_>>()
    );
}

#[test]
fn a_users_message_is_fuzzed_against_prost_reflect_on_its_own_schema() {
    let (right, stale) = codecs();
    let targets = CodecTargets::new(right.clone());
    let diff = targets
        .targets()
        .into_iter()
        .find(|t| t.name == "differential")
        .expect("a differential target");
    assert_eq!(diff.codecs, ["protobuf/shop", "protobuf/prost-reflect"]);

    // id = -1 (zigzag 01), item "ab", qty [1, 300], tags {"k": -2}, ship_to
    // {city "x"}, cash true.
    let order =
        hex::decode("08011202616218011a02ac02220e0a016b10feffffffffffffffff012a030a01783801")
            .unwrap();
    assert_eq!(
        right.decode(&order).unwrap(),
        crossfmt::notation::parse(
            r#"{1: -1, 2: "ab", 3: [1, 300], 4: {"k": -2}, 5: {1: "x"}, 7: true}"#
        )
        .unwrap()
    );
    for name in ["decode", "differential"] {
        assert!(targets.run(name, &order).is_ok(), "{name}");
    }

    let stale_targets = CodecTargets::new(stale);
    let f = stale_targets.run("differential", &order).unwrap_err();
    assert_eq!(f.codecs, ["protobuf/shop-stale", "protobuf/prost-reflect"]);
    assert!(
        f.signature()
            .starts_with("differential|protobuf/shop-stale+protobuf/prost-reflect|"),
        "{}",
        f.signature()
    );
}

#[test]
fn check_codec_compares_a_users_message_over_values_drawn_from_its_schema() {
    let (right, stale) = codecs();
    let opts = Options {
        generated_cases: 32,
        conformance: false,
        known: None,
        regressions: None,
        ..Options::default()
    };
    let report = check_codec_with(right, &opts).unwrap();
    assert!(report.is_clean(), "{}", report.render());
    assert!(report.passed >= 32, "{}", report.render());

    let report = check_codec_with(stale, &opts).unwrap();
    assert!(
        report
            .findings
            .iter()
            .any(|(_, f)| f.check == "differential"
                && f.codecs.contains(&"protobuf/shop-stale".to_string())
                && f.codecs.contains(&"protobuf/prost-reflect".to_string())),
        "{}",
        report.render()
    );
}

//! Implementations without a protobuf compiler (the Python reference testee,
//! the suite generators) read the schemas from committed copies of the
//! descriptor sets; this keeps the copies current.

const REFRESH: &str =
    "CROSSFMT_WRITE_DESCRIPTOR=1 cargo test --release --lib committed_descriptor_cop";

/// `(committed copy, compiled set, what it is compiled from)`.
const COPIES: [(&str, &[u8], &str); 3] = [
    (
        "conformance/testees/python/value.binpb",
        super::DESCRIPTOR_SET,
        "corpus/schemas/value.proto",
    ),
    (
        "conformance/vectors/protobuf/test_messages.binpb",
        super::google::DESCRIPTOR_SET,
        "conformance/vectors/protobuf/test_messages_proto{3,2}.proto",
    ),
    (
        "conformance/vectors/protobuf/conformance.binpb",
        super::upstream::DESCRIPTOR_SET,
        "conformance/vectors/protobuf/conformance.proto",
    ),
];

/// With `CROSSFMT_WRITE_DESCRIPTOR=1` the copies are rewritten first.
#[test]
fn committed_descriptor_copies_match_the_schemas() {
    for (copy, compiled, source) in COPIES {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(copy);
        if std::env::var_os("CROSSFMT_WRITE_DESCRIPTOR").is_some() {
            std::fs::write(&path, compiled).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        let committed = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; write it with\n  {REFRESH}", path.display()));
        assert!(
            committed == compiled,
            "{copy} differs from the descriptor set compiled from {source} \
             ({} vs {} bytes); refresh it with\n  {REFRESH}",
            committed.len(),
            compiled.len()
        );
    }
}

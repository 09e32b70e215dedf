//! The Python reference testee reads the schema from a committed copy of the
//! descriptor set (it has no protoc); this keeps the copy current.

use super::DESCRIPTOR_SET;

const COPY: &str = "conformance/testees/python/value.binpb";
const REFRESH: &str =
    "CROSSFMT_WRITE_DESCRIPTOR=1 cargo test --release --lib committed_descriptor_copy";

/// With `CROSSFMT_WRITE_DESCRIPTOR=1` the copy is rewritten first.
#[test]
fn committed_descriptor_copy_matches_the_schema() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(COPY);
    if std::env::var_os("CROSSFMT_WRITE_DESCRIPTOR").is_some() {
        std::fs::write(&path, DESCRIPTOR_SET).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    let committed = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; write it with\n  {REFRESH}", path.display()));
    assert!(
        committed == DESCRIPTOR_SET,
        "{COPY} differs from the descriptor set compiled from corpus/schemas/value.proto \
         ({} vs {} bytes); refresh it with\n  {REFRESH}",
        committed.len(),
        DESCRIPTOR_SET.len()
    );
}

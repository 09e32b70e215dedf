//! Compiles `corpus/schemas/value.proto` to Rust for the protobuf codec, in pure
//! Rust: protox parses the schema into a descriptor set, prost-build generates
//! code from it into OUT_DIR. No `protoc` is needed.
//!
//! The encoded `FileDescriptorSet` is written to OUT_DIR too
//! (`value.binpb`, exposed as `codec::protobuf::DESCRIPTOR_SET`): it is what
//! the Python reference testee builds its message class from. It leaves out
//! source info, so that editing a comment in the schema does not change it.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=corpus/schemas/value.proto");
    let mut compiler = match protox::Compiler::new(["corpus/schemas"]) {
        Ok(c) => c,
        Err(e) => panic!("corpus/schemas: {e:?}"),
    };
    compiler.include_imports(true);
    if let Err(e) = compiler.open_file("value.proto") {
        panic!("corpus/schemas/value.proto: {e:?}");
    }
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let descriptor = compiler
        .include_source_info(false)
        .encode_file_descriptor_set();
    if let Err(e) = std::fs::write(out.join("value.binpb"), descriptor) {
        panic!("writing value.binpb to {}: {e}", out.display());
    }
    let fds = compiler.include_source_info(true).file_descriptor_set();
    if let Err(e) = prost_build::Config::new().compile_fds(fds) {
        panic!("generating Rust from value.proto: {e}");
    }
    bench_schema(&out);
}

/// `benches/schemas/datasets.proto`: the benchmark datasets' messages, with
/// serde derives so the serde codecs share prost's structs (`src/bench/`).
/// Its descriptor set (`datasets.binpb`) is what the Python baseline loads.
fn bench_schema(out: &std::path::Path) {
    println!("cargo:rerun-if-changed=benches/schemas/datasets.proto");
    let mut compiler = protox::Compiler::new(["benches/schemas"])
        .unwrap_or_else(|e| panic!("benches/schemas: {e:?}"));
    if let Err(e) = compiler.open_file("datasets.proto") {
        panic!("benches/schemas/datasets.proto: {e:?}");
    }
    let descriptor = compiler
        .include_source_info(false)
        .encode_file_descriptor_set();
    if let Err(e) = std::fs::write(out.join("datasets.binpb"), descriptor) {
        panic!("writing datasets.binpb to {}: {e}", out.display());
    }
    let fds = compiler.include_source_info(true).file_descriptor_set();
    let mut config = prost_build::Config::new();
    config.type_attribute(
        ".crossfmt.bench",
        "#[derive(serde::Serialize, serde::Deserialize)]",
    );
    if let Err(e) = config.compile_fds(fds) {
        panic!("generating Rust from datasets.proto: {e}");
    }
}

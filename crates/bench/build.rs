//! `benches/schemas/datasets.proto`: the benchmark datasets' messages, with
//! serde derives so the serde codecs share prost's structs (`src/typed.rs`).
//! Its descriptor set (`datasets.binpb`) is what the Python baseline loads.
//! Compiled in pure Rust (protox + prost-build), no `protoc`.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=benches/schemas/datasets.proto");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
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

//! Compiles `corpus/schemas/value.proto` (at the workspace root, beside the
//! corpus it describes) to Rust for the protobuf codec, in pure Rust: protox
//! parses the schema into a descriptor set, prost-build generates code from
//! it into OUT_DIR. No `protoc` is needed.
//!
//! The encoded `FileDescriptorSet` is written to OUT_DIR too
//! (`value.binpb`, exposed as `protobuf::DESCRIPTOR_SET`): it is what the
//! Python reference testee builds its message class from. It leaves out
//! source info, so that editing a comment in the schema does not change it.

fn main() {
    let schemas = "../../corpus/schemas";
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={schemas}/value.proto");
    let mut compiler = match protox::Compiler::new([schemas]) {
        Ok(c) => c,
        Err(e) => panic!("{schemas}: {e:?}"),
    };
    compiler.include_imports(true);
    if let Err(e) = compiler.open_file("value.proto") {
        panic!("{schemas}/value.proto: {e:?}");
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
}

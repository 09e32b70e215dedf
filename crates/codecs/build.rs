//! Compiles the project's protobuf schemas to Rust, in pure Rust: protox
//! parses each into a descriptor set, prost-build generates code from it into
//! OUT_DIR. No `protoc` is needed.
//!
//! * `corpus/schemas/value.proto` (beside the corpus it describes): the
//!   universal value message of `protobuf/prost`.
//! * `conformance/vectors/protobuf/test_messages_proto{3,2}.proto`: Google's
//!   conformance messages, which `protobuf/prost` reads typed when a case is
//!   bound to one of them.
//! * `conformance/vectors/protobuf/conformance.proto`: Google's testee
//!   protocol, spoken both ways (`protobuf::upstream`).
//!
//! Each encoded `FileDescriptorSet` is written to OUT_DIR too (`value.binpb`,
//! `test_messages.binpb`, `conformance.binpb`): what an implementation with runtime reflection
//! (prost-reflect, the Python reference testee) builds the messages from.
//! They leave out source info, so that editing a comment in a schema does not
//! change them.

use std::path::{Path, PathBuf};

fn compile(dir: &str, files: &[&str], binpb: &str, out: &Path) {
    println!("cargo:rerun-if-changed={dir}");
    let mut compiler = match protox::Compiler::new([dir]) {
        Ok(c) => c,
        Err(e) => panic!("{dir}: {e:?}"),
    };
    compiler.include_imports(true);
    for file in files {
        if let Err(e) = compiler.open_file(file) {
            panic!("{dir}/{file}: {e:?}");
        }
    }
    let descriptor = compiler
        .include_source_info(false)
        .encode_file_descriptor_set();
    if let Err(e) = std::fs::write(out.join(binpb), descriptor) {
        panic!("writing {binpb} to {}: {e}", out.display());
    }
    let fds = compiler.include_source_info(true).file_descriptor_set();
    if let Err(e) = prost_build::Config::new().compile_fds(fds) {
        panic!("generating Rust from {files:?}: {e}");
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    compile(
        "../../corpus/schemas",
        &["value.proto"],
        "value.binpb",
        &out,
    );
    compile(
        "../../conformance/vectors/protobuf",
        &["test_messages_proto3.proto", "test_messages_proto2.proto"],
        "test_messages.binpb",
        &out,
    );
    compile(
        "../../conformance/vectors/protobuf",
        &["conformance.proto"],
        "conformance.binpb",
        &out,
    );
}

//! Compiles `corpus/schemas/value.proto` to Rust for the protobuf codec, in pure
//! Rust: protox parses the schema into a descriptor set, prost-build generates
//! code from it into OUT_DIR. No `protoc` is needed.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=corpus/schemas/value.proto");
    let fds = match protox::compile(["value.proto"], ["corpus/schemas"]) {
        Ok(fds) => fds,
        Err(e) => panic!("corpus/schemas/value.proto: {e:?}"),
    };
    if let Err(e) = prost_build::Config::new().compile_fds(fds) {
        panic!("generating Rust from value.proto: {e}");
    }
}

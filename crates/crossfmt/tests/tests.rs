//! The harness's integration tests, gathered into one binary so that the
//! library links once (each module is what used to be a test file).

mod util;

mod checks_catch_bugs;
mod example_codec;
mod fuzz_layout;
mod pickle_cpython;
mod pickle_direct;
mod properties;
mod protobuf_google;
mod referee;
mod regressions;
mod streams;
mod struct_cpython;
mod struct_properties;
mod user_schema;

//! The `crossfmt` command line, as a library so that its integration tests
//! can reach the pieces: the clap front end ([`cli`]), the conformance and
//! tool commands, the nightly fuzz driver ([`fuzz_driver`], cargo-fuzz
//! orchestration), progress on the terminal ([`progress`]) and report
//! rendering ([`report`]: summary table, JSON, JUnit, Markdown, HTML, SVG
//! plots, SARIF). Everything that decides pass or fail lives in the
//! `crossfmt` harness crate; this crate parses flags, drives and renders.

pub mod cli;
pub mod conformance;
pub mod fuzz_driver;
pub mod generated;
pub mod init;
pub mod pickle;
pub mod pickle_scan;
pub mod progress;
pub mod pystruct;
pub mod report;
pub mod stream;

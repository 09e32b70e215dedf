//! The command line's integration tests, gathered into one binary so that
//! everything links once (each module is what used to be a test file). Many
//! run the `crossfmt` binary itself.

mod util;

mod cli;
mod conformance_interrupt;
mod conformance_runner;
mod conformance_suites;
mod external_testee;
mod fuzz_driver;
mod google_protocol;
mod pickle_cli;
mod pickle_scan;
mod python_reference;
mod report;
mod report_html;

//! The conformance runner: suites of cases (`conformance/suites/*.json`, the
//! schema in `conformance/README.md`) run against every implementation of
//! their format, judged against per-implementation expected-failure lists,
//! collected into a matrix the reports render. The oracle itself is
//! `check::conformance`.

pub mod case;

pub mod expected;
pub mod matrix;
pub mod runner;
pub mod suite;
pub mod upstream;

pub use crate::check::conformance::CHECK;
pub use case::{Case, Level, Suite};
pub use matrix::{Matrix, Status, Totals};

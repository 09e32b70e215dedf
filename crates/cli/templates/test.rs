//! crossfmt's checks on this crate's codec (written by `crossfmt init`): the
//! round-trip, cross-format and differential checks over crossfmt's corpus and
//! generated values, the conformance suites of its format, and the inputs the
//! fuzz targets saved under fuzz/regressions/. Findings you have judged go in
//! crossfmt-known.txt; the failure message lists the rest, one per cause.

#[test]
fn crossfmt_checks() {
    crossfmt::testing::check_codec({{codec}});
}

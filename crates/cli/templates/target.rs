#![no_main]
// crossfmt's `{{target}}` target on {{name}}'s codec (written by `crossfmt
// init`): {{about}}. Findings recorded in crossfmt-known.txt do not stop it.
crossfmt_fuzz::codec_target!(
    {{target}},
    {{codec}},
    known = include_str!("../../crossfmt-known.txt")
);

#![no_main]
crossfmt_fuzz::target!(planted_differential);

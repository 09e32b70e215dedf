#![no_main]
crossfmt_fuzz::target!(roundtrip_value);

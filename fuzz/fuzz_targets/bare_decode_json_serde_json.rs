#![no_main]
crossfmt_fuzz::target!(bare_decode_json_serde_json);

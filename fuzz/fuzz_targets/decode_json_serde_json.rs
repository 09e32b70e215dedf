#![no_main]
crossfmt_fuzz::target!(decode_json_serde_json);

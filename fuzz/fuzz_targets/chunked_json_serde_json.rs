#![no_main]
crossfmt_fuzz::target!(chunked_json_serde_json);

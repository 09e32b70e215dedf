#![no_main]
crossfmt_fuzz::target!(chunked_cbor_ciborium);

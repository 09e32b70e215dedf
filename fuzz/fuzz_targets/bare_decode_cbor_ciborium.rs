#![no_main]
crossfmt_fuzz::target!(bare_decode_cbor_ciborium);

#![no_main]
crossfmt_fuzz::target!(decode_cbor_ciborium);

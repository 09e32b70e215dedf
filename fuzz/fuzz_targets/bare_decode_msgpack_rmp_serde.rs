#![no_main]
crossfmt_fuzz::target!(bare_decode_msgpack_rmp_serde);

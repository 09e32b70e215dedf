#![no_main]
crossfmt_fuzz::target!(bare_decode_msgpack_rmpv);

#![no_main]
crossfmt_fuzz::target!(decode_msgpack_rmpv);

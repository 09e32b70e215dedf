#![no_main]
crossfmt_fuzz::target!(chunked_msgpack_rmp_serde);

#![no_main]
crossfmt_fuzz::target!(bare_decode_protobuf_prost);

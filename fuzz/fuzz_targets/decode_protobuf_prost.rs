#![no_main]
crossfmt_fuzz::target!(decode_protobuf_prost);

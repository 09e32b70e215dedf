#![no_main]
crossfmt_fuzz::target!(chunked_protobuf_prost);

#![no_main]
crossfmt_fuzz::target!(differential_protobuf);

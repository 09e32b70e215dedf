#![no_main]
crossfmt_fuzz::target!(struct_format);

#![no_main]
crossfmt_fuzz::target!(cross_format);

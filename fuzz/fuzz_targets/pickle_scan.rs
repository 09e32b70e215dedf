#![no_main]
crossfmt_fuzz::target!(pickle_scan);

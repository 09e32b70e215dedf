#![no_main]
crossfmt_fuzz::target!(decode_pickle_crossfmt);

#![no_main]
crossfmt_fuzz::target!(bare_decode_pickle_crossfmt);

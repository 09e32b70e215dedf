#![no_main]
crossfmt_fuzz::target!(chunked_pickle_crossfmt);

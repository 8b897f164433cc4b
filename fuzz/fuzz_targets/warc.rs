//! Fuzzes the web archive reader: any bytes as a WARC and as an ARC file (what is
//! checked: `support::read_as`).
#![no_main]

use libfuzzer_sys::fuzz_target;

mod support;

fuzz_target!(|data: &[u8]| {
    support::read_as(data, &["f.warc", "f.arc"]);
});

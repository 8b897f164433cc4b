//! Fuzzes the web page reader: any bytes as a page (what is checked: `support::read_as`).
#![no_main]

use libfuzzer_sys::fuzz_target;

mod support;

fuzz_target!(|data: &[u8]| {
    support::read_as(data, &["f.html"]);
});

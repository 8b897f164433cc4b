//! Fuzzes the feed readers: any bytes as an RSS/Atom feed and as a `.json` that may be a
//! JSON Feed (what is checked: `support::read_as`).
#![no_main]

use libfuzzer_sys::fuzz_target;

mod support;

fuzz_target!(|data: &[u8]| {
    support::read_as(data, &["f.xml", "f.json"]);
});

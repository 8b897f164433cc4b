//! Fuzzes the article readers: any bytes as a text/markdown file and as a JSON article
//! must give an article or an error naming the file, never a panic.
#![no_main]

use std::path::Path;

use gazette::reader::{find_dateline, parse_json_record, parse_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match parse_text(Path::new("fuzz.txt"), &text) {
        Ok(a) => assert!(!a.title.is_empty()),
        Err(e) => assert!(e.to_string().starts_with("fuzz.txt")),
    }
    match parse_json_record(Path::new("fuzz.jsonl"), Some(3), &text) {
        Ok(a) => assert!(!a.title.is_empty() || !a.body.trim().is_empty()),
        Err(e) => assert!(e.to_string().starts_with("fuzz.jsonl:")),
    }
    let _ = find_dateline(&text);
});

//! Fuzzes the feed readers (RSS, Atom, and JSON Feed in a `.json`): any bytes as a feed must give articles and
//! errors naming the file, never a panic, and every article read must have a title or
//! a body.
#![no_main]

use gazette::reader::{read_file, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["f.xml", "f.json"] {
        let path = dir.path().join(name);
        std::fs::write(&path, data).expect("writable");
        let format = Format::of(&path).expect("a format");
        let errors = read_file(&path, format, &mut |a| {
            assert!(!a.title.is_empty() || !a.body.trim().is_empty());
        });
        for e in errors {
            assert!(e.to_string().contains(name), "{e}");
        }
    }
});

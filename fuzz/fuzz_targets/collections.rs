//! Fuzzes the collection readers and the decompressors: any bytes as a CSV, a TSV, a
//! JSON Lines file and a gzip, bzip2 or zstd stream (what is checked: `support::read_as`).
#![no_main]

use libfuzzer_sys::fuzz_target;

mod support;

fuzz_target!(|data: &[u8]| {
    support::read_as(data, &["f.csv", "f.tsv", "f.jsonl.gz", "f.csv.bz2", "f.jsonl.zst", "f.txt.gz"]);
});

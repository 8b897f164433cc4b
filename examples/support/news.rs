//! The reference news the table tools count words over: every title and body of
//! `news-large.jsonl` (English) and `news-multilingual.jsonl` (Russian posts, Ukrainian
//! press) in the data folder.

use std::path::Path;

use gazette::reader::{read_file, Article, Format};

/// Calls `each` on every title and body of the reference news under `data`; panics on
/// a file that cannot be read whole (the tools' lists would be made from part of it).
pub fn each_text(data: &Path, each: &mut dyn FnMut(&str)) {
    for file in ["news-large.jsonl", "news-multilingual.jsonl"] {
        let path = data.join(file);
        let errors = read_file(&path, Format::JsonLines, &mut |a: Article| {
            for text in [&a.title, &a.body] {
                each(text);
            }
        });
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
}

//! Writes `src/analysis/frequent_forms.txt`: the word forms of the built-in alias table
//! that the reference news writes most, most frequent first, one a line.
//!
//! Why: passages are analysed with the alias table, and half the words of an English
//! passage are forms of some name in it (*new*, *south*, *bank*: the first words of
//! "New York", "South Africa", "Bank of England"). Each found form was a slot read in a
//! 25 MB hash table, a page fault apiece in a fresh process (17% of a 10× `search
//! market`'s faults). The compiled table keeps these forms in a small table of their
//! own too (`analysis::compile::binary`), which a process maps in a few faults. The
//! list changes how the table is laid out, never what it answers.
//!
//! ```text
//! cargo run --release --example frequent_forms -- ../shared/data src/analysis/frequent_forms.txt
//! ```

use std::collections::HashMap;
use std::path::PathBuf;

use gazette::analysis::{self, AliasTable};

#[path = "support/news.rs"]
mod news;

/// How many forms the list keeps: what the news' most frequent forms cover past this
/// is little (printed when run), and the small table stays a few hundred KB.
const KEEP: usize = 12_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data = PathBuf::from(args.get(1).map_or("../shared/data", String::as_str));
    let out = PathBuf::from(
        args.get(2)
            .map_or("src/analysis/frequent_forms.txt", String::as_str),
    );
    let table = AliasTable::builtin();
    let mut normalizer = analysis::normalizer();
    let mut counts: HashMap<String, u64> = HashMap::new();
    news::each_text(&data, &mut |text| {
        let mut stream = normalizer.token_stream(text);
        while stream.advance() {
            *counts.entry(stream.token().text.clone()).or_default() += 1;
        }
    });
    let mut forms: Vec<(String, u64)> = counts
        .into_iter()
        .filter(|(w, _)| table.is_form(w))
        .collect();
    forms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let all: u64 = forms.iter().map(|f| f.1).sum();
    let kept: u64 = forms.iter().take(KEEP).map(|f| f.1).sum();
    eprintln!(
        "{} forms seen, {} uses; the {} kept cover {:.1}% of the uses",
        forms.len(),
        all,
        KEEP.min(forms.len()),
        100.0 * kept as f64 / all.max(1) as f64
    );
    let mut text = String::new();
    for (w, _) in forms.iter().take(KEEP) {
        text.push_str(w);
        text.push('\n');
    }
    std::fs::write(&out, text).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    eprintln!("wrote {}", out.display());
}

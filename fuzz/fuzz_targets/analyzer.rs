//! Fuzzes the analyzers and passage cutting. Invariants: byte offsets inside the text,
//! on character boundaries, non-decreasing; positions increasing by one; no term holds
//! a space, and the terms the indexer hands tantivy split back into the same terms at the
//! same positions; passages on character boundaries and within the length asked for.
#![no_main]

use gazette::analysis::terms::{write_terms, TermsTokenizer};
use gazette::analysis::{self, AliasTable};
use tantivy::tokenizer::TextAnalyzer;
use gazette::passage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let table = AliasTable::builtin();
    let mut analyzers = vec![
        analysis::analyzer(&table, analysis::NO_STEM),
        analysis::analyzer(&table, "en"),
        analysis::analyzer(&table, "ru"),
        analysis::exact_analyzer(),
    ];
    for a in &mut analyzers {
        let tokens = analysis::analyze(a, &text);
        let mut last_from = 0;
        for (i, t) in tokens.iter().enumerate() {
            assert!(t.offset_from < t.offset_to && t.offset_to <= text.len(), "{t:?}");
            assert!(text.is_char_boundary(t.offset_from) && text.is_char_boundary(t.offset_to));
            assert!(t.offset_from >= last_from, "offsets go back: {t:?}");
            last_from = t.offset_from;
            assert_eq!(t.position, i, "positions increase by one");
            assert!(!t.text.is_empty() && !t.text.contains(' '), "{t:?}");
        }
        let mut terms = String::new();
        write_terms(&mut a.token_stream(&text), &mut terms, &mut |_| {});
        let split = analysis::analyze(&mut TextAnalyzer::from(TermsTokenizer::default()), &terms);
        assert_eq!(split.len(), tokens.len());
        for (s, t) in split.iter().zip(&tokens) {
            assert_eq!((&s.text, s.position), (&t.text, t.position));
        }
    }
    for (from, to, n) in passage::sentences(&text, 50) {
        assert!(text.is_char_boundary(from) && text.is_char_boundary(to) && from < to);
        assert!(n <= 50);
    }
});

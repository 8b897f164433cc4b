//! Fuzzes the analyzers and passage cutting. Invariants: byte offsets inside the text,
//! on character boundaries, non-decreasing; positions increasing by one; no term holds
//! a space, and the terms the indexer hands tantivy split back into the same terms at the
//! same positions; the exact-spelling terms the indexer takes from its own pass are the
//! exact analyzer's; the passage prefilter keeps every sentence with a match, and the
//! matches it finds without analysis are those of full analysis; passages on character
//! boundaries and within the length asked for.
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
    let sink = analysis::ExactSink::default();
    let _ = analysis::analyze(&mut analysis::indexing_analyzer(&table, "en", &sink), &text);
    let exact: Vec<String> = analysis::analyze(&mut analysis::exact_analyzer(), &text)
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert_eq!(sink.take(), exact.join(" "));
    let mut full = analysis::analyzer(&table, "en");
    let mut normalizer = analysis::normalizer();
    let sents = passage::sentences(&text, 200);
    for query in ["market", "kiev", "oil", "rate", "new"] {
        let lits = vec![passage::Literal {
            terms: analysis::analyze(&mut full, query).into_iter().map(|t| t.text).collect(),
            prefix: false,
            slop: 0,
            weight: 1.0,
            key: String::new(),
        }];
        let Some(pf) = passage::Prefilter::new(&lits, Some("en"), &table) else {
            continue;
        };
        let kept = pf.candidates(&mut normalizer, &table, &text, &sents);
        for (i, &(from, to, _)) in sents.iter().enumerate() {
            let truth: Vec<passage::Mark> = passage::find_matches(
                &passage::spots(&mut full, &text[from..to], &lits, false),
                &lits,
            )
            .into_iter()
            .map(|m| passage::Mark { start: m.start + from, end: m.end + from, ..m })
            .collect();
            match kept.iter().find(|c| c.sentence() == i) {
                Some(passage::Candidate::Found(_, marks)) => assert_eq!(*marks, truth, "{query}"),
                Some(passage::Candidate::Analyse(_)) => {}
                None => assert!(truth.is_empty(), "{query}: sentence {i} dropped"),
            }
        }
    }
    for (from, to, n) in passage::sentences(&text, 50) {
        assert!(text.is_char_boundary(from) && text.is_char_boundary(to) && from < to);
        assert!(n <= 50);
    }
});

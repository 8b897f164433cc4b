//! Measures the typo handling on an index (default: the bundled corpus, built into a
//! temporary folder): for each pair of a real typo or variant romanisation and the query
//! meant, whether the first "did you mean" is the query meant, how much of the meant
//! query's articles `--fuzzy` on the typo recovers, and how many articles it adds that
//! the meant query does not find (false friends). Prints one table row per pair and the
//! totals, and the time suggestions took.
//!
//!     cargo run --release --example eval_typos [-- INDEX]

use std::collections::HashSet;
use std::time::Instant;

use gazette::analysis::AliasTable;
use gazette::index::GazetteIndex;
use gazette::job::{self, IndexOptions};
use gazette::search::{self, SearchOptions};

/// (typed, meant): keyboard slips, transpositions, dropped and doubled letters, and
/// romanisations the table does not list, in English, Ukrainian and Russian; two slips
/// on the first letter.
const PAIRS: &[(&str, &str)] = &[
    ("Zelenksy", "Zelensky"),
    ("Zelenky", "Zelensky"),
    ("Zelenskky", "Zelensky"),
    ("Zelemsky", "Zelensky"),
    ("Klichko", "Klitschko"),
    ("Klitchko", "Klitschko"),
    ("Kyvi", "Kyiv"),
    ("Kharkvi", "Kharkiv"),
    ("Kharkib", "Kharkiv"),
    ("Odesaa", "Odesa"),
    ("Puttin", "Putin"),
    ("Ptuin", "Putin"),
    ("Moscwo", "Moscow"),
    ("Mosocw", "Moscow"),
    ("Ukriane", "Ukraine"),
    ("Ukrane", "Ukraine"),
    ("Russai", "Russia"),
    ("Rusia", "Russia"),
    ("Donestk", "Donetsk"),
    ("Crimae", "Crimea"),
    ("Mariupl", "Mariupol"),
    ("Zaporizhia", "Zaporizhzhia"),
    ("Lviiv", "Lviv"),
    ("Dnirpo", "Dnipro"),
    ("Khersno", "Kherson"),
    ("Washingon", "Washington"),
    ("Erdogna", "Erdogan"),
    ("Europa", "Europe"),
    ("prisonr", "prisoner"),
    ("misile", "missile"),
    ("missiel", "missile"),
    ("drnoes", "drones"),
    ("ceasfire", "ceasefire"),
    ("sanctoins", "sanctions"),
    ("econmy", "economy"),
    ("elcetion", "election"),
    ("goverment", "government"),
    ("minsiter", "minister"),
    ("presdient", "president"),
    ("parliment", "parliament"),
    ("refugess", "refugees"),
    ("negotations", "negotiations"),
    ("humanitarain", "humanitarian"),
    ("infrastucture", "infrastructure"),
    // A slip on the first letter counts as two edits (as Meilisearch counts it): a word
    // of 5 to 8 letters gets no suggestion, one of 9 or more may spend both on it.
    ("Xelensky", "Zelensky"),
    ("rpesident", "president"),
    ("Зеленськй", "Зеленський"),
    ("Зеленскй", "Зеленский"),
    ("Киве", "Киев"),
    ("Харкв", "Харків"),
    ("Одеа", "Одеса"),
    ("Путни", "Путин"),
    ("Москвв", "Москва"),
    ("Украна", "Украина"),
    ("войнаа", "война"),
    ("ракеты", "ракеты"),
];

fn main() {
    let table = AliasTable::builtin();
    let arg = std::env::args().nth(1);
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = match arg {
        Some(p) => std::path::PathBuf::from(p),
        None => {
            let p = tmp.path().join("index");
            let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
            let opts = IndexOptions {
                roots: vec![corpus],
                ..IndexOptions::default()
            };
            job::run(&p, table.clone(), &opts, &|_| {}).expect("index the bundled corpus");
            p
        }
    };
    let gi = GazetteIndex::open(&path, table).expect("open the index");
    let ids = |query: &str, fuzzy: bool| -> HashSet<String> {
        let opts = SearchOptions {
            query: query.into(),
            fuzzy,
            ..SearchOptions::default()
        };
        search::matching_ids(&gi, &opts)
            .unwrap_or_default()
            .into_iter()
            .collect()
    };
    println!("| typed | meant | meant finds | first suggestion | --fuzzy finds | of the meant's | false friends |");
    println!("|---|---|---|---|---|---|---|");
    let (mut pairs, mut right, mut no_suggestion_needed) = (0, 0, 0);
    let (mut recovered, mut wanted, mut fuzzy_found, mut friends) = (0, 0, 0, 0);
    let mut times = Vec::new();
    // Recall over the typos of 5 letters or more, which the budget gives an edit.
    let mut in_budget = (0, 0);
    for (typed, meant) in PAIRS {
        let meant_ids = ids(meant, false);
        if meant_ids.is_empty() {
            println!("| {typed} | {meant} | 0 (left out) | | | | |");
            continue;
        }
        pairs += 1;
        let t = Instant::now();
        let results = search::search(
            &gi,
            &SearchOptions {
                query: (*typed).into(),
                limit: 1,
                ..SearchOptions::default()
            },
        )
        .expect("search");
        times.push(t.elapsed().as_secs_f64() * 1e3);
        let first = results.suggestions.first().map(|s| s.query.clone());
        // Right: the suggestion finds what the meant query finds (Zelenskiy for Zelensky
        // is one entity), or no suggestion where the query typed already finds it (a
        // spelling the table lists, such as Rusia, Europa).
        let ok = match &first {
            Some(f) => ids(f, false) == meant_ids,
            None => ids(typed, false).is_superset(&meant_ids),
        };
        right += ok as usize;
        if typed == meant {
            no_suggestion_needed += 1;
        }
        let fuzzy = ids(typed, true);
        let common = fuzzy.intersection(&meant_ids).count();
        recovered += common;
        wanted += meant_ids.len();
        if gazette::typos::budget(typed) > 0 {
            in_budget.0 += common;
            in_budget.1 += meant_ids.len();
        }
        fuzzy_found += fuzzy.len();
        friends += fuzzy.len() - common;
        println!(
            "| {typed} | {meant} | {} | {}{} | {} | {}/{} | {} |",
            meant_ids.len(),
            first.unwrap_or_else(|| "—".into()),
            if ok { "" } else { " ✗" },
            fuzzy.len(),
            common,
            meant_ids.len(),
            fuzzy.len() - common
        );
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let p50 = times.get(times.len() / 2).copied().unwrap_or(0.0);
    let p95 = times.get(times.len() * 95 / 100).copied().unwrap_or(0.0);
    println!();
    println!(
        "- first suggestion right: {right}/{pairs} ({:.1}%; {no_suggestion_needed} correct queries among them must get none)",
        100.0 * right as f64 / pairs as f64
    );
    println!(
        "- --fuzzy recall: {recovered}/{wanted} of the meant queries' articles ({:.1}%), precision {:.1}% ({friends} false friends of {fuzzy_found})",
        100.0 * recovered as f64 / wanted as f64,
        100.0 * (fuzzy_found - friends) as f64 / fuzzy_found.max(1) as f64
    );
    println!(
        "- --fuzzy recall on the typos of 5 letters or more (the budget gives shorter words no edit): {}/{} ({:.1}%)",
        in_budget.0,
        in_budget.1,
        100.0 * in_budget.0 as f64 / in_budget.1.max(1) as f64
    );
    println!("- search with suggestions, one process (table keyed once): p50 {p50:.2} ms, p95 {p95:.2} ms");
}

//! Text analysis: the one place where text becomes index terms, for articles and for
//! queries alike. Stages, in order: segmentation (UAX #29 words) → normalisation (case,
//! Latin diacritics) → alias canonicalisation (every spelling of an entity → `@id`) →
//! stemming in the article's language. No stage changes byte offsets, so highlights
//! land on the original text. tantivy does not store tokenizers: [`register`] must be
//! called on every index open.

pub mod alias;
pub mod alias_filter;
pub mod compile;
pub mod normalize;
pub mod segment;
pub mod stem;
pub mod terms;

use std::sync::Arc;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenFilter, TokenizerManager};

pub use alias::{AliasTable, Entity, Kind, ENTITY_PREFIX};
use alias_filter::AliasFilter;
pub use normalize::ExactSink;
use normalize::{Fold, Normalizer, NormalizerAndExact};
use segment::WordTokenizer;
use stem::StemFilter;

/// Bumped whenever the analysis of a text changes: part of the alias fingerprint, so an
/// index built by an older analyzer is noticed and rebuilt.
pub use compile::ANALYZER_VERSION;

/// The alias-aware analyzer's name in tantivy's tokenizer manager.
pub const TOKENIZER: &str = "gazette";
/// The exact-spelling analyzer's name.
pub const EXACT_TOKENIZER: &str = "gazette_exact";

/// The stemming group of a language: the key stored with each article and used to pick
/// the query analyzer. `none` for languages Gazette does not stem (Ukrainian, Polish…).
pub fn stem_key(lang: &str) -> &'static str {
    stem::STEMMED
        .iter()
        .find(|(code, _)| *code == lang)
        .map(|(code, _)| *code)
        .unwrap_or(NO_STEM)
}

/// The stemming group of languages that are not stemmed.
pub const NO_STEM: &str = "none";

/// Every stemming group, `none` included.
pub fn stem_keys() -> impl Iterator<Item = &'static str> {
    stem::STEMMED
        .iter()
        .map(|(code, _)| *code)
        .chain(std::iter::once(NO_STEM))
}

/// The one analyzer constructor: alias-aware, stemmed for `stem_key` (see [`stem_key`]).
pub fn analyzer(table: &Arc<AliasTable>, stem_key: &str) -> TextAnalyzer {
    build_analyzer(table, stem_key, None)
}

/// [`analyzer`] as the indexer uses it: the same terms, and on the way the
/// exact-spelling terms of the same words (those of [`exact_analyzer`]) written into
/// `exact`, so that the indexer segments each text once.
pub fn indexing_analyzer(
    table: &Arc<AliasTable>,
    stem_key: &str,
    exact: &ExactSink,
) -> TextAnalyzer {
    build_analyzer(table, stem_key, Some(exact))
}

fn build_analyzer(
    table: &Arc<AliasTable>,
    stem_key: &str,
    exact: Option<&ExactSink>,
) -> TextAnalyzer {
    let words = WordTokenizer::default();
    let normalized = match exact {
        Some(sink) => NormalizerAndExact(sink.clone()).transform(words),
        None => Normalizer(Fold::CaseAndDiacritics).transform(words),
    };
    let base = TextAnalyzer::builder(normalized).filter(AliasFilter(table.clone()));
    match stem::algorithm_for(stem_key) {
        Some(algorithm) => base.filter(StemFilter(algorithm)).build(),
        None => base.build(),
    }
}

/// The analyzers of one thread, one per stemming group, built when first needed and kept
/// (with their stem caches) from text to text.
pub struct Analyzers {
    table: Arc<AliasTable>,
    /// Set for the indexer's analyzers (see [`indexing_analyzer`]).
    exact: Option<ExactSink>,
    by_key: std::collections::HashMap<&'static str, TextAnalyzer>,
}

impl Analyzers {
    /// Analyzers as [`analyzer`] builds them.
    pub fn new(table: &Arc<AliasTable>) -> Analyzers {
        Analyzers {
            table: table.clone(),
            exact: None,
            by_key: Default::default(),
        }
    }

    /// Analyzers as [`indexing_analyzer`] builds them, writing into `exact`.
    pub fn indexing(table: &Arc<AliasTable>, exact: &ExactSink) -> Analyzers {
        Analyzers {
            exact: Some(exact.clone()),
            ..Analyzers::new(table)
        }
    }

    /// The analyzer for articles in language `lang`.
    pub fn get(&mut self, lang: &str) -> &mut TextAnalyzer {
        let key = stem_key(lang);
        let (table, exact) = (&self.table, self.exact.as_ref());
        self.by_key
            .entry(key)
            .or_insert_with(|| build_analyzer(table, key, exact))
    }
}

/// The first two stages of [`analyzer`] only — segmentation and normalisation — for
/// finding where a text may match before analysing it in full (`passage::Prefilter`).
pub fn normalizer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(Normalizer(Fold::CaseAndDiacritics))
        .build()
}

/// The exact-spelling analyzer: words in lower case, nothing else.
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(Normalizer(Fold::Case))
        .build()
}

/// A tokenizer manager whose `gazette` analyzer stems for `stem_key`: query parsing for
/// the articles of one stemming group uses it.
pub fn tokenizers(table: &Arc<AliasTable>, stem_key: &str) -> TokenizerManager {
    let manager = TokenizerManager::default();
    manager.register(TOKENIZER, analyzer(table, stem_key));
    manager.register(EXACT_TOKENIZER, exact_analyzer());
    manager
}

/// Registers Gazette's tokenizers on an opened index (tantivy does not store them): both
/// field families receive terms the indexer has already analysed (see [`terms`] and
/// [`indexing_analyzer`]). Queries are analysed by [`tokenizers`].
pub fn register(index: &tantivy::Index) {
    index
        .tokenizers()
        .register(TOKENIZER, terms::TermsTokenizer::default());
    index
        .tokenizers()
        .register(EXACT_TOKENIZER, terms::TermsTokenizer::default());
}

/// Runs an analyzer over `text` and collects its tokens.
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().clone());
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::Path;

    use tantivy::tokenizer::{TokenStream, Tokenizer};

    use super::*;

    /// All tokens a tokenizer produces for `text`.
    pub fn tokens<T: Tokenizer>(mut tokenizer: T, text: &str) -> Vec<Token> {
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().clone());
        }
        out
    }

    /// Checks term, position and byte offsets together, as tantivy's tests do.
    pub fn assert_token(token: &Token, position: usize, text: &str, from: usize, to: usize) {
        assert_eq!(
            (
                token.position,
                token.text.as_str(),
                token.offset_from,
                token.offset_to
            ),
            (position, text, from, to),
            "token {token:?}"
        );
    }

    fn small_table() -> Arc<AliasTable> {
        let src = r#"
[[entity]]
id = "kyiv"
name = "Kyiv"
kind = "place"
spellings = ["Kiev", "Київ", "Киев", "Kijów", "Kiew"]

[[entity]]
id = "kryvyi_rih"
name = "Kryvyi Rih"
kind = "place"
spellings = ["Krivoy Rog", "Кривий Ріг", "Кривой Рог"]

[[entity]]
id = "nice"
name = "Nice"
kind = "place"
spellings = []
cased = ["Nice"]

[[entity]]
id = "united_states"
name = "United States"
kind = "country"
spellings = ["US", "U.S."]
cased = ["US", "U.S."]
"#;
        let entities = alias::parse(src, Path::new("test.toml")).unwrap();
        Arc::new(AliasTable::build(entities).unwrap())
    }

    /// The indexer takes the exact fields' terms from its own pass (see
    /// [`indexing_analyzer`]); queries analyse with [`exact_analyzer`]. They must agree,
    /// and the analysed terms must not change, on real text in every script we bundle.
    #[test]
    fn indexing_analyzer_writes_the_exact_analyzers_terms() {
        let table = AliasTable::builtin();
        let sink = ExactSink::default();
        let mut checked = 0;
        for (file, stem_key) in [
            ("news-en.jsonl", "en"),
            ("telegram-ru.jsonl", "ru"),
            ("bruk-uk.jsonl", NO_STEM),
        ] {
            let text = std::fs::read_to_string(Path::new("corpus").join(file)).unwrap();
            for line in text.lines() {
                let mut indexing = indexing_analyzer(&table, stem_key, &sink);
                let got: Vec<String> = analyze(&mut indexing, line)
                    .into_iter()
                    .map(|t| t.text)
                    .collect();
                let want: Vec<String> = analyze(&mut analyzer(&table, stem_key), line)
                    .into_iter()
                    .map(|t| t.text)
                    .collect();
                assert_eq!(got, want, "{file}: {line}");
                let exact: Vec<String> = analyze(&mut exact_analyzer(), line)
                    .into_iter()
                    .map(|t| t.text)
                    .collect();
                assert_eq!(sink.take(), exact.join(" "), "{file}: {line}");
                checked += exact.len();
            }
        }
        assert!(checked > 100_000, "{checked} words");
    }

    #[test]
    fn spellings_canonicalise_with_original_offsets() {
        let t = small_table();
        let text = "Kiev and Kyiv's Kijow, KIEW.";
        let toks = analyze(&mut analyzer(&t, NO_STEM), text);
        assert_token(&toks[0], 0, "@kyiv", 0, 4);
        assert_token(&toks[1], 1, "and", 5, 8);
        assert_token(&toks[2], 2, "@kyiv", 9, 13);
        assert_token(&toks[3], 3, "@kyiv", 16, 21);
        assert_token(&toks[4], 4, "@kyiv", 23, 27);
        assert_eq!(&text[9..13], "Kyiv");
    }

    #[test]
    fn multi_word_names_are_one_term_at_one_position() {
        let t = small_table();
        let text = "Attack on Krivoy Rog today";
        let toks = analyze(&mut analyzer(&t, NO_STEM), text);
        assert_eq!(toks.len(), 4);
        assert_token(&toks[2], 2, "@kryvyi_rih", 10, 20);
        assert_token(&toks[3], 3, "today", 21, 26);
        let uk = "до Кривого Рогу і Кривому Розі";
        let toks = analyze(&mut analyzer(&t, NO_STEM), uk);
        let terms: Vec<_> = toks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(terms, ["до", "@kryvyi_rih", "і", "@kryvyi_rih"]);
    }

    #[test]
    fn cyrillic_case_forms_reach_the_entity() {
        let t = small_table();
        let text = "У Києві, до Києва; в Киеве, из Киева.";
        let toks = analyze(&mut analyzer(&t, NO_STEM), text);
        let ents: Vec<_> = toks
            .iter()
            .filter(|t| t.text == "@kyiv")
            .map(|t| &text[t.offset_from..t.offset_to])
            .collect();
        assert_eq!(ents, ["Києві", "Києва", "Киеве", "Киева"]);
    }

    #[test]
    fn cased_spellings_need_a_capital() {
        let t = small_table();
        let toks = analyze(&mut analyzer(&t, NO_STEM), "Nice is nice");
        let terms: Vec<_> = toks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(terms, ["@nice", "is", "nice"]);
        let toks = analyze(&mut analyzer(&t, NO_STEM), "Us and US and U.S. and us");
        let terms: Vec<_> = toks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            terms,
            [
                "us",
                "and",
                "@united_states",
                "and",
                "@united_states",
                "and",
                "us"
            ]
        );
    }

    /// The entity terms the built-in table finds in `text`, with the words they span.
    fn entities_in(text: &str) -> Vec<(String, String)> {
        let t = AliasTable::builtin();
        analyze(&mut analyzer(&t, NO_STEM), text)
            .into_iter()
            .filter(|tok| tok.text.starts_with(ENTITY_PREFIX))
            .map(|tok| {
                (
                    tok.text.clone(),
                    text[tok.offset_from..tok.offset_to].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn common_words_in_every_case_form_are_no_places() {
        // Real sentences from Ukrainian and Russian news where lower-case words were
        // marked as places.
        for text in [
            "Ціни залишилися на рівні минулого року, а рівня безробіття не змінилося.",
            "Колекція поштових марок і ціна золота зросли.",
            // (Not at the start of a text, where a capital proves nothing: "Шахта" there
            // is taken for the city of Шахты, as a title naming it would be.)
            "На шахті добувають антрацит.",
            "Звільнили село українські військові.",
            "Сьогодні вранці. Українські військові звільнили село.",
        ] {
            assert_eq!(entities_in(text), [], "{text}");
        }
        // Capitalised, the same forms are the places.
        let found = entities_in("У Рівному, біля Рівного, у Золотому і в Антрациті; Марокко.");
        let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            ids,
            ["@rivne", "@rivne", "@zolote", "@antratsyt", "@morocco"]
        );
    }

    #[test]
    fn russian_case_forms_of_multi_word_names() {
        for text in [
            "Удар по Кривом Роге.",
            "Удар в Кривом\u{a0}Роге.",
            "Из Кривого Рога, к Кривому Рогу, Кривым Рогом.",
        ] {
            let found = entities_in(text);
            assert!(!found.is_empty(), "{text}");
            assert!(
                found.iter().all(|(id, _)| id == "@kryvyi_rih"),
                "{text}: {found:?}"
            );
        }
        assert_eq!(
            entities_in("в Кривом Озере"),
            [("@kryve_ozero".to_string(), "Кривом Озере".to_string())]
        );
    }

    #[test]
    fn given_names_in_ij_decline_as_nouns() {
        // A person's given name in -ій/-ий is a noun (Віталія), not an adjective
        // (Віталього): the whole name in the genitive or dative is one mark.
        let mark = |text: &str| ("@vitali_klitschko".to_string(), text.to_string());
        assert_eq!(
            entities_in("Партія Віталія Кличка і Віталію Кличку."),
            [mark("Віталія Кличка"), mark("Віталію Кличку")]
        );
        assert_eq!(entities_in("У Виталия Кличко."), [mark("Виталия Кличко")]);
        let forms = compile::case_forms("віталій", true, true);
        assert!(forms.iter().any(|f| f == "віталія") && forms.iter().any(|f| f == "віталієм"));
        // Other words in -ий stay adjectives: Кривий Ріг, Зеленський.
        let forms = compile::case_forms("зеленський", false, false);
        assert!(forms.iter().any(|f| f == "зеленського"));
        assert!(!forms.iter().any(|f| f == "зеленськія"));
    }

    /// The entity ids found in `text`, in order.
    fn ids_in(text: &str) -> Vec<String> {
        entities_in(text).into_iter().map(|(id, _)| id).collect()
    }

    #[test]
    fn geonames_places_are_in_the_table() {
        // A front-line village, a Russian city and its region, in several scripts and
        // case forms; the occupied territories by their short names.
        assert_eq!(ids_in("Krynky, Кринки"), ["@krynky", "@krynky"]);
        assert_eq!(ids_in("Tver, Тверь, в Твери"), ["@tver", "@tver", "@tver"]);
        assert_eq!(ids_in("Тверская область"), ["@tver_oblast"]);
        assert_eq!(ids_in("ДНР"), ["@donetsk_oblast"]);
        assert_eq!(ids_in("Shanghai, Шанхай"), ["@shanghai", "@shanghai"]);
    }

    #[test]
    fn a_shared_spelling_goes_to_the_bigger_place_or_to_none() {
        // Rule 1: the city, not the oblast of the same name.
        assert_eq!(ids_in("Kharkiv"), ["@kharkiv"]);
        assert_eq!(ids_in("Kharkiv Oblast"), ["@kharkiv_oblast"]);
        // Rule 2: Moscow, Russia outweighs Moscow, Idaho; Odesa outweighs Odessa, Texas.
        assert_eq!(ids_in("Moscow, Odessa"), ["@moscow", "@odesa"]);
        // Rule 3: the country and the US state are of comparable standing: the word
        // is left unmarked (the recogniser calls it a place by context), while their
        // other names still count.
        assert_eq!(ids_in("Georgia"), Vec::<String>::new());
        assert_eq!(ids_in("Грузия"), ["@georgia"]);
        assert_eq!(ids_in("State of Georgia"), ["@estado_de_georgia"]);
        // Hundreds of villages called Іванівка: the big one is the table's, the word alone
        // goes to none of the small ones.
        let t = AliasTable::builtin();
        let villages = t
            .entities()
            .iter()
            .filter(|e| e.name == "Ivanivka" || e.spellings.iter().any(|s| s == "Іванівка"))
            .count();
        assert!(villages <= 1, "{villages} entities hold Іванівка");
    }

    #[test]
    fn words_the_news_writes_in_lower_case_name_no_place_in_prose_or_headlines() {
        // Frome (Frōm), Uman (Humań), Iceland (Island), The Quarter, Bridgeton (The
        // Bridge): their spellings are common words, marked by the thousand in
        // news-large at the start of bodies, in headlines and in lower case.
        let none = Vec::<String>::new();
        for text in [
            "From Monday, the ministry said prices would rise.",
            "Human rights groups said so.",
            "Prices Will Rise From Monday, Ministry Says",
            "SEC OKAYS REQUEST FROM BOESKY FIRMS",
            "REXNORD TO CUT STAFF TO 50 FROM 112",
            "Factbox: From taxes to budget, Congress acts",
            "Antonio Reid, chairman of The Island Def Jam Music Group, said.",
            "Profits rose in the quarter, and the bridge reopened.",
        ] {
            assert_eq!(ids_in(text), none, "{text}");
        }
        // Capitalised inside a sentence they are the places; so are a title's first
        // word (a title or a query may begin with a name) and, whatever the case
        // around them, names the news does not write in lower case.
        assert_eq!(ids_in("The town of Frome voted."), ["@frome"]);
        assert_eq!(ids_in("Frome"), ["@frome"]);
        assert_eq!(ids_in("Japan Trade Surplus Rises"), ["@japan"]);
        assert_eq!(ids_in("JAPAN TRADE SURPLUS RISES"), ["@japan"]);
        assert_eq!(ids_in("New York City officials said."), ["@new_york_city"]);
    }

    #[test]
    fn a_place_that_is_also_a_persons_name_needs_no_name_beside_it() {
        // Rule 5: Jordan the country, not Michael Jordan or Jordan Peterson.
        assert_eq!(ids_in("Michael Jordan scored."), Vec::<String>::new());
        assert_eq!(ids_in("said Jordan Peterson"), Vec::<String>::new());
        let country = ["@hashemite_kingdom_of_jordan"];
        assert_eq!(ids_in("troops in Jordan said"), country);
        // A capitalised common word beside it is no name: the sentence opens with it.
        assert_eq!(ids_in("In Jordan, protests."), country);
        assert_eq!(ids_in("Amman, Jordan"), ["@amman", country[0]]);
        // A minor place whose name is a given name is left to the recogniser.
        assert_eq!(
            ids_in("The church of St. Vladimir in Vladimir."),
            Vec::<String>::new()
        );
    }

    #[test]
    fn the_worlds_regions_are_places_apart_from_the_countries_in_their_names() {
        // America alone is the United States; the regions named with it are not (news-large
        // had "Latin" a recognised place beside the United States in 85 articles).
        assert_eq!(ids_in("exports to Latin America rose"), ["@latin_america"]);
        assert_eq!(ids_in("across North America"), ["@north_america"]);
        assert_eq!(ids_in("America said"), ["@united_states"]);
        assert_eq!(ids_in("в странах Латинской Америки"), ["@latin_america"]);
        assert_eq!(ids_in("на Близькому Сході"), ["@middle_east"]);
        assert_eq!(ids_in("Europe and Asia"), ["@europe", "@asia"]);
        assert_eq!(ids_in("South Africa"), ["@south_africa"]);
        // Asia is a given name too: Asia Bibi (Азія Бібі) is a person, not the continent.
        assert_eq!(ids_in("Азія Бібі вийшла на волю"), Vec::<String>::new());
        assert_eq!(ids_in("в Азії"), ["@asia"]);
    }

    #[test]
    fn a_spelling_of_a_bigger_city_elsewhere_merges_nothing() {
        // Vladimir is a Russian city (and a first name), not Volodymyr in Ukraine.
        assert_eq!(entities_in("The church of St. Vladimir in Vladimir."), []);
        assert_eq!(
            entities_in("Vladimir Zelensky"),
            [(
                "@volodymyr_zelenskyy".to_string(),
                "Vladimir Zelensky".to_string()
            )]
        );
        assert_eq!(
            entities_in("Volodymyr-Volynskyi"),
            [("@volodymyr".to_string(), "Volodymyr-Volynskyi".to_string())]
        );
    }

    #[test]
    fn a_case_form_of_a_bigger_city_elsewhere_merges_nothing() {
        // Кирова is the genitive of Кирово (Kropyvnytskyi's old name) and of Киров, a
        // bigger city in Russia, whose name streets carry (вулиця Кірова); real sentences.
        for text in [
            "Бойцы СВО из Кирова показали, как живут.",
            "Пожежа на вулиці Кірова у центрі міста.",
        ] {
            assert_eq!(entities_in(text), [], "{text}");
        }
        // The old name itself, and the current name in every case, still count.
        let found = entities_in("Кирово, Кропивницкий, у Кропивницькому, Кіровограда.");
        assert!(
            found.len() == 4 && found.iter().all(|(id, _)| id == "@kropyvnytskyi"),
            "{found:?}"
        );
    }

    #[test]
    fn foreign_names_in_a_vowel_take_no_case_endings() {
        // Rule 6: Soweto's Совето is indeclinable, so "Совета" (of the council) is no
        // place; a real sentence from Russian news that was marked Soweto.
        assert_eq!(
            entities_in("Спикер Совета Федерации Валентина Матвиенко заявила."),
            []
        );
        assert_eq!(
            ids_in("в Совето, в Токио, из Осло"),
            ["@soweto", "@tokyo", "@oslo"]
        );
        assert_eq!(ids_in("из Токиа"), Vec::<String>::new());
        // Republika in "Республика Конго" still declines; Конго does not.
        assert_eq!(ids_in("в Республике Конго"), ids_in("Республика Конго"));
        assert!(!ids_in("Республика Конго").is_empty());
        // Places of Ukraine and Russia in -о decline as ever.
        assert_eq!(ids_in("з Дніпра, біля Дніпра"), ["@dnipro", "@dnipro"]);
        assert_eq!(ids_in("из Кемерова, до Гродна"), ["@kemerovo", "@hrodna"]);
    }

    #[test]
    fn stemming_spares_entities_and_offsets() {
        let t = small_table();
        let text = "Strikes on Kiev";
        let toks = analyze(&mut analyzer(&t, "en"), text);
        assert_token(&toks[0], 0, "strike", 0, 7);
        assert_token(&toks[2], 2, "@kyiv", 11, 15);
    }

    #[test]
    fn builtin_table_knows_every_oblast_centre() {
        let t = AliasTable::builtin();
        let mut a = analyzer(&t, NO_STEM);
        for name in [
            "Vinnytsia",
            "Lutsk",
            "Dnipro",
            "Donetsk",
            "Zhytomyr",
            "Uzhhorod",
            "Zaporizhzhia",
            "Ivano-Frankivsk",
            "Kyiv",
            "Kropyvnytskyi",
            "Luhansk",
            "Lviv",
            "Mykolaiv",
            "Odesa",
            "Poltava",
            "Rivne",
            "Sumy",
            "Ternopil",
            "Kharkiv",
            "Kherson",
            "Khmelnytskyi",
            "Cherkasy",
            "Chernivtsi",
            "Chernihiv",
            "Simferopol",
            "Sevastopol",
        ] {
            let toks = analyze(&mut a, name);
            assert_eq!(toks.len(), 1, "{name}: {toks:?}");
            let e = t
                .entity_of_term(&toks[0].text)
                .unwrap_or_else(|| panic!("{name}"));
            assert_eq!(e.kind, Kind::Place, "{name}");
        }
    }

    #[test]
    fn exact_analyzer_keeps_spellings_apart() {
        let toks = analyze(&mut exact_analyzer(), "Kiev Kyiv Kijów");
        let terms: Vec<_> = toks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(terms, ["kiev", "kyiv", "kijów"]);
    }
}

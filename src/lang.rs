//! Language identification: whatlang behind our own `Lang`, tuned for real news text.
//!
//! News text carries URLs, @handles, hashtags, markdown and emoji that are not language;
//! they are stripped before detection. Russian and Ukrainian share most trigrams, so the
//! letters only one of them uses decide between the two when whatlang would guess.

use std::fmt;

use serde::{Serialize, Serializer};

/// A language as Gazette reports it: an ISO 639-1 code (`en`, `ru`, `uk`) where the
/// language has one, else ISO 639-3, and `und` when detection was not reliable.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang(String);

impl Lang {
    /// The language could not be determined.
    pub fn undetermined() -> Lang {
        Lang("und".to_string())
    }

    /// A language given by the article itself (e.g. a `lang` field): normalised to lower
    /// case and to ISO 639-1 when it is given as a 639-3 code.
    pub fn from_code(code: &str) -> Lang {
        let code = code.trim().to_ascii_lowercase();
        let primary = code.split(['-', '_']).next().unwrap_or("");
        if primary.is_empty() {
            return Lang::undetermined();
        }
        if primary.len() == 3 {
            // whatlang names a few languages by an individual code whose macrolanguage
            // has the 639-1 code: Iranian Persian, Mandarin.
            let macro_code = match primary {
                "pes" => "fas",
                "cmn" => "zho",
                other => other,
            };
            if let Some(l) = isolang::Language::from_639_3(macro_code).and_then(|l| l.to_639_1()) {
                return Lang(l.to_string());
            }
        }
        Lang(primary.to_string())
    }

    pub fn code(&self) -> &str {
        &self.0
    }

    pub fn is_undetermined(&self) -> bool {
        self.0 == "und"
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Lang {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// How much cleaned text detection looks at: enough for a stable answer, bounded cost.
const DETECT_CHARS: usize = 600;
/// whatlang's confidence below which a guess that it does not call reliable is `und`.
const MIN_CONFIDENCE: f64 = 0.1;
/// whatlang's confidence from which a reliable guess stands on its own.
const SURE_CONFIDENCE: f64 = 0.6;
/// Below this many letters a guess is not worth reporting.
const MIN_LETTERS: usize = 12;

/// A detected language and whether the detector was sure of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Detection {
    pub lang: Lang,
    pub reliable: bool,
}

/// Detects the language of article text (title and body together work best).
pub fn detect(text: &str) -> Lang {
    detect_scored(text).lang
}

/// Like [`detect`], saying whether the answer is reliable.
pub fn detect_scored(text: &str) -> Detection {
    detect_given(text, None)
}

/// Like [`detect_scored`], for a text whose source is known to write in `expected` (see
/// [`SourcePrior::dominant`]). When the source writes English and the text can only be
/// English (see [`could_only_be_english`]), the answer is English
/// without asking whatlang, but not reliable, so that it never feeds the prior itself:
/// earnings tables and one-line headlines ("Shr 45 cts vs 58 cts") fail the English
/// fast path, and whatlang's trigram scoring of every Latin-script language cost half a
/// million instructions on each of them (a seventh of indexing news-large) only to be
/// overruled by the prior.
pub fn detect_given(text: &str, expected: Option<&Lang>) -> Detection {
    let (cleaned, digits) = clean(text);
    // ASCII text (most of it, in an English archive) is checked byte by byte and cannot
    // be Cyrillic.
    let ascii = cleaned.is_ascii();
    let letters = if ascii {
        cleaned.bytes().filter(u8::is_ascii_alphabetic).count()
    } else {
        cleaned.chars().filter(|c| c.is_alphabetic()).count()
    };
    if letters < MIN_LETTERS {
        return Detection {
            lang: Lang::undetermined(),
            reliable: false,
        };
    }
    if let Some(lang) = (!ascii).then(|| cyrillic_by_letters(&cleaned)).flatten() {
        return Detection {
            lang,
            reliable: true,
        };
    }
    if looks_english(&cleaned) {
        return Detection {
            lang: Lang("en".into()),
            reliable: true,
        };
    }
    if expected.is_some_and(|l| l.code() == "en")
        && could_only_be_english(&cleaned, letters, digits)
    {
        return Detection {
            lang: Lang("en".into()),
            reliable: false,
        };
    }
    match whatlang::detect(&cleaned) {
        Some(info) if info.is_reliable() || info.confidence() >= MIN_CONFIDENCE => Detection {
            lang: Lang::from_code(info.lang().code()),
            // whatlang calls some guesses on tables of figures "reliable" at middling
            // confidence; only a confident answer stands against the source's language.
            reliable: info.is_reliable() && info.confidence() >= SURE_CONFIDENCE,
        },
        _ => Detection {
            lang: Lang::undetermined(),
            reliable: false,
        },
    }
}

/// Outlets write in one language. What a source's reliably detected (or declared)
/// articles say decides that source's articles the detector cannot tell: Reuters
/// earnings tables ("Shr 45 cts vs 58 cts") and one-line headlines.
#[derive(Debug, Default)]
pub struct SourcePrior {
    counts: std::collections::HashMap<String, std::collections::HashMap<Lang, u32>>,
}

impl SourcePrior {
    /// Minimum sure articles before a source's language is trusted.
    const MIN_SEEN: u32 = 5;
    /// Share of them that must agree.
    const MIN_SHARE: f64 = 0.9;

    pub fn observe(&mut self, source: &str, lang: &Lang) {
        if lang.is_undetermined() {
            return;
        }
        *self
            .counts
            .entry(source.to_string())
            .or_default()
            .entry(lang.clone())
            .or_default() += 1;
    }

    /// The language nearly all sure articles of `source` are in, if there is one.
    pub fn dominant(&self, source: &str) -> Option<&Lang> {
        let langs = self.counts.get(source)?;
        let total: u32 = langs.values().sum();
        let (lang, n) = langs.iter().max_by_key(|(_, n)| **n)?;
        (total >= Self::MIN_SEEN && f64::from(*n) >= Self::MIN_SHARE * f64::from(total))
            .then_some(lang)
    }
}

/// English function words that other Latin-script languages do not use as words.
fn is_english_function_word(w: &[u8]) -> bool {
    matches!(
        w,
        b"the"
            | b"and"
            | b"of"
            | b"to"
            | b"that"
            | b"for"
            | b"with"
            | b"was"
            | b"were"
            | b"said"
            | b"from"
            | b"his"
            | b"have"
            | b"has"
            | b"which"
            | b"this"
            | b"are"
            | b"they"
            | b"would"
            | b"been"
            | b"their"
            | b"will"
    )
}

/// A fast path for the commonest case: running English text, where one word in eight or
/// more is an English function word (news prose has about one in four). whatlang's
/// trigram scoring was the largest single cost of indexing English news.
fn looks_english(cleaned: &str) -> bool {
    let (mut words, mut function) = (0usize, 0usize);
    for w in cleaned_words(cleaned) {
        words += 1;
        if is_english_function_word(w) {
            function += 1;
        }
    }
    words >= 8 && function * 8 >= words
}

/// The words of cleaned text (see [`clean`]), as bytes: splitting by a `str` pattern
/// cost more than the rest of detection on English text.
fn cleaned_words(cleaned: &str) -> impl Iterator<Item = &[u8]> {
    cleaned
        .as_bytes()
        .split(|&b| b == b' ')
        .filter(|w| !w.is_empty())
}

/// Function words of the other major Latin-script languages of news that are not English
/// words (nor common parts of names in English text, like "de", "la", "van", "von").
const OTHER_FUNCTION_WORDS: &[&[u8]] = &[
    b"les", b"des", b"du", b"et", b"est", b"une", b"dans", b"pour", b"qui", b"sur", b"der", b"das",
    b"und", b"ist", b"nicht", b"mit", b"sich", b"auf", b"dem", b"los", b"las", b"que", b"del",
    b"por", b"para", b"una", b"con", b"il", b"di", b"che", b"della", b"sono", b"het", b"een",
    b"niet", b"och", b"att", b"og", b"ikke", b"nao", b"uma", b"com", b"nie", b"jest", b"sie",
    b"si", b"ve", b"bir", b"yang", b"dan", b"dengan", b"untuk", b"ini", b"itu", b"tidak", b"ada",
    b"pada", b"ang", b"mga", b"ng", b"sa", b"kwa", b"katika", b"zijn", b"voor", b"maar", b"ook",
    b"bij", b"naar", b"wordt", b"die", b"ek", b"hulle", b"det", b"som", b"av", b"jeg", b"yn",
    b"mae", b"ei", b"non", b"sunt",
];

/// Whether cleaned text (see [`clean`]) from a source that writes English can be taken
/// as English without whatlang: nothing but ASCII letters, function words of other
/// languages in under a tenth of its words, and some sign of English — an English
/// function word in one word of twenty, many figures (a table: a digit for every ten
/// letters or more), or too few words to tell (a headline). Without that sign, Dutch,
/// Afrikaans, Swahili or Basque prose (whose function words the list does not hold)
/// would pass.
fn could_only_be_english(cleaned: &str, letters: usize, digits: usize) -> bool {
    if !cleaned.chars().all(|c| c.is_ascii() || c == '’') {
        return false;
    }
    let (mut words, mut other, mut english) = (0usize, 0usize, 0usize);
    for w in cleaned_words(cleaned) {
        words += 1;
        if OTHER_FUNCTION_WORDS.contains(&w) {
            other += 1;
        } else if is_english_function_word(w) {
            english += 1;
        }
    }
    other * 10 < words && (english * 20 >= words || digits * 10 >= letters || words < SHORT_WORDS)
}

/// Below this many words a text (a headline) says too little for whatlang to overrule
/// its source's language.
const SHORT_WORDS: usize = 16;

/// Decides Russian vs Ukrainian from the letters only one of them has, when the text is
/// mostly Cyrillic. Returns `None` to leave the decision to whatlang.
fn cyrillic_by_letters(text: &str) -> Option<Lang> {
    let (mut cyr, mut alpha) = (0usize, 0usize);
    let (mut uk, mut ru, mut other) = (0usize, 0usize, 0usize);
    for c in text.chars() {
        if !c.is_alphabetic() {
            continue;
        }
        alpha += 1;
        if ('\u{0400}'..='\u{04FF}').contains(&c) {
            cyr += 1;
            match c.to_lowercase().next().unwrap_or(c) {
                'і' | 'ї' | 'є' | 'ґ' => uk += 1,
                'ы' | 'э' | 'ъ' | 'ё' => ru += 1,
                // Belarusian ў, Serbian/Macedonian ј љ њ ћ ђ џ ѓ ќ ѕ, Kazakh, Kyrgyz and
                // Mongolian ә ғ қ ң ө ұ ү һ: leave those languages to whatlang.
                'ў' | 'ј' | 'љ' | 'њ' | 'ћ' | 'ђ' | 'џ' | 'ѓ' | 'ќ' | 'ѕ' | 'ә' | 'ғ' | 'қ'
                | 'ң' | 'ө' | 'ұ' | 'ү' | 'һ' => other += 1,
                _ => {}
            }
        }
    }
    if cyr * 2 < alpha || other > 0 {
        return None;
    }
    // A few stray letters (a quoted name, a typo) must not flip a long text.
    if uk > 0 && ru == 0 {
        return Some(Lang("uk".into()));
    }
    if ru > 0 && uk == 0 {
        // ъ alone is Bulgarian too; ы or э only occur in Russian (and Belarusian, excluded above).
        let bulgarian_only = text
            .chars()
            .all(|c| !matches!(c, 'ы' | 'э' | 'Ы' | 'Э' | 'ё' | 'Ё'));
        if !bulgarian_only {
            return Some(Lang("ru".into()));
        }
        return None;
    }
    if uk == 0 && ru == 0 {
        // No letter of Ukrainian, Belarusian, the South Slavic or Central Asian
        // alphabets: Russian or Bulgarian. A text long enough to be sure to show
        // Bulgarian ъ (about 1 letter in 40) and without it is Russian; shorter texts go
        // to whatlang, and to Russian if whatlang is unsure (short posts often have no
        // ы, э or ё).
        if text.contains(['ъ', 'Ъ']) {
            return None;
        }
        if alpha >= 150 {
            return Some(Lang("ru".into()));
        }
        return match whatlang::detect(text) {
            Some(info) if info.is_reliable() => Some(Lang::from_code(info.lang().code())),
            _ => Some(Lang("ru".into())),
        };
    }
    if uk > 0 && ru > 0 {
        let code = if uk > ru * 3 {
            "uk"
        } else if ru > uk * 3 {
            "ru"
        } else {
            return None;
        };
        return Some(Lang(code.into()));
    }
    None
}

/// Strips what is not language: URLs, e-mail, @handles, #hashtags, markdown punctuation,
/// emoji and digits. Keeps at most `DETECT_CHARS` characters of the rest, and counts the
/// digits it dropped on the way.
fn clean(text: &str) -> (String, usize) {
    // Room for DETECT_CHARS characters of two bytes (Cyrillic) and the last word.
    let mut out = String::with_capacity(text.len().min(DETECT_CHARS * 3));
    let mut chars = 0;
    let mut digits = 0;
    for word in words(text) {
        let lower = word.trim_start_matches(['(', '[', '<', '"', '\'', '*', '_']);
        // One pass over the bytes first: most words hold no ':' or '@', and substring
        // searches on every word of a long table were most of detection's cost.
        let (colon, at) = lower
            .bytes()
            .fold((false, false), |(c, a), b| (c || b == b':', a || b == b'@'));
        if lower.starts_with("www.")
            || lower.starts_with('#')
            || (colon && lower.contains("://"))
            || (at && (lower.starts_with('@') || lower.contains('.')))
        {
            continue;
        }
        // whatlang's trigram models are lower case: an ALL-CAPS headline would not match.
        // Written straight into `out` (a String per word was a fifth of detection).
        digits += word.bytes().filter(u8::is_ascii_digit).count();
        let before = out.len();
        let mut kept = 0;
        if word.is_ascii() {
            // Bytes, not chars: tables of figures are long runs of ASCII to skip.
            for b in word.bytes() {
                if b.is_ascii_alphabetic() || b == b'\'' || b == b'-' {
                    out.push(char::from(b.to_ascii_lowercase()));
                    kept += 1;
                }
            }
        } else {
            for c in word
                .chars()
                .filter(|c| c.is_alphabetic() || *c == '\'' || *c == '’' || *c == '-')
            {
                for l in c.to_lowercase() {
                    out.push(l);
                    kept += 1;
                }
            }
        }
        if out.len() == before {
            continue;
        }
        out.push(' ');
        chars += kept + 1;
        if chars >= DETECT_CHARS {
            break;
        }
    }
    (out, digits)
}

/// The words of `text`, split at whitespace like `str::split_whitespace`, reading ASCII
/// as bytes.
fn words(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        let space_at = |i: usize| -> Option<usize> {
            // The length of the whitespace character at byte `i`, if it is one.
            let b = bytes[i];
            if b.is_ascii() {
                return b.is_ascii_whitespace().then_some(1);
            }
            let c = text[i..].chars().next()?;
            c.is_whitespace().then(|| c.len_utf8())
        };
        while at < bytes.len() {
            match space_at(at) {
                Some(n) => at += n,
                None => break,
            }
        }
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        while at < bytes.len() && space_at(at).is_none() {
            at += if bytes[at].is_ascii() {
                1
            } else {
                text[at..].chars().next().map_or(1, char::len_utf8)
            };
        }
        Some(&text[start..at])
    })
}

impl From<&str> for Lang {
    fn from(s: &str) -> Lang {
        Lang(s.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_normalised() {
        assert_eq!(Lang::from_code("EN").code(), "en");
        assert_eq!(Lang::from_code("ukr").code(), "uk");
        assert_eq!(Lang::from_code("pt-BR").code(), "pt");
        assert_eq!(Lang::from_code("").code(), "und");
    }

    #[test]
    fn detects_news_text_with_noise() {
        let en = "BREAKING 🚨 Russia launched drones at the capital overnight, officials said https://t.co/x #Ukraine @Reuters";
        assert_eq!(detect(en).code(), "en");
        let ru = "Власти сообщили, что в столице этой ночью была объявлена воздушная тревога 🔥 https://t.me/ria";
        assert_eq!(detect(ru).code(), "ru");
        let uk =
            "Торік у листопаді Президент окремим указом оголосив рік англійської мови в Україні.";
        assert_eq!(detect(uk).code(), "uk");
    }

    #[test]
    fn an_english_source_settles_tables_but_not_other_languages() {
        let en = Lang::from("en");
        let table = "Brown-Forman Inc BFD 4th qtr net Shr one dlr vs 89 cts Net 32.1 mln vs 28.4 mln Revs 290.2 mln vs 274.7 mln";
        let d = detect_given(table, Some(&en));
        assert_eq!((d.lang.code(), d.reliable), ("en", false));
        let de = "Die Bundesregierung hat am Montag neue Hilfen für die Ukraine beschlossen, teilte ein Sprecher mit.";
        assert_eq!(detect_given(de, Some(&en)).lang.code(), "de");
        let es = "El gobierno de Espana anuncio que las exportaciones de aceite crecieron en marzo por la demanda";
        assert_eq!(detect_given(es, Some(&en)).lang.code(), "es");
        let id = "Pemerintah Indonesia mengatakan bahwa harga minyak yang naik akan dibahas dengan parlemen minggu ini untuk anggaran";
        assert_eq!(detect_given(id, Some(&en)).lang.code(), "id");
    }

    #[test]
    fn words_split_at_any_whitespace() {
        let text = " Київ\u{a0}today,\t\n\u{3000}x  y\u{2003}";
        let split: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(words(text).collect::<Vec<_>>(), split);
        assert_eq!(split, ["Київ", "today,", "x", "y"]);
    }

    #[test]
    fn too_little_text_is_undetermined() {
        assert!(detect("OK 👍 2024").is_undetermined());
        assert!(detect("https://example.com/a/b").is_undetermined());
    }
}

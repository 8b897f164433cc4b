//! Russian and Ukrainian case forms generated for the words of names, and the hash that keys every word form.

/// Russian and Ukrainian case endings of masculine and neuter nouns (Київ → Києва,
/// Дніпро → Дніпра), singular and the common plural cases. No feminine -ой/-ою: Львовой
/// is the surname Львова, not Lviv.
const MASC_ENDINGS: &[&str] = &[
    "ові", "еві", "єві", "ом", "ем", "ём", "єм", "ах", "ях", "а", "я", "у", "ю", "е", "є", "і", "",
];
/// Endings of nouns in -ь, masculine and feminine (Ярославль → Ярославля; Тверь → Твери,
/// Тверью; Гомель → Гомелі).
const SOFT_ENDINGS: &[&str] = &[
    "ові", "еві", "єві", "ом", "ем", "ём", "єм", "ах", "ях", "а", "я", "у", "ю", "е", "є", "і",
    "и", "ью", "ю", "ь",
];
/// Endings of feminine nouns in -а/-я (Одеса → Одесі, Одесою; Одесса → Одессы).
const FEM_ENDINGS: &[&str] = &[
    "ою", "ею", "єю", "ой", "ей", "ах", "ях", "а", "я", "и", "ы", "і", "е", "є", "у", "ю",
];
/// Endings of adjectival names (Зеленський → Зеленського, Кривий → Кривому). Never
/// applied to noun names: Украинск + их would be the adjective "украинских".
const ADJ_ENDINGS: &[&str] = &[
    "ого", "его", "ому", "ему", "ими", "ыми", "ій", "ий", "ый", "ой", "им", "ім", "ым", "ом", "их",
    "іх", "ых", "ая", "яя", "ую", "юю", "ої", "ей", "",
];
/// Endings of neuter adjectival names (Рівне → Рівного, у Рівному; Кривое → в Кривом):
/// only the oblique cases, never the masculine or feminine nominative (рівний, рівна).
const NEUT_ENDINGS: &[&str] = &["ого", "его", "ому", "ему", "им", "ім", "ым", "ом", "ем", ""];
/// Stems shorter than this are only inflected inside multi-word names (Суми → "суму"
/// would otherwise merge with the word for "sum").
const MIN_STEM_CHARS: usize = 4;

fn is_cyrillic_word(w: &str) -> bool {
    w.chars()
        .all(|c| ('\u{0400}'..='\u{04FF}').contains(&c) || c == '\'')
}

/// Whether word `i` of a spelling of `words` words, of an entity of `kind`, is a given
/// name: a person's words before the last ("Віталій Кличко"). Given names in -ій/-ий
/// are nouns (Віталій → Віталія, Виталий → Виталия), where other words in -ій/-ий are
/// adjectives (Зеленський → Зеленського, Кривий Ріг → Кривого Рогу).
pub fn is_given_name(kind: super::Kind, words: usize, i: usize) -> bool {
    kind == super::Kind::Person && i + 1 < words
}

/// Whether a word of an indeclinable spelling (see `Entity::indeclinable`) keeps its one
/// form: foreign nouns in a vowel other than -а/-я/-и take no case endings (Совето,
/// Токио, Сан-Паулу, Чилі), where Республика in "Республика Конго" still declines. Not
/// -и: Ukrainian plurals end so (Мальдіви → на Мальдівах).
pub fn is_indeclinable(word: &str) -> bool {
    word.ends_with(['о', 'е', 'э', 'у', 'ю', 'і'])
}

/// A word and its generated case forms, hashed, each with whether its stem is short
/// (such forms are only trusted inside multi-word names). Latin words are not inflected.
/// `given`: the word is a given name (see [`is_given_name`]).
pub(super) fn inflections(word: &str, multi: bool, given: bool) -> Vec<(u64, bool)> {
    let word_hash = form_hash(word);
    let mut out = vec![(word_hash, false)];
    each_case_form(word, multi, given, &mut |form, short| {
        let hash = form_hash(form);
        if hash != word_hash {
            out.push((hash, short));
        }
    });
    out
}

/// The generated case forms of a word (not the word itself), as strings: for tools
/// that compare them with other names (`examples/common_forms.rs`). `given` as for
/// [`inflections`].
pub fn case_forms(word: &str, multi: bool, given: bool) -> Vec<String> {
    let mut out = Vec::new();
    each_case_form(word, multi, given, &mut |form, _| {
        if form != word && !out.iter().any(|o: &String| o == form) {
            out.push(form.to_string());
        }
    });
    out
}

/// Calls `emit` with every generated case form of a word and whether its stem is short.
fn each_case_form(word: &str, multi: bool, given: bool, emit: &mut dyn FnMut(&str, bool)) {
    if !is_cyrillic_word(word) {
        return;
    }
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    let mut stems: Vec<String> = Vec::new();
    let tail2: String = chars[n.saturating_sub(2)..].iter().collect();
    let last = chars[n - 1];
    // Adjectival names inflect as adjectives: masculine Кривий, Кривой; feminine Біла;
    // neuter Кривое, Золотое (Russian) and Рівне, Золоте (Ukrainian: a consonant and -е),
    // whose noun endings would be common words (рівні "equal", золота "of gold").
    let before_e = n > 4 && last == 'е' && !"аеиіїоуяюєыэьй'".contains(chars[n - 2]);
    let adjectival = n > 4
        && matches!(
            tail2.as_str(),
            "ий" | "ій" | "ый" | "ой" | "ая" | "яя" | "ое" | "ее"
        );
    // A given name in -ій/-ий is a noun of the -й declension (Віталій → Віталія,
    // Віталію, Віталієм; Виталий → Виталия); a surname before it (Зеленський Володимир)
    // would be adjectival, so a given name's word gets both.
    let given_noun = given && adjectival && matches!(tail2.as_str(), "ий" | "ій");
    if given_noun {
        let stem: String = chars[..n - 1].iter().collect();
        emit_endings(&stem, MASC_ENDINGS, false, emit);
    }
    if adjectival {
        stems.push(chars[..n - 2].iter().collect());
    } else if before_e
        || matches!(
            last,
            'а' | 'я' | 'о' | 'е' | 'є' | 'ь' | 'й' | 'и' | 'ы' | 'і'
        )
    {
        // The ending goes (a neuter adjective's -е too: its endings are chosen below).
        stems.push(chars[..n - 1].iter().collect());
    } else {
        stems.push(word.to_string());
        // Ukrainian і/ї in the last closed syllable alternates: Київ → Києва,
        // Харків → Харкова, Львів → Львова, Ріг → Рогу.
        if let Some(i) = chars.iter().rposition(|c| "аеиіїоуяюєыэ".contains(*c)) {
            if i + 1 < n && n - i <= 3 {
                for alt in match chars[i] {
                    'і' => &['о', 'е'][..],
                    'ї' => &['є'][..],
                    _ => &[][..],
                } {
                    let mut c = chars.clone();
                    c[i] = *alt;
                    stems.push(c.into_iter().collect());
                }
            }
        }
    }
    for stem in stems {
        let len = stem.chars().count();
        let short = len < MIN_STEM_CHARS;
        if short && (!multi || len < 2) {
            continue;
        }
        let endings = if before_e || (adjectival && matches!(tail2.as_str(), "ое" | "ее")) {
            NEUT_ENDINGS
        } else if adjectival {
            ADJ_ENDINGS
        } else if matches!(last, 'а' | 'я') {
            FEM_ENDINGS
        } else if last == 'ь' {
            SOFT_ENDINGS
        } else {
            MASC_ENDINGS
        };
        emit_endings(&stem, endings, short, emit);
        // Ukrainian dative/locative softens a final г, к, х before -і: Ріг → Розі,
        // Кривий Ріг → у Кривому Розі.
        if !adjectival && !before_e {
            let mut c: Vec<char> = stem.chars().collect();
            if let Some(soft) = c.last().and_then(|l| match l {
                'г' => Some('з'),
                'к' => Some('ц'),
                'х' => Some('с'),
                _ => None,
            }) {
                *c.last_mut().expect("non-empty stem") = soft;
                c.push('і');
                emit(&c.into_iter().collect::<String>(), short);
            }
        }
    }
}

/// Emits `stem` with each of `endings`, in one reused buffer: no string is kept per form.
fn emit_endings(stem: &str, endings: &[&str], short: bool, emit: &mut dyn FnMut(&str, bool)) {
    let mut buf = String::with_capacity(stem.len() + 8);
    for e in endings {
        buf.clear();
        buf.push_str(stem);
        buf.push_str(e);
        emit(&buf, short);
    }
}

/// The key of a word form: a 64-bit hash, so that the table holds no string per form
/// (~200,000 generated Russian and Ukrainian case forms); a collision between a text word
/// and a name form is about a 1 in 10^14 chance per word. xxh3 gives the same value on
/// every platform, which the table baked at build time relies on; 0 marks an empty slot.
pub fn form_hash(form: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(form.as_bytes()).max(1)
}

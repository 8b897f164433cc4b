//! Organisation cues of Russian and Ukrainian: the nouns that head an organisation's
//! name (суд, театр, прокуратура, рада, служба…). Russian and Ukrainian capitalise only
//! the first word of such a name ("Генеральная прокуратура", "Конституционного суда",
//! "Поштова служба"), so the tagger, which starts names at capitals, sees an adjective
//! it has no reason to call a name; the head noun after it says what it is.

use super::features::Listed;
use super::tokens::Word;

/// Stems of the nouns that head organisations' names, Russian and Ukrainian, each
/// followed in a text by a case ending of at most [`MAX_ENDING`] letters.
const HEADS: &[&str] = &[
    // Russian
    "суд",
    "театр",
    "прокуратур",
    "амнисти",
    "полици",
    "ассоциаци",
    "лиг",
    "альянс",
    "управлени",
    "комитет",
    "совет",
    "служб",
    "министерств",
    "банк",
    "завод",
    "парти",
    "союз",
    "фонд",
    "агентств",
    "университет",
    "академи",
    "палат",
    "дум",
    "собрани",
    "движени",
    "организаци",
    "федераци",
    "компани",
    "корпораци",
    "центр",
    "институт",
    "комисси",
    "ведомств",
    "бюро",
    "лаборатори",
    "бирж",
    "электростанци",
    "обком",
    "ассамбле",
    "конгресс",
    "правительств",
    "администраци",
    "инспекци",
    "гвардии",
    "армии",
    "флот",
    // Ukrainian
    "поліці",
    "асоціаці",
    "управлінн",
    "рад",
    "міністерств",
    "парті",
    "академі",
    "рух",
    "організаці",
    "федераці",
    "компані",
    "корпораці",
    "інститут",
    "комісі",
    "відомств",
    "лабораторі",
    "біржа",
    "кабінет",
    "директорат",
    "арбітраж",
    "уряд",
    "адміністраці",
    "інспекці",
    "гварді",
    "арміі",
    "армі",
    "університет",
    "комітет",
    "ліг",
    "асамбле",
    "конгрес",
    "кабмін",
    "департамент",
    "профспілк",
    "об'єднанн",
    "бібліотек",
    // Both
    "посольств",
    "концерн",
    "холдинг",
    "музе",
    "галере",
    "библиотек",
    "клуб",
    "сборн",
    "збірн",
    "коледж",
    "сил",
    "войск",
    "військ",
];

/// Words that start like a head and are none (судно "ship", судья "judge", судьба).
const NOT_HEADS: &[&str] = &["судн", "судь", "судд"];

/// The longest case ending after a head's stem (-ами, -ією).
const MAX_ENDING: usize = 3;

/// Endings of Russian and Ukrainian adjectives, every case (Генеральная, Конституционного,
/// Поштова, Європейською).
const ADJ_ENDINGS: &[&str] = &[
    "ый", "ий", "ій", "ой", "ая", "яя", "ое", "ее", "ого", "его", "ього", "ому", "ему", "ьому",
    "ым", "им", "ім", "ую", "юю", "ей", "ых", "их", "іх", "ые", "ие", "ыми", "ими", "іми", "ої",
    "ьої", "ою", "ьою", "на", "ва", "ська", "цька", "зька", "ня", "не", "ні", "ну", "ню", "ної",
    "ною", "ній",
];

/// Whether a lower-cased word is a form of an organisation's head noun.
pub fn is_head(lower: &str) -> bool {
    !NOT_HEADS.iter().any(|p| lower.starts_with(p))
        && HEADS.iter().any(|stem| {
            lower.strip_prefix(stem).is_some_and(|rest| {
                rest.chars().count() <= MAX_ENDING && rest.chars().all(is_cyrillic_lower)
            })
        })
}

/// Whether a word (any case) has an adjective's ending.
fn is_adjective(lower: &str) -> bool {
    lower.chars().count() > 3 && ADJ_ENDINGS.iter().any(|e| lower.ends_with(e))
}

fn is_cyrillic_lower(c: char) -> bool {
    ('а'..='я').contains(&c) || matches!(c, 'ё' | 'і' | 'ї' | 'є' | 'ґ')
}

fn lower_cyrillic(word: &str) -> bool {
    word.chars().next().is_some_and(is_cyrillic_lower)
        && word
            .chars()
            .all(|c| is_cyrillic_lower(c) || c == '-' || c == '\'')
}

/// The organisations' names that start at a capitalised adjective and end at a head
/// noun after at most two more adjectives, all in lower case after the first
/// ("Генеральная прокуратура", "Федеральное авиационное управление"): (first word,
/// last word), in order.
pub fn adjective_headed(text: &str, words: &[Word]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let first = w.text.chars().next();
        let starts = w.caps
            && first.is_some_and(|c| c.is_uppercase() && !c.is_ascii())
            && is_adjective(&w.text.to_lowercase());
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        let mut found = None;
        while j < words.len() && j <= i + 3 {
            let next = &words[j];
            // The name goes on over white space only ("Большой театр, ...").
            if !next.joined(text) || !lower_cyrillic(next.text) {
                break;
            }
            if is_head(next.text) {
                found = Some(j);
                break;
            }
            if !is_adjective(next.text) {
                break;
            }
            j += 1;
        }
        match found {
            Some(j) => {
                out.push((i, j));
                i = j + 1;
            }
            None => i += 1,
        }
    }
    out
}

/// Capitalised head nouns inside a sentence ("заявили в Комитете защиты журналистов",
/// "Служби безпеки України"), with the capitalised words right after them: only names
/// are capitalised there. (first word, last word), in order. The name stops before a
/// word of the alias table's (`listed`): "Конгресу США" is an organisation's
/// *Конгресу* beside the table's *США*, whose mark a name over it would lose to.
pub fn capitalised_heads(text: &str, words: &[Word], listed: &[Listed]) -> Vec<(usize, usize)> {
    let in_table = |i: usize| listed.get(i).is_some_and(|l| *l != Listed::No);
    let mut out = Vec::new();
    let mut i = 1;
    while i < words.len() {
        let w = &words[i];
        let mut chars = w.text.chars();
        let upper_first = chars
            .next()
            .is_some_and(|c| c.is_uppercase() && !c.is_ascii());
        // A dash opens a sentence too, in a quotation or a list.
        let opens = w.opens(text, false) || w.gap_chars(text).any(|c| matches!(c, '—' | '-'));
        if !upper_first
            || !chars.all(is_cyrillic_lower)
            || opens
            || in_table(i)
            || !is_head(&w.text.to_lowercase())
        {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < words.len()
            && words[j + 1].caps
            && !in_table(j + 1)
            && words[j + 1].joined(text)
        {
            j += 1;
        }
        out.push((i, j));
        i = j + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::tokens::words;

    fn spans(text: &str) -> Vec<String> {
        let ws = words(text);
        adjective_headed(text, &ws)
            .into_iter()
            .map(|(a, b)| text[ws[a].start..ws[b].end].to_string())
            .collect()
    }

    #[test]
    fn an_adjective_and_a_head_noun_are_an_organisation() {
        assert_eq!(
            spans("Об этом сообщила Генеральная прокуратура, а решение принял Конституционного суда председатель."),
            ["Генеральная прокуратура", "Конституционного суда"]
        );
        assert_eq!(
            spans("Рішення ухвалила Поштова служба і Федеральное авиационное управление."),
            ["Поштова служба", "Федеральное авиационное управление"]
        );
        // No head noun, or a verb between: no name.
        assert!(spans("Новый закон принят. Большой дом стоит.").is_empty());
        assert!(spans("Путин посетил завод.").is_empty());
        assert!(is_head("прокуратуры") && is_head("радою") && !is_head("радиостанция"));
        assert!(!is_head("судно") && !is_head("судья") && is_head("судом"));
        // A word with an adjective's ending of the other language is none ("Пока").
        assert!(spans("Пока эстонская прокуратура молчит.").is_empty());
    }
}

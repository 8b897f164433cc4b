//! Craft and models, which the tagger takes for organisations: a name after a word for
//! a vehicle ("корабля «Союз»", "the shuttle Atlantis") or carrying a model's designator
//! ("Союз ТМА-7", "STS-124") names a made thing, not who made it. News of spaceflight
//! and of wars is full of them; none of the gold sets marks them.

use std::sync::OnceLock;

use super::Name;

/// Drops the names that name a craft or a model. `latin`: the text is English, whose
/// news numbers organisations too ("MS-13", a gang; "EC-12", the twelve countries).
pub(super) fn drop_products(text: &str, latin: bool, names: &mut Vec<Name>) {
    names.retain(|n| !designated(text, latin, n) && !after_craft(text, n));
}

/// Whether a name carries a model's designator: an abbreviation of two to four letters
/// right before a number in Russian or Ukrainian text ("STS-124", "Ту-154"), or a quoted name with a
/// designator in it or after it («Союз ТМ-2», «Союз ТМА-7»). A hyphen is asked for
/// ("Channel 4" stays a name), a longer name's own number is its own ("Формула-1",
/// "Nord Stream-2"), and an unquoted name before a model is its maker's ("McDonnell
/// Douglas DC-10").
fn designated(text: &str, latin: bool, n: &Name) -> bool {
    static RE: OnceLock<[regex::Regex; 3]> = OnceLock::new();
    let [inside, after, numbered] = RE.get_or_init(|| {
        let re = |r| regex::Regex::new(r).expect("valid designator regex");
        [
            re(r"\s\p{Lu}{1,4}[-‑]\d+\p{L}?$"),
            re(r"^\s\p{Lu}{1,4}[-‑]\d"),
            re(r"^[-‑]\d"),
        ]
    });
    let name = &text[n.start..n.end];
    let tail = &text[n.end..];
    let tail = &tail[..crate::reader::floor_char_boundary(tail, 24)];
    let short = (2..=4).contains(&name.chars().count()) && !name.contains(' ');
    (!latin && short && numbered.is_match(tail))
        || (quoted(text, n).is_some() && (inside.is_match(name) || after.is_match(tail)))
}

/// The text before a name without the opening quotes right before it, if there are.
fn quoted<'t>(text: &'t str, n: &Name) -> Option<&'t str> {
    let before = &text[..n.start];
    let unquoted = before.trim_end_matches(['«', '„', '"', '“', '\'']);
    (unquoted.len() < before.len()).then_some(unquoted)
}

/// Whether a name stands in quotes after a word for a craft ("корабля «Союз»", "шаттл
/// «Атлантис»", "крейсер «Москва»"). Without quotes the name is more often the craft's
/// owner or maker ("літаки Ryanair") or what it circles ("спутник Юпитера").
fn after_craft(text: &str, n: &Name) -> bool {
    let Some(unquoted) = quoted(text, n) else {
        return false;
    };
    let word = unquoted
        .trim_end()
        .rsplit(|c: char| !c.is_alphanumeric() && c != '-')
        .next()
        .unwrap_or("")
        .to_lowercase();
    is_craft(&word)
}

/// Whether a lower-cased word is a noun for a craft, in any case form.
fn is_craft(word: &str) -> bool {
    const STEMS: &[&str] = &[
        "корабл",
        "корабел",
        "шаттл",
        "ракет",
        "спутник",
        "супутник",
        "самолёт",
        "самолет",
        "літак",
        "вертолёт",
        "вертолет",
        "вертоліт",
        "гелікоптер",
        "телескоп",
        "ледокол",
        "криголам",
        "подлодк",
        "підводн",
        "субмарин",
        "крейсер",
        "авианос",
        "авіанос",
        "эсминц",
        "эсминец",
        "есмінц",
        "есмінець",
        "фрегат",
        "танкер",
        "лайнер",
        "зонд",
        "марсоход",
        "марсохід",
        "луноход",
        "місяцехід",
        "модул",
    ];
    const ENGLISH: &[&str] = &[
        "shuttle",
        "spacecraft",
        "rocket",
        "satellite",
        "telescope",
        "probe",
        "rover",
        "warship",
        "destroyer",
        "frigate",
        "submarine",
        "icebreaker",
        "tanker",
        "freighter",
        "cruiser",
        "module",
    ];
    // Adjectives of the same stems qualify organisations ("спутниковый оператор").
    const ADJECTIVE: &[&str] = &[
        "ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ых", "их", "ого", "его", "ому",
        "ему", "ым", "им", "ыми", "ими", "ую", "юю", "ою",
    ];
    if ENGLISH
        .iter()
        .any(|e| word == *e || word.strip_suffix('s') == Some(e))
    {
        return true;
    }
    STEMS.iter().any(|s| {
        word.strip_prefix(s).is_some_and(|rest| {
            !(rest.chars().count() >= 2 && ADJECTIVE.iter().any(|a| rest.ends_with(a)))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str, span: &str) -> Name {
        let start = text.find(span).expect("span in text");
        Name {
            start,
            end: start + span.len(),
            kind: crate::analysis::Kind::Organisation,
            key: String::new(),
        }
    }

    fn kept(text: &str, span: &str) -> bool {
        let latin = text.chars().any(|c| c.is_ascii_lowercase());
        let mut names = vec![name(text, span)];
        drop_products(text, latin, &mut names);
        names.len() == 1
    }

    #[test]
    fn a_craft_or_a_model_is_no_organisation() {
        for (text, span) in [
            (
                "Это был второй спуск корабля «Союз» по баллистической траектории.",
                "Союз",
            ),
            ("В Казахстане приземлился «Союз ТМА-7».", "Союз"),
            ("начиная с «Союз ТМ-2» и до корабля", "Союз ТМ-2"),
            ("на шаттле «Дискавери» STS-124, который", "STS"),
            ("узлу на модуле «Заря». Ранее", "Заря"),
            (
                "The crew boarded the shuttle \"Atlantis\" at dawn.",
                "Atlantis",
            ),
        ] {
            assert!(!kept(text, span), "{span} in {text}");
        }
    }

    #[test]
    fn a_maker_an_owner_or_a_numbered_name_stays() {
        for (text, span) in [
            ("Заборонили вилітати літаки Ryanair, йдеться", "Ryanair"),
            ("постачальник шин для Формули-1, який", "Формули"),
            ("дує газопровід Північний потік-2.", "Північний потік"),
            ("головування в G-20 провести", "G"),
            ("Boeing 737 MAX jets were grounded.", "Boeing"),
            (
                "two McDonnell Douglas DC-10s by the end",
                "McDonnell Douglas",
            ),
            ("a segment of the MS-13 gang", "MS"),
            ("спутниковый оператор «Триколор» сообщил", "Триколор"),
            ("Союз координационных советов (СКС)", "Союз"),
        ] {
            assert!(kept(text, span), "{span} in {text}");
        }
    }
}

//! What a near word costs against the word typed: its edits against the budget (a
//! different first letter counting as two, a romanisation of the same name as none) and
//! the finer cost that ranks candidates (a swap or a neighbouring key cheaper than other
//! edits, a romanisation just under one edit).

/// A romanisation-blind key: the word's name key (`ner::key::word_key`: romanised,
/// folded, the spellings romanisations disagree on made one — `tsch`, `tch` and `ch`;
/// `kh` and `h`; `y`, `j` and `i`; `w` and `v`; doubled letters — one ending off).
pub fn sound_key(word: &str) -> String {
    crate::ner::key::word_key(word)
}

/// Keys next to each other on a QWERTY or ЙЦУКЕН keyboard: a substitution of one for
/// the other is the likeliest typo.
fn adjacent(a: char, b: char) -> bool {
    const ROWS: &[&str] = &[
        "qwertyuiop",
        "asdfghjkl",
        "zxcvbnm",
        "йцукенгшщзхї",
        "фівапролджє",
        "ячсмитьбю",
        "йцукенгшщзхъ",
        "фывапролджэ",
    ];
    ROWS.iter().any(|row| {
        let chars: Vec<char> = row.chars().collect();
        chars
            .windows(2)
            .any(|w| (w[0] == a && w[1] == b) || (w[0] == b && w[1] == a))
    })
}

/// A little under the least [`cost`] of a word two edits from the word typed that
/// starts as it does (one that sounds alike: 0.92, give or take a rounding).
pub(super) const TWO_EDITS_AT_LEAST: f32 = 0.915;

/// The edits a candidate costs against the budget: its Damerau-Levenshtein distance,
/// one more for a different first letter (as [`near_words`] finds words), none for a
/// romanisation of the same name whatever its letters (*Iakovlev*, *Yakovlev*).
pub(super) fn edits(typed: &str, candidate: &str) -> u8 {
    if sound_key(typed) == sound_key(candidate) {
        return 0;
    }
    let d = strsim::osa_distance(typed, candidate);
    let first = usize::from(typed.chars().next() != candidate.chars().next());
    u8::try_from(d + first).unwrap_or(u8::MAX)
}

/// How far a candidate is from the word typed: its Damerau-Levenshtein distance, less
/// a little for a substitution of neighbouring keys, and a romanisation of the same
/// name counts as half an edit whatever its letters.
pub(super) fn cost(typed: &str, candidate: &str) -> f32 {
    let d = strsim::osa_distance(typed, candidate) as f32;
    if sound_key(typed) == sound_key(candidate) {
        // Just under one edit, whatever the letters (Klichko, Klitschko); among such
        // spellings the nearer in letters first (Зеленськй: Зеленський, not Зеленский).
        return d.min(1.0) - 0.1 + 0.01 * d;
    }
    let (t, c): (Vec<char>, Vec<char>) = (typed.chars().collect(), candidate.chars().collect());
    // Two letters swapped is the commonest slip of all (Crimae: Crimea before Crime).
    if d == 1.0 && t.len() == c.len() && {
        let (mut a, mut b) = (t.clone(), c.clone());
        a.sort_unstable();
        b.sort_unstable();
        a == b
    } {
        return 0.85;
    }
    let keyboard = t.len() == c.len()
        && t.iter().zip(&c).filter(|(a, b)| a != b).count() == 1
        && t.iter().zip(&c).any(|(a, b)| a != b && adjacent(*a, *b));
    if keyboard {
        d - 0.25
    } else {
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_word_two_edits_away_costs_less_than_the_bound() {
        // Every word two substitutions, deletions or insertions from a few typed words
        // (letters from a small alphabet, so that sound-alike pairs occur): the search
        // at one edit may stop on a cheaper word only if none of these could beat it.
        let mut lowest = f32::MAX;
        for typed in ["presdient", "klichko", "zelensky", "харків"] {
            let letters: Vec<char> = typed.chars().collect();
            let alphabet: Vec<char> = "aeiouyckstzhi".chars().chain(letters.clone()).collect();
            let mut once: Vec<String> = Vec::new();
            for i in 0..=letters.len() {
                for &c in &alphabet {
                    let mut w = letters.clone();
                    w.insert(i, c);
                    once.push(w.into_iter().collect());
                    if i < letters.len() {
                        let mut w = letters.clone();
                        w[i] = c;
                        once.push(w.into_iter().collect());
                    }
                }
                if i < letters.len() {
                    let mut w = letters.clone();
                    w.remove(i);
                    once.push(w.into_iter().collect());
                }
            }
            for first in &once {
                let first: Vec<char> = first.chars().collect();
                for i in 0..first.len() {
                    let mut w = first.clone();
                    w.remove(i);
                    let w: String = w.into_iter().collect();
                    if strsim::osa_distance(typed, &w) == 2 {
                        lowest = lowest.min(cost(typed, &w));
                    }
                }
            }
        }
        assert!(lowest >= TWO_EDITS_AT_LEAST, "{lowest}");
        assert!(cost("klichko", "klitschko") - TWO_EDITS_AT_LEAST < 0.01);
    }

    #[test]
    fn romanisations_share_a_key_and_cost_half_an_edit() {
        assert_eq!(sound_key("Klichko"), sound_key("Klitschko"));
        assert_eq!(sound_key("Zelenskyy"), sound_key("Zelenskiy"));
        assert!(cost("klichko", "klitschko") < 1.0);
        assert!(cost("зеленськй", "зеленський") < cost("зеленськй", "зеленский"));
        assert_eq!(
            cost("zelenksy", "zelensky"),
            0.85,
            "a transposition is one edit, the cheapest kind"
        );
        assert_eq!(cost("crimae", "crime"), 1.0);
        assert!(cost("kyuv", "kyiv") < 1.0, "u is next to i");
    }
}

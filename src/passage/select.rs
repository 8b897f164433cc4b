//! Choosing the best non-overlapping passages of a body by the matches they hold.

use super::{Literal, Mark, Passage, PassageOptions};

/// Selects the best passages of a body cut into `sents` (from [`sentences`](super::sentences)). `matches`
/// come from [`find_matches`](super::find_matches). An article whose body holds no match (it matched by its
/// title) still gets its lead as one passage.
pub fn select(
    sents: &[(usize, usize, usize)],
    matches: &[Mark],
    literals: &[Literal],
    opts: PassageOptions,
) -> Vec<Passage> {
    if sents.is_empty() {
        return Vec::new();
    }
    let mut windows: Vec<(usize, usize, f32)> = Vec::new();
    for i in 0..sents.len() {
        let mut j = i;
        let mut len = sents[i].2;
        while j + 1 < sents.len() && len + 1 + sents[j + 1].2 <= opts.chars {
            j += 1;
            len += 1 + sents[j].2;
        }
        let (start, end) = (sents[i].0, sents[j].1);
        windows.push((start, end, score(matches, literals, start, end)));
    }
    let mut order: Vec<usize> = (0..windows.len()).collect();
    order.sort_by(|&a, &b| windows[b].2.total_cmp(&windows[a].2).then(a.cmp(&b)));
    let mut chosen: Vec<(usize, usize, f32)> = Vec::new();
    for i in order {
        let (s, e, sc) = windows[i];
        if sc <= 0.0 || chosen.len() >= opts.per_article {
            break;
        }
        if chosen.iter().all(|&(cs, ce, _)| e <= cs || s >= ce) {
            chosen.push((s, e, sc));
        }
    }
    if chosen.is_empty() {
        chosen.push(windows[0]);
    }
    chosen
        .into_iter()
        .map(|(start, end, score)| Passage {
            start,
            end,
            score,
            matches: within(matches, start, end),
        })
        .collect()
}

/// The marks inside `start..end`, in the order of the text.
fn within(marks: &[Mark], start: usize, end: usize) -> Vec<Mark> {
    let mut inside: Vec<Mark> = marks
        .iter()
        .filter(|m| m.start >= start && m.end <= end)
        .cloned()
        .collect();
    inside.sort_by_key(|m| (m.start, m.end, m.literal));
    inside
}

/// BM25-style score of a window: for each literal, its weight times a saturating
/// function of how often it occurs there. Windows have bounded length, so no length
/// normalisation is needed.
fn score(matches: &[Mark], literals: &[Literal], start: usize, end: usize) -> f32 {
    const K1: f32 = 1.2;
    let mut tf = vec![0u32; literals.len()];
    for m in matches.iter().filter(|m| m.start >= start && m.end <= end) {
        tf[m.literal] += 1;
    }
    tf.iter()
        .zip(literals)
        .filter(|(&n, _)| n > 0)
        .map(|(&n, lit)| {
            let n = n as f32;
            lit.weight * n * (K1 + 1.0) / (n + K1)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passage::sentences;

    #[test]
    fn passage_with_all_terms_wins() {
        let body = "Strikes hit the city. Later a prisoner swap happened in the city of Kyiv.";
        let lits = vec![
            Literal {
                terms: vec!["swap".into()],
                prefix: false,
                slop: 0,
                weight: 2.0,
                key: String::new(),
            },
            Literal {
                terms: vec!["city".into()],
                prefix: false,
                slop: 0,
                weight: 1.0,
                key: String::new(),
            },
        ];
        let marks = vec![
            Mark {
                start: 16,
                end: 20,
                literal: 1,
                entity: None,
                name: None,
            },
            Mark {
                start: 41,
                end: 45,
                literal: 0,
                entity: None,
                name: None,
            },
            Mark {
                start: 62,
                end: 66,
                literal: 1,
                entity: None,
                name: None,
            },
        ];
        let p = select(
            &sentences(body, 60),
            &marks,
            &lits,
            PassageOptions {
                chars: 60,
                per_article: 1,
            },
        );
        assert_eq!(
            &body[p[0].start..p[0].end],
            "Later a prisoner swap happened in the city of Kyiv."
        );
        assert_eq!(p[0].matches.len(), 2);
    }
}

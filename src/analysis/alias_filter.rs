//! Canonicalisation: replaces every spelling of an entity (one word or several) by one
//! term, `@id`, spanning the original bytes; the third stage. Positions are renumbered
//! so that a multi-word name takes one position and phrase queries stay exact.

use std::collections::VecDeque;
use std::sync::Arc;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::alias::{AliasTable, Case, Form, ENTITY_PREFIX};
use super::segment::set_token;

/// Token filter that canonicalises entity spellings with an [`AliasTable`].
#[derive(Clone)]
pub struct AliasFilter(pub Arc<AliasTable>);

impl TokenFilter for AliasFilter {
    type Tokenizer<T: Tokenizer> = AliasFilterTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> AliasFilterTokenizer<T> {
        AliasFilterTokenizer {
            inner,
            table: self.0,
            heads: Heads::default(),
        }
    }
}

#[derive(Clone)]
pub struct AliasFilterTokenizer<T> {
    inner: T,
    table: Arc<AliasTable>,
    heads: Heads,
}

/// [`AliasTable::keys_from`] of each class met as a name's first word, kept with the
/// tokenizer: the lookup is a binary search over every key, and an archive starts the
/// same few thousand names again and again ("New", "Kyiv").
type Heads = rustc_hash::FxHashMap<u32, (std::ops::Range<usize>, usize)>;

/// Classes kept at most; past that the cache starts again.
const HEADS_KEPT: usize = 50_000;

impl<T: Tokenizer> Tokenizer for AliasFilterTokenizer<T> {
    type TokenStream<'a> = AliasStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.heads.len() > HEADS_KEPT {
            self.heads.clear();
        }
        AliasStream {
            tail: self.inner.token_stream(text),
            text,
            table: &self.table,
            heads: &mut self.heads,
            pending: VecDeque::new(),
            classes: Vec::new(),
            candidates: Vec::new(),
            token: Token::default(),
            spare: Vec::new(),
            position: 0,
            tail_done: false,
            previous: None,
        }
    }
}

pub struct AliasStream<'a, T> {
    tail: T,
    text: &'a str,
    table: &'a AliasTable,
    heads: &'a mut Heads,
    /// Look-ahead: tokens read from the tail but not yet emitted, with their forms.
    pending: VecDeque<(Token, Option<Form>)>,
    classes: Vec<u32>,
    /// Spellings the look-ahead starts with: (words, entity, case, solo).
    candidates: Vec<(usize, u32, Case, bool)>,
    token: Token,
    /// Tokens emitted and done with, whose text buffers the look-ahead reuses: a word
    /// that may begin a name is common (many spellings start with "new", "san", "de"),
    /// and an allocation for each was a tenth of this filter's cost.
    spare: Vec<Token>,
    position: usize,
    tail_done: bool,
    /// Byte offsets of the word emitted last, for the solo rule.
    previous: Option<(usize, usize)>,
}

/// Whether the word at byte `at` of `text` opens a sentence: after . ! ? … or a line
/// break (quotes and brackets aside). `strict` (for words the news writes in lower
/// case) counts two openings more: after a colon ("Factbox: From taxes to budget"), and
/// the start of a text that is prose, one that ends a sentence after the word (a body,
/// a passage's sentence; a title or a query need not, and may begin with a name).
fn opens_sentence(text: &str, at: usize, strict: bool) -> bool {
    let before = text[..at]
        .trim_end_matches(|c: char| (c.is_whitespace() && c != '\n') || "\"'«„“(*[—–-".contains(c));
    if before.is_empty() {
        if !strict {
            return false;
        }
        let rest = &text[at..];
        return rest.char_indices().any(|(i, c)| {
            matches!(c, '.' | '!' | '?' | '…')
                && rest[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
        });
    }
    before.ends_with(['.', '!', '?', '…', '\n']) || (strict && before.ends_with(':'))
}

fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Whether the news writes `word` in lower case at least as often as capitalised
/// ([`crate::ner::lists::common_word`]).
fn news_common(word: &str) -> bool {
    crate::ner::lists::common_word(&word.to_lowercase())
}

/// A copy of the tail's current token in a spare buffer. (Copied, not taken: the tail
/// keeps its text buffer for the next word.)
fn copy_token(spare: &mut Vec<Token>, t: &Token) -> Token {
    let mut token = spare.pop().unwrap_or_default();
    set_token(&mut token, &t.text, t.offset_from, t.offset_to, t.position);
    token
}

impl<T: TokenStream> AliasStream<'_, T> {
    fn fill(&mut self, n: usize) {
        while self.pending.len() < n && !self.tail_done {
            if self.tail.advance() {
                let token = copy_token(&mut self.spare, self.tail.token());
                let form = self.table.form(&token.text);
                self.pending.push_back((token, form));
            } else {
                self.tail_done = true;
            }
        }
    }

    /// The longest entity spelling at the head of `pending`: (words, entity index).
    fn longest_match(&mut self) -> Option<(usize, u32)> {
        // Most words start no name: one hash lookup (done in `fill`) and out. Words that
        // only occur inside names ("of", "the") need no look-ahead either.
        let head = self.pending.front()?.1?;
        let table = self.table;
        let (keys, longest) = self
            .heads
            .entry(head.class)
            .or_insert_with(|| table.keys_from(head.class))
            .clone();
        if longest == 0 {
            return None;
        }
        self.fill(longest);
        self.classes.clear();
        for (_, form) in self.pending.iter().take(longest) {
            match form {
                Some(f) => self.classes.push(f.class),
                None => break,
            }
        }
        let candidates = &mut self.candidates;
        candidates.clear();
        self.table
            .prefixes_of(keys, &self.classes, |k, entity, case, solo| {
                candidates.push((k, entity, case, solo))
            });
        // Longest first; of spellings as long, the first in key order.
        candidates.sort_by_key(|c| std::cmp::Reverse(c.0));
        let mut tried = 0;
        for i in 0..self.candidates.len() {
            let (k, entity, case, solo) = self.candidates[i];
            if k == tried || (k == 1 && head.multi_only) {
                continue;
            }
            // A spelling made of common words names its entity only by its capitals.
            let common = (k == 1 && head.cased)
                || (k > 1
                    && self
                        .pending
                        .iter()
                        .take(k)
                        .all(|(_, f)| f.is_some_and(|f| f.cased)));
            if common && !self.common_words_name(k) {
                continue;
            }
            tried = k;
            if case != Case::Any && !self.case_fits(k, case) {
                continue;
            }
            if solo && self.beside_a_name() {
                continue;
            }
            return Some((k, entity));
        }
        None
    }

    /// Whether the first `k` words, each a form of a common word (`COMMON_FORMS`: a
    /// word in lower case, or a dictionary's headword: china, trump), name an entity
    /// here. The first must be capitalised ("the quarter" is no place The Quarter;
    /// "Тверская область" is a region), and a single word must not open a sentence
    /// inside the text (where any word is).
    /// Words that the news itself writes in lower case at least as often
    /// ([`crate::ner::lists::common_word`]: from, human, quarter; not China or Trump)
    /// are held to more: neither at the start of prose (a body, a passage's sentence;
    /// not a title or a query, which may begin with a name) nor in a headline's case,
    /// where every word is capitalised (Frome's "Frōm" in "Prices Rise From Monday",
    /// Uman's "Humań" in "Human Rights Watch Says").
    fn common_words_name(&mut self, k: usize) -> bool {
        if !self.case_fits(1, Case::Capitalised) {
            return false;
        }
        let news_common = self
            .pending
            .iter()
            .take(k)
            .all(|(t, _)| news_common(&self.text[t.offset_from..t.offset_to]));
        let Some((head, _)) = self.pending.front() else {
            return false;
        };
        let at = head.offset_from;
        if news_common {
            !opens_sentence(self.text, at, true) && !self.headline_case(k)
        } else {
            k > 1 || !opens_sentence(self.text, at, false)
        }
    }

    /// Whether the `k` words at the head are written as a headline writes every word:
    /// beside a capitalised common word that opens no sentence ("Prices Will Rise From
    /// Monday", "Human Rights Watch"), or in capitals beside another word in capitals or
    /// a number ("SEC OKAYS REQUEST FROM BOESKY FIRMS"), only spaces between.
    fn headline_case(&mut self, k: usize) -> bool {
        let (Some((first, _)), Some((last, _))) = (self.pending.front(), self.pending.get(k - 1))
        else {
            return false;
        };
        let text = self.text;
        let head = &text[first.offset_from..last.offset_to];
        let mut letters = head.chars().filter(|c| c.is_alphabetic());
        let head_shouted = letters.clone().count() >= 2 && letters.all(char::is_uppercase);
        self.neighbours(k)
            .into_iter()
            .flatten()
            .any(|(start, end)| {
                let word = &text[start..end];
                // Beside a word in capitals, or a number ("TO CUT STAFF TO 50 FROM 112").
                let loud = word.chars().any(char::is_alphanumeric)
                    && !word.chars().any(char::is_lowercase);
                (head_shouted && loud)
                    || (capitalised(word)
                        && news_common(word)
                        && !opens_sentence(text, start, true))
            })
    }

    /// The words right before and right after the first `k` pending words, each only
    /// when spaces alone stand between (a comma or a line break parts them).
    fn neighbours(&mut self, k: usize) -> [Option<(usize, usize)>; 2] {
        self.fill(k + 1);
        let (Some((first, _)), Some((last, _))) = (self.pending.front(), self.pending.get(k - 1))
        else {
            return [None, None];
        };
        let (from, to) = (first.offset_from, last.offset_to);
        let spaced = |gap: &str| !gap.is_empty() && gap.chars().all(|c| c == ' ' || c == '\u{a0}');
        let before = self
            .previous
            .filter(|&(_, end)| end <= from && spaced(&self.text[end..from]));
        let after = self
            .pending
            .get(k)
            .map(|(t, _)| (t.offset_from, t.offset_to))
            .filter(|&(start, _)| start >= to && spaced(&self.text[to..start]));
        [before, after]
    }

    /// Whether the head word has a name-like word right beside it: the word before or
    /// after, with only spaces between, capitalised and not a common word ("Michael
    /// Jordan", "Paris Hilton"; not "In Jordan" or "Jordan King Abdullah"). A solo
    /// spelling (a place's name that is also a person's) does not name the place there.
    fn beside_a_name(&mut self) -> bool {
        let text = self.text;
        self.neighbours(1)
            .into_iter()
            .flatten()
            .any(|(start, end)| capitalised(&text[start..end]) && !news_common(&text[start..end]))
    }

    /// Whether the first `k` pending words are written in the case a spelling needs.
    fn case_fits(&self, k: usize, case: Case) -> bool {
        self.pending.iter().take(k).all(|(t, _)| {
            let original = &self.text[t.offset_from..t.offset_to];
            match case {
                Case::Any => true,
                Case::Capitalised => capitalised(original),
                Case::Upper => original
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .all(char::is_uppercase),
            }
        })
    }
}

impl<T: TokenStream> TokenStream for AliasStream<'_, T> {
    fn advance(&mut self) -> bool {
        // Most words are no name's: they pass straight through, copied into this
        // stream's token (no allocation, no look-ahead queue).
        if self.pending.is_empty() && !self.tail_done {
            if !self.tail.advance() {
                self.tail_done = true;
                return false;
            }
            let t = self.tail.token();
            let form = self.table.form(&t.text);
            if form.is_none() {
                set_token(
                    &mut self.token,
                    &t.text,
                    t.offset_from,
                    t.offset_to,
                    self.position,
                );
                self.previous = Some((t.offset_from, t.offset_to));
                self.position += 1;
                return true;
            }
            let token = copy_token(&mut self.spare, t);
            self.pending.push_back((token, form));
        }
        self.fill(1);
        let matched = self.longest_match();
        let Some((mut token, _)) = self.pending.pop_front() else {
            return false;
        };
        if let Some((k, entity)) = matched {
            for _ in 1..k {
                if let Some((t, _)) = self.pending.pop_front() {
                    token.offset_to = t.offset_to;
                    self.spare.push(t);
                }
            }
            token.text.clear();
            token.text.push_str(ENTITY_PREFIX);
            token.text.push_str(&self.table.entity_at(entity).id);
        }
        token.position = self.position;
        token.position_length = 1;
        self.previous = Some((token.offset_from, token.offset_to));
        self.position += 1;
        let done = std::mem::replace(&mut self.token, token);
        self.spare.push(done);
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

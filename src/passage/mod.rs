//! Passage selection: cuts an article body into sentence-aligned windows, scores each by
//! the query terms it holds (BM25-style, with the index's term weights), and returns the
//! best non-overlapping windows with their match and entity spans.
//!
//! The stages, in the order a search runs them: [`Prefilter`] finds the sentences that
//! may hold a match without analysing the body; [`sentences`] cuts the body; [`spots`]
//! and [`find_matches`] / [`find_entities`] mark what the analyser finds there; and
//! [`select`] keeps the best windows. This file holds the types they share.

mod marks;
mod prefilter;
mod select;
mod sentences;

pub use marks::{all_tokens, find_entities, find_matches, spots, spots_of, Spot};
pub use prefilter::{Candidate, Prefilter};
pub use select::select;
pub use sentences::sentences;

/// One thing the query looks for, analyzed the way the article was: a single term, or a
/// phrase (terms at consecutive positions), the last term possibly a prefix.
#[derive(Clone, Debug)]
pub struct Literal {
    pub terms: Vec<String>,
    pub prefix: bool,
    /// For a phrase, how many extra positions may separate its words (`"a b"~2`).
    pub slop: u32,
    /// Inverse document frequency of the literal in the index: rare terms weigh more.
    pub weight: f32,
    /// The name key of the literal as typed (`ner::key::name_key`), when recognised
    /// names with that key count as its matches (across scripts); empty otherwise.
    pub key: String,
}

/// A span of the body, in byte offsets.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub start: usize,
    pub end: usize,
    /// Index of the literal that matched, for matches.
    pub literal: usize,
    /// The entity id when the span is an entity of the alias table (canonical term
    /// without its prefix).
    pub entity: Option<String>,
    /// The kind and key when the span is a recognised name (see `ner`).
    pub name: Option<crate::ner::NameRef>,
}

/// A selected passage: byte range of the body, score, and the matches inside it.
#[derive(Clone, Debug)]
pub struct Passage {
    pub start: usize,
    pub end: usize,
    pub score: f32,
    pub matches: Vec<Mark>,
}

/// The field of the article a passage is cut from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Field {
    #[default]
    Body,
    /// The headline: for articles whose body holds no match (wire headlines, feed
    /// items and posts without a body, or an article that matched by its title only).
    Title,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Body => "body",
            Field::Title => "title",
        }
    }
}

/// How passages are cut.
#[derive(Clone, Copy, Debug)]
pub struct PassageOptions {
    /// Target maximum length in characters (not bytes).
    pub chars: usize,
    /// How many passages one article may contribute.
    pub per_article: usize,
}

impl Default for PassageOptions {
    fn default() -> Self {
        PassageOptions {
            chars: 320,
            per_article: 2,
        }
    }
}

//! Plain text and markdown articles: the first non-empty line is the title; a wire-style
//! dateline gives place, date and source.

use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

use super::{path_id, Article};
use crate::error::Error;

/// Plain text or markdown: the first non-empty line is the title, the rest the body.
/// A dateline at the start of a paragraph fills place, date and source.
pub fn parse_text(path: &Path, text: &str) -> Result<Article, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.splitn(2, '\n');
    let mut title_line = lines.next().unwrap_or("");
    let mut rest = lines.next().unwrap_or("");
    while title_line.trim().is_empty() && !rest.is_empty() {
        let mut l = rest.splitn(2, '\n');
        title_line = l.next().unwrap_or("");
        rest = l.next().unwrap_or("");
    }
    let title = title_line.trim().trim_start_matches('#').trim().to_string();
    if title.is_empty() {
        return Err(Error::BadFile {
            path: path.to_path_buf(),
            reason: "empty file: no title line".into(),
        });
    }
    let body = rest.trim_matches(['\n', '\r']).to_string();
    let mut article = Article {
        id: path_id(path, None),
        title,
        body,
        path: path.display().to_string(),
        ..Article::default()
    };
    if let Some(d) = find_dateline(&article.body) {
        article.place = Some(d.place);
        article.date = d.date;
        article.source = d.source;
    }
    Ok(article)
}

/// What a dateline names.
#[derive(Debug, PartialEq)]
pub struct Dateline {
    pub place: String,
    pub date: Option<String>,
    pub source: Option<String>,
}

/// Finds a wire-style dateline at the start of a paragraph:
/// "Moscow, May 24 (NationPress) ...", "KYIV, Ukraine (AP) — ...", "LONDON (Reuters) - ...".
pub fn find_dateline(body: &str) -> Option<Dateline> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(?m)^\s*(?P<place>\p{Lu}[\p{L}.'’-]*(?: \p{Lu}[\p{L}.'’-]*){0,3})(?:, (?P<region>\p{Lu}[\p{L}.]*(?: \p{Lu}[\p{L}.]*){0,2}))?(?:,? (?P<date>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(?:, \d{4})?))? \((?P<source>\p{Lu}[\p{L}\p{N} .&'-]{1,39})\)(?:\s*[-–—:]\s*|\s+)\S",
        )
        .expect("valid dateline regex")
    });
    let caps = re.captures(body)?;
    let place = caps.name("place")?.as_str().trim().to_string();
    Some(Dateline {
        place,
        date: caps.name("date").map(|m| m.as_str().to_string()),
        source: caps.name("source").map(|m| m.as_str().trim().to_string()),
    })
}

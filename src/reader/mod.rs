//! Corpus reading: walks folders (walkdir) and turns files into `Article`s, one module
//! per format behind [`read_file`]; opening and decompression are shared
//! ([`decode`]). Each problem is reported with its path (and line or record); one bad
//! file, line or record never stops the others.

pub mod charset;
pub mod csv;
pub mod decode;
pub mod feed;
pub mod fields;
pub mod html;
pub mod json;
pub mod text;
pub mod warc;

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::error::Error;
use crate::lang::{self, Lang};

pub use decode::{Compression, MAX_ARTICLE_BYTES};
pub use fields::{FieldMap, ReadOptions};
pub use json::{parse_json_record, MAX_LINE_BYTES};
pub use text::{find_dateline, parse_text, Dateline};

/// One news article as read from the corpus, before analysis.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Article {
    /// Stable id: the article's own `id`, else its path (plus `#line` in JSON Lines).
    pub id: String,
    pub title: String,
    pub body: String,
    /// The date as written in the source (ISO 8601 for the bundled data).
    pub date: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    /// Place named in a dateline ("Moscow, May 24 (NationPress) ...").
    pub place: Option<String>,
    /// The byline: a page's author, a feed item's authors.
    pub author: Option<String>,
    /// When a web archive captured the page (its WARC-Date), beside the published date.
    pub captured: Option<String>,
    /// The file the article came from, as walked.
    pub path: String,
    /// 1-based line in a JSON Lines file.
    pub line: Option<usize>,
    pub lang: Option<Lang>,
}

impl Article {
    /// The article's language: the one it declared, else detected from its text.
    pub fn detect_lang(&mut self) -> &Lang {
        if self.lang.is_none() {
            self.lang = Some(lang::detect(&self.lang_sample()));
        }
        self.lang.as_ref().expect("set above")
    }

    /// The text language detection looks at: the title and the start of the body.
    fn lang_sample(&self) -> String {
        let end = floor_char_boundary(&self.body, 6000);
        format!("{}.\n{}", self.title, &self.body[..end])
    }
}

/// Sets the language of a batch of articles from one file: declared languages stand;
/// the others are detected, and those the detector is unsure of take the language of
/// their source when its other articles agree (see [`lang::SourcePrior`]).
pub fn assign_languages(batch: &mut [Article], prior: &mut lang::SourcePrior) {
    let mut unsure = Vec::new();
    for (i, a) in batch.iter_mut().enumerate() {
        let source = a.source.as_deref().unwrap_or("");
        match &a.lang {
            Some(l) => prior.observe(source, l),
            None => {
                let d = lang::detect_given(&a.lang_sample(), prior.dominant(source));
                if d.reliable {
                    prior.observe(source, &d.lang);
                } else {
                    unsure.push(i);
                }
                a.lang = Some(d.lang);
            }
        }
    }
    for i in unsure {
        let a = &mut batch[i];
        if let Some(l) = prior.dominant(a.source.as_deref().unwrap_or("")) {
            a.lang = Some(l.clone());
        }
    }
}

/// What kind of file a path is, by its extension (under a compression extension:
/// `a.jsonl.gz` is JSON Lines).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    JsonLines,
    /// Comma-, semicolon- or tab-separated values with a header row.
    Csv,
    /// A saved web page.
    Html,
    /// A web archive (WARC or ARC).
    Warc,
    /// RSS, Atom (and JSON Feed, found inside `.json` files).
    Feed,
}

impl Format {
    pub fn of(path: &Path) -> Option<Format> {
        let inner = Compression::inner(path);
        let ext = inner.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "md" | "markdown" => Some(Format::Text),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            "csv" | "tsv" => Some(Format::Csv),
            "html" | "htm" | "xhtml" | "shtml" => Some(Format::Html),
            "warc" | "arc" => Some(Format::Warc),
            "rss" | "atom" | "xml" | "rdf" => Some(Format::Feed),
            _ => None,
        }
    }

    /// The format's name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::JsonLines => "jsonl",
            Format::Csv => "csv",
            Format::Html => "html",
            Format::Warc => "warc",
            Format::Feed => "feed",
        }
    }
}

/// One entry found by the walk.
#[derive(Debug)]
pub enum Found {
    /// A file Gazette reads.
    Article(PathBuf, Format),
    /// A file of another kind, counted and left alone.
    Skipped(PathBuf),
    /// A path the walk could not read (permission denied, symlink loop, vanished).
    Failed(Error),
}

/// Walks every root (a file or a folder) in a stable order. Follows symlinks but detects
/// loops; hidden files and folders, README/LICENSE files and index folders are not
/// articles.
pub fn walk(roots: &[PathBuf]) -> impl Iterator<Item = Found> + '_ {
    roots.iter().flat_map(|root| {
        WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !(is_hidden(e.file_name()) || is_index(e)))
            .filter_map(move |entry| match entry {
                Err(err) => {
                    let path = err
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| root.clone());
                    let reason = if err.loop_ancestor().is_some() {
                        "symlink loop".to_string()
                    } else if let Some(io) = err.io_error() {
                        io.to_string()
                    } else {
                        err.to_string()
                    };
                    Some(Found::Failed(Error::BadFile { path, reason }))
                }
                Ok(e) if e.file_type().is_dir() => None,
                Ok(e) => {
                    let path = e.into_path();
                    if is_documentation(&path) {
                        return Some(Found::Skipped(path));
                    }
                    Some(match Format::of(&path) {
                        Some(f) => Found::Article(path, f),
                        None => Found::Skipped(path),
                    })
                }
            })
    })
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

/// A tantivy index folder (Gazette's own, kept inside the archive it indexes, or
/// another): its `meta.json` and segment files are no articles, and reading them would
/// fail every job.
fn is_index(e: &walkdir::DirEntry) -> bool {
    e.file_type().is_dir()
        && e.path().join("meta.json").is_file()
        && e.path().join(".managed.json").is_file()
}

/// A corpus folder's own README or LICENSE describes the corpus; it is not news.
fn is_documentation(path: &Path) -> bool {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_ascii_uppercase();
    matches!(
        stem.as_str(),
        "README" | "LICENSE" | "LICENCE" | "NOTICE" | "CHANGELOG"
    )
}

/// What a file held that is not an article, by kind (`request`, `not HTML`, `sitemap`):
/// counted in the index report, not errors.
pub type Skipped = std::collections::BTreeMap<&'static str, usize>;

/// Reads one file and hands each article to `sink`. Returns the problems met: a file
/// that cannot be read at all gives one error; a JSON Lines or CSV file gives one per bad
/// line or record and its good ones are still read.
pub fn read_file(path: &Path, format: Format, sink: &mut dyn FnMut(Article)) -> Vec<Error> {
    read_file_with(
        path,
        format,
        &ReadOptions::default(),
        sink,
        &mut Skipped::new(),
    )
}

/// [`read_file`] with options (`--field`), counting what the file held besides
/// articles in `skipped`.
pub fn read_file_with(
    path: &Path,
    format: Format,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Article),
    skipped: &mut Skipped,
) -> Vec<Error> {
    use decode::read_to_string;
    let one = |r: Result<Article, Error>, sink: &mut dyn FnMut(Article)| match r {
        Ok(article) => {
            sink(article);
            vec![]
        }
        Err(e) => vec![e],
    };
    match format {
        Format::Text => one(
            read_to_string(path).and_then(|t| parse_text(path, &t)),
            sink,
        ),
        Format::Json => match read_to_string(path) {
            Ok(text) if feed::is_json_feed(&text) => {
                match feed::parse_feed(path, text.as_bytes()) {
                    Ok(items) => {
                        items.into_iter().for_each(sink);
                        vec![]
                    }
                    Err(e) => vec![e],
                }
            }
            Ok(text) => one(
                json::parse_json_mapped(path, None, &text, &opts.fields),
                sink,
            ),
            Err(e) => vec![e],
        },
        Format::JsonLines => json::read_json_lines(path, &opts.fields, sink),
        Format::Csv => csv::read_csv(path, &opts.fields, sink),
        Format::Html => one(html::read_page_file(path), sink),
        Format::Warc => warc::read_warc(path, sink, skipped),
        Format::Feed => feed::read_feed(path, sink, skipped),
    }
}

/// An article's id when it has none of its own: its path, and `#line` for a line or
/// record of a collection.
pub(crate) fn path_id(path: &Path, line: Option<usize>) -> String {
    match line {
        Some(l) => format!("{}#{l}", path.display()),
        None => path.display().to_string(),
    }
}

/// A title for an article that has none: its first line, without markdown emphasis,
/// cut at a word boundary to at most `TITLE_CHARS` characters.
pub(crate) fn first_line(body: &str) -> String {
    const TITLE_CHARS: usize = 100;
    let line = body
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let line = line.trim_matches(['*', '_', '#', ' ']);
    if line.chars().count() <= TITLE_CHARS {
        return line.to_string();
    }
    let limit = line
        .char_indices()
        .nth(TITLE_CHARS)
        .map_or(line.len(), |(b, _)| b);
    let cut = line[..limit].rfind(char::is_whitespace).unwrap_or(limit);
    format!(
        "{}…",
        line[..cut].trim_end_matches([',', ';', ':', ' ', '-'])
    )
}

/// The largest char boundary at or below `i` (str::floor_char_boundary is unstable).
pub fn floor_char_boundary(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    let mut i = i;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn dateline_with_date_and_source() {
        let d = find_dateline("Intro.\nMoscow, May 24 (NationPress) On Saturday, Russia").unwrap();
        assert_eq!(d.place, "Moscow");
        assert_eq!(d.date.as_deref(), Some("May 24"));
        assert_eq!(d.source.as_deref(), Some("NationPress"));
    }

    #[test]
    fn dateline_wire_styles() {
        let d = find_dateline("LONDON (Reuters) - Britain said").unwrap();
        assert_eq!(
            (d.place.as_str(), d.source.as_deref()),
            ("LONDON", Some("Reuters"))
        );
        let d = find_dateline("KYIV, Ukraine (AP) — Drones hit").unwrap();
        assert_eq!(d.place, "KYIV");
        assert_eq!(d.source.as_deref(), Some("AP"));
        assert!(find_dateline("He said (quietly) that it rained.").is_none());
    }

    #[test]
    fn text_title_is_first_non_empty_line() {
        let a = parse_text(Path::new("a.md"), "\n\n# Title here\n\nBody line.\n").unwrap();
        assert_eq!(a.title, "Title here");
        assert_eq!(a.body, "Body line.");
        assert_eq!(a.id, "a.md");
        assert!(parse_text(Path::new("e.txt"), " \n\n").is_err());
    }

    #[test]
    fn json_fields_and_aliases() {
        let a = parse_json_record(
            Path::new("x.jsonl"),
            Some(3),
            r#"{"title":"T","text":"B","lang":"ukr","extra":1}"#,
        )
        .unwrap();
        assert_eq!(a.id, "x.jsonl#3");
        assert_eq!(a.body, "B");
        assert_eq!(a.lang.unwrap().code(), "uk");
        let long = format!("{{\"body\":\"**{}**\\nrest\"}}", "Київ ".repeat(30));
        let a = parse_json_record(Path::new("x.jsonl"), Some(1), &long).unwrap();
        assert!(
            a.title.starts_with("Київ Київ") && a.title.ends_with("Київ…"),
            "{}",
            a.title
        );
        assert!(a.title.chars().count() <= 101);
        let e = parse_json_record(Path::new("x.jsonl"), Some(7), r#"{"title": 5}"#).unwrap_err();
        assert!(
            e.to_string().starts_with("x.jsonl:7: invalid article JSON"),
            "{e}"
        );
    }
}

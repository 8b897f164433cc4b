//! Corpus reading: walks folders (walkdir) and turns files into `Article`s, one function
//! per format. Each problem is reported with its path (and line); one bad file or line
//! never stops the others.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;
use walkdir::WalkDir;

use crate::error::Error;
use crate::lang::{self, Lang};

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

/// What kind of file a path is, by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    JsonLines,
}

impl Format {
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "md" | "markdown" => Some(Format::Text),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            _ => None,
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
/// loops; hidden files and folders, and README/LICENSE files, are not articles.
pub fn walk(roots: &[PathBuf]) -> impl Iterator<Item = Found> + '_ {
    roots.iter().flat_map(|root| {
        WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()))
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

/// Reads one file and hands each article to `sink`. Returns the problems met: a file
/// that cannot be read at all gives one error; a JSON Lines file gives one per bad line
/// and its good lines are still read.
pub fn read_file(path: &Path, format: Format, sink: &mut dyn FnMut(Article)) -> Vec<Error> {
    match format {
        Format::Text => match read_to_string(path).and_then(|text| parse_text(path, &text)) {
            Ok(article) => {
                sink(article);
                vec![]
            }
            Err(e) => vec![e],
        },
        Format::Json => {
            match read_to_string(path).and_then(|text| parse_json_record(path, None, &text)) {
                Ok(article) => {
                    sink(article);
                    vec![]
                }
                Err(e) => vec![e],
            }
        }
        Format::JsonLines => read_json_lines(path, sink),
    }
}

/// Largest `.txt`, `.md` or `.json` file read as one article: beyond this it is not an
/// article but a dump, and reading it whole would make memory grow with the input.
pub const MAX_ARTICLE_BYTES: u64 = 32 << 20;
/// Longest JSON Lines line read; longer lines are reported and skipped unbuffered.
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// Reads a whole file as UTF-8. Invalid UTF-8 is decoded lossily (U+FFFD) rather than
/// losing the article; a file with NUL bytes is binary and refused, and so is one too
/// large to be an article.
fn read_to_string(path: &Path) -> Result<String, Error> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let size = file.metadata().map_err(|e| Error::io(path, e))?.len();
    if size > MAX_ARTICLE_BYTES {
        return Err(Error::BadFile {
            path: path.to_path_buf(),
            reason: format!(
                "{:.0} MB is too large for one article (limit {} MB); use JSON Lines for collections",
                size as f64 / 1e6,
                MAX_ARTICLE_BYTES >> 20
            ),
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_ARTICLE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.contains(&0) {
        return Err(Error::BadFile {
            path: path.to_path_buf(),
            reason: "binary file (contains NUL bytes), not an article".into(),
        });
    }
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Streams a JSON Lines file line by line, so memory does not grow with the file; a line
/// longer than [`MAX_LINE_BYTES`] is reported and skipped without being held.
fn read_json_lines(path: &Path, sink: &mut dyn FnMut(Article)) -> Vec<Error> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return vec![Error::io(path, e)],
    };
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut errors = Vec::new();
    let mut buf = Vec::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        let (mut read_any, mut too_long, mut eof) = (false, false, false);
        loop {
            let available = match reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    errors.push(Error::io(path, e));
                    return errors;
                }
            };
            if available.is_empty() {
                eof = true;
                break;
            }
            read_any = true;
            let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (&available[..i], i + 1),
                None => (available, available.len()),
            };
            if !too_long {
                if buf.len() + chunk.len() > MAX_LINE_BYTES {
                    too_long = true;
                    buf = Vec::new();
                } else {
                    buf.extend_from_slice(chunk);
                }
            }
            let line_done = done > chunk.len();
            reader.consume(done);
            if line_done {
                break;
            }
        }
        if !read_any && eof {
            break;
        }
        line_no += 1;
        if too_long {
            errors.push(Error::Parse {
                path: path.to_path_buf(),
                line: line_no,
                reason: format!("line longer than {} MB, skipped", MAX_LINE_BYTES >> 20),
            });
            continue;
        }
        // Valid UTF-8 (nearly every line) is checked by the fast validator and borrowed;
        // only a line with invalid bytes is decoded with U+FFFD.
        let line = match std::str::from_utf8(&buf) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(&buf),
        };
        let line = line.trim();
        if !line.is_empty() {
            match parse_json_record(path, Some(line_no), line) {
                Ok(a) => sink(a),
                Err(e) => errors.push(e),
            }
        }
        if eof {
            break;
        }
    }
    errors
}

/// The fields Gazette reads from a JSON article; others are ignored.
#[derive(Deserialize)]
struct JsonArticle {
    #[serde(default)]
    id: Option<JsonId>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default, alias = "text", alias = "content")]
    body: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum JsonId {
    Text(String),
    Number(i64),
}

/// Parses one JSON article (a `.json` file, or line `line` of a JSON Lines file).
pub fn parse_json_record(path: &Path, line: Option<usize>, text: &str) -> Result<Article, Error> {
    // serde would also read a struct from an array (["id", "title"]): an article is an
    // object.
    if !text.trim_start().starts_with('{') {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: line.unwrap_or(1),
            reason: "invalid article JSON: expected an object {...}".into(),
        });
    }
    let rec: JsonArticle = serde_json::from_str(text).map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        line: line.unwrap_or(e.line()),
        reason: format!("invalid article JSON: {e}"),
    })?;
    let body = rec.body.unwrap_or_default();
    let title = match rec.title.filter(|t| !t.trim().is_empty()) {
        Some(t) => t.trim().to_string(),
        None => first_line(&body),
    };
    if title.is_empty() && body.trim().is_empty() {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: line.unwrap_or(1),
            reason: "article has neither title nor body".into(),
        });
    }
    let id = match rec.id {
        Some(JsonId::Text(s)) if !s.trim().is_empty() => s,
        Some(JsonId::Number(n)) => n.to_string(),
        _ => path_id(path, line),
    };
    Ok(Article {
        id,
        title,
        body,
        date: rec.date.filter(|s| !s.trim().is_empty()),
        source: rec.source.filter(|s| !s.trim().is_empty()),
        url: rec.url.filter(|s| !s.trim().is_empty()),
        place: None,
        path: path.display().to_string(),
        line,
        lang: rec
            .lang
            .filter(|s| !s.trim().is_empty())
            .map(|l| Lang::from_code(&l)),
    })
}

fn path_id(path: &Path, line: Option<usize>) -> String {
    match line {
        Some(l) => format!("{}#{l}", path.display()),
        None => path.display().to_string(),
    }
}

/// A title for an article that has none: its first line, without markdown emphasis,
/// cut at a word boundary to at most `TITLE_CHARS` characters.
fn first_line(body: &str) -> String {
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

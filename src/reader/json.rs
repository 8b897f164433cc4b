//! JSON articles: one object per `.json` file, or one per line of a JSON Lines file
//! (streamed). Field names and their common synonyms: see [`JsonArticle`].

use std::io::BufRead;
use std::path::Path;

use serde::Deserialize;

use super::decode::open;
use super::fields::FieldMap;
use super::{first_line, path_id, Article};
use crate::error::Error;
use crate::lang::Lang;

/// Longest JSON Lines line read; longer lines are reported and skipped unbuffered.
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// Streams a JSON Lines file line by line, so memory does not grow with the file; a line
/// longer than [`MAX_LINE_BYTES`] is reported and skipped without being held.
pub fn read_json_lines(
    path: &Path,
    fields: &FieldMap,
    sink: &mut dyn FnMut(Article),
) -> Vec<Error> {
    let mut reader = match open(path) {
        Ok(r) => r,
        Err(e) => return vec![e],
    };
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
            match parse_json_mapped(path, Some(line_no), line, fields) {
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
    /// A string, a list of them, or `{"name": …}` objects: dumps write all three, and
    /// an odd byline must not cost the article.
    #[serde(default, alias = "byline", alias = "authors")]
    author: Option<serde_json::Value>,
}

/// A byline from the shapes JSON dumps give it.
fn byline_of(v: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    let name = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Array(items) => items
            .iter()
            .filter_map(byline_of)
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(o) => o.get("name").and_then(byline_of).unwrap_or_default(),
        _ => String::new(),
    };
    (!name.is_empty()).then_some(name)
}

#[derive(Deserialize)]
#[serde(untagged)]
enum JsonId {
    Text(String),
    Number(i64),
}

/// The keys serde reads each field from besides its own name (see [`JsonArticle`]):
/// dropped when `--field` maps the field elsewhere, so that they do not compete.
const ALIASES: &[(&str, &[&str])] = &[
    ("body", &["text", "content"]),
    ("author", &["byline", "authors"]),
];

/// [`parse_json_record`] with the keys `--field` names read as the fields they map to.
pub fn parse_json_mapped(
    path: &Path,
    line: Option<usize>,
    text: &str,
    fields: &FieldMap,
) -> Result<Article, Error> {
    if fields.is_empty() {
        return parse_json_record(path, line, text);
    }
    let bad = |e: serde_json::Error| Error::Parse {
        path: path.to_path_buf(),
        line: line.unwrap_or(e.line()),
        reason: format!("invalid article JSON: {e}"),
    };
    let mut value: serde_json::Value = serde_json::from_str(text).map_err(bad)?;
    if let Some(obj) = value.as_object_mut() {
        for (field, keys) in fields.iter() {
            if let Some(v) = keys.iter().find_map(|k| obj.remove(k)) {
                for alias in ALIASES
                    .iter()
                    .filter(|(f, _)| *f == field)
                    .flat_map(|(_, a)| *a)
                {
                    obj.remove(*alias);
                }
                obj.insert(field.to_string(), v);
            }
        }
    }
    parse_json_record(path, line, &value.to_string())
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
        author: rec.author.as_ref().and_then(byline_of),
        captured: None,
        place: None,
        path: path.display().to_string(),
        line,
        lang: rec
            .lang
            .filter(|s| !s.trim().is_empty())
            .map(|l| Lang::from_code(&l)),
    })
}

//! CSV and TSV exports (a CMS's, a newsroom database's): one article per record, fields
//! found by their header names and the usual synonyms (`headline`, `published_at`,
//! `publisher`, …). The delimiter (`,`, `;`, tab) is read off the header line; a BOM
//! and CRLF line ends are fine; quoted fields may hold line breaks. A bad record is
//! reported as `path:line` and the others are read.

use std::io::{BufRead, Read};
use std::path::Path;

use super::decode::{open, text_of};
use super::fields::FieldMap;
use super::{first_line, path_id, Article};
use crate::error::Error;
use crate::lang::Lang;

/// The header names each field is read from, in order of preference (compared
/// lower-cased, with spaces and dashes as underscores).
const FIELDS: &[(Field, &[&str])] = &[
    (
        Field::Id,
        &["id", "guid", "uuid", "article_id", "doc_id", "story_id"],
    ),
    (
        Field::Title,
        &["title", "headline", "heading", "header", "subject"],
    ),
    (
        Field::Body,
        &[
            "body",
            "text",
            "content",
            "article",
            "article_text",
            "article_body",
            "story",
            "full_text",
            "description",
            "summary",
        ],
    ),
    (
        Field::Date,
        &[
            "date",
            "published",
            "published_at",
            "publish_date",
            "publication_date",
            "pubdate",
            "datetime",
            "timestamp",
            "time",
            "created_at",
            "date_published",
        ],
    ),
    (
        Field::Source,
        &[
            "source",
            "publisher",
            "outlet",
            "site",
            "site_name",
            "publication",
            "media",
            "domain",
        ],
    ),
    (
        Field::Url,
        &["url", "link", "href", "permalink", "canonical_url"],
    ),
    (Field::Lang, &["lang", "language", "locale"]),
    (
        Field::Author,
        &["author", "authors", "byline", "creator", "writer", "by"],
    ),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Author,
    Id,
    Title,
    Body,
    Date,
    Source,
    Url,
    Lang,
}

impl Field {
    /// The field's name in `--field`.
    fn name(self) -> &'static str {
        match self {
            Field::Author => "author",
            Field::Id => "id",
            Field::Title => "title",
            Field::Body => "body",
            Field::Date => "date",
            Field::Source => "source",
            Field::Url => "url",
            Field::Lang => "lang",
        }
    }
}

/// Reads a CSV or TSV file, streamed.
pub fn read_csv(path: &Path, fields: &FieldMap, sink: &mut dyn FnMut(Article)) -> Vec<Error> {
    let mut input = match open(path) {
        Ok(r) => r,
        Err(e) => return vec![e],
    };
    // The header line decides the delimiter; it is handed back to the parser.
    let mut header = Vec::new();
    if let Err(e) = input.read_until(b'\n', &mut header) {
        return vec![Error::io(path, e)];
    }
    let header_text = text_of(header.clone());
    let delimiter = sniff_delimiter(&header_text);
    let bom = header.starts_with(b"\xef\xbb\xbf");
    let start: &[u8] = if bom { &header[3..] } else { &header };
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(start.chain(input));
    let columns: Vec<(usize, Field)> = match reader.headers() {
        Ok(h) => columns_of(h, fields),
        Err(e) => {
            return vec![Error::Parse {
                path: path.to_path_buf(),
                line: 1,
                reason: format!("unreadable CSV header: {e}"),
            }]
        }
    };
    if !columns
        .iter()
        .any(|(_, f)| matches!(f, Field::Title | Field::Body))
    {
        return vec![Error::Parse {
            path: path.to_path_buf(),
            line: 1,
            reason: format!(
                "no title or body column in the header ({}); name one `title` or `body` (or `headline`, `text`, `content`…), or map one with --field title=COLUMN",
                header_text.trim()
            ),
        }];
    }
    let mut errors = Vec::new();
    let mut record = ::csv::ByteRecord::new();
    // The parser counts the lines between records, not those inside quoted fields:
    // those are added here, so that a record's line is the file's.
    let mut inside = 0usize;
    let mut last_line = 1;
    loop {
        let line = reader.position().line() as usize + inside;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line() as usize + inside);
                errors.push(Error::Parse {
                    path: path.to_path_buf(),
                    line,
                    reason: format!("bad CSV record: {e}"),
                });
                if matches!(e.kind(), ::csv::ErrorKind::Io(_)) {
                    // A broken stream (a truncated .gz): what came before is kept.
                    break;
                }
                continue;
            }
        }
        // After a CRLF header the parser places the first record on the header's line
        // (at its `\n`): records never share a line.
        let line = record
            .position()
            .map_or(line, |p| p.line() as usize + inside)
            .max(last_line + 1);
        last_line = line;
        inside += record
            .iter()
            .map(|f| f.iter().filter(|&&b| b == b'\n').count())
            .sum::<usize>();
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        match article_of(path, line, &columns, &record) {
            Ok(a) => sink(a),
            Err(e) => errors.push(e),
        }
    }
    errors
}

/// The delimiter the header line uses most: `,`, `;` or tab.
fn sniff_delimiter(header: &str) -> u8 {
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&d| header.bytes().filter(|&b| b == d).count())
        .filter(|&d| header.bytes().any(|b| b == d))
        .unwrap_or(b',')
}

/// Which column holds which field: for each field the column `--field` maps it to, else
/// the first synonym present.
fn columns_of(header: &::csv::StringRecord, fields: &FieldMap) -> Vec<(usize, Field)> {
    let norm = |h: &str| {
        h.trim()
            .trim_start_matches('\u{feff}')
            .to_lowercase()
            .replace([' ', '-'], "_")
    };
    let names: Vec<String> = header.iter().map(norm).collect();
    let mut out = Vec::new();
    for (field, synonyms) in FIELDS {
        let mapped = fields
            .get(field.name())
            .find_map(|m| names.iter().position(|n| *n == norm(m)));
        if let Some(i) = mapped.or_else(|| {
            synonyms
                .iter()
                .find_map(|s| names.iter().position(|n| n == s))
        }) {
            out.push((i, *field));
        }
    }
    out
}

fn article_of(
    path: &Path,
    line: usize,
    columns: &[(usize, Field)],
    record: &::csv::ByteRecord,
) -> Result<Article, Error> {
    let get = |field: Field| -> Option<String> {
        let (i, _) = columns.iter().find(|(_, f)| *f == field)?;
        let bytes = record.get(*i)?;
        let text = text_of(bytes.to_vec());
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_string())
    };
    let body = get(Field::Body).unwrap_or_default();
    let title = get(Field::Title).unwrap_or_else(|| first_line(&body));
    if title.is_empty() && body.is_empty() {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line,
            reason: "record has neither title nor body".into(),
        });
    }
    Ok(Article {
        id: get(Field::Id).unwrap_or_else(|| path_id(path, Some(line))),
        title,
        body,
        date: get(Field::Date),
        source: get(Field::Source),
        url: get(Field::Url),
        author: get(Field::Author),
        captured: None,
        place: None,
        path: path.display().to_string(),
        line: Some(line),
        lang: get(Field::Lang).map(|l| Lang::from_code(&l)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str, bytes: &[u8]) -> (Vec<Article>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let mut out = Vec::new();
        let errors = read_csv(&path, &FieldMap::default(), &mut |a| out.push(a));
        let errors = errors
            .iter()
            .map(|e| e.to_string().replace(&*dir.path().to_string_lossy(), ""))
            .collect();
        (out, errors)
    }

    #[test]
    fn synonyms_bom_crlf_semicolons_and_quoted_breaks() {
        let (a, e) = read(
            "cms.csv",
            "\u{feff}Headline;Article Text;Published_At;Publisher;Link\r\n\
             Strikes on Kyiv;\"Drones hit\r\nthe city.\";2024-11-17;Wire;https://x/1\r\n\
             Second;Body two;;;\r\n"
                .as_bytes(),
        );
        assert_eq!(e, Vec::<String>::new());
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].title, "Strikes on Kyiv");
        assert_eq!(a[0].body, "Drones hit\r\nthe city.");
        assert_eq!(a[0].date.as_deref(), Some("2024-11-17"));
        assert_eq!(a[0].source.as_deref(), Some("Wire"));
        assert_eq!(a[0].url.as_deref(), Some("https://x/1"));
        assert_eq!(a[0].id, format!("{}#2", a[0].path));
        assert_eq!(a[1].id, format!("{}#4", a[1].path));
        assert_eq!(a[1].date, None);
    }

    #[test]
    fn tabs_and_bad_records() {
        let (a, e) = read(
            "x.tsv",
            b"id\ttitle\ttext\n7\tOne\tBody\n8\t\t\n9\tThree\tB3\n",
        );
        assert_eq!(
            a.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
            ["7", "9"]
        );
        assert_eq!(e, ["/x.tsv:3: record has neither title nor body"]);
        let (_, e) = read("y.csv", b"foo,bar\n1,2\n");
        assert!(e[0].contains("/y.csv:1: no title or body column"), "{e:?}");
    }
}

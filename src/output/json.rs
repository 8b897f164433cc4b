//! JSON Lines output: one `passage` record per passage, then one `summary` record. The
//! wire structs below are the documented format (README, "JSON output"); they borrow
//! from the domain types and are serialize-only.

use std::io::{self, Write};
use std::sync::Arc;

use serde::Serialize;

use super::Printer;
use crate::analysis::AliasTable;
use crate::passage::Mark;
use crate::search::{ArticleMeta, Hit, SearchResults};

#[derive(Serialize)]
struct PassageRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    rank: usize,
    score: f32,
    article: ArticleRecord<'a>,
    #[serde(flatten)]
    span: SpanRecord<'a>,
    similar: Vec<ArticleRecord<'a>>,
    same_story_as: Option<&'a str>,
    /// `gazette batch`: the entry that found the passage, and the spellings its
    /// matches have in the text (`Kiev` for the entry `Kyiv`).
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    spellings: Option<Vec<&'a str>>,
}

/// A passage's text and marks, in passage and alert records.
#[derive(Serialize)]
struct SpanRecord<'a> {
    /// `body` or `title`: the field `text`, `start` and `end` refer to.
    field: &'static str,
    text: &'a str,
    start: usize,
    end: usize,
    matches: Vec<MatchRecord<'a>>,
    entities: Vec<EntityRecord<'a>>,
}

impl<'a> SpanRecord<'a> {
    fn of(table: &'a AliasTable, hit: &'a Hit) -> Self {
        SpanRecord {
            field: hit.field.as_str(),
            text: &hit.text,
            start: hit.start,
            end: hit.end,
            matches: match_records(hit),
            entities: entity_records(table, hit),
        }
    }
}

#[derive(Serialize)]
struct ArticleRecord<'a> {
    id: &'a str,
    title: &'a str,
    date: Option<&'a str>,
    source: Option<&'a str>,
    lang: &'a str,
    path: &'a str,
    url: Option<&'a str>,
    /// Present when the source names it (pages, feeds).
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    /// Present for web archive captures.
    #[serde(skip_serializing_if = "Option::is_none")]
    captured: Option<&'a str>,
}

impl<'a> ArticleRecord<'a> {
    fn of(a: &'a ArticleMeta) -> Self {
        ArticleRecord {
            id: &a.id,
            title: &a.title,
            date: a.date.as_deref(),
            source: a.source.as_deref(),
            lang: a.lang.code(),
            path: &a.path,
            url: a.url.as_deref(),
            author: a.author.as_deref(),
            captured: a.captured.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct MatchRecord<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity: Option<&'a str>,
}

/// An entity mark: from the alias table (`source` "table", with its `id` and display
/// `name`) or recognised (`source` "recognised", with its `key`).
#[derive(Serialize)]
struct EntityRecord<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    kind: &'static str,
    source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a str>,
}

#[derive(Serialize)]
struct SummaryRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    query: &'a str,
    hits: usize,
    passages: usize,
    elapsed_ms: f64,
    /// Corrected queries that find more (a query word the index does not hold).
    suggestions: Vec<SuggestionRecord<'a>>,
}

#[derive(Serialize)]
struct SuggestionRecord<'a> {
    query: &'a str,
    hits: usize,
}

/// Writes JSON Lines to any writer.
pub struct JsonPrinter<W> {
    out: W,
    table: Arc<AliasTable>,
    /// The batch entry the passages printed next belong to.
    label: Option<String>,
}

impl<W: Write> JsonPrinter<W> {
    pub fn new(out: W, table: Arc<AliasTable>) -> Self {
        JsonPrinter {
            out,
            table,
            label: None,
        }
    }

    /// Marks the passages printed from now on as found by batch entry `label`.
    pub fn set_label(&mut self, label: Option<String>) {
        self.label = label;
    }

    /// Writes any record (a batch `entry` record) as one line.
    pub fn record<T: Serialize>(&mut self, record: &T) -> io::Result<()> {
        self.line(record)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn line<T: Serialize>(&mut self, record: &T) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, record)?;
        self.out.write_all(b"\n")
    }
}

impl<W: Write> Printer for JsonPrinter<W> {
    fn hit(&mut self, hit: &Hit) -> io::Result<()> {
        let a = &hit.article;
        let table = self.table.clone();
        let record = PassageRecord {
            kind: "passage",
            rank: hit.rank,
            score: hit.score,
            article: ArticleRecord::of(a),
            span: SpanRecord::of(&table, hit),
            similar: hit.similar.iter().map(|a| ArticleRecord::of(a)).collect(),
            same_story_as: hit.same_story_as.as_ref().map(|a| a.id.as_str()),
            label: self.label.as_deref(),
            spellings: self.label.as_ref().map(|_| spellings(hit)),
        };
        // Fields, not `self.line`: the record borrows the label.
        serde_json::to_writer(&mut self.out, &record)?;
        self.out.write_all(b"\n")
    }

    fn summary(&mut self, query: &str, results: &SearchResults) -> io::Result<()> {
        let record = SummaryRecord {
            kind: "summary",
            query,
            hits: results.total_articles,
            passages: results.hits.len(),
            elapsed_ms: (results.elapsed.as_secs_f64() * 1e3 * 1000.0).round() / 1000.0,
            suggestions: results
                .suggestions
                .iter()
                .map(|s| SuggestionRecord {
                    query: &s.query,
                    hits: s.hits,
                })
                .collect(),
        };
        self.line(&record)?;
        self.out.flush()
    }
}

fn match_records(hit: &Hit) -> Vec<MatchRecord<'_>> {
    hit.matches
        .iter()
        .map(|m| MatchRecord {
            start: m.start,
            end: m.end,
            text: &hit.text[m.start..m.end],
            entity: m.entity.as_deref(),
        })
        .collect()
}

fn entity_records<'a>(table: &'a AliasTable, hit: &'a Hit) -> Vec<EntityRecord<'a>> {
    hit.entities
        .iter()
        .filter_map(|m| entity_record(table, &hit.text, m))
        .collect()
}

/// The spellings a passage's matches have in the text, each once.
fn spellings(hit: &Hit) -> Vec<&str> {
    let mut seen: Vec<&str> = Vec::new();
    for m in &hit.matches {
        let t = &hit.text[m.start..m.end];
        if !seen.contains(&t) {
            seen.push(t);
        }
    }
    seen
}

/// `gazette alerts --json`: one record per article and watch.
#[derive(Serialize)]
struct AlertRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    watch: &'a str,
    /// `new`, or `changed` (an article the index held, edited since).
    change: &'static str,
    job: u64,
    article: ArticleRecord<'a>,
    passages: Vec<AlertPassageRecord<'a>>,
}

#[derive(Serialize)]
struct AlertPassageRecord<'a> {
    rank: usize,
    score: f32,
    #[serde(flatten)]
    span: SpanRecord<'a>,
    spellings: Vec<&'a str>,
}

/// Writes one `alert` record.
pub fn write_alert<W: Write>(
    out: &mut W,
    table: &AliasTable,
    alert: &crate::watch::alerts::Alert,
) -> io::Result<()> {
    let record = AlertRecord {
        kind: "alert",
        watch: &alert.watch,
        change: alert.change.as_str(),
        job: alert.job,
        article: ArticleRecord::of(&alert.article),
        passages: alert
            .passages
            .iter()
            .map(|h| AlertPassageRecord {
                rank: h.rank,
                score: h.score,
                span: SpanRecord::of(table, h),
                spellings: spellings(h),
            })
            .collect(),
    };
    serde_json::to_writer(&mut *out, &record)?;
    out.write_all(b"\n")
}

fn entity_record<'a>(
    table: &'a AliasTable,
    text: &'a str,
    m: &'a Mark,
) -> Option<EntityRecord<'a>> {
    let span = &text[m.start..m.end];
    if let Some(n) = &m.name {
        return Some(EntityRecord {
            start: m.start,
            end: m.end,
            text: span,
            kind: n.kind.as_str(),
            source: "recognised",
            id: None,
            name: None,
            key: Some(&n.key),
        });
    }
    let e = table.entity(m.entity.as_deref()?)?;
    Some(EntityRecord {
        start: m.start,
        end: m.end,
        text: span,
        kind: e.kind.as_str(),
        source: "table",
        id: Some(&e.id),
        name: Some(&e.name),
        key: None,
    })
}

/// `gazette show --json`: one `article` record, the body whole, the entity marks of
/// title and body (offsets into each field).
#[derive(Serialize)]
struct ShownRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    article: ArticleRecord<'a>,
    body: &'a str,
    title_entities: Vec<EntityRecord<'a>>,
    entities: Vec<EntityRecord<'a>>,
}

/// Writes one shown article as a JSON line.
pub fn write_article(
    out: &mut dyn Write,
    table: &AliasTable,
    shown: &crate::show::Shown,
) -> io::Result<()> {
    let record = ShownRecord {
        kind: "article",
        article: ArticleRecord::of(&shown.meta),
        body: &shown.body,
        title_entities: shown
            .title_entities
            .iter()
            .filter_map(|m| entity_record(table, &shown.meta.title, m))
            .collect(),
        entities: shown
            .body_entities
            .iter()
            .filter_map(|m| entity_record(table, &shown.body, m))
            .collect(),
    };
    serde_json::to_writer(&mut *out, &record)?;
    writeln!(out)?;
    out.flush()
}

/// A count's bucket (`gazette count --json`).
#[derive(Serialize)]
struct BucketRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    /// Dimension name → value (`null`: undated, no source).
    key: serde_json::Map<String, serde_json::Value>,
    articles: u64,
    share: f64,
    /// The entity of an `entity` key.
    #[serde(skip_serializing_if = "Option::is_none")]
    entity: Option<CountEntityRecord<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    background: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lift: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    llr: Option<f64>,
}

#[derive(Serialize)]
struct CountEntityRecord<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    source: &'static str,
}

/// One spelling's bucket (`gazette spellings --json`).
#[derive(Serialize)]
struct SpellingRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    entity: &'a str,
    spelling: Option<&'a str>,
    key: serde_json::Map<String, serde_json::Value>,
    articles: u64,
    share: f64,
}

#[derive(Serialize)]
struct CountSummaryRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    query: &'a str,
    by: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity: Option<&'a str>,
    articles: u64,
    index_articles: u64,
    buckets: usize,
    more: usize,
    elapsed_ms: f64,
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

fn key_map(parts: &[crate::analytics::KeyPart]) -> serde_json::Map<String, serde_json::Value> {
    parts
        .iter()
        .map(|k| {
            (
                k.dim.as_str().to_string(),
                k.value
                    .as_ref()
                    .map_or(serde_json::Value::Null, |v| v.clone().into()),
            )
        })
        .collect()
}

/// Writes a count as JSON Lines: one `bucket` record per bucket, then a `summary`.
pub fn write_counts<W: Write>(
    out: &mut W,
    query: &str,
    r: &crate::analytics::CountResult,
) -> io::Result<()> {
    for b in &r.buckets {
        let entity = b
            .key
            .iter()
            .find(|k| k.dim == crate::analytics::Dim::Entity)
            .and_then(|k| k.entity.as_ref())
            .map(|e| CountEntityRecord {
                id: &e.id,
                name: &e.name,
                kind: e.kind.as_str(),
                source: e.source,
            });
        let rec = BucketRecord {
            kind: "bucket",
            key: key_map(&b.key),
            articles: b.articles,
            share: round(b.share, 6),
            entity,
            background: b.association.map(|a| a.background),
            lift: b.association.map(|a| round(a.lift, 4)),
            llr: b.association.map(|a| round(a.llr, 4)),
        };
        serde_json::to_writer(&mut *out, &rec)?;
        writeln!(out)?;
    }
    summary_line(out, query, r, None)
}

fn summary_line<W: Write>(
    out: &mut W,
    query: &str,
    r: &crate::analytics::CountResult,
    entity: Option<&str>,
) -> io::Result<()> {
    let rec = CountSummaryRecord {
        kind: "summary",
        query,
        by: r.dims.iter().map(|d| d.as_str()).collect(),
        entity,
        articles: r.articles,
        index_articles: r.index_articles,
        buckets: r.buckets.len(),
        more: r.more,
        elapsed_ms: round(r.elapsed.as_secs_f64() * 1e3, 3),
    };
    serde_json::to_writer(&mut *out, &rec)?;
    writeln!(out)?;
    out.flush()
}

/// Writes a spelling count as JSON Lines: one `spelling` record per bucket (the key
/// holds the `--by` dimension, if any), then a `summary`.
pub fn write_spellings<W: Write>(
    out: &mut W,
    query: &str,
    s: &crate::analytics::SpellingResult,
) -> io::Result<()> {
    for b in &s.count.buckets {
        let rec = SpellingRecord {
            kind: "spelling",
            entity: &s.entity.id,
            spelling: b.key[0].value.as_deref(),
            key: key_map(&b.key[1..]),
            articles: b.articles,
            share: round(b.share, 6),
        };
        serde_json::to_writer(&mut *out, &rec)?;
        writeln!(out)?;
    }
    summary_line(out, query, &s.count, Some(&s.entity.id))
}

/// Writes one exported article (`gazette export`): a `{"type":"article", …}` record with
/// the fields asked for, in their order.
pub fn write_exported<W: Write>(
    out: &mut W,
    a: &crate::export::Exported,
    fields: &[String],
) -> io::Result<()> {
    use serde_json::Value;
    let mut rec = serde_json::Map::new();
    rec.insert("type".into(), "article".into());
    let opt = |v: &Option<String>| v.as_ref().map_or(Value::Null, |s| s.clone().into());
    for f in fields {
        let v: Value = match f.as_str() {
            "id" => a.meta.id.clone().into(),
            "title" => a.meta.title.clone().into(),
            "date" => opt(&a.meta.date),
            "source" => opt(&a.meta.source),
            "lang" => a.meta.lang.code().into(),
            "url" => opt(&a.meta.url),
            "author" => opt(&a.meta.author),
            "captured" => opt(&a.meta.captured),
            "path" => a.meta.path.clone().into(),
            "passage" => opt(&a.passage),
            "body" => opt(&a.body),
            "entities" => a
                .entities
                .iter()
                .map(|e| {
                    serde_json::json!({"id": e.id, "name": e.name, "kind": e.kind.as_str(), "source": e.source})
                })
                .collect::<Vec<_>>()
                .into(),
            _ => continue,
        };
        rec.insert(f.clone(), v);
    }
    serde_json::to_writer(&mut *out, &rec)?;
    writeln!(out)
}

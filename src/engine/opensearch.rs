//! OpenSearch (and Elasticsearch): one index per language group (`indices/gazette-GROUP.json`:
//! settings and mappings), an alias `gazette` over them (`aliases.json`), and the articles
//! as `_bulk` NDJSON files of bounded size (`bulk/NNNN.ndjson`). The analyzers contract
//! every spelling and case form of a table entity to its term with synonym rules, at
//! index time (`synonym`) and at query time (`synonym_graph`), protect that term from
//! the stemmer, stem per language, and give title and body an `exact` sub-field that
//! keeps the spelling as written (lower case only).

use std::collections::BTreeSet;
use std::io::Write as _;

use serde_json::{json, Value};

use super::{EngineOptions, Row, Written};
use crate::error::{Error, Result};
use crate::index::GazetteIndex;

/// Where the name rules are, relative to each node's config folder (hundreds of
/// thousands of rules are too many to hold in index settings).
pub const SYNONYMS: &str = "analysis/gazette-synonyms.txt";

/// The stemmer each language group gets (OpenSearch's `stemmer` filter names).
fn stemmer(group: &str) -> Option<&'static str> {
    Some(match group {
        "ar" => "arabic",
        "da" => "danish",
        "de" => "light_german",
        "el" => "greek",
        "en" => "english",
        "es" => "light_spanish",
        "fi" => "light_finnish",
        "fr" => "light_french",
        "hu" => "light_hungarian",
        "it" => "light_italian",
        "nl" => "dutch",
        "no" | "nb" => "norwegian",
        "pt" => "light_portuguese",
        "ro" => "romanian",
        "ru" => "russian",
        "sv" => "swedish",
        "tr" => "turkish",
        _ => return None,
    })
}

/// The settings and mappings of the index for one language group.
pub fn index_body(group: &str) -> Value {
    let mut index_filters = vec!["lowercase", "asciifolding", "gazette_names"];
    let mut search_filters = vec!["lowercase", "asciifolding", "gazette_names_query"];
    for f in [&mut index_filters, &mut search_filters] {
        f.push("gazette_entity_terms");
        if stemmer(group).is_some() {
            f.push("gazette_stem");
        }
    }
    let mut filters = json!({
        "gazette_names": {"type": "synonym", "synonyms_path": SYNONYMS},
        "gazette_names_query": {"type": "synonym_graph", "synonyms_path": SYNONYMS},
        "gazette_entity_terms": {"type": "keyword_marker", "keywords_pattern": "ent_.*"}
    });
    if let Some(s) = stemmer(group) {
        filters["gazette_stem"] = json!({"type": "stemmer", "language": s});
    }
    let text = json!({
        "type": "text",
        "analyzer": "gazette",
        "search_analyzer": "gazette_query",
        "fields": {"exact": {"type": "text", "analyzer": "gazette_exact"}}
    });
    json!({
        "settings": {
            "analysis": {
                "char_filter": {"gazette_yo": {"type": "mapping", "mappings": ["ё => е", "Ё => Е", "’ => '", "ʼ => '"]}},
                "filter": filters,
                "analyzer": {
                    "gazette": {"tokenizer": "standard", "char_filter": ["gazette_yo"], "filter": index_filters},
                    "gazette_query": {"tokenizer": "standard", "char_filter": ["gazette_yo"], "filter": search_filters},
                    "gazette_exact": {"tokenizer": "standard", "filter": ["lowercase"]}
                }
            }
        },
        "mappings": {
            "properties": {
                "title": text,
                "body": text,
                "article_id": {"type": "keyword"},
                "date": {"type": "date", "format": "strict_date_optional_time||epoch_second"},
                "source": {"type": "keyword"},
                "lang": {"type": "keyword"},
                "url": {"type": "keyword", "index": false},
                "entities": {"type": "keyword"},
                "entity_ids": {"type": "keyword"},
                "story": {"type": "keyword", "index": false}
            }
        }
    })
}

/// Writes the export for OpenSearch into `opts.dir`.
pub fn export(gi: &GazetteIndex, opts: &EngineOptions) -> Result<Written> {
    let dir = super::prepare_dir(&opts.dir)?;
    let mut written = Written::default();
    let synonyms: Vec<String> = {
        let rules = super::name_rules(&gi.table, Some(&super::Present::read(gi)?));
        let mut by_term: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for r in rules {
            by_term
                .entry(super::entity_term(&r.id))
                .or_default()
                .push(r.words.join(" "));
        }
        by_term
            .into_iter()
            .map(|(term, forms)| {
                written.rules += forms.len();
                format!("{} => {term}", forms.join(", "))
            })
            .collect()
    };
    let mut text = String::from(
        "# Every spelling and case form of every table entity, contracted to its term.\n",
    );
    for line in &synonyms {
        text.push_str(line);
        text.push('\n');
    }
    let path = dir.join(SYNONYMS);
    super::write(&path, text)?;
    written.files.push(path);
    let bulk_dir = dir.join("bulk");
    std::fs::create_dir_all(&bulk_dir).map_err(|e| Error::io(&bulk_dir, e))?;
    let limit = opts.bulk_bytes.max(1_000);
    let prefix = if opts.since_last { "since-last-" } else { "" };
    let mut part = 0usize;
    let mut size = 0usize;
    let mut out: Option<(std::path::PathBuf, std::io::BufWriter<std::fs::File>)> = None;
    let mut groups: BTreeSet<&'static str> = BTreeSet::new();
    written.articles = super::rows(gi, opts, &mut |row: Row| {
        groups.insert(row.group);
        let a = &row.exported;
        let action =
            json!({"index": {"_index": format!("gazette-{}", row.group), "_id": a.meta.id}});
        let doc = json!({
            "title": a.meta.title,
            "body": a.body,
            "article_id": a.meta.id,
            "date": a.meta.date.as_deref().and_then(crate::index::parse_date).map(|d| d.into_timestamp_secs()),
            "source": a.meta.source,
            "lang": a.meta.lang.code(),
            "url": a.meta.url,
            "entities": a.entities.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            "entity_ids": a.entities.iter().filter(|e| e.source == "table").map(|e| e.id.as_str()).collect::<Vec<_>>(),
            "story": a.story.as_deref().map(|s| s.iter().map(|b| format!("{b:02x}")).collect::<String>()),
        });
        let lines = format!("{action}\n{doc}\n");
        if out.is_none() || size + lines.len() > limit {
            if let Some((path, mut w)) = out.take() {
                w.flush().map_err(|e| Error::io(&path, e))?;
            }
            part += 1;
            size = 0;
            let path = bulk_dir.join(format!("{prefix}{part:04}.ndjson"));
            let f = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
            written.files.push(path.clone());
            out = Some((path, std::io::BufWriter::new(f)));
        }
        let (path, w) = out.as_mut().expect("opened");
        size += lines.len();
        w.write_all(lines.as_bytes())
            .map_err(|e| Error::io(path.as_path(), e))
    })?;
    if let Some((path, mut w)) = out.take() {
        w.flush().map_err(|e| Error::io(&path, e))?;
    }
    // One index per language group the export holds.
    for g in &groups {
        let path = dir.join("indices").join(format!("gazette-{g}.json"));
        let body = serde_json::to_string_pretty(&index_body(g)).expect("json");
        super::write(&path, body)?;
        written.files.push(path);
    }
    let actions: Vec<Value> = groups
        .iter()
        .map(|g| json!({"add": {"index": format!("gazette-{g}"), "alias": "gazette"}}))
        .collect();
    let path = dir.join("aliases.json");
    super::write(
        &path,
        serde_json::to_string_pretty(&json!({ "actions": actions })).expect("json"),
    )?;
    written.files.push(path);
    Ok(written)
}

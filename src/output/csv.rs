//! CSV output of counts: a header row, then one row per bucket (the csv crate quotes
//! what needs quoting).

use std::io::{self, Write};

use crate::analytics::{CountResult, Dim, SpellingResult};

fn csv_err(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// A count: one column per dimension (`entity` adds its kind, name and source, and
/// the association columns), then `articles` and `share`.
pub fn write_counts<W: Write>(out: W, r: &CountResult) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let entity = r.dims.contains(&Dim::Entity);
    let assoc = r.buckets.iter().any(|b| b.association.is_some());
    let mut header: Vec<String> = r.dims.iter().map(|d| d.as_str().to_string()).collect();
    if entity {
        header.extend(["entity_name", "entity_kind", "entity_source"].map(String::from));
    }
    header.extend(["articles", "share"].map(String::from));
    if assoc {
        header.extend(["background", "lift", "llr"].map(String::from));
    }
    w.write_record(&header).map_err(csv_err)?;
    for b in &r.buckets {
        let mut row: Vec<String> = b
            .key
            .iter()
            .map(|k| k.value.clone().unwrap_or_default())
            .collect();
        if entity {
            let e = b
                .key
                .iter()
                .find(|k| k.dim == Dim::Entity)
                .and_then(|k| k.entity.as_ref());
            row.push(e.map_or(String::new(), |e| e.name.clone()));
            row.push(e.map_or(String::new(), |e| e.kind.as_str().to_string()));
            row.push(e.map_or(String::new(), |e| e.source.to_string()));
        }
        row.push(b.articles.to_string());
        row.push(format!("{:.6}", b.share));
        if assoc {
            let a = b.association;
            row.push(a.map_or(String::new(), |a| a.background.to_string()));
            row.push(a.map_or(String::new(), |a| format!("{:.4}", a.lift)));
            row.push(a.map_or(String::new(), |a| format!("{:.4}", a.llr)));
        }
        w.write_record(&row).map_err(csv_err)?;
    }
    w.flush()
}

/// A spelling count: `entity`, `spelling`, the `--by` column if any, `articles`, `share`.
pub fn write_spellings<W: Write>(out: W, s: &SpellingResult) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["entity".to_string(), "spelling".to_string()];
    header.extend(s.count.dims[1..].iter().map(|d| d.as_str().to_string()));
    header.extend(["articles", "share"].map(String::from));
    w.write_record(&header).map_err(csv_err)?;
    for b in &s.count.buckets {
        let mut row = vec![s.entity.id.clone()];
        row.extend(b.key.iter().map(|k| k.value.clone().unwrap_or_default()));
        row.push(b.articles.to_string());
        row.push(format!("{:.6}", b.share));
        w.write_record(&row).map_err(csv_err)?;
    }
    w.flush()
}

/// `gazette export --format csv`: a header of the fields asked for, one row per article;
/// entities as `Name (kind)` joined by `; `.
pub struct ExportWriter<W: Write> {
    w: csv::Writer<W>,
    fields: Vec<String>,
}

impl<W: Write> ExportWriter<W> {
    pub fn new(out: W, fields: &[String]) -> io::Result<Self> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(fields).map_err(csv_err)?;
        Ok(ExportWriter {
            w,
            fields: fields.to_vec(),
        })
    }

    pub fn row(&mut self, a: &crate::export::Exported) -> io::Result<()> {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let row: Vec<String> = self
            .fields
            .iter()
            .map(|f| match f.as_str() {
                "id" => a.meta.id.clone(),
                "title" => a.meta.title.clone(),
                "date" => opt(&a.meta.date),
                "source" => opt(&a.meta.source),
                "lang" => a.meta.lang.code().to_string(),
                "url" => opt(&a.meta.url),
                "author" => opt(&a.meta.author),
                "captured" => opt(&a.meta.captured),
                "path" => a.meta.path.clone(),
                "passage" => opt(&a.passage),
                "body" => opt(&a.body),
                "entities" => a
                    .entities
                    .iter()
                    .map(|e| format!("{} ({})", e.name, e.kind.as_str()))
                    .collect::<Vec<_>>()
                    .join("; "),
                _ => String::new(),
            })
            .collect();
        self.w.write_record(&row).map_err(csv_err)
    }

    pub fn finish(mut self) -> io::Result<()> {
        self.w.flush()
    }
}

//! The alias table's file format: TOML `[[entity]]` and `[[ambiguous]]` tables, parsed into entities, with the line of every error.

use std::collections::HashMap;

use serde::Deserialize;

use super::{spelling_key, Entity, Kind};

/// The file format: `[[entity]]` tables, and `[[ambiguous]]` tables naming spellings
/// that no entity takes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    entity: Vec<toml::Spanned<RawEntity>>,
    #[serde(default)]
    ambiguous: Vec<toml::Spanned<RawAmbiguous>>,
}

/// A spelling that two or more entities of comparable standing share (Georgia: the
/// country and the US state). It is no entity's: the table leaves it unmarked, and the
/// recogniser decides from the context whether it is a name and of what kind. The
/// entities are listed to say why, and must exist.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAmbiguous {
    spelling: String,
    entities: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntity {
    id: String,
    name: String,
    kind: Kind,
    spellings: Vec<String>,
    #[serde(default)]
    cased: Vec<String>,
    #[serde(default)]
    solo: Vec<String>,
    #[serde(default)]
    indeclinable: Vec<String>,
}

/// Parses a table file. Errors give the line.
pub fn parse(text: &str) -> Result<Vec<Entity>, ParseError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| ParseError {
        line: e
            .span()
            .map(|s| Lines::new(text).line_of(s.start))
            .unwrap_or(0),
        reason: e.message().to_string(),
    })?;
    let lines = Lines::new(text);
    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    let mut seen_spellings: HashMap<String, (String, usize)> = HashMap::new();
    let mut out = Vec::with_capacity(raw.entity.len());
    let ambiguous: std::collections::HashSet<String> = raw
        .ambiguous
        .iter()
        .map(|a| spelling_key(&a.get_ref().spelling))
        .collect();
    for spanned in raw.entity {
        let line = lines.line_of(spanned.span().start);
        let e = spanned.into_inner();
        let err = |reason: String| ParseError { line, reason };
        if e.id.is_empty()
            || !e
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.".contains(c))
        {
            return Err(err(format!(
                "entity id {:?} must be lower-case ASCII letters, digits, '_', '-' or '.'",
                e.id
            )));
        }
        if let Some(first) = seen_ids.insert(e.id.clone(), line) {
            return Err(err(format!(
                "duplicate entity id `{}` (first at line {first})",
                e.id
            )));
        }
        if e.name.trim().is_empty() {
            return Err(err(format!("entity `{}` has an empty name", e.id)));
        }
        // Tabs, line breaks and other control characters are never part of a name (and
        // would break the binary form's entity lines).
        if let Some(bad) = std::iter::once(&e.name)
            .chain(&e.spellings)
            .chain(&e.cased)
            .find(|s| s.chars().any(char::is_control))
        {
            return Err(err(format!(
                "entity `{}`: spelling {bad:?} contains a control character",
                e.id
            )));
        }
        let mut spellings = Vec::with_capacity(e.spellings.len() + 1);
        for s in std::iter::once(&e.name).chain(&e.spellings) {
            let key = spelling_key(s);
            if key.is_empty() {
                return Err(err(format!(
                    "entity `{}` has an empty spelling {s:?}",
                    e.id
                )));
            }
            // An ambiguous spelling is no entity's, not even the one it names.
            if ambiguous.contains(&key) {
                continue;
            }
            match seen_spellings.get(&key) {
                Some((other, _)) if *other == e.id => continue,
                Some((other, oline)) => {
                    return Err(err(format!(
                        "spelling {s:?} of `{}` is already a spelling of `{other}` (line {oline})",
                        e.id
                    )))
                }
                None => {
                    seen_spellings.insert(key, (e.id.clone(), line));
                    spellings.push(s.trim().to_string());
                }
            }
        }
        out.push(Entity {
            id: e.id,
            name: e.name.trim().to_string(),
            kind: e.kind,
            spellings,
            cased: e.cased,
            solo: e.solo,
            indeclinable: e.indeclinable,
        });
    }
    for spanned in &raw.ambiguous {
        let a = spanned.get_ref();
        let line = lines.line_of(spanned.span().start);
        if let Some(missing) = a.entities.iter().find(|id| !seen_ids.contains_key(*id)) {
            return Err(ParseError {
                line,
                reason: format!(
                    "ambiguous spelling {:?} names entity `{missing}`, which the table does not have",
                    a.spelling
                ),
            });
        }
    }
    Ok(out)
}

/// Byte offset → line number, for error messages (the table has a thousand entities:
/// counting newlines from the start for each would be quadratic).
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        Lines(text.match_indices('\n').map(|(i, _)| i).collect())
    }

    /// 1-based line of a byte offset.
    fn line_of(&self, byte: usize) -> usize {
        self.0.partition_point(|&nl| nl < byte) + 1
    }
}

/// Who claims a word form while the table is built.

#[derive(Debug)]
pub struct ParseError {
    pub line: usize,
    pub reason: String,
}

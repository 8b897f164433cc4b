//! Field mapping for collections whose columns or keys have other names than Gazette
//! knows (`--field title=headline,body=article_text`): the mapped name is read first,
//! before the built-in synonyms. A job records the mapping with its commit, so that
//! later jobs read new files the same way, and a changed mapping re-reads every file.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The fields an article has, as `--field` names them.
pub const FIELD_NAMES: &[&str] = &[
    "id", "title", "body", "date", "source", "url", "lang", "author",
];

/// Gazette field → the columns (CSV) or keys (JSON) it is read from, the first present
/// winning (`title=hed,title=story_headline` for two exports that name it apart).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldMap(BTreeMap<String, Vec<String>>);

impl FieldMap {
    /// Parses `field=name[,field=name…]`; several specs (repeated flags) add up.
    pub fn parse<'a>(specs: impl IntoIterator<Item = &'a str>) -> Result<FieldMap, Error> {
        let mut map = BTreeMap::new();
        for spec in specs {
            for pair in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let (field, name) = pair.split_once('=').ok_or_else(|| {
                    Error::Invalid(format!(
                        "--field {pair}: expected FIELD=NAME, e.g. --field title=headline,body=article_text"
                    ))
                })?;
                let field = field.trim().to_ascii_lowercase();
                let name = name.trim();
                if !FIELD_NAMES.contains(&field.as_str()) {
                    return Err(Error::Invalid(format!(
                        "--field {pair}: `{field}` is not a field Gazette reads; use one of {}",
                        FIELD_NAMES.join(", ")
                    )));
                }
                if name.is_empty() {
                    return Err(Error::Invalid(format!(
                        "--field {pair}: no column or key name after `=`"
                    )));
                }
                let names: &mut Vec<String> = map.entry(field).or_default();
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_string());
                }
            }
        }
        Ok(FieldMap(map))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The columns or keys `field` is mapped to, in order of preference.
    pub fn get(&self, field: &str) -> impl Iterator<Item = &str> {
        self.0.get(field).into_iter().flatten().map(String::as_str)
    }

    /// (field, names) pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.0.iter().map(|(f, n)| (f.as_str(), n.as_slice()))
    }
}

impl fmt::Display for FieldMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        let pairs: Vec<String> = self
            .0
            .iter()
            .flat_map(|(k, names)| names.iter().map(move |n| format!("{k}={n}")))
            .collect();
        f.write_str(&pairs.join(","))
    }
}

/// What readers are told besides the path.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    pub fields: FieldMap,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_add_up_and_bad_ones_say_why() {
        let m = FieldMap::parse([
            "title=headline, body=Article Text",
            "date=published_on,title=hed",
        ])
        .unwrap();
        assert_eq!(
            m.to_string(),
            "body=Article Text,date=published_on,title=headline,title=hed"
        );
        let e = FieldMap::parse(["headline"]).unwrap_err().to_string();
        assert!(e.contains("expected FIELD=NAME"), "{e}");
        let e = FieldMap::parse(["heading=title"]).unwrap_err().to_string();
        assert!(
            e.contains("`heading` is not a field Gazette reads; use one of id, title"),
            "{e}"
        );
    }
}

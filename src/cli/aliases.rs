//! `gazette aliases`: the entity a name belongs to, or the table's statistics.

use std::io::{self, Write};
use std::sync::Arc;

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use super::Exit;
use crate::analysis::{self, AliasTable};

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  gazette aliases Kiev          # the entity, its kind and every spelling
  gazette aliases kryvyi_rih --json
  gazette aliases --stats")]
pub struct AliasesArgs {
    /// Any spelling of a name, or an entity id.
    #[arg(value_name = "NAME", required_unless_present = "stats")]
    pub name: Option<String>,
    /// Count entities and spellings by kind.
    #[arg(long)]
    pub stats: bool,
    #[arg(long)]
    pub json: bool,
}

/// The JSON form of an entity.
#[derive(Serialize)]
struct EntityRecord<'a> {
    #[serde(rename = "type")]
    kind_tag: &'static str,
    #[serde(flatten)]
    entity: &'a analysis::Entity,
}

pub(super) fn run(args: &AliasesArgs, table: &Arc<AliasTable>) -> Result<Exit> {
    let mut out = io::stdout().lock();
    if args.stats {
        let mut by_kind: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
        for e in table.entities() {
            let c = by_kind.entry(e.kind.as_str()).or_default();
            c.0 += 1;
            c.1 += e.spellings.len();
        }
        if args.json {
            let v: serde_json::Value = by_kind
                .iter()
                .map(|(k, (e, s))| {
                    (
                        k.to_string(),
                        serde_json::json!({"entities": e, "spellings": s}),
                    )
                })
                .collect::<serde_json::Map<_, _>>()
                .into();
            let total = serde_json::json!({
                "type": "alias_stats",
                "entities": table.entities().len(),
                "spellings": table.spelling_count(),
                "fingerprint": table.fingerprint(),
                "by_kind": v,
            });
            writeln!(out, "{total}")?;
        } else {
            writeln!(out, "{:<14} {:>8} {:>10}", "kind", "entities", "spellings")?;
            for (k, (e, s)) in &by_kind {
                writeln!(out, "{k:<14} {e:>8} {s:>10}")?;
            }
            writeln!(
                out,
                "{:<14} {:>8} {:>10}\nfingerprint {}",
                "total",
                table.entities().len(),
                table.spelling_count(),
                table.fingerprint()
            )?;
        }
        return Ok(Exit::Hits);
    }
    let name = args.name.as_deref().unwrap_or_default();
    let Some(entity) = find_entity(table, name) else {
        if args.json {
            writeln!(
                out,
                "{}",
                serde_json::json!({"type": "no_entity", "name": name})
            )?;
        } else {
            writeln!(out, "{name:?} is not a spelling of any known entity")?;
        }
        return Ok(Exit::NoHits);
    };
    if args.json {
        serde_json::to_writer(
            &mut out,
            &EntityRecord {
                kind_tag: "entity",
                entity,
            },
        )?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "{} ({}, id {})",
            entity.name,
            entity.kind.as_str(),
            entity.id
        )?;
        for s in &entity.spellings {
            writeln!(out, "  {s}")?;
        }
    }
    Ok(Exit::Hits)
}

/// The entity a whole name spells (any spelling, any case form), or whose id it is.
fn find_entity<'a>(table: &'a Arc<AliasTable>, name: &str) -> Option<&'a analysis::Entity> {
    if let Some(e) = table.entity(name.trim()) {
        return Some(e);
    }
    let tokens = analysis::analyze(&mut analysis::analyzer(table, analysis::NO_STEM), name);
    match tokens.as_slice() {
        [only] => table.entity_of_term(&only.text),
        _ => None,
    }
}

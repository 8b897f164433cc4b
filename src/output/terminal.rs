//! Terminal output: ranked passages with the matched words and the named entities
//! highlighted, generic over `termcolor::WriteColor` (plain text when colour is off).
//!
//! Matches are bold and underlined; entities take a colour per kind (place cyan,
//! country blue, person magenta, organisation yellow). A spelling that differs from the
//! entity's display name is followed by the name, dimmed: "Kiev ⟨Kyiv⟩".

use std::io::{self, Write};
use std::sync::Arc;

use termcolor::{Color, ColorSpec, WriteColor};

use super::Printer;
use crate::analysis::normalize::{normalize, Fold};
use crate::analysis::{AliasTable, Entity, Kind};
use crate::passage::{Field, Mark};
use crate::search::{ArticleMeta, Hit, SearchResults};
use crate::show::Shown;

/// Prints hits for people.
pub struct TerminalPrinter<W> {
    out: W,
    table: Arc<AliasTable>,
}

impl<W: WriteColor> TerminalPrinter<W> {
    pub fn new(out: W, table: Arc<AliasTable>) -> Self {
        TerminalPrinter { out, table }
    }

    /// The writer, for a caller's own lines between hits (`gazette batch`).
    pub fn writer(&mut self) -> &mut W {
        &mut self.out
    }

    fn styled(&mut self, spec: &ColorSpec, text: &str) -> io::Result<()> {
        self.out.set_color(spec)?;
        write_flat(&mut self.out, text)?;
        self.out.reset()
    }

    fn passage(&mut self, hit: &Hit) -> io::Result<()> {
        self.marked(&hit.text, &hit.matches, &hit.entities, true)?;
        writeln!(self.out)
    }

    /// Writes `text` with its matches and entities styled; `flat` puts it on one line.
    fn marked(
        &mut self,
        text: &str,
        matches: &[Mark],
        entities: &[Mark],
        flat: bool,
    ) -> io::Result<()> {
        let table = self.table.clone();
        let mut cuts: Vec<usize> = vec![0, text.len()];
        for m in matches.iter().chain(entities) {
            cuts.push(m.start);
            cuts.push(m.end);
        }
        // Each mark's table entity and where its display name goes, found once (a
        // mark spans several cuts when a match starts or ends inside it).
        let resolved: Vec<(usize, Option<&Entity>)> = entities
            .iter()
            .map(|m| {
                let entity = m.entity.as_deref().and_then(|id| table.entity(id));
                (note_at(text, m), entity)
            })
            .collect();
        cuts.extend(resolved.iter().map(|r| r.0));
        cuts.sort_unstable();
        cuts.dedup();
        for w in cuts.windows(2) {
            let (s, e) = (w[0], w[1]);
            let matched = matches.iter().any(|m| m.start <= s && e <= m.end);
            let mark = entities.iter().position(|m| m.start <= s && e <= m.end);
            // A recognised name is styled as a table entity of its kind.
            let kind = mark.and_then(|i| {
                resolved[i]
                    .1
                    .map(|ent| ent.kind)
                    .or_else(|| entities[i].name.as_ref().map(|n| n.kind))
            });
            let mut spec = ColorSpec::new();
            if matched {
                spec.set_bold(true).set_underline(true);
                if kind.is_none() {
                    spec.set_fg(Some(Color::Red));
                }
            }
            if let Some(kind) = kind {
                spec.set_fg(Some(kind_color(kind)));
            }
            if flat {
                self.styled(&spec, &text[s..e])?;
            } else {
                self.out.set_color(&spec)?;
                self.out.write_all(&text.as_bytes()[s..e])?;
                self.out.reset()?;
            }
            let noted = resolved.iter().zip(entities).find(|(r, _)| r.0 == e);
            if let Some(((_, Some(ent)), m)) = noted {
                let spelled = &text[m.start..m.end];
                if !same_name(spelled, &ent.name) {
                    let mut dim = ColorSpec::new();
                    dim.set_dimmed(true);
                    self.styled(&dim, &format!(" ⟨{}⟩", ent.name))?;
                }
            }
        }
        Ok(())
    }

    /// Prints one whole article (`gazette show`): title, metadata, id, then the body
    /// with its entities marked, line breaks kept.
    pub fn article(&mut self, shown: &Shown) -> io::Result<()> {
        let a = &shown.meta;
        self.marked(&a.title, &[], &shown.title_entities, true)?;
        writeln!(self.out)?;
        let mut meta = meta_of(a);
        meta.extend(a.author.as_ref().map(|by| format!("by {by}")));
        meta.extend(a.url.clone());
        meta.extend(a.captured.as_ref().map(|c| format!("captured {c}")));
        let mut dim = ColorSpec::new();
        dim.set_dimmed(true);
        self.styled(&dim, &meta.join(" · "))?;
        writeln!(self.out)?;
        self.styled(&dim, &format!("id {}", a.id))?;
        writeln!(self.out)?;
        writeln!(self.out)?;
        self.marked(&shown.body, &[], &shown.body_entities, false)?;
        writeln!(self.out)?;
        self.out.flush()
    }
}

/// Where a table entity's display name goes: after its mark, or after the period that
/// ends an abbreviation the mark stops short of ("U.S. ⟨United States⟩ corn", not
/// "U.S ⟨United States⟩. corn": the analyzer's words end before a final period).
fn note_at(text: &str, m: &Mark) -> usize {
    let abbreviation = text[m.start..m.end].contains('.') && text[m.end..].starts_with('.');
    m.end + usize::from(abbreviation)
}

/// An article's metadata line: source, date, language, path (joined with " · ").
fn meta_of(a: &ArticleMeta) -> Vec<String> {
    let mut meta: Vec<String> = Vec::new();
    meta.extend(a.source.clone());
    meta.extend(a.date.clone());
    meta.push(a.lang.to_string());
    meta.push(a.path.clone());
    meta
}

fn kind_color(kind: Kind) -> Color {
    match kind {
        Kind::Place => Color::Cyan,
        Kind::Country => Color::Blue,
        Kind::Person => Color::Magenta,
        Kind::Organisation => Color::Yellow,
    }
}

/// Whether a spelling is the display name up to case and diacritics (no annotation).
fn same_name(spelled: &str, name: &str) -> bool {
    normalize(spelled, Fold::CaseAndDiacritics) == normalize(name, Fold::CaseAndDiacritics)
}

/// Writes text on one line: line breaks inside a passage become spaces.
fn write_flat(out: &mut dyn Write, text: &str) -> io::Result<()> {
    let mut first = true;
    for piece in text.split(['\n', '\r']) {
        if !first {
            out.write_all(b" ")?;
        }
        first = false;
        out.write_all(piece.as_bytes())?;
    }
    Ok(())
}

impl<W: WriteColor> Printer for TerminalPrinter<W> {
    fn hit(&mut self, hit: &Hit) -> io::Result<()> {
        let a = &hit.article;
        let mut head = ColorSpec::new();
        head.set_bold(true);
        self.styled(&head, &format!("{:>2}. {}", hit.rank, a.title))?;
        writeln!(self.out)?;
        let mut meta = meta_of(a);
        meta.push(format!("score {:.2}", hit.score));
        let mut dim = ColorSpec::new();
        dim.set_dimmed(true);
        write!(self.out, "    ")?;
        self.styled(&dim, &meta.join(" · "))?;
        writeln!(self.out)?;
        if hit.similar_total > 0 {
            let mut others: Vec<String> = hit
                .similar
                .iter()
                .map(|a| match (&a.source, &a.date) {
                    (Some(s), Some(d)) => format!("{s} ({d})"),
                    (Some(s), None) => s.clone(),
                    (None, _) => a.path.clone(),
                })
                .collect();
            let unnamed = hit.similar_total.saturating_sub(others.len());
            if unnamed > 0 && !others.is_empty() {
                others.push(format!("{unnamed} more"));
            }
            let line = if others.is_empty() {
                format!("+{} similar", hit.similar_total)
            } else {
                format!("+{} similar: {}", hit.similar_total, others.join(", "))
            };
            write!(self.out, "    ")?;
            self.styled(&dim, &line)?;
            writeln!(self.out)?;
        }
        write!(self.out, "    ")?;
        if hit.field == Field::Title {
            // A headline passage repeats the title above, now with its matches marked.
            self.styled(&dim, "title: ")?;
        }
        self.passage(hit)?;
        writeln!(self.out)
    }

    fn summary(&mut self, _query: &str, results: &SearchResults) -> io::Result<()> {
        let mut dim = ColorSpec::new();
        dim.set_dimmed(true);
        let line = format!(
            "{} passage{} from {} matching article{} ({:.1} ms)",
            results.hits.len(),
            if results.hits.len() == 1 { "" } else { "s" },
            results.total_articles,
            if results.total_articles == 1 { "" } else { "s" },
            results.elapsed.as_secs_f64() * 1e3
        );
        self.styled(&dim, &line)?;
        writeln!(self.out)?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(start: usize, end: usize, id: &str) -> Mark {
        Mark {
            start,
            end,
            literal: usize::MAX,
            entity: Some(id.to_string()),
            name: None,
        }
    }

    fn printed(text: &str, entities: &[Mark]) -> String {
        let out = termcolor::NoColor::new(Vec::new());
        let mut p = TerminalPrinter::new(out, AliasTable::builtin());
        p.marked(text, &[], entities, true).unwrap();
        String::from_utf8(p.out.into_inner()).unwrap()
    }

    #[test]
    fn the_display_name_follows_an_abbreviations_period() {
        // The analyzer's word is "U.S"; its final period is the text's.
        let text = "crop U.S. corn, the U.S. Agriculture Department and the US.";
        let marks = [
            entity(5, 8, "united_states"),
            entity(20, 23, "united_states"),
            entity(56, 58, "united_states"),
        ];
        assert_eq!(
            printed(text, &marks),
            "crop U.S. ⟨United States⟩ corn, the U.S. ⟨United States⟩ Agriculture \
             Department and the US ⟨United States⟩."
        );
    }
}

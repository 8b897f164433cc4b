//! Counts for a terminal: one row per bucket with its articles, share and a bar
//! proportional to its articles; a date dimension also gets a sparkline timeline (every
//! period shown, an empty one as a blank). A pivot with a date second dimension
//! gets one timeline per value of the first.

use std::io;

use termcolor::{Color, ColorSpec, WriteColor};

use crate::analytics::{Bucket, CountResult, KeyPart};

const BAR_WIDTH: usize = 30;
const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// How a key value is written in a table (`(undated)`, `(no source)`; an entity with
/// its kind).
pub fn key_text(k: &KeyPart) -> String {
    match (&k.value, &k.entity) {
        (None, _) if k.dim.is_date() => "(undated)".to_string(),
        (None, _) => format!("(no {})", k.dim),
        (Some(_), Some(e)) if k.dim == crate::analytics::Dim::Entity => {
            let mark = if e.source == "recognised" { "*" } else { "" };
            format!("{}{mark} ({})", e.name, e.kind.as_str())
        }
        (Some(v), _) => v.clone(),
    }
}

/// Timelines longer than this list only their periods with articles.
const LONG_TIMELINE: usize = 36;
/// Periods per line of a sparkline.
const SPARK_LINE: usize = 60;

/// The sparkline of a run of counts.
pub fn sparkline(counts: &[u64]) -> String {
    sparkline_of(counts, counts.iter().copied().max().unwrap_or(0))
}

/// A sparkline scaled to `max` (several lines of one timeline share a scale).
fn sparkline_of(counts: &[u64], max: u64) -> String {
    let max = max.max(1);
    counts
        .iter()
        .map(|&n| {
            if n == 0 {
                ' '
            } else {
                SPARKS[((n * 7).div_ceil(max) as usize).min(7)]
            }
        })
        .collect()
}

fn bar(n: u64, max: u64) -> String {
    let cells = if max == 0 {
        0
    } else {
        ((n as f64 / max as f64) * BAR_WIDTH as f64).round() as usize
    };
    "█".repeat(cells.max(usize::from(n > 0)))
}

/// Prints a count's table (and timeline) to `out`; `title` heads it.
pub fn print_counts<W: WriteColor>(out: &mut W, title: &str, r: &CountResult) -> io::Result<()> {
    let mut dim = ColorSpec::new();
    dim.set_dimmed(true);
    let mut head = ColorSpec::new();
    head.set_bold(true);
    out.set_color(&head)?;
    write!(out, "{title}")?;
    out.reset()?;
    writeln!(
        out,
        "  {} of {} articles",
        thousands(r.articles),
        thousands(r.index_articles)
    )?;
    let pivot_timeline = r.dims.len() == 2 && r.dims[1].is_date();
    if pivot_timeline {
        return timelines(out, r);
    }
    let labels: Vec<String> = r
        .buckets
        .iter()
        .map(|b| b.key.iter().map(key_text).collect::<Vec<_>>().join("  "))
        .collect();
    let width = labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(8, 48);
    let max = r.buckets.iter().map(|b| b.articles).max().unwrap_or(0);
    let assoc = r.buckets.iter().any(|b| b.association.is_some());
    out.set_color(&dim)?;
    write!(
        out,
        "{:<width$}  {:>8}  {:>6}",
        r.dims
            .iter()
            .map(|d| d.as_str())
            .collect::<Vec<_>>()
            .join(" × "),
        "articles",
        "share"
    )?;
    if assoc {
        write!(out, "  {:>7}  {:>8}", "lift", "LLR")?;
    }
    writeln!(out)?;
    out.reset()?;
    // A long timeline lists its periods with articles; the empty runs between them are
    // one line each (the sparkline below shows every period).
    let elide = r.dims.len() == 1 && r.dims[0].is_date() && r.buckets.len() > LONG_TIMELINE;
    let mut empty_run = 0usize;
    for (b, label) in r.buckets.iter().zip(&labels) {
        if elide && b.articles == 0 {
            empty_run += 1;
            continue;
        }
        if empty_run > 0 {
            out.set_color(&dim)?;
            writeln!(out, "{:<width$}  {:>8}", "…", format!("0 × {empty_run}"))?;
            out.reset()?;
            empty_run = 0;
        }
        let label: String = truncate(label, width);
        write!(
            out,
            "{label:<width$}  {:>8}  {:>5.1}%",
            thousands(b.articles),
            b.share * 100.0
        )?;
        if let Some(a) = b.association {
            write!(out, "  {:>7.1}  {:>8.1}", a.lift, a.llr)?;
        }
        if b.articles > 0 {
            write!(out, "  ")?;
            let mut c = ColorSpec::new();
            c.set_fg(Some(Color::Cyan));
            out.set_color(&c)?;
            write!(out, "{}", bar(b.articles, max))?;
            out.reset()?;
        }
        writeln!(out)?;
    }
    if r.dims.len() == 1 && r.dims[0].is_date() {
        let dated: Vec<&Bucket> = r
            .buckets
            .iter()
            .filter(|b| b.key[0].value.is_some())
            .collect();
        let max = dated.iter().map(|b| b.articles).max().unwrap_or(0);
        for line in dated.chunks(SPARK_LINE) {
            let (first, last) = (&line[0], &line[line.len() - 1]);
            let counts: Vec<u64> = line.iter().map(|b| b.articles).collect();
            writeln!(
                out,
                "{}  {}  {}",
                key_text(&first.key[0]),
                sparkline_of(&counts, max),
                key_text(&last.key[0])
            )?;
        }
    }
    if r.more > 0 {
        out.set_color(&dim)?;
        writeln!(out, "… and {} more (--top)", thousands(r.more as u64))?;
        out.reset()?;
    }
    out.flush()
}

/// One sparkline per value of the first dimension, over the periods of the second.
fn timelines<W: WriteColor>(out: &mut W, r: &CountResult) -> io::Result<()> {
    let mut rows: Vec<(String, Vec<u64>, u64)> = Vec::new();
    let mut periods: Vec<String> = Vec::new();
    for b in &r.buckets {
        let label = key_text(&b.key[0]);
        let period = b.key[1].value.clone();
        if rows.last().is_none_or(|r| r.0 != label) {
            rows.push((label, Vec::new(), 0));
        }
        let row = rows.last_mut().expect("a row");
        row.2 += b.articles;
        if let Some(p) = period {
            row.1.push(b.articles);
            if !periods.contains(&p) {
                periods.push(p);
            }
        }
    }
    let width = rows
        .iter()
        .map(|r| r.0.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(8, 40);
    if let (Some(first), Some(last)) = (periods.first(), periods.last()) {
        let mut dim = ColorSpec::new();
        dim.set_dimmed(true);
        out.set_color(&dim)?;
        writeln!(
            out,
            "{:<width$}  {:>8}  {first} … {last}",
            r.dims[0].as_str(),
            "articles"
        )?;
        out.reset()?;
    }
    for (label, counts, total) in rows {
        writeln!(
            out,
            "{:<width$}  {:>8}  {}",
            truncate(&label, width),
            thousands(total),
            sparkline(&counts)
        )?;
    }
    out.flush()
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width - 1).collect();
        t.push('…');
        t
    }
}

/// 1473 → "1,473".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_show_gaps_and_peaks() {
        assert_eq!(sparkline(&[1, 0, 4, 8]), "▂ ▅█");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}

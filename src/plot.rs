//! Charts of counts (`--plot FILE.svg` or `.png`): a timeline for a date dimension (one
//! line per value of the first dimension in a pivot, with a legend), horizontal bars
//! otherwise. Drawn by plotters with an embedded font, so that labels in any script
//! render the same everywhere.

use std::path::Path;
use std::sync::Once;

use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;

use crate::analytics::{Bucket, CountResult};
use crate::error::{Error, Result};
use crate::output::table::key_text;

const SIZE: (u32, u32) = (960, 540);
/// Bars drawn at most; lines at most (a legend of more is unreadable).
const MAX_BARS: usize = 25;
const MAX_LINES: usize = 8;

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is a valid TrueType file shipped by the dejavu crate.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
    });
}

/// Whether `path` names a chart Gazette can draw (checked before counting).
pub fn check_path(path: &Path) -> Result<()> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("svg" | "png") => Ok(()),
        _ => Err(Error::Invalid(format!(
            "--plot {}: the file must end in .svg or .png",
            path.display()
        ))),
    }
}

/// Draws `r` into `path`; the extension chooses SVG or PNG.
pub fn plot(r: &CountResult, title: &str, path: &Path) -> Result<()> {
    register_font();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let fail = |e: String| Error::Invalid(format!("--plot {}: {e}", path.display()));
    match ext.as_deref() {
        Some("svg") => {
            let root = SVGBackend::new(path, SIZE).into_drawing_area();
            draw(&root, r, title).map_err(fail)?;
            root.present().map_err(|e| fail(e.to_string()))
        }
        Some("png") => {
            let root = BitMapBackend::new(path, SIZE).into_drawing_area();
            draw(&root, r, title).map_err(fail)?;
            root.present().map_err(|e| fail(e.to_string()))
        }
        _ => Err(fail("the file must end in .svg or .png".into())),
    }
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &CountResult,
    title: &str,
) -> std::result::Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    if r.dims.last().is_some_and(|d| d.is_date()) {
        timeline(root, r, title)
    } else {
        bars(root, r, title)
    }
}

/// Periods on x, articles on y; one line per first-dimension value of a pivot.
fn timeline<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &CountResult,
    title: &str,
) -> std::result::Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let date_at = r.dims.len() - 1;
    let mut periods: Vec<String> = r
        .buckets
        .iter()
        .filter_map(|b| b.key[date_at].value.clone())
        .collect();
    periods.sort();
    periods.dedup();
    // Series: (label, counts per period).
    let mut series: Vec<(String, Vec<u64>)> = Vec::new();
    for b in r.buckets.iter().filter(|b| b.key[date_at].value.is_some()) {
        let label = if r.dims.len() == 2 {
            key_text(&b.key[0])
        } else {
            "articles".to_string()
        };
        let at = periods
            .binary_search(b.key[date_at].value.as_ref().expect("dated"))
            .unwrap_or(0);
        let s = match series.iter().position(|s| s.0 == label) {
            Some(i) => &mut series[i].1,
            None => {
                series.push((label, vec![0; periods.len()]));
                &mut series.last_mut().expect("pushed").1
            }
        };
        s[at] += b.articles;
    }
    series.sort_by_key(|s| std::cmp::Reverse(s.1.iter().sum::<u64>()));
    series.truncate(MAX_LINES);
    let max = series
        .iter()
        .flat_map(|s| s.1.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let n = periods.len().max(1);
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(56)
        .build_cartesian_2d(0..(n as i32 - 1).max(1), 0..(max + max / 10 + 1))
        .map_err(err)?;
    let label_of = |i: &i32| periods.get(*i as usize).cloned().unwrap_or_default();
    chart
        .configure_mesh()
        .x_desc(r.dims[date_at].as_str())
        .y_desc("articles")
        .x_labels(n.min(12))
        .x_label_formatter(&label_of)
        .draw()
        .map_err(err)?;
    for (i, (label, counts)) in series.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        chart
            .draw_series(LineSeries::new(
                counts.iter().enumerate().map(|(x, &y)| (x as i32, y)),
                color.stroke_width(2),
            ))
            .map_err(err)?
            .label(label.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
    }
    legend(&mut chart)
}

/// One horizontal bar per bucket, largest at the top.
fn bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &CountResult,
    title: &str,
) -> std::result::Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let shown: Vec<&Bucket> = r.buckets.iter().take(MAX_BARS).collect();
    let labels: Vec<String> = shown
        .iter()
        .map(|b| b.key.iter().map(key_text).collect::<Vec<_>>().join(" · "))
        .collect();
    let n = shown.len().max(1) as i32;
    let max = shown.iter().map(|b| b.articles).max().unwrap_or(0).max(1);
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(8) as u32;
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size((longest * 8).clamp(60, 360))
        .build_cartesian_2d(0..(max + max / 10 + 1), (0..n - 1).into_segmented())
        .map_err(err)?;
    let label_of = |v: &SegmentValue<i32>| match v {
        // Row 0 at the bottom: the largest bucket is drawn at the top.
        SegmentValue::CenterOf(i) if *i < n => labels
            .get((n - 1 - *i) as usize)
            .cloned()
            .unwrap_or_default(),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc("articles")
        .y_labels(n as usize)
        .y_label_formatter(&label_of)
        .draw()
        .map_err(err)?;
    let color = Palette99::pick(0).to_rgba();
    chart
        .draw_series(shown.iter().enumerate().map(|(i, b)| {
            let row = n - 1 - i as i32;
            let mut bar = Rectangle::new(
                [
                    (0, SegmentValue::Exact(row)),
                    (b.articles, SegmentValue::Exact(row + 1)),
                ],
                color.filled(),
            );
            bar.set_margin(3, 3, 0, 0);
            bar
        }))
        .map_err(err)?
        .label(format!("articles by {}", r.dims[0]))
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], color.filled()));
    legend(&mut chart)
}

/// The legend box, the same on every chart.
fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
) -> std::result::Result<(), String> {
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(|e| e.to_string())
}

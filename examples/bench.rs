//! The benchmark suite (see BENCHMARKS.md): `scripts/bench [DATA]` builds and runs it.
//!
//! It measures, on `news-large.jsonl` and on a 10× replica of it under new ids:
//! - indexing: `gazette index` against a plain tantivy index of the same articles built
//!   by this program (default tokenizer, same threads and memory budget), and against two
//!   tantivy indexes doing part of Gazette's work with tantivy's own parts (stemmed; stemmed
//!   plus an exact-spelling family), run side by side, each in its own process so that
//!   its peak RSS is its own (`wait4`);
//! - queries: a fixed set, in-process (search, passages, highlights, entities, printed
//!   with colour into memory) and as whole `gazette search` processes, against
//!   `rg -i -w` with the same keywords over the raw articles;
//! - how the figures grow from 1× to 10×.
//!
//! It prints Markdown tables. Nothing here asserts a time.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gazette::analysis::AliasTable;
use gazette::index::GazetteIndex;
use gazette::output::terminal::TerminalPrinter;
use gazette::output::{print_results, Printer};
use gazette::search::{self, Filters, SearchOptions};

/// The same threads and memory budget for both engines.
const THREADS: usize = 2;
const MEMORY_MB: usize = 200;

/// One benchmark query: what Gazette is asked, and the keywords `rg` is given.
#[derive(Clone, Copy)]
struct Query {
    name: &'static str,
    query: &'static str,
    filters: fn() -> Filters,
    /// Extra `gazette search` flags for the filter.
    flags: &'static [&'static str],
    /// `rg -i -w` patterns (each one `-e`).
    rg: &'static [&'static str],
    /// `--fuzzy`.
    fuzzy: bool,
}

fn no_filter() -> Filters {
    Filters::default()
}

fn since_2016() -> Filters {
    Filters {
        since: gazette::index::parse_date("2016-01-01"),
        ..Filters::default()
    }
}

const QUERIES: &[Query] = &[
    Query {
        name: "rare term",
        query: "sorghum",
        filters: no_filter,
        flags: &[],
        rg: &["sorghum"],
        fuzzy: false,
    },
    Query {
        name: "common term",
        query: "market",
        filters: no_filter,
        flags: &[],
        rg: &["market"],
        fuzzy: false,
    },
    Query {
        name: "alias",
        query: "Kiev",
        filters: no_filter,
        flags: &[],
        rg: &["kiev", "kyiv", "kiew", "київ", "киев"],
        fuzzy: false,
    },
    Query {
        name: "phrase",
        query: "\"interest rates\"",
        filters: no_filter,
        flags: &[],
        rg: &["interest rates"],
        fuzzy: false,
    },
    Query {
        name: "boolean",
        query: "oil AND (opec OR saudi) -iran",
        filters: no_filter,
        flags: &[],
        rg: &["oil"],
        fuzzy: false,
    },
    Query {
        name: "filtered",
        query: "trade",
        filters: since_2016,
        flags: &["--since", "2016-01-01"],
        rg: &["trade"],
        fuzzy: false,
    },
    // A typo the index does not hold: the search finds little and suggests "president".
    Query {
        name: "typo (did you mean)",
        query: "presdient",
        filters: no_filter,
        flags: &[],
        rg: &["presdient"],
        fuzzy: false,
    },
    // One plain edit away: the search for a word one edit away finds nothing cheaper
    // than any two-edit word could be, so both run (in the first letter's range).
    Query {
        name: "typo, one plain edit",
        query: "presidenk",
        filters: no_filter,
        flags: &[],
        rg: &["presidenk"],
        fuzzy: false,
    },
    // No word of the index is near: the suggestion is looked for among the alias
    // table's 109,000 spelling keys (the dearest did-you-mean; none is near here either).
    Query {
        name: "typo, no near word",
        query: "Klichko",
        filters: no_filter,
        flags: &[],
        rg: &["klichko"],
        fuzzy: false,
    },
    Query {
        name: "typo --fuzzy",
        query: "presdient",
        filters: no_filter,
        flags: &["--fuzzy"],
        rg: &["presdient", "president"],
        fuzzy: true,
    },
];

struct Args {
    data: PathBuf,
    work: PathBuf,
    gazette: PathBuf,
    scale: usize,
    runs: usize,
    reps: usize,
    procs: usize,
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if let Some(engine) = argv.first().and_then(|a| Tantivy::from_mode(a)) {
        // Child mode: a tantivy indexer, in its own process for its own RSS.
        tantivy_index(engine, Path::new(&argv[1]), Path::new(&argv[2]));
        return;
    }
    if argv.first().map(String::as_str) == Some("startup") {
        // `bench startup INDEX QUERY`: what a fresh process spends before and on its
        // first search (run it several times: the first run reads files from disk).
        let t = Instant::now();
        let table = AliasTable::builtin();
        let t_table = t.elapsed();
        let gi = GazetteIndex::open(Path::new(&argv[1]), table.clone())
            .unwrap_or_else(|e| die(&format!("{e:#}")));
        let t_open = t.elapsed();
        let _ = gi.searcher().unwrap_or_else(|e| die(&format!("{e:#}")));
        let t_reader = t.elapsed();
        let opts = SearchOptions {
            query: argv.get(2).cloned().unwrap_or_else(|| "Kiev".into()),
            ..SearchOptions::default()
        };
        let results = search::search(&gi, &opts).unwrap_or_else(|e| die(&format!("{e:#}")));
        let t_search = t.elapsed();
        let mut out = termcolor::Ansi::new(Vec::new());
        let mut printer = TerminalPrinter::new(&mut out, table.clone());
        print_results(&mut printer as &mut dyn Printer, &opts.query, &results).expect("prints");
        let t_print = t.elapsed();
        println!(
            "alias table {} | index open {} | reader {} | first search {} | print {} | total {}",
            ms(t_table),
            ms(t_open - t_table),
            ms(t_reader - t_open),
            ms(t_search - t_reader),
            ms(t_print - t_search),
            ms(t_print)
        );
        return;
    }
    if argv.first().map(String::as_str) == Some("profile-counts") {
        // `bench profile-counts INDEX [REPS]`: the count set only.
        let reps = argv.get(2).and_then(|r| r.parse().ok()).unwrap_or(50);
        print_counts(&[(1, counts(Path::new(&argv[1]), reps))]);
        return;
    }
    if argv.first().map(String::as_str) == Some("alerts") {
        // `bench alerts INDEX NEWS.jsonl N`: 1,000 watches, a job adding N articles to a
        // copy of INDEX, then the alerts.
        let n = argv.get(3).and_then(|r| r.parse().ok()).unwrap_or(10_000);
        let work = std::env::temp_dir().join("gazette-bench-alerts");
        // A fourth argument `profile` skips the baseline (for a profiler).
        let baseline = argv.get(4).map(String::as_str) != Some("profile");
        let row = alerts_bench(Path::new(&argv[1]), Path::new(&argv[2]), n, &work, baseline);
        print_alerts(&[(0, row)]);
        return;
    }
    if argv.first().map(String::as_str) == Some("engine") {
        // `bench engine INDEX`: the Manticore and OpenSearch exports of INDEX.
        let work = std::env::temp_dir().join("gazette-bench-engine");
        print_engine(&[(0, engine_bench(Path::new(&argv[1]), &work))]);
        return;
    }
    if argv.first().map(String::as_str) == Some("user-table") {
        // `bench user-table`: starting with a user alias file, compiled and cached.
        print_user_table(
            Path::new("target/release/gazette"),
            &std::env::temp_dir().join("gazette-bench"),
        );
        return;
    }
    if argv.first().map(String::as_str) == Some("daily") {
        // `bench daily INDEX NEWS.jsonl DAYS [FULL_SECS]`: DAYS daily jobs appended to
        // INDEX in place (it is too big to copy at 100×), then an unchanged re-run;
        // FULL_SECS, the index's full build time, for the jobs' share of it.
        if argv.len() < 4 {
            die("usage: bench daily INDEX NEWS.jsonl DAYS [FULL_SECS]");
        }
        let days = argv[3].parse().unwrap_or_else(|_| die("DAYS is a number"));
        let full = argv.get(4).and_then(|v| v.parse().ok());
        daily_bench(
            Path::new(&argv[1]),
            Path::new(&argv[2]),
            days,
            &PathBuf::from("target/bench/daily"),
            full,
            Path::new("target/release/gazette"),
        );
        return;
    }
    if argv.first().map(String::as_str) == Some("compact") {
        // `bench compact INDEX [N [PROCS]]`: whole search processes over INDEX, then
        // `gazette index --compact=N` on it in place (0 or none: one segment per core),
        // then the same searches again.
        let Some(index) = argv.get(1) else {
            die("usage: bench compact INDEX [N [PROCS]]");
        };
        let n = argv.get(2).and_then(|v| v.parse().ok()).unwrap_or(0);
        let procs = argv.get(3).and_then(|v| v.parse().ok()).unwrap_or(20);
        compact_bench(
            Path::new(index),
            n,
            procs,
            Path::new("target/release/gazette"),
        );
        return;
    }
    if argv.first().map(String::as_str) == Some("profile-queries") {
        // For a profiler: `bench profile-queries INDEX [REPS [NAME]]` runs the query set
        // (or the queries whose name contains NAME) only.
        let reps = argv.get(2).and_then(|r| r.parse().ok()).unwrap_or(200);
        let only = argv.get(3).map(String::as_str).unwrap_or("");
        let queries: Vec<Query> = QUERIES
            .iter()
            .filter(|q| q.name.contains(only))
            .copied()
            .collect();
        let dir = Path::new(&argv[1]);
        let floors = rank_only(dir, reps, &queries);
        for ((q, (s, n)), f) in queries
            .iter()
            .zip(in_process(dir, reps, &queries))
            .zip(floors)
        {
            println!(
                "{}: p50 {} p95 {} ({n} articles; the query alone, tantivy's top 10 and count: p50 {})",
                q.name,
                ms(s.p50),
                ms(s.p95),
                ms(f.p50)
            );
        }
        return;
    }
    let mut args = Args {
        data: PathBuf::from("../shared/data"),
        work: PathBuf::from("target/bench"),
        gazette: PathBuf::from("target/release/gazette"),
        scale: 10,
        runs: 3,
        reps: 200,
        procs: 20,
    };
    let mut it = argv.into_iter();
    while let Some(a) = it.next() {
        let mut val = || {
            it.next()
                .unwrap_or_else(|| die(&format!("{a} needs a value")))
        };
        match a.as_str() {
            "--data" => args.data = val().into(),
            "--work" => args.work = val().into(),
            "--gazette" => args.gazette = val().into(),
            "--scale" => args.scale = val().parse().unwrap_or_else(|_| die("--scale N")),
            "--runs" => args.runs = val().parse().unwrap_or_else(|_| die("--runs N")),
            "--reps" => args.reps = val().parse().unwrap_or_else(|_| die("--reps N")),
            "--procs" => args.procs = val().parse().unwrap_or_else(|_| die("--procs N")),
            "-h" | "--help" => {
                println!(
                    "usage: bench [--data DIR] [--work DIR] [--gazette BIN] [--scale N (0: 1× only)] \
                     [--runs N] [--reps N] [--procs N]"
                );
                return;
            }
            other => die(&format!("unknown argument {other}")),
        }
    }
    run(&args);
}

fn die(msg: &str) -> ! {
    eprintln!("bench: {msg}");
    std::process::exit(2)
}

fn run(args: &Args) {
    let source = args.data.join("news-large.jsonl");
    if !source.is_file() {
        die(&format!("{} not found (pass --data DIR)", source.display()));
    }
    if !args.gazette.is_file() {
        die(&format!(
            "{} not found: build it with `cargo build --release`",
            args.gazette.display()
        ));
    }
    fs::create_dir_all(&args.work)
        .unwrap_or_else(|e| die(&format!("{}: {e}", args.work.display())));
    let one = Corpus::of(source.clone(), 1);
    let mut corpora = vec![one];
    if args.scale > 1 {
        let path = args.work.join(format!("news-{}x.jsonl", args.scale));
        replicate(&source, &path, args.scale);
        corpora.push(Corpus::of(path, args.scale));
    }
    let articles_dir = args.work.join("articles");
    let files = split_articles(&source, &articles_dir);

    println!("# Gazette benchmarks\n");
    println!("{}\n", machine());
    for c in &corpora {
        println!(
            "- {}×: `{}`, {} articles, {:.1} MB",
            c.scale,
            c.path.display(),
            c.articles,
            mb(c.bytes)
        );
    }
    println!(
        "- `rg` over {} article files in `{}` and over the single JSONL file\n",
        files,
        articles_dir.display()
    );

    let mut scale_rows = Vec::new();
    println!("## Indexing\n");
    println!(
        "Fresh index each run, median of {} runs at 1× (one run at larger scales), {THREADS} threads, \
         {MEMORY_MB} MB budget; the engines alternate run by run.\n",
        args.runs
    );
    println!(
        "| corpus | engine | time | articles/s | MB/s | peak RSS | index size | throughput vs baseline | \
         Gazette vs this engine |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for c in &corpora {
        let runs = if c.scale == 1 { args.runs } else { 1 };
        let (tantivy, gaz) = index_side_by_side(args, c, runs);
        let base = tantivy[0];
        let engines = Tantivy::ALL.iter().map(|t| t.name()).zip(&tantivy);
        for (name, m) in engines.chain([("gazette", &gaz)]) {
            let vs_base = base.secs / m.secs;
            println!(
                "| {}× | {name} | {:.2} s | {:.0} | {:.1} | {:.0} MB | {:.0} MB | {} | {} |",
                c.scale,
                m.secs,
                c.articles as f64 / m.secs,
                mb(c.bytes) / m.secs,
                m.rss_kb as f64 / 1024.0,
                mb(m.size),
                if name == "gazette" {
                    format!("**{vs_base:.2}×**")
                } else {
                    format!("{vs_base:.2}×")
                },
                if name == "gazette" {
                    String::new()
                } else {
                    format!("{:.2}×", m.secs / gaz.secs)
                }
            );
        }
        let again = rerun_unchanged(args, c);
        println!(
            "| {}× | gazette, nothing changed | {:.3} s | | | {:.0} MB | | |",
            c.scale,
            again.secs,
            again.rss_kb as f64 / 1024.0
        );
        scale_rows.push((c.scale, base, gaz));
    }

    println!("\n## Queries\n");
    println!(
        "Top 10 passages with matches and entities highlighted, printed with colour into memory \
         (in-process: {} runs a query after 5 warm-up runs), or a whole `gazette search` process \
         with its output read through a pipe ({} runs). `rg -i -w` with the same keywords, output \
         read through a pipe.\n",
        args.reps, args.procs
    );
    let mut latency = Vec::new();
    for c in &corpora {
        let dir = index_dir(args, c, "gazette");
        let in_proc = in_process(&dir, args.reps, QUERIES);
        let whole = whole_process(&args.gazette, &dir, args.procs);
        latency.push((c.scale, in_proc, whole));
    }
    let rg_files: Vec<Stats> = QUERIES
        .iter()
        .map(|q| rg(q, &articles_dir, args.procs.min(10)))
        .collect();
    let rg_jsonl: Vec<Stats> = QUERIES
        .iter()
        .map(|q| rg(q, &source, args.procs.min(10)))
        .collect();
    let mut header = String::from("| query | articles |");
    let mut rule = String::from("|---|---|");
    for (scale, _, _) in &latency {
        header += &format!(" in-process {scale}× p50 / p95 | process {scale}× p50 / p95 |");
        rule += "---|---|";
    }
    header += " rg files p50 | rg JSONL p50 | process vs rg files |";
    rule += "---|---|---|";
    println!("{header}\n{rule}");
    for (i, q) in QUERIES.iter().enumerate() {
        let mut row = format!("| {} `{}` | {} |", q.name, q.query, latency[0].1[i].1);
        for (_, in_proc, whole) in &latency {
            row += &format!(
                " {} / {} | {} / {} |",
                ms(in_proc[i].0.p50),
                ms(in_proc[i].0.p95),
                ms(whole[i].p50),
                ms(whole[i].p95)
            );
        }
        row += &format!(
            " {} | {} | **{:.0}×** |",
            ms(rg_files[i].p50),
            ms(rg_jsonl[i].p50),
            rg_files[i].p50.as_secs_f64() / latency[0].2[i].p50.as_secs_f64()
        );
        println!("{row}");
    }

    let count_rows: Vec<(usize, Vec<CountRow>)> = corpora
        .iter()
        .map(|c| {
            (
                c.scale,
                counts(&index_dir(args, c, "gazette"), args.reps.min(50)),
            )
        })
        .collect();
    print_counts(&count_rows);

    // Alerts: 1,000 watches over a job adding 1,000 articles per 1× of archive.
    let alert_rows: Vec<(usize, AlertRow)> = corpora
        .iter()
        .map(|c| {
            (
                c.scale,
                alerts_bench(
                    &index_dir(args, c, "gazette"),
                    &source,
                    1_000 * c.scale,
                    &args.work.join("alerts"),
                    true,
                ),
            )
        })
        .collect();
    print_alerts(&alert_rows);

    let engine_rows: Vec<(usize, Vec<EngineRow>)> = corpora
        .iter()
        .map(|c| {
            (
                c.scale,
                engine_bench(&index_dir(args, c, "gazette"), &args.work.join("engine")),
            )
        })
        .collect();
    print_engine(&engine_rows);

    print_user_table(&args.gazette, &args.work);

    // Last, as it grows the largest index in place: thirty daily jobs.
    if let (Some(c), Some((_, _, g))) = (corpora.last().filter(|c| c.scale > 1), scale_rows.last())
    {
        println!("\n## Daily jobs ({}×)\n", c.scale);
        daily_bench(
            &index_dir(args, c, "gazette"),
            &source,
            30,
            &args.work.join("daily"),
            Some(g.secs),
            &args.gazette,
        );
    }

    if scale_rows.len() > 1 {
        let (s1, b1, g1) = &scale_rows[0];
        let (sn, bn, gn) = &scale_rows[1];
        let k = (*sn / *s1) as f64;
        println!("\n## Scale ({s1}× → {sn}×, {k:.0}× the articles)\n");
        println!("| figure | {s1}× | {sn}× | growth |");
        println!("|---|---|---|---|");
        let row = |name: &str, a: f64, b: f64, unit: &str| {
            println!("| {name} | {a:.2} {unit} | {b:.2} {unit} | {:.1}× |", b / a);
        };
        row("gazette index time", g1.secs, gn.secs, "s");
        row("baseline index time", b1.secs, bn.secs, "s");
        row("gazette index size", mb(g1.size), mb(gn.size), "MB");
        row(
            "gazette peak RSS",
            g1.rss_kb as f64 / 1024.0,
            gn.rss_kb as f64 / 1024.0,
            "MB",
        );
        row(
            "baseline peak RSS",
            b1.rss_kb as f64 / 1024.0,
            bn.rss_kb as f64 / 1024.0,
            "MB",
        );
        // The median over the query set of each query's p50, in ms.
        let med = |v: Vec<Stats>| {
            let mut p: Vec<f64> = v.iter().map(|s| s.p50.as_secs_f64() * 1000.0).collect();
            p.sort_by(f64::total_cmp);
            p[p.len() / 2]
        };
        let in_proc = |i: usize| med(latency[i].1.iter().map(|s| s.0).collect());
        row(
            "query p50, median of the set (in-process)",
            in_proc(0),
            in_proc(1),
            "ms",
        );
        row(
            "query p50, median of the set (process)",
            med(latency[0].2.clone()),
            med(latency[1].2.clone()),
            "ms",
        );
    }
}

/// A corpus file and its size.
struct Corpus {
    path: PathBuf,
    scale: usize,
    articles: usize,
    bytes: u64,
}

impl Corpus {
    fn of(path: PathBuf, scale: usize) -> Corpus {
        let bytes = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let articles = BufReader::new(File::open(&path).expect("corpus opens"))
            .lines()
            .map_while(Result::ok)
            .filter(|l| !l.trim().is_empty())
            .count();
        Corpus {
            path,
            scale,
            articles,
            bytes,
        }
    }
}

/// Writes `scale` copies of the JSONL `src` to `dst`, copy k's ids prefixed `xk-`
/// (skipped when `dst` already has the expected size).
fn replicate(src: &Path, dst: &Path, scale: usize) {
    let lines: Vec<String> = BufReader::new(File::open(src).expect("source opens"))
        .lines()
        .map_while(Result::ok)
        .filter(|l| !l.trim().is_empty())
        .collect();
    let rewrite = |k: usize, l: &str| -> String {
        let mut v: serde_json::Value = serde_json::from_str(l).expect("news-large is JSON");
        if let Some(id) = v.get("id").and_then(|i| i.as_str()).map(str::to_string) {
            v["id"] = serde_json::Value::String(format!("x{k}-{id}"));
        }
        serde_json::to_string(&v).expect("serialises")
    };
    let expected: u64 = (0..scale)
        .map(|k| {
            lines
                .iter()
                .map(|l| rewrite(k, l).len() as u64 + 1)
                .sum::<u64>()
        })
        .sum();
    if fs::metadata(dst).is_ok_and(|m| m.len() == expected) {
        return;
    }
    eprintln!("bench: writing {}", dst.display());
    let mut out = BufWriter::new(File::create(dst).expect("replica can be written"));
    for k in 0..scale {
        for l in &lines {
            writeln!(out, "{}", rewrite(k, l)).expect("replica can be written");
        }
    }
    out.flush().expect("replica can be written");
}

/// Writes every article of `src` as one text file (title, blank line, body) under
/// `dir`, for `rg`; returns how many files there are.
fn split_articles(src: &Path, dir: &Path) -> usize {
    let lines: Vec<String> = BufReader::new(File::open(src).expect("source opens"))
        .lines()
        .map_while(Result::ok)
        .filter(|l| !l.trim().is_empty())
        .collect();
    if fs::read_dir(dir).is_ok_and(|d| d.count() == lines.len()) {
        return lines.len();
    }
    eprintln!(
        "bench: writing {} article files under {}",
        lines.len(),
        dir.display()
    );
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).expect("article folder can be made");
    for (i, l) in lines.iter().enumerate() {
        let v: serde_json::Value = serde_json::from_str(l).expect("news-large is JSON");
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        fs::write(
            dir.join(format!("{i:05}.txt")),
            format!("{}\n\n{}\n", s("title"), s("body")),
        )
        .expect("article file can be written");
    }
    lines.len()
}

/// One indexing run.
#[derive(Clone, Copy, Default)]
struct Run {
    secs: f64,
    rss_kb: u64,
    size: u64,
}

fn index_dir(args: &Args, c: &Corpus, engine: &str) -> PathBuf {
    args.work.join(format!("index-{engine}-{}x", c.scale))
}

/// Indexes `c` `runs` times with each engine, alternating; returns the median runs of
/// the tantivy engines (in [`Tantivy::ALL`] order) and of Gazette.
fn index_side_by_side(args: &Args, c: &Corpus, runs: usize) -> (Vec<Run>, Run) {
    let me = std::env::current_exe().expect("own path");
    let mut tantivy: Vec<Vec<Run>> = vec![Vec::new(); Tantivy::ALL.len()];
    let mut gaz = Vec::new();
    for _ in 0..runs {
        for (engine, runs) in Tantivy::ALL.into_iter().zip(&mut tantivy) {
            let dir = index_dir(args, c, engine.dir());
            let _ = fs::remove_dir_all(&dir);
            let mut cmd = Command::new(&me);
            cmd.arg(engine.mode()).arg(&c.path).arg(&dir);
            let mut run = measure(cmd);
            run.size = dir_size(&dir);
            runs.push(run);
            if engine != Tantivy::Plain {
                // Only measured; at 10× each is another half gigabyte of disk.
                let _ = fs::remove_dir_all(&dir);
            }
        }

        let dir = index_dir(args, c, "gazette");
        let _ = fs::remove_dir_all(&dir);
        let mut cmd = Command::new(&args.gazette);
        cmd.args(["index", "-q", "--threads"])
            .arg(THREADS.to_string())
            .arg("--memory")
            .arg(MEMORY_MB.to_string())
            .arg("--index")
            .arg(&dir)
            .arg(&c.path);
        let mut run = measure(cmd);
        run.size = dir_size(&dir);
        gaz.push(run);
    }
    (
        tantivy.into_iter().map(median_run).collect(),
        median_run(gaz),
    )
}

/// A second `gazette index` over the same, unchanged corpus.
fn rerun_unchanged(args: &Args, c: &Corpus) -> Run {
    let mut cmd = Command::new(&args.gazette);
    cmd.args(["index", "-q", "--index"])
        .arg(index_dir(args, c, "gazette"))
        .arg(&c.path);
    measure(cmd)
}

fn median_run(mut runs: Vec<Run>) -> Run {
    runs.sort_by(|a, b| a.secs.total_cmp(&b.secs));
    runs[runs.len() / 2]
}

/// Runs `cmd` to the end; its wall time and peak RSS (from `wait4`, the child's own).
// The child is reaped by `wait4`, which std's `Child::wait` cannot replace (no rusage).
#[allow(clippy::zombie_processes)]
fn measure(mut cmd: Command) -> Run {
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| die(&format!("{cmd:?}: {e}")));
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    let (status, rss_kb) = wait4(child.id());
    let secs = start.elapsed().as_secs_f64();
    if status != 0 {
        die(&format!("{cmd:?} failed ({status}): {err}"));
    }
    Run {
        secs,
        rss_kb,
        size: 0,
    }
}

/// Waits for the child `pid`: its exit status and peak resident set in kB.
fn wait4(pid: u32) -> (i32, u64) {
    let mut status = 0;
    // SAFETY: rusage is plain old data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid as i32, &mut status, 0, &mut usage) };
    if r < 0 {
        die(&format!("wait4: {}", std::io::Error::last_os_error()));
    }
    (libc::WEXITSTATUS(status), usage.ru_maxrss as u64)
}

fn dir_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// Latency percentiles of repeated runs.
#[derive(Clone, Copy)]
struct Stats {
    p50: Duration,
    p95: Duration,
}

fn stats(mut v: Vec<Duration>) -> Stats {
    v.sort();
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    Stats {
        p50: at(0.5),
        p95: at(0.95),
    }
}

impl Query {
    /// The search options the query runs with in-process.
    fn options(&self) -> SearchOptions {
        SearchOptions {
            query: self.query.to_string(),
            filters: (self.filters)(),
            fuzzy: self.fuzzy,
            ..SearchOptions::default()
        }
    }
}

/// Each query run in this process: search, passages and highlighted printing. Returns
/// latency and the number of matching articles.
fn in_process(dir: &Path, reps: usize, queries: &[Query]) -> Vec<(Stats, u64)> {
    let table = AliasTable::builtin();
    let gi = GazetteIndex::open(dir, table.clone()).unwrap_or_else(|e| die(&format!("{e:#}")));
    queries
        .iter()
        .map(|q| {
            let opts = q.options();
            let mut times = Vec::with_capacity(reps);
            let mut total = 0;
            for i in 0..reps + 5 {
                let t = Instant::now();
                let results = search::search(&gi, &opts).unwrap_or_else(|e| die(&format!("{e:#}")));
                let mut out = termcolor::Ansi::new(Vec::with_capacity(8192));
                let mut printer = TerminalPrinter::new(&mut out, table.clone());
                print_results(&mut printer as &mut dyn Printer, q.query, &results)
                    .expect("printing into memory");
                std::hint::black_box(out.into_inner());
                if i >= 5 {
                    times.push(t.elapsed());
                }
                total = results.total_articles as u64;
            }
            (stats(times), total)
        })
        .collect()
}

/// Each query's matching alone (`search::rank_only`: tantivy's top 10 and count over
/// the same query, no passages): the floor of `in_process`.
fn rank_only(dir: &Path, reps: usize, queries: &[Query]) -> Vec<Stats> {
    let table = AliasTable::builtin();
    let gi = GazetteIndex::open(dir, table).unwrap_or_else(|e| die(&format!("{e:#}")));
    queries
        .iter()
        .map(|q| {
            let opts = q.options();
            let mut times = Vec::with_capacity(reps);
            for i in 0..reps + 5 {
                let t = Instant::now();
                let n = search::rank_only(&gi, &opts).unwrap_or_else(|e| die(&format!("{e:#}")));
                std::hint::black_box(n);
                if i >= 5 {
                    times.push(t.elapsed());
                }
            }
            stats(times)
        })
        .collect()
}

/// Each query as a whole `gazette search` process, output read through a pipe.
fn whole_process(gazette: &Path, dir: &Path, runs: usize) -> Vec<Stats> {
    QUERIES
        .iter()
        .map(|q| {
            let mut cmd = Command::new(gazette);
            cmd.args(["search", "--color", "always", "--index"])
                .arg(dir)
                .args(q.flags)
                .arg("--")
                .arg(q.query);
            timed(cmd, runs, &[0, 1])
        })
        .collect()
}

fn rg(q: &Query, target: &Path, runs: usize) -> Stats {
    let mut cmd = Command::new("rg");
    cmd.args(["-i", "-w", "--no-config", "--color", "never"]);
    for p in q.rg {
        cmd.arg("-e").arg(p);
    }
    cmd.arg(target);
    timed(cmd, runs, &[0, 1])
}

/// Runs `cmd` `runs` times (after one warm-up), reading all its output through a pipe
/// (`rg` stops at the first match when its output is /dev/null).
fn timed(mut cmd: Command, runs: usize, ok: &[i32]) -> Stats {
    cmd.stdout(Stdio::piped()).stderr(Stdio::null());
    let mut times = Vec::with_capacity(runs);
    for i in 0..=runs {
        let t = Instant::now();
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => die(&format!("{:?}: {e}", cmd.get_program())),
        };
        let mut sink = Vec::new();
        child
            .stdout
            .take()
            .expect("piped")
            .read_to_end(&mut sink)
            .expect("output readable");
        let status = child.wait().expect("child waits");
        let code = status.code().unwrap_or(-1);
        if !ok.contains(&code) {
            die(&format!("{cmd:?} exited with {code}"));
        }
        if i > 0 {
            times.push(t.elapsed());
        }
    }
    stats(times)
}

/// The tantivy indexers the harness runs beside Gazette, each as a child process.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Tantivy {
    /// The baseline: title and body with tantivy's default tokenizer, stored as Gazette
    /// stores them.
    Plain,
    /// The baseline with title and body stemmed (tantivy's `en_stem`).
    Stemmed,
    /// Stemmed, plus a second, exact-spelling family (default tokenizer), all with
    /// positions: the field families Gazette's index holds, built by tantivy's own
    /// parts, without aliases, language detection or near-duplicate signatures.
    StemmedExact,
}

impl Tantivy {
    const ALL: [Tantivy; 3] = [Tantivy::Plain, Tantivy::Stemmed, Tantivy::StemmedExact];

    fn mode(self) -> &'static str {
        match self {
            Tantivy::Plain => "baseline-index",
            Tantivy::Stemmed => "stemmed-index",
            Tantivy::StemmedExact => "stemmed-exact-index",
        }
    }

    fn from_mode(mode: &str) -> Option<Tantivy> {
        Tantivy::ALL.into_iter().find(|t| t.mode() == mode)
    }

    fn name(self) -> &'static str {
        match self {
            Tantivy::Plain => "tantivy baseline",
            Tantivy::Stemmed => "tantivy, stemmed",
            Tantivy::StemmedExact => "tantivy, stemmed + exact family",
        }
    }

    fn dir(self) -> &'static str {
        match self {
            Tantivy::Plain => "baseline",
            Tantivy::Stemmed => "stemmed",
            Tantivy::StemmedExact => "stemmed-exact",
        }
    }
}

/// Child mode: a tantivy index of a JSONL file (see [`Tantivy`]) with the same threads
/// and memory budget as Gazette.
fn tantivy_index(engine: Tantivy, src: &Path, dir: &Path) {
    use tantivy::schema::{
        IndexRecordOption, Schema, TextFieldIndexing, TextOptions, STORED, STRING, TEXT,
    };
    use tantivy::{Index, TantivyDocument};

    let mut sb = Schema::builder();
    let id = sb.add_text_field("id", STRING | STORED);
    let stemmed = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("en_stem")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let analysed = if engine == Tantivy::Plain {
        TEXT | STORED
    } else {
        stemmed
    };
    let title = sb.add_text_field("title", analysed.clone());
    let body = sb.add_text_field("body", analysed);
    let exact = (engine == Tantivy::StemmedExact).then(|| {
        (
            sb.add_text_field("title_exact", TEXT),
            sb.add_text_field("body_exact", TEXT),
        )
    });
    let schema = sb.build();
    fs::create_dir_all(dir).expect("index folder");
    let index = Index::create_in_dir(dir, schema).expect("index created");
    let mut writer = index
        .writer_with_num_threads::<tantivy::TantivyDocument>(THREADS, MEMORY_MB * 1_000_000)
        .expect("writer");
    #[derive(serde::Deserialize)]
    struct Rec {
        #[serde(default)]
        id: String,
        #[serde(default)]
        title: String,
        #[serde(default)]
        body: String,
    }
    let reader = BufReader::with_capacity(1 << 20, File::open(src).expect("corpus opens"));
    for line in reader.lines() {
        let line = line.expect("corpus readable");
        if line.trim().is_empty() {
            continue;
        }
        let r: Rec = serde_json::from_str(&line).expect("JSON record");
        let mut d = TantivyDocument::default();
        d.add_text(id, &r.id);
        if let Some((title_exact, body_exact)) = exact {
            d.add_text(title_exact, &r.title);
            d.add_text(body_exact, &r.body);
        }
        d.add_text(title, r.title);
        d.add_text(body, r.body);
        writer.add_document(d).expect("document added");
    }
    writer.commit().expect("commit");
    writer.wait_merging_threads().expect("merges end");
}

fn machine() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<u64>().ok())
        })
        .map_or(String::new(), |kb| {
            format!(", {:.0} GB RAM", kb as f64 / 1048576.0)
        });
    let rg = Command::new("rg")
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_else(|| "rg not found".into());
    format!(
        "Machine: {cpu}, {cores} cores{mem}; {rg}; release build, tantivy 0.27 for both engines."
    )
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// One count of the suite: Gazette's, and tantivy's own aggregation over the same query
/// answering the nearest question (its buckets unnamed, unfilled, unranked).
struct CountRow {
    name: &'static str,
    gazette: Stats,
    tantivy: Stats,
    articles: u64,
}

/// The count set, in-process (after 3 warm-up runs each).
fn counts(dir: &Path, reps: usize) -> Vec<CountRow> {
    use gazette::analytics::{self, CountRequest, Dim, Rank, SpellingRequest};
    let gi =
        GazetteIndex::open(dir, AliasTable::builtin()).unwrap_or_else(|e| die(&format!("{e:#}")));
    let opts = |q: &str| SearchOptions {
        query: q.to_string(),
        ..SearchOptions::default()
    };
    let req = |by: Vec<Dim>| CountRequest {
        by,
        kind: None,
        top: None,
        rank: Rank::Llr,
    };
    let time = |f: &mut dyn FnMut() -> u64| -> (Stats, u64) {
        let mut n = 0;
        let mut times = Vec::with_capacity(reps);
        for i in 0..reps + 3 {
            let t = Instant::now();
            n = std::hint::black_box(f());
            if i >= 3 {
                times.push(t.elapsed());
            }
        }
        (stats(times), n)
    };
    let agg = |q: &str, request: serde_json::Value| -> Stats {
        let o = opts(q);
        time(&mut || {
            let v = analytics::aggregate(&gi, &o, request.clone())
                .unwrap_or_else(|e| die(&format!("{request}: {e:?}")));
            v.to_string().len() as u64
        })
        .0
    };
    let month =
        serde_json::json!({"m": {"date_histogram": {"field": "date", "fixed_interval": "30d"}}});
    let year =
        serde_json::json!({"y": {"date_histogram": {"field": "date", "fixed_interval": "365d"}}});
    let terms = |field: &str, size: usize| serde_json::json!({"t": {"terms": {"field": field, "size": size}}});
    let mut rows = Vec::new();
    // (name, query, dimensions, --top, tantivy's nearest aggregation)
    type Case = (
        &'static str,
        &'static str,
        Vec<Dim>,
        Option<usize>,
        serde_json::Value,
    );
    let cases: Vec<Case> = vec![
        (
            "count Kyiv --by month",
            "Kyiv",
            vec![Dim::Month],
            None,
            month,
        ),
        (
            "count Kyiv --by source",
            "Kyiv",
            vec![Dim::Source],
            None,
            terms("source_key", 1000),
        ),
        (
            "count Kyiv --by source,year",
            "Kyiv",
            vec![Dim::Source, Dim::Year],
            None,
            serde_json::json!({"t": {"terms": {"field": "source_key", "size": 1000}, "aggs": {"y": {"date_histogram": {"field": "date", "fixed_interval": "365d"}}}}}),
        ),
        (
            "count Kyiv --by entity",
            "Kyiv",
            vec![Dim::Entity],
            Some(25),
            terms("entities", 25),
        ),
        ("count --by year (all)", "", vec![Dim::Year], None, year),
    ];
    for (name, q, by, top, baseline) in cases {
        let o = opts(q);
        let r = CountRequest { top, ..req(by) };
        let (g, n) = time(&mut || {
            analytics::count(&gi, &o, &r)
                .unwrap_or_else(|e| die(&format!("{e:#}")))
                .articles
        });
        rows.push(CountRow {
            name,
            gazette: g,
            tantivy: agg(q, baseline),
            articles: n,
        });
    }
    let o = opts("");
    let sr = SpellingRequest {
        entity: "Kyiv".into(),
        by: Some(Dim::Source),
    };
    let (g, n) = time(&mut || {
        analytics::spellings(&gi, &o, &sr)
            .unwrap_or_else(|e| die(&format!("{e:#}")))
            .count
            .articles
    });
    let baseline = serde_json::json!({"t": {"terms": {"field": "spellings", "size": 1000}, "aggs": {"s": {"terms": {"field": "source_key", "size": 1000}}}}});
    // A batch of names (the table's first 1,000 spellings), one search each in one
    // process; against the same searches one by one.
    let names: Vec<String> = gi
        .table
        .entities()
        .iter()
        .flat_map(|e| e.spellings.first().cloned())
        .take(1000)
        .collect();
    let list = std::env::temp_dir().join("gazette-bench-names.txt");
    fs::write(&list, names.join("\n")).unwrap_or_else(|e| die(&format!("{e}")));
    let (entries, _) = gazette::batch::parse(&list).unwrap_or_else(|e| die(&format!("{e:#}")));
    let base = SearchOptions {
        limit: 3,
        group: search::Grouping::Off,
        ..SearchOptions::default()
    };
    let batch_reps = (reps / 10).max(1);
    let mut times = Vec::new();
    let mut hits = 0;
    for _ in 0..batch_reps {
        let t = Instant::now();
        hits = 0;
        for e in &entries {
            hits += (gazette::batch::run(&gi, e, &base).map_or(0, |a| a.results.total_articles) > 0)
                as u64;
        }
        times.push(t.elapsed());
    }
    let batch = stats(times);
    let mut times = Vec::new();
    for _ in 0..batch_reps {
        let t = Instant::now();
        for e in &entries {
            let o = SearchOptions {
                query: e.query.clone(),
                ..base.clone()
            };
            std::hint::black_box(search::search(&gi, &o).ok());
        }
        times.push(t.elapsed());
    }
    rows.push(CountRow {
        name: "batch of 1,000 names (entries with hits; baseline: the searches alone)",
        gazette: batch,
        tantivy: stats(times),
        articles: hits,
    });
    let o = opts("Kyiv");
    let (eg, en) = time(&mut || {
        let mut bytes = 0u64;
        gazette::export::export(&gi, &o, false, &mut |a| {
            bytes += a.meta.id.len() as u64 + a.passage.map_or(0, |p| p.len() as u64);
            true
        })
        .unwrap_or_else(|e| die(&format!("{e:#}")))
    });
    let (s, _) = time(&mut || {
        search::matching_ids(&gi, &o)
            .unwrap_or_else(|e| die(&format!("{e:#}")))
            .len() as u64
    });
    rows.push(CountRow {
        name: "export Kyiv (baseline: the matching ids alone)",
        gazette: eg,
        tantivy: s,
        articles: en,
    });
    rows.push(CountRow {
        name: "spellings Kyiv --by source",
        gazette: g,
        tantivy: agg("entity:kyiv", baseline),
        articles: n,
    });
    rows
}

fn print_counts(rows: &[(usize, Vec<CountRow>)]) {
    println!("\n## Counts\n");
    println!(
        "In-process, p50 / p95. Baseline: tantivy's own aggregation (date histogram or terms) over \
         the same query, answering the nearest question (buckets unnamed, gaps unfilled, no \
         ranking by association).\n"
    );
    println!("| count | scale | articles | gazette p50 / p95 | tantivy aggregation p50 | gazette vs tantivy |");
    println!("|---|---|---|---|---|---|");
    for (scale, set) in rows {
        for r in set {
            println!(
                "| `{}` | {scale}× | {} | {} / {} | {} | {:.2}× |",
                r.name,
                r.articles,
                ms(r.gazette.p50),
                ms(r.gazette.p95),
                ms(r.tantivy.p50),
                r.tantivy.p50.as_secs_f64() / r.gazette.p50.as_secs_f64()
            );
        }
    }
}

/// What the alerts bench measured.
struct AlertRow {
    articles: u64,
    new: usize,
    watches: usize,
    job: Duration,
    alerts: Duration,
    alerted: usize,
    /// The baseline: every watch run over the whole archive (matches only, no passages).
    rerun: Duration,
}

/// Copies the index at `index` to `work`, saves 1,000 watches (the table's first 1,000
/// spellings, as the batch bench), indexes `n` articles of `news` under new ids with
/// their text changed (new text: a job's news), and times the job, the alerts it
/// brings, and the baseline of re-running every watch over the archive.
fn alerts_bench(index: &Path, news: &Path, n: usize, work: &Path, baseline: bool) -> AlertRow {
    let _ = fs::remove_dir_all(work);
    let copy = work.join("index");
    fs::create_dir_all(&copy).unwrap_or_else(|e| die(&format!("{}: {e}", copy.display())));
    for e in fs::read_dir(index).unwrap_or_else(|e| die(&format!("{}: {e}", index.display()))) {
        let e = e.unwrap_or_else(|e| die(&format!("{e}")));
        if e.file_type().is_ok_and(|t| t.is_file()) {
            fs::copy(e.path(), copy.join(e.file_name()))
                .unwrap_or_else(|e| die(&format!("copy: {e}")));
        }
    }
    let table = AliasTable::builtin();
    let watches: Vec<gazette::watch::Watch> = table
        .entities()
        .iter()
        .flat_map(|e| e.spellings.first().cloned())
        .take(1000)
        .map(|name| {
            let o = SearchOptions {
                query: name.clone(),
                ..SearchOptions::default()
            };
            gazette::watch::Watch::new(&name, &o).unwrap_or_else(|e| die(&format!("{e:#}")))
        })
        .collect();
    let count = watches.len();
    gazette::watch::add(&copy, watches, true).unwrap_or_else(|e| die(&format!("{e:#}")));
    let file = work.join("new.jsonl");
    let mut out = BufWriter::new(File::create(&file).expect("writable"));
    for (i, l) in BufReader::new(File::open(news).expect("news opens"))
        .lines()
        .map_while(Result::ok)
        .filter(|l| !l.trim().is_empty())
        .take(n)
        .enumerate()
    {
        let mut v: serde_json::Value = serde_json::from_str(&l).expect("news-large is JSON");
        v["id"] = serde_json::json!(format!("alert-{i}"));
        let title = v["title"].as_str().unwrap_or("").to_string();
        v["title"] = serde_json::json!(format!("Update: {title}"));
        writeln!(out, "{v}").expect("writable");
    }
    drop(out);
    let t = Instant::now();
    let opts = gazette::job::IndexOptions {
        roots: vec![file.clone()],
        threads: THREADS,
        memory: MEMORY_MB * 1_000_000,
        ..Default::default()
    };
    let report = gazette::job::run(&copy, table.clone(), &opts, &|_| {})
        .unwrap_or_else(|e| die(&format!("{e:#}")));
    let job = t.elapsed();
    let t = Instant::now();
    let checked = gazette::watch::alerts::check(&copy, table.clone(), &Default::default())
        .unwrap_or_else(|e| die(&format!("{e:#}")));
    let alerts = t.elapsed();
    let gi = GazetteIndex::open(&copy, table).unwrap_or_else(|e| die(&format!("{e:#}")));
    let t = Instant::now();
    let all = gazette::watch::list(&copy).unwrap_or_else(|e| die(&format!("{e:#}")));
    for w in all.iter().filter(|_| baseline) {
        let o = w.options().unwrap_or_else(|e| die(&format!("{e:#}")));
        std::hint::black_box(search::matching_ids(&gi, &o).map(|v| v.len()).ok());
    }
    let rerun = t.elapsed();
    let _ = fs::remove_dir_all(work);
    AlertRow {
        articles: report.total_articles,
        new: report.articles,
        watches: count,
        job,
        alerts,
        alerted: checked.alerts.len(),
        rerun,
    }
}

fn print_alerts(rows: &[(usize, AlertRow)]) {
    println!("\n## Alerts\n");
    println!(
        "1,000 watches (the table's first 1,000 spellings) over a job adding new articles to a \
         copy of the index; alerts with their passages. Baseline: every watch run again over the \
         whole archive, matching ids only (what alerts avoid).\n"
    );
    println!("| scale | index after | job adds | job | alerts | alerted | baseline: re-run every watch | alerts vs baseline |");
    println!("|---|---|---|---|---|---|---|---|");
    for (scale, r) in rows {
        let scale = if *scale == 0 {
            "-".to_string()
        } else {
            format!("{scale}×")
        };
        println!(
            "| {scale} | {} | {} | {:.2} s | {:.2} s | {} (of {} watches) | {:.2} s | {:.1}× |",
            r.articles,
            r.new,
            r.job.as_secs_f64(),
            r.alerts.as_secs_f64(),
            r.alerted,
            r.watches,
            r.rerun.as_secs_f64(),
            r.rerun.as_secs_f64() / r.alerts.as_secs_f64()
        );
    }
}

/// One engine export, timed.
struct EngineRow {
    engine: &'static str,
    articles: u64,
    rules: usize,
    secs: f64,
    bytes: u64,
}

/// Writes the Manticore and the OpenSearch export of the index at `index` into `work`
/// (removed after), timing each.
fn engine_bench(index: &Path, work: &Path) -> Vec<EngineRow> {
    let gi =
        GazetteIndex::open(index, AliasTable::builtin()).unwrap_or_else(|e| die(&format!("{e:#}")));
    let mut rows = Vec::new();
    for engine in ["manticore", "opensearch"] {
        let _ = fs::remove_dir_all(work);
        let opts = gazette::engine::EngineOptions {
            dir: work.to_path_buf(),
            shards: 1,
            port: 9312,
            bulk_bytes: 10_000_000,
            ..Default::default()
        };
        let t = Instant::now();
        let w = match engine {
            "manticore" => gazette::engine::manticore::export(&gi, &opts),
            _ => gazette::engine::opensearch::export(&gi, &opts),
        }
        .unwrap_or_else(|e| die(&format!("{e:#}")));
        rows.push(EngineRow {
            engine,
            articles: w.articles,
            rules: w.rules,
            secs: t.elapsed().as_secs_f64(),
            bytes: dir_size(work),
        });
    }
    let _ = fs::remove_dir_all(work);
    rows
}

/// A user alias file (`--aliases`): what a process pays to start with it, compiling the
/// table (an empty cache each run) and reading the compiled table back from the cache,
/// beside the built-in table alone. `gazette aliases NAME` is the process: it opens no
/// index, so the table is all it costs.
fn print_user_table(gazette: &Path, work: &Path) {
    let work = work.join("user-table");
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).expect("work folder");
    let file = work.join("mine.toml");
    fs::write(
        &file,
        "[[entity]]\nid = \"cocoa_board\"\nname = \"Ghana Cocoa Board\"\nkind = \"organisation\"\nspellings = [\"Cocobod\", \"Cocoa Board\"]\n",
    )
    .expect("user file");
    let cache = work.join("cache");
    let run = |user: bool, keep: bool| {
        let mut cmd = Command::new(gazette);
        cmd.env("GAZETTE_CACHE_DIR", &cache)
            .args(["aliases", "Cocobod"]);
        if user {
            cmd.arg("--aliases").arg(&file);
        }
        let mut times = Vec::new();
        for _ in 0..5 {
            if !keep {
                let _ = fs::remove_dir_all(&cache);
            }
            let t = Instant::now();
            let out = cmd.output().expect("gazette runs");
            times.push(t.elapsed());
            assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
        }
        stats(times)
    };
    let builtin = run(false, true);
    let cold = run(true, false);
    let _ = run(true, true);
    let warm = run(true, true);
    println!("\n## A user alias file\n");
    println!("`gazette aliases Cocobod` as a whole process, five runs each (p50).\n");
    println!("| table | p50 | vs built-in |");
    println!("|---|---|---|");
    for (name, s) in [
        ("built-in only", &builtin),
        ("`--aliases FILE`, compiled (empty cache)", &cold),
        ("`--aliases FILE`, from the cache", &warm),
    ] {
        println!(
            "| {name} | {} | {:.1}× |",
            ms(s.p50),
            s.p50.as_secs_f64() / builtin.p50.as_secs_f64()
        );
    }
    let _ = fs::remove_dir_all(&work);
}

fn print_engine(rows: &[(usize, Vec<EngineRow>)]) {
    println!("\n## Engine exports\n");
    println!("`export-engine` into a fresh folder, in-process, one shard.\n");
    println!("| scale | engine | articles | name rules | time | written |");
    println!("|---|---|---|---|---|---|");
    for (scale, set) in rows {
        let scale = if *scale == 0 {
            "-".to_string()
        } else {
            format!("{scale}×")
        };
        for r in set {
            println!(
                "| {scale} | {} | {} | {} | {:.2} s | {:.0} MB |",
                r.engine,
                r.articles,
                r.rules,
                r.secs,
                mb(r.bytes)
            );
        }
    }
}

/// Daily jobs on a big archive (issue #19): each day a `gazette index` process (under
/// `nice -n $NICE` when set, as a cron line may run it) adds a new file of 1% of the
/// archive's articles (`NEWS` under new ids `dK-…`, titles changed so that their text is
/// new) to INDEX, while a thread searches (`Kiev`, `market`, `"interest rates"`, one
/// after the other, each opening the index afresh as a `gazette search` process would).
/// Printed per day: the job's time and share of the full build (`full`, seconds), the
/// segment count after it, and search p50/p95 during the job beside the same searches
/// before any job.
/// Then the whole archive is indexed again, unchanged (every recorded root).
/// `bench compact`: see `main`.
fn compact_bench(index: &Path, n: usize, procs: usize, gazette_bin: &Path) {
    let segments = || {
        GazetteIndex::open(index, AliasTable::builtin())
            .and_then(|g| g.searcher())
            .map(|s| s.segment_readers().len())
            .unwrap_or_else(|e| die(&format!("{e:#}")))
    };
    let before = (segments(), whole_process(gazette_bin, index, procs));
    let mut cmd = Command::new(gazette_bin);
    cmd.args(["index", "-q", "--index"])
        .arg(index)
        .arg(format!("--compact={n}"));
    let run = measure(cmd);
    // The merged segments are still being written back: searched at once, the first
    // runs measured the disk (0.6–0.7× at 10×, where a quiet machine gives 1.15–1.5×).
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() };
    std::thread::sleep(Duration::from_secs(2));
    let after = (segments(), whole_process(gazette_bin, index, procs));
    println!(
        "`gazette index --compact={n}` on an unchanged index: {:.1} s, peak RSS {:.0} MB, {} → {} segments\n",
        run.secs,
        run.rss_kb as f64 / 1024.0,
        before.0,
        after.0
    );
    println!(
        "| query | process p50 / p95, {} segments | process p50 / p95, {} segments | ratio of p50s |",
        before.0, after.0
    );
    println!("|---|---|---|---|");
    for ((q, b), a) in QUERIES.iter().zip(&before.1).zip(&after.1) {
        println!(
            "| {} | {} / {} | {} / {} | {:.2}× |",
            q.name,
            ms(b.p50),
            ms(b.p95),
            ms(a.p50),
            ms(a.p95),
            b.p50.as_secs_f64() / a.p50.as_secs_f64()
        );
    }
}

fn daily_bench(
    index: &Path,
    news: &Path,
    days: usize,
    work: &Path,
    full: Option<f64>,
    gazette_bin: &Path,
) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    fs::create_dir_all(work).unwrap_or_else(|e| die(&format!("{}: {e}", work.display())));
    let table = AliasTable::builtin();
    let gi = GazetteIndex::open(index, table.clone()).unwrap_or_else(|e| die(&format!("{e:#}")));
    let articles = gi
        .searcher()
        .map(|s| s.num_docs() as usize)
        .unwrap_or_else(|e| die(&format!("{e:#}")));
    let per_day = (articles / 100).max(1);
    let queries = ["Kiev", "market", "\"interest rates\""];
    // As a `gazette search` process would: the index opened afresh (so each search
    // sees the jobs' commits), the query run, the passages cut.
    let search_once = |_: &GazetteIndex, q: &str| -> Duration {
        let t = Instant::now();
        let o = SearchOptions {
            query: q.to_string(),
            ..SearchOptions::default()
        };
        let gi =
            GazetteIndex::open(index, table.clone()).unwrap_or_else(|e| die(&format!("{e:#}")));
        std::hint::black_box(search::search(&gi, &o).map(|r| r.hits.len()).ok());
        t.elapsed()
    };
    // Searches with no job running, as the reference (after a round to warm the page
    // cache: the first open of a just-built index reads its files from disk).
    for q in queries {
        search_once(&gi, q);
    }
    let quiet: Vec<Duration> = (0..60)
        .map(|i| search_once(&gi, queries[i % queries.len()]))
        .collect();
    let quiet = stats(quiet);
    println!(
        "{articles} articles, {} segments; each day adds {per_day}; searches with no job: p50 {} p95 {}",
        gi.searcher().map(|s| s.segment_readers().len()).unwrap_or(0),
        ms(quiet.p50),
        ms(quiet.p95)
    );
    println!("\n| day | job | of a full build | articles after | segments after | search p50 / p95 during the job |");
    println!("|---|---|---|---|---|---|");
    let source: Vec<String> = BufReader::new(
        File::open(news).unwrap_or_else(|e| die(&format!("{}: {e}", news.display()))),
    )
    .lines()
    .map_while(Result::ok)
    .filter(|l| !l.trim().is_empty())
    .collect();
    let mut roots = Vec::new();
    for day in 1..=days {
        let file = work.join(format!("day-{day:02}.jsonl"));
        let mut out = BufWriter::new(File::create(&file).expect("writable"));
        for (i, l) in source.iter().cycle().take(per_day).enumerate() {
            let mut v: serde_json::Value = serde_json::from_str(l).expect("news is JSON");
            v["id"] = serde_json::json!(format!("d{day}-{i}"));
            let title = v["title"].as_str().unwrap_or("").to_string();
            v["title"] = serde_json::json!(format!("Day {day}: {title}"));
            writeln!(out, "{v}").expect("writable");
        }
        drop(out);
        roots.push(file.clone());
        let running = Arc::new(AtomicBool::new(true));
        let during = std::thread::scope(|scope| {
            let r = running.clone();
            let gi = &gi;
            let searcher = scope.spawn(move || {
                let mut times = Vec::new();
                let mut i = 0;
                while r.load(Ordering::Relaxed) {
                    times.push(search_once(gi, queries[i % queries.len()]));
                    i += 1;
                }
                times
            });
            // The job as cron runs it: a `gazette index` process (under `nice -n
            // $NICE` when set).
            let t = Instant::now();
            let mut cmd = match std::env::var("NICE") {
                Ok(n) => {
                    let mut c = Command::new("nice");
                    c.args(["-n", &n]).arg(gazette_bin);
                    c
                }
                Err(_) => Command::new(gazette_bin),
            };
            cmd.args(["index", "-q", "--threads"])
                .arg(THREADS.to_string())
                .arg("--memory")
                .arg(MEMORY_MB.to_string())
                .arg("--index")
                .arg(index)
                .arg(&file);
            let status = cmd
                .status()
                .unwrap_or_else(|e| die(&format!("gazette index: {e}")));
            if !status.success() {
                die(&format!(
                    "gazette index on {} failed: {status}",
                    file.display()
                ));
            }
            let report = GazetteIndex::open(index, table.clone())
                .and_then(|g| g.searcher())
                .map(|s| s.num_docs())
                .unwrap_or_else(|e| die(&format!("{e:#}")));
            let secs = t.elapsed().as_secs_f64();
            running.store(false, Ordering::Relaxed);
            (report, secs, searcher.join().expect("search thread"))
        });
        let (report, secs, times) = during;
        let segments = GazetteIndex::open(index, table.clone())
            .and_then(|g| g.searcher())
            .map(|s| s.segment_readers().len())
            .unwrap_or(0);
        let searched = if times.is_empty() {
            "none ran".to_string()
        } else {
            let s = stats(times);
            format!("{} / {}", ms(s.p50), ms(s.p95))
        };
        println!(
            "| {day} | {secs:.1} s | {} | {report} | {segments} | {searched} |",
            full.map_or("".to_string(), |f| format!("{:.1}%", 100.0 * secs / f)),
        );
    }
    // Every recorded root again, nothing changed.
    let t = Instant::now();
    let opts = gazette::job::IndexOptions {
        roots: Vec::new(),
        threads: THREADS,
        memory: MEMORY_MB * 1_000_000,
        ..Default::default()
    };
    let report =
        gazette::job::run(index, table, &opts, &|_| {}).unwrap_or_else(|e| die(&format!("{e:#}")));
    println!(
        "\nunchanged re-run of the whole archive ({} daily files and what it held before): {:.2} s ({} unchanged, {} added)",
        roots.len(),
        t.elapsed().as_secs_f64(),
        report.unchanged,
        report.added
    );
}

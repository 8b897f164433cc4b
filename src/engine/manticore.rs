//! Manticore Search / Sphinx: one config per node (`node-K.conf`), the articles as TSV
//! for `indexer` (`data/GROUP-K.tsv`, loaded through a `tsvpipe` source), one table per
//! language group and shard (Snowball-like morphology where the engine has it), a
//! distributed table `gazette` on the first node over its local tables and the other
//! nodes as agents, a wordforms file contracting every spelling and case form of every
//! table entity to one term, and a charset table folding as Gazette folds.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use super::{EngineOptions, Row, Written};
use crate::error::{Error, Result};
use crate::index::GazetteIndex;

/// The morphology each table gets: the stemmers both Sphinx 2 and Manticore have.
fn morphology(table: &str) -> &'static str {
    match table {
        "en" => "stem_en",
        "ru" => "stem_ru",
        _ => "none",
    }
}

/// The table a stemming group's articles go to: English and Russian have their own
/// (stemmed); the others share one, unstemmed (names still contract, by wordforms; a
/// table costs the engine a load of the wordforms file).
fn table_of(group: &'static str) -> &'static str {
    match group {
        "en" | "ru" => group,
        _ => "other",
    }
}

/// Writes the export for Manticore / Sphinx into `opts.dir`.
pub fn export(gi: &GazetteIndex, opts: &EngineOptions) -> Result<Written> {
    let dir = super::prepare_dir(&opts.dir)?;
    let shards = opts.shards.max(1);
    if !opts.agents.is_empty() && opts.agents.len() + 1 != shards {
        return Err(Error::Invalid(format!(
            "--shards {shards} needs {} --agent (the nodes holding shards 1 to {}); {} given",
            shards - 1,
            shards - 1,
            opts.agents.len()
        )));
    }
    let mut written = Written::default();
    // The name rules.
    let rules = super::name_rules(&gi.table, Some(&super::Present::read(gi)?));
    let chars: BTreeSet<char> = super::word_chars().into_iter().map(|(c, _)| c).collect();
    let mut wordforms = String::from(
        "# Every spelling and case form of every table entity, contracted to the entity's term.\n",
    );
    for r in &rules {
        if r.words
            .iter()
            .any(|w| w.chars().any(|c| !chars.contains(&c)))
        {
            continue; // a word the engine would split (an apostrophe): left to Gazette
        }
        let _ = writeln!(
            wordforms,
            "{} > {}",
            r.words.join(" "),
            super::entity_term(&r.id)
        );
        written.rules += 1;
    }
    let wordforms_path = dir.join("wordforms.txt");
    super::write(&wordforms_path, &wordforms)?;
    written.files.push(wordforms_path.clone());
    // Table entities numbered for the `entity_ids` attribute.
    let numbers: BTreeMap<&str, usize> = gi
        .table
        .entities()
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i + 1))
        .collect();
    let mut ids = String::from("number\tentity\n");
    for (id, n) in &numbers {
        let _ = writeln!(ids, "{n}\t{id}");
    }
    let ids_path = dir.join("entities.tsv");
    super::write(&ids_path, ids)?;
    written.files.push(ids_path);
    // The articles, one TSV per language group and shard.
    let suffix = if opts.since_last { "-since-last" } else { "" };
    let mut files: BTreeMap<(usize, &'static str), std::io::BufWriter<std::fs::File>> =
        BTreeMap::new();
    let data = dir.join("data");
    std::fs::create_dir_all(&data).map_err(|e| Error::io(&data, e))?;
    written.articles = super::rows(gi, opts, &mut |row: Row| {
        let key = (row.shard, table_of(row.group));
        let path = data.join(format!("{}-{}{suffix}.tsv", key.1, row.shard));
        let out = match files.entry(key) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => {
                let f = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
                e.insert(std::io::BufWriter::new(f))
            }
        };
        write_row(out, &row, &numbers).map_err(|e| Error::io(&path, e))
    })?;
    let mut present: BTreeMap<usize, Vec<&'static str>> = BTreeMap::new();
    for ((shard, group), mut f) in files {
        let path = data.join(format!("{group}-{shard}{suffix}.tsv"));
        f.flush().map_err(|e| Error::io(&path, e))?;
        written.files.push(path);
        present.entry(shard).or_default().push(group);
    }
    // One config per node.
    let charset = charset_table();
    for shard in 0..shards {
        let port = if shard == 0 {
            opts.port
        } else {
            opts.agents
                .get(shard - 1)
                .and_then(|a| a.rsplit_once(':'))
                .and_then(|(_, p)| p.parse().ok())
                .unwrap_or(opts.port + 2 * shard as u16)
        };
        let conf = node_config(
            &dir,
            shard,
            port,
            present.get(&shard).map_or(&[][..], Vec::as_slice),
            &present,
            opts,
            &charset,
            suffix,
        );
        // The node's tables, log and pid file go in its own folder.
        let node = dir.join(format!("node-{shard}{suffix}"));
        std::fs::create_dir_all(&node).map_err(|e| Error::io(&node, e))?;
        let path = dir.join(format!("node-{shard}{suffix}.conf"));
        super::write(&path, conf)?;
        written.files.push(path);
    }
    Ok(written)
}

/// One TSV line: doc id, title, body, then the attributes in declaration order.
fn write_row(
    out: &mut impl std::io::Write,
    row: &Row,
    numbers: &BTreeMap<&str, usize>,
) -> std::io::Result<()> {
    let a = &row.exported;
    let clean = |s: &str| s.replace(['\t', '\n', '\r', '\\'], " ");
    let date = a
        .meta
        .date
        .as_deref()
        .and_then(crate::index::parse_date)
        .map_or(0, |d| d.into_timestamp_secs().max(0));
    let entities: Vec<&str> = a.entities.iter().map(|e| e.id.as_str()).collect();
    let mut mva: Vec<usize> = a
        .entities
        .iter()
        .filter(|e| e.source == "table")
        .filter_map(|e| numbers.get(e.id.as_str()).copied())
        .collect();
    mva.sort_unstable();
    let mva: Vec<String> = mva.iter().map(usize::to_string).collect();
    let story: String = a
        .story
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    writeln!(
        out,
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
        row.doc_id,
        clean(&a.meta.title),
        clean(a.body.as_deref().unwrap_or_default()),
        clean(&a.meta.id),
        date,
        clean(a.meta.source.as_deref().unwrap_or_default()),
        a.meta.lang.code(),
        clean(&entities.join(" ")),
        mva.join(","),
        story
    )
}

/// `charset_table`: Gazette's word characters, each folded as Gazette folds it.
fn charset_table() -> String {
    let entries: Vec<String> = super::word_chars()
        .into_iter()
        .map(|(c, f)| {
            if c == f {
                format!("U+{:04X}", c as u32)
            } else {
                format!("U+{:04X}->U+{:04X}", c as u32, f as u32)
            }
        })
        .collect();
    // Eight entries a line, continued with a backslash.
    entries
        .chunks(8)
        .map(|c| c.join(", "))
        .collect::<Vec<_>>()
        .join(", \\\n        ")
}

#[allow(clippy::too_many_arguments)]
fn node_config(
    dir: &Path,
    shard: usize,
    port: u16,
    groups: &[&'static str],
    all: &BTreeMap<usize, Vec<&'static str>>,
    opts: &EngineOptions,
    charset: &str,
    suffix: &str,
) -> String {
    let node = dir.join(format!("node-{shard}{suffix}"));
    let mut c = String::new();
    let _ = writeln!(
        c,
        "# Gazette export for Manticore Search / Sphinx: node {shard} of {} (shard {shard}).\n\
         # Build: indexer --config {conf} --all ; serve: searchd --config {conf}\n",
        opts.shards.max(1),
        conf = dir.join(format!("node-{shard}{suffix}.conf")).display()
    );
    for g in groups {
        let name = format!("gz_{g}_{shard}{}", suffix.replace('-', "_"));
        let tsv = dir.join("data").join(format!("{g}-{shard}{suffix}.tsv"));
        let _ = writeln!(
            c,
            "source {name}\n{{\n    type = tsvpipe\n    tsvpipe_command = cat \"{}\"\n    \
             tsvpipe_field = title\n    tsvpipe_field = body\n    \
             tsvpipe_attr_string = article_id\n    tsvpipe_attr_timestamp = published\n    \
             tsvpipe_attr_string = source\n    tsvpipe_attr_string = lang\n    \
             tsvpipe_attr_string = entities\n    tsvpipe_attr_multi = entity_ids\n    \
             tsvpipe_attr_string = story\n}}\n",
            tsv.display()
        );
        let _ = writeln!(
            c,
            "index {name}\n{{\n    source = {name}\n    path = {}\n    morphology = {}\n    \
             index_exact_words = 1\n    min_word_len = 1\n    wordforms = {}\n    \
             charset_table = {charset}\n}}\n",
            node.join(&name).display(),
            morphology(g),
            dir.join("wordforms.txt").display(),
        );
    }
    if !suffix.is_empty() {
        // A delta: its tables join the full export's distributed table, after the main
        // tables (for the same document id the table listed last wins).
        let tables: Vec<String> = groups
            .iter()
            .map(|g| format!("gz_{g}_{shard}{}", suffix.replace('-', "_")))
            .collect();
        let _ = writeln!(
            c,
            "# The last job's articles. Build these tables, then list them in the distributed\n\
             # table `gazette` after the main tables of this shard ({}), so that a changed\n\
             # article answers with its new text; articles deleted since stay until the next\n\
             # full export.\n",
            tables.join(", ")
        );
    } else if shard == 0 {
        let _ = writeln!(c, "index gazette\n{{\n    type = distributed");
        for g in groups {
            let _ = writeln!(c, "    local = gz_{g}_0{}", suffix.replace('-', "_"));
        }
        for (k, agent) in opts.agents.iter().enumerate() {
            let tables: Vec<String> = all
                .get(&(k + 1))
                .into_iter()
                .flatten()
                .map(|g| format!("gz_{g}_{}{}", k + 1, suffix.replace('-', "_")))
                .collect();
            if !tables.is_empty() {
                let _ = writeln!(c, "    agent = {agent}:{}", tables.join(","));
            }
        }
        let _ = writeln!(c, "}}\n");
    }
    let _ = writeln!(
        c,
        "indexer\n{{\n    mem_limit = 256M\n}}\n\nsearchd\n{{\n    listen = {port}\n    \
         listen = {}:mysql41\n    log = {log}\n    query_log = {qlog}\n    pid_file = {pid}\n    \
         binlog_path =\n    workers = threads\n}}",
        port + 1,
        log = node.join("searchd.log").display(),
        qlog = node.join("query.log").display(),
        pid = node.join("searchd.pid").display(),
    );
    c
}

//! A tool people live in: the archive found from anywhere (flag, GAZETTE_INDEX, the config
//! file, ./index), flag defaults from the config file, `gazette config`, completions, the
//! man page, `--version`, help. Every run has a cleared environment and its own HOME.

use serde_json::Value;

use crate::util::{passages, stderr, stdout, Dir};

/// Runs gazette in `d` with only these environment variables (HOME is the test's).
fn run_env(d: &Dir, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut c = d.cmd();
    c.env("HOME", d.path().join("home"));
    for (k, v) in env {
        c.env(k, v);
    }
    c.args(args).output().unwrap()
}

/// `gazette config --json`: the settings as (name → (value, from)).
fn settings(
    d: &Dir,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Value, std::collections::HashMap<String, (String, String)>) {
    let mut all = vec!["config", "--json"];
    all.extend_from_slice(args);
    let out = run_env(d, &all, env);
    assert!(out.status.success(), "{}", stderr(&out));
    let rec: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let map = rec["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                (
                    s["value"].as_str().unwrap().to_string(),
                    s["from"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect();
    (rec, map)
}

#[test]
fn the_index_comes_from_the_flag_then_the_environment_then_the_config_file_then_here() {
    let d = Dir::new();
    let cfg = d.write(
        "home/.config/gazette/config.toml",
        "index = \"../../archive/idx\"\n",
    );
    let cfg_index = cfg
        .parent()
        .unwrap()
        .join("../../archive/idx")
        .display()
        .to_string();
    let index = |args: &[&str], env: &[(&str, &str)]| settings(&d, args, env).1["index"].clone();
    let pair = |v: &str, f: &str| (v.to_string(), f.to_string());
    assert_eq!(index(&[], &[]), pair(&cfg_index, "config file"));
    assert_eq!(
        index(&[], &[("GAZETTE_INDEX", "/env/idx")]),
        pair("/env/idx", "GAZETTE_INDEX")
    );
    assert_eq!(
        index(&["--index", "flag/idx"], &[("GAZETTE_INDEX", "/env/idx")]),
        pair("flag/idx", "flag")
    );
    assert_eq!(index(&["--no-config"], &[]), pair("index", "default"));
    // XDG_CONFIG_HOME is looked in before HOME; GAZETTE_CONFIG before both.
    d.write("xdg/gazette/config.toml", "index = \"/xdg/idx\"\n");
    let xdg = d.path().join("xdg").display().to_string();
    assert_eq!(
        index(&[], &[("XDG_CONFIG_HOME", &xdg)]),
        pair("/xdg/idx", "config file")
    );
    let other = d
        .write("other.toml", "index = \"/named/idx\"\n")
        .display()
        .to_string();
    let (rec, map) = settings(
        &d,
        &[],
        &[("XDG_CONFIG_HOME", &xdg), ("GAZETTE_CONFIG", &other)],
    );
    assert_eq!(map["index"], pair("/named/idx", "config file"));
    assert_eq!(rec["config_file"], other.as_str());
    assert_eq!(rec["config_file_from"], "GAZETTE_CONFIG");
    let out = run_env(&d, &["config"], &[("GAZETTE_CONFIG", "/no/such.toml")]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "gazette: GAZETTE_CONFIG=/no/such.toml: no such file"
    );
}

#[test]
fn a_configured_archive_is_searched_from_anywhere_with_the_files_flag_defaults() {
    let d = Dir::new();
    d.copy_fixtures("news");
    d.write(
        "home/.config/gazette/config.toml",
        "index = \"~/archive\"\ncorpus = \"~/../news\"\ncolor = \"never\"\n\n[defaults.search]\nlimit = 2\nper_article = 1\nlang = [\"en\"]\n",
    );
    // A new index with no path is built from the config file's corpus.
    let out = run_env(&d, &["index", "-q"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(d.path().join("home/archive/meta.json").exists());
    // Searched from another directory: the config file's index and flag defaults.
    std::fs::create_dir_all(d.path().join("elsewhere")).unwrap();
    let mut c = d.cmd();
    c.current_dir(d.path().join("elsewhere"))
        .env("HOME", d.path().join("home"));
    let out = c.args(["search", "Kyiv", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let recs: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let found = passages(&recs);
    assert_eq!(found.len(), 2, "limit = 2 from the config file");
    assert!(found.iter().all(|p| p["article"]["lang"] == "en"));
    // What is typed wins over the file's defaults, lists included.
    let out = run_env(
        &d,
        &["search", "Kyiv", "--json", "-n", "3", "--lang", "uk"],
        &[],
    );
    let recs: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let found = passages(&recs);
    assert!(!found.is_empty() && found.len() <= 3, "{found:?}");
    assert!(
        found.iter().all(|p| p["article"]["lang"] == "uk"),
        "{found:?}"
    );
    let (_, map) = settings(&d, &[], &[]);
    assert_eq!(
        map["defaults.search.limit"],
        ("2".to_string(), "config file".to_string())
    );
    assert_eq!(
        map["defaults.search.lang"],
        ("[\"en\"]".to_string(), "config file".to_string())
    );
    assert_eq!(
        map["color"],
        ("never".to_string(), "config file".to_string())
    );
}

#[test]
fn a_configured_archive_is_never_built_by_a_search() {
    let d = Dir::new();
    d.copy_fixtures("corpus");
    let out = run_env(
        &d,
        &["search", "Kyiv"],
        &[("GAZETTE_INDEX", "missing-archive")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("index missing-archive: no index here"),
        "{}",
        stderr(&out)
    );
    assert!(!d.path().join("missing-archive").exists());
    assert!(!d.path().join("index").exists());
    // The bundled demo's first-run build stays: no configuration, ./corpus present.
    let out = run_env(&d, &["search", "Kyiv", "-n", "1"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out)
        .starts_with("gazette: no index in index/ yet; building it from corpus/ (once)"));
    // Nothing at all: the two commands to run.
    let empty = Dir::new();
    let out = run_env(&empty, &["search", "Kyiv"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "gazette: no index in ./index and no ./corpus folder to build one from; build one with \
         `gazette index PATH/TO/NEWS`, then run `gazette search QUERY` (or point GAZETTE_INDEX or \
         the config file's `index` at an existing archive; see `gazette config`)"
    );
}

#[test]
fn bad_config_files_name_the_file_and_the_setting() {
    let d = Dir::new();
    let cases = [
        ("indx = \"x\"\n", "unknown setting `indx` (settings: index, corpus, aliases, color, defaults; flag defaults go in [defaults.SUBCOMMAND] tables, e.g. [defaults.search])"),
        ("[defaults.search]\nlimt = 3\n", "[defaults.search] limt: `gazette search` has no flag --limt (its flags: limit, offset, json, exact,"),
        ("[defaults.search]\nexact = \"yes\"\n", "[defaults.search] exact: a switch: write true or false"),
        ("[defaults.serch]\nlimit = 3\n", "[defaults.serch]: no subcommand `serch` (subcommands: index, search,"),
        ("color = \"sometimes\"\n", "`color`: expected auto, always or never"),
        ("index = [\n", "TOML parse error at line 1"),
    ];
    for (text, want) in cases {
        let cfg = d.write("home/.config/gazette/config.toml", text);
        let out = run_env(&d, &["search", "Kyiv"], &[]);
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = stderr(&out);
        assert!(
            err.starts_with(&format!("gazette: config {}: ", cfg.display())) && err.contains(want),
            "{text}: {err}"
        );
    }
}

#[test]
fn completions_man_pages_version_and_help() {
    let d = Dir::new();
    let out = run_env(&d, &["completions", "bash"], &[]);
    assert!(out.status.success());
    let script = d.write("gazette.bash", &out.stdout);
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let text = stdout(&run_env(&d, &["completions", shell], &[]));
        for word in [
            "search",
            "index",
            "show",
            "roots",
            "completions",
            "per-article",
            "field",
        ] {
            assert!(text.contains(word), "{shell} completions lack {word}");
        }
    }
    let man = stdout(&run_env(&d, &["man"], &[]));
    assert!(
        man.contains(".TH gazette 1") && man.contains("gazette\\-search"),
        "{man}"
    );
    let man = stdout(&run_env(&d, &["man", "search"], &[]));
    assert!(
        man.contains(".TH gazette-search 1") && man.contains("per\\-article"),
        "{man}"
    );
    let out = run_env(&d, &["man", "serch"], &[]);
    assert!(
        stderr(&out).contains("no subcommand `serch` (subcommands: index, search"),
        "{}",
        stderr(&out)
    );
    let version = stdout(&run_env(&d, &["--version"], &[]));
    assert!(
        version.starts_with(&format!(
            "gazette {} (index schema ",
            env!("CARGO_PKG_VERSION")
        )) && version.contains(", alias table "),
        "{version}"
    );
    // Every subcommand's help ends with examples; a typo gets a suggestion.
    for sub in [
        "index",
        "search",
        "show",
        "stats",
        "roots",
        "aliases",
        "config",
        "completions",
        "man",
    ] {
        let help = stdout(&run_env(&d, &[sub, "--help"], &[]));
        assert!(
            help.contains("Examples:\n  gazette "),
            "{sub} --help: {help}"
        );
    }
    // A subcommand's flags are defined only when it runs (`cli::lazy`); its help still
    // opens with its own line, not that of a group of flags it takes in.
    for (sub, first) in [
        ("count", "Count the matching articles"),
        ("spellings", "Count who writes which spelling"),
        ("search", "Search the index"),
    ] {
        let help = stdout(&run_env(&d, &[sub, "--help"], &[]));
        assert!(help.starts_with(first), "{sub} --help: {help}");
    }
    let out = run_env(&d, &["serch", "Kyiv"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("a similar subcommand exists: 'search'"),
        "{}",
        stderr(&out)
    );
    let out = run_env(&d, &["search", "--per-artcle", "1", "Kyiv"], &[]);
    assert!(
        stderr(&out).contains("a similar argument exists: '--per-article'"),
        "{}",
        stderr(&out)
    );
}

//! Settings that do not come from the command line: the index and corpus an archive
//! lives in (`GAZETTE_INDEX`, the config file), and defaults for any flag (the config
//! file's `[defaults.search]`, `[defaults.index]`… tables). As ripgrep does with `RIPGREP_CONFIG_PATH`,
//! flag defaults become arguments placed before the user's own, so that what is typed
//! wins and clap checks both alike. `gazette config` shows what is in force and why.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::{ColorWhen, DEFAULT_INDEX};

/// Where a setting came from, in order of precedence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Flag,
    Env(&'static str),
    ConfigFile,
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag => f.write_str("flag"),
            Origin::Env(name) => f.write_str(name),
            Origin::ConfigFile => f.write_str("config file"),
            Origin::Default => f.write_str("default"),
        }
    }
}

/// The config file, read.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The file, and what named it (`GAZETTE_CONFIG`, `XDG_CONFIG_HOME`, `HOME`).
    pub path: Option<(PathBuf, &'static str)>,
    pub index: Option<PathBuf>,
    /// Roots a new index is built from when `gazette index` is given none.
    pub corpus: Vec<PathBuf>,
    pub aliases: Option<PathBuf>,
    pub color: Option<ColorWhen>,
    /// Per subcommand, flag defaults as arguments (`--limit`, `20`).
    pub flags: BTreeMap<String, Vec<FlagDefault>>,
}

/// One flag default of the config file.
#[derive(Clone, Debug)]
pub struct FlagDefault {
    /// As written: `search.limit`.
    pub setting: String,
    /// The value as written: `20`, `["en", "uk"]`.
    pub value: String,
    /// As arguments: `--limit 20`.
    pub args: Vec<OsString>,
    /// The flag's long and short names, to see whether the user typed it.
    pub long: String,
    pub short: Option<char>,
}

/// The top-level settings a config file may hold; the rest are subcommand tables.
const SETTINGS: &[&str] = &["index", "corpus", "aliases", "color", "defaults"];

impl Config {
    /// Finds and reads the config file: `GAZETTE_CONFIG`, else
    /// `$XDG_CONFIG_HOME/gazette/config.toml`, else `~/.config/gazette/config.toml`.
    /// A file named by `GAZETTE_CONFIG` must exist; the default ones may not.
    pub fn load(env: &dyn Fn(&str) -> Option<OsString>) -> Result<Config> {
        let set = |name: &str| env(name).filter(|v| !v.is_empty());
        if let Some(p) = set("GAZETTE_CONFIG") {
            let path = PathBuf::from(p);
            if !path.is_file() {
                bail!("GAZETTE_CONFIG={}: no such file", path.display());
            }
            return Config::read(&path, "GAZETTE_CONFIG", env);
        }
        let candidates = [
            set("XDG_CONFIG_HOME").map(|x| (PathBuf::from(x), "XDG_CONFIG_HOME")),
            set("HOME").map(|h| (PathBuf::from(h).join(".config"), "HOME")),
        ];
        for (dir, origin) in candidates.into_iter().flatten() {
            let path = dir.join("gazette").join("config.toml");
            if path.is_file() {
                return Config::read(&path, origin, env);
            }
        }
        Ok(Config::default())
    }

    fn read(
        path: &Path,
        origin: &'static str,
        env: &dyn Fn(&str) -> Option<OsString>,
    ) -> Result<Config> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("config {}", path.display()))?;
        let table: toml::Table = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("config {}: {}", path.display(), e.to_string().trim()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let home = env("HOME").map(PathBuf::from);
        let bad =
            |key: &str, what: &str| anyhow::anyhow!("config {}: `{key}`: {what}", path.display());
        let file_path = |key: &str, v: &toml::Value| -> Result<PathBuf> {
            let s = v
                .as_str()
                .ok_or_else(|| bad(key, "expected a path in quotes"))?;
            Ok(resolve_path(s, base, home.as_deref()))
        };
        let mut config = Config {
            path: Some((path.to_path_buf(), origin)),
            ..Config::default()
        };
        for (key, value) in &table {
            match key.as_str() {
                "index" => config.index = Some(file_path(key, value)?),
                "aliases" => config.aliases = Some(file_path(key, value)?),
                "corpus" => {
                    config.corpus = match value {
                        toml::Value::Array(items) => items
                            .iter()
                            .map(|v| file_path(key, v))
                            .collect::<Result<_>>()?,
                        v => vec![file_path(key, v)?],
                    }
                }
                "color" => {
                    use clap::ValueEnum;
                    let s = value
                        .as_str()
                        .ok_or_else(|| bad(key, "expected auto, always or never"))?;
                    config.color = Some(
                        ColorWhen::from_str(s, true)
                            .map_err(|_| bad(key, "expected auto, always or never"))?,
                    );
                }
                "defaults" => {
                    let toml::Value::Table(subs) = value else {
                        bail!("config {}: `defaults` must hold tables: [defaults.search]", path.display());
                    };
                    // Flag defaults are checked against the clap definitions, built so
                    // that every argument knows its action (whether it takes a value);
                    // a file without them costs no clap work.
                    let mut command = super::Cli::command_for_config();
                    command.build();
                    for (sub, value) in subs {
                        let Some(sc) = command.find_subcommand(sub) else {
                            let names: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
                            bail!(
                                "config {}: [defaults.{sub}]: no subcommand `{sub}` (subcommands: {})",
                                path.display(),
                                names.join(", ")
                            );
                        };
                        let toml::Value::Table(flags) = value else {
                            bail!("config {}: `defaults.{sub}` must be a table: [defaults.{sub}]", path.display());
                        };
                        let mut args = Vec::new();
                        for (flag, v) in flags {
                            let long = flag.replace('_', "-");
                            let Some(arg) = sc.get_arguments().find(|a| a.get_long() == Some(long.as_str())) else {
                                let known: Vec<String> = sc
                                    .get_arguments()
                                    .filter(|a| !a.is_global_set())
                                    .filter_map(|a| a.get_long())
                                    .filter(|l| *l != "help")
                                    .map(|l| l.replace('-', "_"))
                                    .collect();
                                bail!(
                                    "config {}: [defaults.{sub}] {flag}: `gazette {sub}` has no flag --{long} (its flags: {})",
                                    path.display(),
                                    known.join(", ")
                                );
                            };
                            let takes_value = arg.get_action().takes_values();
                            let argv = flag_args(&long, v, takes_value, base, home.as_deref()).map_err(|what| {
                                anyhow::anyhow!("config {}: [defaults.{sub}] {flag}: {what}", path.display())
                            })?;
                            args.push(FlagDefault {
                                setting: format!("defaults.{sub}.{flag}"),
                                value: v.to_string(),
                                args: argv,
                                long: long.clone(),
                                short: arg.get_short(),
                            });
                        }
                        config.flags.insert(sub.to_string(), args);
                    }
                }
                other => bail!(
                    "config {}: unknown setting `{other}` (settings: {}; flag defaults go in [defaults.SUBCOMMAND] tables, e.g. [defaults.search])",
                    path.display(),
                    SETTINGS.join(", ")
                ),
            }
        }
        Ok(config)
    }
}

/// A config value as the arguments of `--long`: `true` is the bare flag, `false`
/// nothing, a list one occurrence per item.
fn flag_args(
    long: &str,
    v: &toml::Value,
    takes_value: bool,
    base: &Path,
    home: Option<&Path>,
) -> Result<Vec<OsString>, String> {
    let flag = OsString::from(format!("--{long}"));
    let scalar = |v: &toml::Value| -> Result<OsString, String> {
        Ok(match v {
            toml::Value::String(s) if s.starts_with("~/") || s.starts_with("./") => {
                resolve_path(s, base, home).into_os_string()
            }
            toml::Value::String(s) => s.into(),
            toml::Value::Integer(i) => i.to_string().into(),
            toml::Value::Float(f) => f.to_string().into(),
            other => {
                return Err(format!(
                    "expected a string or a number, found {}",
                    other.type_str()
                ))
            }
        })
    };
    match v {
        toml::Value::Boolean(b) if !takes_value => Ok(if *b { vec![flag] } else { vec![] }),
        toml::Value::Boolean(_) => Err("expected a value, not true/false".into()),
        _ if !takes_value => Err("a switch: write true or false".into()),
        toml::Value::Array(items) => {
            let mut out = Vec::new();
            for item in items {
                out.push(flag.clone());
                out.push(scalar(item)?);
            }
            Ok(out)
        }
        other => Ok(vec![flag, scalar(other)?]),
    }
}

/// `~/x` under HOME; a relative path relative to the config file's folder.
fn resolve_path(s: &str, base: &Path, home: Option<&Path>) -> PathBuf {
    if let (Some(rest), Some(home)) = (s.strip_prefix("~/"), home) {
        return home.join(rest);
    }
    let p = Path::new(s);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

/// The arguments with the config file's flag defaults for the subcommand inserted
/// right after its name, before the user's flags. A flag the user typed replaces the
/// default, lists included (`--lang uk` is not added to the file's `lang = ["en"]`).
pub fn with_flag_defaults(args: Vec<OsString>, config: &Config) -> Vec<OsString> {
    let Some(at) = subcommand_position(&args) else {
        return args;
    };
    let name = args[at].to_string_lossy().into_owned();
    let Some(defaults) = config.flags.get(&name) else {
        return args;
    };
    let typed: Vec<String> = args[at + 1..]
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .take_while(|a| a != "--")
        .collect();
    let typed_flag = |d: &FlagDefault| {
        typed.iter().any(|a| {
            a.strip_prefix("--")
                .is_some_and(|l| l == d.long || l.starts_with(&format!("{}=", d.long)))
                || d.short.is_some_and(|s| {
                    a.len() >= 2
                        && a.starts_with('-')
                        && !a.starts_with("--")
                        && a[1..].starts_with(s)
                })
        })
    };
    let mut out: Vec<OsString> = args[..=at].to_vec();
    out.extend(
        defaults
            .iter()
            .filter(|d| !typed_flag(d))
            .flat_map(|d| d.args.iter().cloned()),
    );
    out.extend(args[at + 1..].iter().cloned());
    out
}

/// Where the subcommand's name is: the first argument that is not a global option or
/// its value.
fn subcommand_position(args: &[OsString]) -> Option<usize> {
    let mut i = 1;
    while i < args.len() {
        let a = args[i].to_string_lossy();
        if a == "--" {
            return None;
        }
        if matches!(a.as_ref(), "--index" | "--color" | "--aliases") {
            i += 2;
            continue;
        }
        if a.starts_with('-') {
            i += 1;
            continue;
        }
        return Some(i);
    }
    None
}

/// The index in force and where it came from: the flag, `GAZETTE_INDEX`, the config
/// file, else `./index`.
pub fn resolve_index(
    flag: Option<&Path>,
    env: &dyn Fn(&str) -> Option<OsString>,
    config: &Config,
) -> (PathBuf, Origin) {
    if let Some(p) = flag {
        return (p.to_path_buf(), Origin::Flag);
    }
    if let Some(p) = env("GAZETTE_INDEX").filter(|v| !v.is_empty()) {
        return (PathBuf::from(p), Origin::Env("GAZETTE_INDEX"));
    }
    if let Some(p) = &config.index {
        return (p.clone(), Origin::ConfigFile);
    }
    (PathBuf::from(DEFAULT_INDEX), Origin::Default)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn defaults_go_after_the_subcommand_before_the_users_flags() {
        let mut config = Config::default();
        config.flags.insert(
            "search".into(),
            vec![
                FlagDefault {
                    setting: "search.limit".into(),
                    value: "20".into(),
                    args: os(&["--limit", "20"]),
                    long: "limit".into(),
                    short: Some('n'),
                },
                FlagDefault {
                    setting: "search.lang".into(),
                    value: "[\"en\"]".into(),
                    args: os(&["--lang", "en"]),
                    long: "lang".into(),
                    short: None,
                },
            ],
        );
        assert_eq!(
            with_flag_defaults(
                os(&["gazette", "--index", "search", "search", "-n", "3", "Kiev"]),
                &config
            ),
            os(&["gazette", "--index", "search", "search", "--lang", "en", "-n", "3", "Kiev"])
        );
        assert_eq!(
            with_flag_defaults(os(&["gazette", "search", "--lang=uk", "Kiev"]), &config),
            os(&["gazette", "search", "--limit", "20", "--lang=uk", "Kiev"])
        );
        assert_eq!(
            with_flag_defaults(os(&["gazette", "index"]), &config),
            os(&["gazette", "index"])
        );
    }

    #[test]
    fn paths_are_relative_to_the_config_file() {
        let base = Path::new("/etc/gz");
        assert_eq!(
            resolve_path("idx", base, None),
            PathBuf::from("/etc/gz/idx")
        );
        assert_eq!(
            resolve_path("~/a", base, Some(Path::new("/home/u"))),
            PathBuf::from("/home/u/a")
        );
        assert_eq!(resolve_path("/abs", base, None), PathBuf::from("/abs"));
    }
}

//! The commands about Gazette itself: `config` (the settings in force and where each came
//! from), `completions` (clap_complete) and `man` (clap_mangen), all generated from the
//! same clap definitions as the flags.

use std::io::{self, Write};

use anyhow::{bail, Result};
use clap::Args;
use clap_complete::Shell;
use serde::Serialize;

use super::{Cli, Exit, Origin};

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  gazette config
  GAZETTE_INDEX=/srv/archive/index gazette config --json")]
pub struct ConfigArgs {
    /// Print one JSON record instead.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  gazette completions bash > ~/.local/share/bash-completion/completions/gazette
  gazette completions zsh > ~/.zfunc/_gazette       # with fpath+=~/.zfunc in .zshrc
  gazette completions fish > ~/.config/fish/completions/gazette.fish")]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  gazette man > ~/.local/share/man/man1/gazette.1
  gazette man search > ~/.local/share/man/man1/gazette-search.1
  gazette man | man -l -")]
pub struct ManArgs {
    /// A subcommand (its page is gazette-SUBCOMMAND.1); none: gazette.1.
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
}

/// One setting as `gazette config --json` prints it.
#[derive(Serialize)]
struct Setting {
    name: String,
    value: String,
    from: String,
}

#[derive(Serialize)]
struct ConfigRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    /// The config file read, and what named it; `null` when none was.
    config_file: Option<String>,
    config_file_from: Option<&'a str>,
    settings: Vec<Setting>,
}

pub(super) fn config(cli: &Cli, args: &ConfigArgs) -> Result<Exit> {
    let from_config = |set: bool, flag: bool| {
        if flag {
            Origin::Flag
        } else if set {
            Origin::ConfigFile
        } else {
            Origin::Default
        }
    };
    let c = &cli.config;
    let mut settings = vec![Setting {
        name: "index".into(),
        value: cli.index.display().to_string(),
        from: cli
            .index_origin
            .clone()
            .unwrap_or(Origin::Default)
            .to_string(),
    }];
    if !c.corpus.is_empty() {
        settings.push(Setting {
            name: "corpus".into(),
            value: c
                .corpus
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            from: Origin::ConfigFile.to_string(),
        });
    }
    settings.push(Setting {
        name: "aliases".into(),
        value: cli
            .aliases
            .as_ref()
            .map_or("built-in table only".into(), |p| p.display().to_string()),
        from: from_config(c.aliases.is_some(), cli.aliases_flag.is_some()).to_string(),
    });
    settings.push(Setting {
        name: "color".into(),
        value: format!("{:?}", cli.color).to_lowercase(),
        from: from_config(c.color.is_some(), cli.color_flag.is_some()).to_string(),
    });
    for d in c.flags.values().flatten() {
        settings.push(Setting {
            name: d.setting.clone(),
            value: d.value.clone(),
            from: Origin::ConfigFile.to_string(),
        });
    }
    let mut out = io::stdout().lock();
    if args.json {
        let rec = ConfigRecord {
            kind: "config",
            config_file: c.path.as_ref().map(|(p, _)| p.display().to_string()),
            config_file_from: c.path.as_ref().map(|(_, o)| *o),
            settings,
        };
        serde_json::to_writer(&mut out, &rec)?;
        writeln!(out)?;
        return Ok(Exit::Hits);
    }
    let width = settings
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(0)
        .max(11);
    match &c.path {
        Some((p, origin)) => writeln!(
            out,
            "{:width$}  {}  (from {origin})",
            "config file",
            p.display()
        )?,
        None => writeln!(
            out,
            "{:width$}  none  (GAZETTE_CONFIG, $XDG_CONFIG_HOME/gazette/config.toml and ~/.config/gazette/config.toml are unset or absent)",
            "config file"
        )?,
    }
    for s in &settings {
        writeln!(out, "{:width$}  {}  ({})", s.name, s.value, s.from)?;
    }
    Ok(Exit::Hits)
}

pub(super) fn completions(args: &CompletionsArgs) -> Result<Exit> {
    let mut cmd = super::lazy::full_command::<Cli>();
    clap_complete::generate(args.shell, &mut cmd, "gazette", &mut io::stdout().lock());
    Ok(Exit::Hits)
}

pub(super) fn man(args: &ManArgs) -> Result<Exit> {
    let cmd = super::lazy::full_command::<Cli>().version(env!("CARGO_PKG_VERSION"));
    let page = match &args.subcommand {
        None => cmd,
        Some(name) => {
            let Some(sub) = cmd.find_subcommand(name) else {
                let names: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
                bail!("no subcommand `{name}` (subcommands: {})", names.join(", "));
            };
            sub.clone()
                .name(format!("gazette-{name}"))
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    let mut out = io::stdout().lock();
    clap_mangen::Man::new(page).render(&mut out)?;
    Ok(Exit::Hits)
}

//! Subcommand flags defined only for the subcommand run: [`Lazy`] wraps a subcommand's
//! clap `Args` so that its arguments are added when clap enters that subcommand
//! (`Command::defer`), not for all sixteen at every start.
//!
//! Why: clap's derive builds every subcommand's arguments before parsing any. In a
//! fresh `gazette search` that was 0.31 M of its 11.5 M instructions, and the code
//! pages of fifteen subcommands' definitions faulted in (BENCHMARKS.md, 2026-12-04).
//! What needs the whole tree (completions, man pages, the config file's flag checks)
//! asks for it with [`full_command`].

use std::cell::Cell;
use std::ops::Deref;

use clap::{ArgMatches, Args, Command, CommandFactory, FromArgMatches};

thread_local! {
    /// Whether `Lazy::augment_args` defines the arguments at once (see [`full_command`]).
    static EAGER: Cell<bool> = const { Cell::new(false) };
}

/// A subcommand's arguments, defined when clap enters the subcommand.
#[derive(Debug, Clone, PartialEq)]
pub struct Lazy<T>(pub T);

impl<T> Deref for Lazy<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: FromArgMatches> FromArgMatches for Lazy<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Lazy)
    }
    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Lazy)
    }
    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }
    fn update_from_arg_matches_mut(&mut self, matches: &mut ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

impl<T: Args> Args for Lazy<T> {
    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
    fn augment_args(cmd: Command) -> Command {
        if EAGER.get() {
            T::augment_args(cmd)
        } else {
            cmd.defer(deferred::<T, false>)
        }
    }
    fn augment_args_for_update(cmd: Command) -> Command {
        if EAGER.get() {
            T::augment_args_for_update(cmd)
        } else {
            cmd.defer(deferred::<T, true>)
        }
    }
}

/// Adds `T`'s arguments to a subcommand clap has entered. The subcommand's own help
/// line (its variant's doc comment) was set before; a flattened group's doc comment
/// inside `T` ("How counts are printed…") must not replace it, as it does not when the
/// arguments are defined at once (the variant's comment is applied after them).
fn deferred<T: Args, const UPDATE: bool>(cmd: Command) -> Command {
    let (about, long) = (cmd.get_about().cloned(), cmd.get_long_about().cloned());
    let cmd = if UPDATE {
        T::augment_args_for_update(cmd)
    } else {
        T::augment_args(cmd)
    };
    let cmd = match about {
        Some(a) => cmd.about(a),
        None => cmd,
    };
    match long {
        Some(l) => cmd.long_about(l),
        None => cmd,
    }
}

/// The command with every subcommand's arguments defined (not deferred), as
/// completions, man pages and the config checks read them without parsing.
pub fn full_command<C: CommandFactory>() -> Command {
    EAGER.set(true);
    let cmd = C::command();
    EAGER.set(false);
    cmd
}

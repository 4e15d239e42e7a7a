//! The command line, defined once for every door: `cargo xtask` in this repository,
//! `cargo profile-sweep` in any Cargo project, and a user's own xtask. Each subcommand parses its
//! flags here and calls the library; the doors differ only in their defaults ([`Door`]).

mod apply;
mod check;
mod compare;
mod convert;
mod init;
mod merge;
mod plot;
mod restore;
mod summary;
mod sweep;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::error::{InputError, SweepError};
use crate::host::machine::cargo;
use crate::host::workspace::Workspace;
use crate::results::build_time::Budget;

/// Measure which [profile.release] settings to ship.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Sweep(sweep::SweepCommand),
    Check(check::Check),
    Init(init::Init),
    Plot(plot::Plot),
    Apply(apply::Apply),
    Compare(compare::Compare),
    Merge(merge::Merge),
    Convert(convert::Convert),
    Restore(restore::Restore),
}

/// What the report's recommendations must respect, for every command that writes a report.
#[derive(Debug, Clone, clap::Args)]
struct BudgetArgs {
    /// Recommend only variants whose rebuild after an edit was timed within this many seconds.
    #[arg(long, value_name = "SECONDS", value_parser = seconds)]
    max_rebuild_seconds: Option<f64>,
}

/// A number of seconds: finite and not negative (`NaN` would recommend nothing, silently).
fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value >= 0.0 => Ok(value),
        _ => Err("expected a number of seconds, 0 or more (e.g. 2.5)".to_owned()),
    }
}

impl BudgetArgs {
    fn budget(&self) -> Budget {
        Budget { max_rebuild_seconds: self.max_rebuild_seconds }
    }
}

/// How a command line was reached, and so what it does when a flag is left out.
#[derive(Debug, Clone)]
pub struct Door {
    /// The command as the user types it, for help and messages (`cargo profile-sweep`).
    name: String,
    /// The argument cargo inserts when it runs `cargo-NAME` as `cargo NAME`, dropped when
    /// present.
    cargo_subcommand: Option<String>,
    /// A repository whose own manifest, `sweeps/default.toml` and `results/` are the defaults;
    /// `None` for the workspace of the current directory.
    repository: Option<PathBuf>,
}

impl Door {
    /// `cargo NAME` in any Cargo project, run by cargo as `cargo-NAME NAME ARGS...`: the
    /// workspace of the current directory, its `profile-sweep.toml` or the zero-config ladder,
    /// and results under its `target/profile-sweep/results/`.
    pub fn cargo_subcommand(name: &str) -> Door {
        Door {
            name: format!("cargo {name}"),
            cargo_subcommand: Some(name.to_owned()),
            repository: None,
        }
    }

    /// A user's own xtask (`name` as typed, e.g. `cargo xtask`): the same defaults as the cargo
    /// subcommand.
    pub fn current_workspace(name: &str) -> Door {
        Door { name: name.to_owned(), cargo_subcommand: None, repository: None }
    }

    /// A repository's own tool: `root`'s manifest, `root/sweeps/default.toml` and
    /// `root/results/` are the defaults.
    pub fn repository(name: &str, root: &Path) -> Door {
        Door { name: name.to_owned(), cargo_subcommand: None, repository: Some(root.to_owned()) }
    }

    /// The manifest a command works on: the one given, the repository's, or the nearest
    /// `Cargo.toml` at or above the current directory (as cargo finds it).
    fn manifest(&self, given: Option<PathBuf>) -> Result<PathBuf, InputError> {
        if let Some(path) = given {
            return Ok(path);
        }
        if let Some(root) = &self.repository {
            return Ok(root.join("Cargo.toml"));
        }
        let here = std::env::current_dir().map_err(|e| {
            InputError::in_file(Path::new("."), format!("cannot read the current directory: {e}"))
        })?;
        let found = here.ancestors().map(|dir| dir.join("Cargo.toml")).find(|m| m.is_file());
        found.ok_or_else(|| {
            InputError::in_file(&here, "no `Cargo.toml` here or in any parent directory")
                .with_fix("run from inside a Cargo project, or pass --manifest-path")
        })
    }
}

impl Door {
    /// The workspace root manifest a command edits, where profiles count: the one given, else
    /// the root of the workspace [`Door::manifest`] finds.
    fn root_manifest(&self, given: Option<PathBuf>) -> Result<PathBuf, SweepError> {
        match given {
            Some(path) => Ok(path),
            None => Ok(Workspace::load(&cargo(), &self.manifest(None)?)?.root_manifest),
        }
    }
}

impl Door {
    /// `command` with every subcommand's help saying this door's own defaults (a repository's
    /// own xtask works on the repository, not on the current directory).
    fn with_defaults_in_help(&self, command: clap::Command) -> clap::Command {
        let Some(root) = &self.repository else { return command };
        let sweeps = root.join("sweeps/default.toml");
        let manifest = root.join("Cargo.toml");
        let mut command = command.mut_subcommand("sweep", |sweep| {
            sweep.mut_arg("sweep", |arg| {
                arg.help(format!("The sweep file [default: {}]", sweeps.display()))
            })
        });
        for name in ["sweep", "init", "apply", "restore"] {
            command = command.mut_subcommand(name, |sub| {
                sub.mut_arg("manifest_path", |arg| {
                    arg.help(format!(
                        "A Cargo.toml of the workspace [default: {}]",
                        manifest.display()
                    ))
                })
            });
        }
        command
    }
}

/// Runs the process's command line through `door`; the whole of a CLI's `main`.
pub fn main(door: &Door) -> ExitCode {
    run(door, std::env::args_os())
}

/// Runs one command line (program name first) through `door` and returns its exit status:
/// 0 done, 2 bad input, 130 interrupted, 1 anything else (for `compare`, a regression).
pub fn run(door: &Door, args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let mut args: Vec<OsString> = args.into_iter().collect();
    if door.cargo_subcommand.as_deref().is_some_and(|name| args.get(1) == Some(&name.into())) {
        args.remove(1);
    }
    let command = door.with_defaults_in_help(Cli::command().bin_name(door.name.clone()));
    let matches = command.try_get_matches_from(args).unwrap_or_else(|e| e.exit());
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    // Any command first repairs what a killed sweep left in its workspace's manifest; `restore`
    // does it itself, and says what it found.
    let repairs_itself = matches!(cli.command, Command::Restore(_));
    if let (false, Err(e)) = (repairs_itself, restore::repair_quietly(door)) {
        eprintln!("warning: could not check the manifest for a killed sweep's leftovers: {e:#}");
    }
    match cli.command {
        Command::Sweep(task) => task.run(door),
        Command::Check(task) => task.run(door),
        Command::Init(task) => task.run(door),
        Command::Plot(task) => task.run(),
        Command::Apply(task) => task.run(door),
        Command::Compare(task) => task.run(),
        Command::Merge(task) => task.run(),
        Command::Convert(task) => task.run(),
        Command::Restore(task) => task.run(door),
    }
}

/// Reports an error of a command that is not a sweep: bad input exits with 2, anything else
/// with 1; `unchanged` says what was left alone.
fn fail(error: SweepError, unchanged: &str) -> ExitCode {
    match error {
        SweepError::Input(e) => {
            eprintln!("error: {e}\n{unchanged}");
            ExitCode::from(2)
        }
        other => {
            eprintln!("error: {other:#}\n{unchanged}");
            ExitCode::FAILURE
        }
    }
}

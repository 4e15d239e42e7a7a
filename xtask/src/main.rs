//! `cargo xtask`: the profile-sweep command line. Parses flags and dispatches; the work is done
//! by the `profile-sweep` library.

mod apply;
mod compare;
mod merge;
mod plot;
mod restore;
mod sweep;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use profile_sweep::SweepError;

/// Measure which [profile.release] settings to ship.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Sweep(sweep::Sweep),
    Plot(plot::Plot),
    Apply(apply::Apply),
    Compare(compare::Compare),
    Merge(merge::Merge),
    Restore(restore::Restore),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Any command first repairs what a killed sweep left in this repository's manifest.
    if let Err(e) = restore::recover_and_report(&project_root().join("Cargo.toml")) {
        eprintln!("error: {e:#}");
        return ExitCode::FAILURE;
    }
    match cli.command {
        Command::Sweep(task) => task.run(),
        Command::Plot(task) => task.run(),
        Command::Apply(task) => task.run(),
        Command::Compare(task) => task.run(),
        Command::Merge(task) => task.run(),
        Command::Restore(task) => task.run(),
    }
}

/// The repository root: the parent of this crate's directory.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository root")
        .to_owned()
}

/// The cargo that launched us (`$CARGO`), else `cargo` from `PATH`.
fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
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

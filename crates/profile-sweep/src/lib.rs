//! profile-sweep: build a crate under many `[profile.release]` variants and measure what each
//! one costs and saves: binary size, build time, runtime (with intervals and instruction counts).
//!
//! The [`guide`] covers every command, the sweep file, the results files and how to read the
//! numbers.
//!
//! # Three doors, one command line
//!
//! [`cli`] holds the whole command line (`sweep`, `init`, `plot`, `apply`, `compare`, `merge`,
//! `restore`). `cargo install --path crates/cargo-profile-sweep` gives `cargo profile-sweep` in
//! any Cargo project; this repository's `cargo xtask` and a user's own xtask call the same code:
//!
//! ```no_run
//! // xtask/src/main.rs of your workspace, with `profile-sweep` as a dependency:
//! fn main() -> std::process::ExitCode {
//!     profile_sweep::cli::main(&profile_sweep::cli::Door::current_workspace("cargo xtask"))
//! }
//! ```
//!
//! # As a library
//!
//! ```no_run
//! use profile_sweep::{SweepOptions, run_sweep};
//!
//! let options = SweepOptions::new("profile-sweep.toml", "Cargo.toml");
//! let summary = run_sweep(&options, |recovery| eprintln!("{recovery}"))?;
//! for row in profile_sweep::load_results(&summary.results_dir)? {
//!     println!("{} {:?} bytes", row.variant, row.size_bytes);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A sweep validates everything before it builds ([`InputError`] names the file, line and fix),
//! writes each variant as a profile into the workspace's root `Cargo.toml` and always puts the
//! file back byte for byte; after a `kill -9`, [`restore`] (which every command runs first) does.
//!
//! # Inside
//!
//! Data flows one way, one folder per stage; a stage imports only from the stages before it:
//! `plan` (the sweep file, validated, expanded into variants; public, for tools that read sweep
//! files) -> `host` (workspace, toolchains, machine) -> `manifest` (profiles in `Cargo.toml`, the
//! guard) -> `build` (cargo) -> `measure` (sizes, runtimes, counts, criterion) -> [`results`] (the
//! rows, their files, and the queries on them: Pareto frontier, picks) -> `present` (verdict,
//! charts, reports, `compare`, `apply`; from the results alone). `sweep` drives the stages;
//! `util` is shared by all.

mod build;
pub mod cli;
mod error;
pub mod guide;
mod host;
mod manifest;
mod measure;
pub mod plan;
mod present;
pub mod results;
mod sweep;
mod util;

use std::path::Path;

pub use error::{InputError, SweepError};
pub use manifest::guard::Recovery;
pub use manifest::repair::Repair;
pub use measure::bloat::{Breakdown, CrateRow, FunctionRow};
pub use present::report::write_outputs;
pub use present::verdict;
pub use results::breakdown::load as load_breakdown;
pub use results::build_time::Budget;
pub use results::layout::load as load_results;
pub use results::rows::{Row, Status};
pub use sweep::{SweepOptions, SweepSummary, run as run_sweep};

/// Puts back the root manifest of the workspace of `manifest` if a sweep on it was killed
/// (`kill -9`, a crash, a power cut), or says that a sweep is running on it now.
pub fn restore(manifest: &Path) -> anyhow::Result<Repair> {
    manifest::repair::repair(&host::workspace::Workspace::load(&host::machine::cargo(), manifest)?)
}

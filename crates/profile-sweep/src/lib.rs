//! profile-sweep: build a crate under many `[profile.release]` variants and measure each one.
//!
//! Data flows one way, one folder per stage; a stage imports only from the stages before it,
//! from [`util`] and from [`error`]:
//!
//! - [`plan`]: the sweep file, validated, expanded into variants (pure).
//! - [`host`]: the workspace, toolchains, targets and machine, checked before any build.
//! - [`manifest`]: the variants as profiles in `Cargo.toml`, and the guard that restores it.
//! - [`build`]: cargo builds of one variant.
//! - [`measure`]: sizes, code per crate, whole-binary runtimes and criterion benchmarks.
//! - [`results`]: the results CSV, and shards of it.
//! - [`present`]: analysis, charts, the Markdown report, `compare` and `apply`, from a CSV alone.
//! - [`sweep`]: drives the stages for a whole sweep, with its cache.
//! - [`util`]: files, hashes, units, error text, signals and progress, shared by all.

pub mod build;
pub mod error;
pub mod host;
pub mod manifest;
pub mod measure;
pub mod plan;
pub mod present;
pub mod results;
pub mod sweep;
pub mod util;

pub use error::{InputError, SweepError};

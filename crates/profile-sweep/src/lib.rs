//! profile-sweep: build a crate under many `[profile.release]` variants and measure each one.
//!
//! Data flows one way, one module per stage:
//! sweep file ([`spec`]; profile keys in [`settings`], the other build axes in [`build_env`]) ->
//! variants ([`variants`]) -> profiles in the manifest ([`manifest`], guarded by [`guard`]) ->
//! builds ([`build`], with the toolchains and targets [`compilers`] checked) -> sizes
//! ([`binary`]), shared libraries and image sizes ([`shipping`]), code per crate ([`bloat`]) ->
//! whole-binary timings
//! ([`runtime`], summarised by [`stats`]) and criterion benchmarks ([`criterion`]) -> rows
//! ([`results`]) -> analysis ([`analysis`]: Pareto frontier, recommendations) -> charts
//! ([`chart`]) and the Markdown report ([`report`]). [`apply`], [`compare`] and [`shard`] read
//! results files back: to paste a variant into a manifest, to compare two runs, and to merge the
//! shards of a split sweep. [`sweep`] drives the stages, taking finished variants from
//! [`cache`]; [`workspace`], [`toolchain`] and [`machine`] answer questions about the
//! environment; [`units`] formats numbers for people; [`progress`] and [`interrupt`] deal with
//! the terminal and signals.

pub mod analysis;
pub mod apply;
pub mod binary;
pub mod bloat;
pub mod build;
pub mod build_env;
pub mod cache;
pub mod chart;
pub mod compare;
pub mod compilers;
pub mod criterion;
pub mod error;
pub mod fsutil;
pub mod guard;
pub mod interrupt;
pub mod machine;
pub mod manifest;
pub mod progress;
pub mod report;
pub mod results;
pub mod runtime;
pub mod settings;
pub mod shard;
pub mod shipping;
pub mod spec;
pub mod stats;
pub mod sweep;
pub mod toolchain;
pub mod units;
pub mod variants;
pub mod workspace;

pub use error::{InputError, SweepError};

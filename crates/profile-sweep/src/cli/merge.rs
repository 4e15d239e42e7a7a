//! `merge`: join the results of a sharded sweep into one file, charts and report.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::error::InputError;
use crate::present::report;
use crate::results::{rows, shard};

/// Join the results.csv of every shard of one `sweep --shard K/N` run into one results file,
/// with runtimes relative to the reference variant each shard measured, then draw its charts
/// and report.
#[derive(Debug, clap::Args)]
pub struct Merge {
    /// The shards' results files, in any order.
    #[arg(required = true, value_name = "SHARD_CSV")]
    shards: Vec<PathBuf>,
    /// Write results.csv, charts and report.md into this directory.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    budget: crate::cli::BudgetArgs,
}

impl Merge {
    /// Merges the shards, then draws the charts and report.
    pub fn run(self) -> ExitCode {
        let csv = self.out.join("results.csv");
        if csv.exists() {
            let exists = InputError::in_file(
                &csv,
                "exists: merge writes a new results file and would replace it",
            )
            .with_fix("merge into an empty or new --out directory");
            return crate::cli::fail(exists.into(), "nothing was written");
        }
        let mut files = Vec::new();
        for path in &self.shards {
            match rows::load(path) {
                Ok(rows) => files.push((path.clone(), rows)),
                Err(e) => return crate::cli::fail(e.into(), "nothing was written"),
            }
        }
        let merged = match shard::merge(&files) {
            Ok(rows) => rows,
            Err(e) => return crate::cli::fail(e.into(), "nothing was written"),
        };
        if let Err(e) = rows::write(&csv, &merged) {
            return crate::cli::fail(e.into(), "the merged file may be incomplete");
        }
        println!("merged {} rows of {} shards into {}", merged.len(), files.len(), csv.display());
        match report::write_outputs(&csv, &self.budget.budget()) {
            Ok(outputs) => {
                for file in outputs {
                    println!("wrote {}", file.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => crate::cli::fail(e, "the charts and report were not written"),
        }
    }
}

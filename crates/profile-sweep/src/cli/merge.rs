//! `merge`: join the results of a sharded sweep into one file, charts and report.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::error::InputError;
use crate::present::report;
use crate::results::{layout, shard};

/// Join the results of every shard of one `sweep --shard K/N` run into one results directory,
/// with runtimes relative to the reference variant each shard measured, then draw its charts
/// and report.
#[derive(Debug, clap::Args)]
pub struct Merge {
    /// The shards' results directories (or `results.csv` files of the first layout), in any
    /// order.
    #[arg(required = true, value_name = "SHARD")]
    shards: Vec<PathBuf>,
    /// Write the merged results, charts and reports into this directory.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    budget: crate::cli::BudgetArgs,
}

impl Merge {
    /// Merges the shards, then draws the charts and report.
    pub fn run(self) -> ExitCode {
        let existing = [layout::RUN_FILE, layout::LEGACY_FILE].map(|f| self.out.join(f));
        if let Some(existing) = existing.iter().find(|f| f.exists()) {
            let exists = InputError::in_file(
                existing,
                "exists: merge writes new results and would replace these",
            )
            .with_fix("merge into an empty or new --out directory");
            return crate::cli::fail(exists.into(), "nothing was written");
        }
        let mut files = Vec::new();
        for path in &self.shards {
            match layout::load(path) {
                Ok(rows) => files.push((path.clone(), rows)),
                Err(e) => return crate::cli::fail(e.into(), "nothing was written"),
            }
        }
        let merged = match shard::merge(&files) {
            Ok(rows) => rows,
            Err(e) => return crate::cli::fail(e.into(), "nothing was written"),
        };
        if let Err(e) = layout::write_dir(&self.out, &merged) {
            return crate::cli::fail(e.into(), "the merged files may be incomplete");
        }
        let out = self.out.display();
        println!("merged {} rows of {} shards into {out}", merged.len(), files.len());
        match report::write_outputs(&self.out, &self.budget.budget()) {
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

//! `plot`: redraw the charts and the report of a results CSV, without building.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::present::report;

/// Draw the charts (SVG and PNG) and write report.md next to a results CSV, from the CSV alone.
#[derive(Debug, clap::Args)]
pub struct Plot {
    /// The results file, e.g. results/default/results.csv.
    csv: PathBuf,
    #[command(flatten)]
    budget: crate::cli::BudgetArgs,
}

impl Plot {
    /// Draws the charts and the report.
    pub fn run(self) -> ExitCode {
        match report::write_outputs(&self.csv, &self.budget.budget()) {
            Ok(files) => {
                for file in files {
                    println!("wrote {}", file.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => crate::cli::fail(e, "nothing was written"),
        }
    }
}

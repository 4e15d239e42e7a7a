//! `plot`: redraw the charts and the reports of a results directory, without building.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::present::report;

/// Draw the charts (SVG and PNG) and write report.md and report.html into a results directory,
/// from its results alone.
#[derive(Debug, clap::Args)]
pub struct Plot {
    /// The results directory, e.g. results/default (or a results.csv of the first layout).
    results: PathBuf,
    #[command(flatten)]
    budget: crate::cli::BudgetArgs,
}

impl Plot {
    /// Draws the charts and the report.
    pub fn run(self) -> ExitCode {
        match report::write_outputs(&self.results, &self.budget.budget()) {
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

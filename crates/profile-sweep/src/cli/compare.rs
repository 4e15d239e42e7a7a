//! `compare`: size and runtime changes between two results files.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::present::compare::{Thresholds, compare};
use crate::present::diff::Diff;
use crate::results::analysis;
use crate::results::{breakdown, layout, rows};
use crate::util::units::thousands;

/// Compare two sweeps' results variant by variant; fail on regressions beyond a threshold.
#[derive(Debug, clap::Args)]
pub struct Compare {
    /// The baseline results directory (or a results.csv of the first layout).
    old: PathBuf,
    /// The results directory to check.
    new: PathBuf,
    /// Exit with status 1 when a variant's size grew by more than this many percent.
    #[arg(long, value_name = "PERCENT")]
    max_size_increase: Option<f64>,
    /// Exit with status 1 when a runtime grew by more than this many percent and the 95%
    /// confidence intervals do not overlap.
    #[arg(long, value_name = "PERCENT")]
    max_time_increase: Option<f64>,
    /// How to print the comparison: a text table, a Markdown table (for a pull-request comment
    /// or `$GITHUB_STEP_SUMMARY`), or JSON (its fields: `present::compare::to_json`).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// The output formats of `compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Aligned text, with what grew and shrank by crate and function.
    Text,
    /// A Markdown table.
    Markdown,
    /// One JSON object.
    Json,
}

impl Compare {
    /// For every variant of `old` that both files break down: what grew and shrank, by crate
    /// and by function.
    fn print_code_changes(&self, old: &[rows::Row]) {
        let (Ok(before), Ok(after)) = (
            breakdown::load(&layout::dir_of(&self.old)),
            breakdown::load(&layout::dir_of(&self.new)),
        ) else {
            return;
        };
        let variants = analysis::distinct(old.iter().map(|r| r.variant.as_str()));
        for variant in variants {
            if let Some(diff) = Diff::between(&before, variant, &after, variant) {
                println!("code of {variant}: {}", diff.summary(5));
            }
        }
    }

    /// Prints the changes; fails on a regression.
    pub fn run(self) -> ExitCode {
        let (old, new) = match (layout::load(&self.old), layout::load(&self.new)) {
            (Ok(old), Ok(new)) => (old, new),
            (Err(e), _) | (_, Err(e)) => return crate::cli::fail(e.into(), "nothing was compared"),
        };
        let crates = |rows: &[rows::Row]| -> std::collections::BTreeSet<(String, String)> {
            rows.iter().map(|r| (r.package.clone(), r.bin.clone())).collect()
        };
        if crates(&old) != crates(&new) {
            let list = |set: std::collections::BTreeSet<(String, String)>| -> String {
                let names: Vec<String> =
                    set.into_iter().map(|(p, b)| format!("`{p}` (binary `{b}`)")).collect();
                names.join(", ")
            };
            let error = crate::error::InputError::in_file(
                &self.new,
                format!("it measures {}, and {} measures {}: their numbers are not comparable", list(crates(&new)), self.old.display(), list(crates(&old))),
            )
            .with_fix("compare two results files of the same package and binary (two toolchains, two commits)");
            return crate::cli::fail(error.into(), "nothing was compared");
        }
        let thresholds = Thresholds {
            size_percent: self.max_size_increase,
            time_percent: self.max_time_increase,
        };
        let comparison = compare(&old, &new, thresholds);
        match self.format {
            Format::Text => self.print_text(&old, &comparison),
            Format::Markdown => print!("{}", crate::present::compare::to_markdown(&comparison)),
            Format::Json => println!("{}", crate::present::compare::to_json(&comparison)),
        }
        if comparison.has_regression() {
            eprintln!(
                "regression: {} value(s) got worse beyond the threshold",
                comparison.changes.iter().filter(|c| c.regression).count()
            );
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    }

    /// The text table, what only one file has, and what grew and shrank by crate.
    fn print_text(&self, old: &[rows::Row], comparison: &crate::present::compare::Comparison) {
        let width = comparison.changes.iter().map(|c| c.variant.len()).max().unwrap_or(7).max(7);
        println!(
            "{:width$}  {:28}  {:>14}  {:>14}  {:>8}",
            "variant", "value", "old", "new", "change"
        );
        for change in &comparison.changes {
            let (what, old, new) = match &change.measurement {
                None => (
                    "size (bytes)".to_owned(),
                    thousands(change.old as u64),
                    thousands(change.new as u64),
                ),
                Some(m) => {
                    let unit = analysis::unit_of(m);
                    (m.clone(), unit.format(change.old), unit.format(change.new))
                }
            };
            let flag = if change.regression { "  REGRESSION" } else { "" };
            println!(
                "{:width$}  {what:28}  {old:>14}  {new:>14}  {:>+7.1}%{flag}",
                change.variant, change.percent
            );
        }
        for (file, keys) in [(&self.old, &comparison.only_old), (&self.new, &comparison.only_new)] {
            if !keys.is_empty() {
                println!("only in {}: {}", file.display(), keys.join(", "));
            }
        }
        self.print_code_changes(old);
    }
}

//! `check`: the quick CI gate. Builds and measures only the profile the crate ships today (as
//! the sweep file measures), then compares it with a committed results file, failing on hard
//! limits and warning on soft ones.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::{Door, sweep::SweepCommand};
use crate::error::SweepError;
use crate::host::workspace::Workspace;
use crate::present::compare::{Comparison, Thresholds, compare};
use crate::results::layout;
use crate::results::rows::Row;
use crate::util::units::thousands;

/// Build and measure only the profile the crate ships today and compare it with a committed
/// results file (for CI): exit 1 when it got worse beyond a hard limit.
#[derive(Debug, clap::Args)]
pub struct Check {
    /// The results to compare against (e.g. the base branch's results/<sweep> directory, or a
    /// results.csv of the first layout); they must hold the shipped profile's variant.
    #[arg(long, value_name = "RESULTS")]
    against: PathBuf,
    /// The sweep file whose runs and benches say what to measure (its matrix or ladder is not
    /// built).
    #[arg(long, value_name = "FILE")]
    sweep: Option<PathBuf>,
    /// A Cargo.toml of the workspace.
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
    /// Measure again even when a cached measurement of the same sources exists.
    #[arg(long)]
    force: bool,
    /// Hard limit: fail when the size grew by more than this many percent.
    #[arg(long, value_name = "PERCENT")]
    max_size_increase: Option<f64>,
    /// Hard limit: fail when a runtime or count grew by more than this many percent (a time only
    /// when the 95% intervals are apart; counts are exact).
    #[arg(long, value_name = "PERCENT")]
    max_time_increase: Option<f64>,
    /// Soft limit: warn when the size grew by more than this many percent.
    #[arg(long, value_name = "PERCENT")]
    warn_size_increase: Option<f64>,
    /// Soft limit: warn when a runtime or count grew by more than this many percent.
    #[arg(long, value_name = "PERCENT")]
    warn_time_increase: Option<f64>,
    /// Write the comparison as a Markdown table to this file too (for `$GITHUB_STEP_SUMMARY` or
    /// a pull-request comment).
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
}

impl Check {
    /// Measures, compares, prints; the exit status says whether a hard limit was passed.
    pub fn run(self, door: &Door) -> ExitCode {
        let against = match layout::load(&self.against) {
            Ok(rows) => rows,
            Err(e) => return crate::cli::fail(e.into(), "nothing was built"),
        };
        let summary = match self.measure(door) {
            Ok(summary) => summary,
            Err(e) => return crate::cli::fail(e, "nothing was compared"),
        };
        let measured = summary.rows;
        let variants: Vec<&str> = measured.iter().map(|r| r.variant.as_str()).collect();
        let old: Vec<Row> =
            against.into_iter().filter(|r| variants.contains(&r.variant.as_str())).collect();
        if old.is_empty() {
            let e = crate::error::InputError::in_file(
                &self.against,
                format!("it has no row of `{}`, the profile the crate ships today", variants[0]),
            )
            .with_fix("compare against results of a sweep that built the shipped profile (every grid and the default ladder do)");
            return crate::cli::fail(e.into(), "nothing was compared");
        }
        let hard = Thresholds {
            size_percent: self.max_size_increase,
            time_percent: self.max_time_increase,
        };
        let soft = Thresholds {
            size_percent: self.warn_size_increase,
            time_percent: self.warn_time_increase,
        };
        let comparison = compare(&old, &measured, hard);
        print_changes(&comparison);
        let markdown = crate::present::compare::to_markdown(&comparison);
        if let Some(path) = &self.markdown
            && let Err(e) = crate::util::files::write_atomic(path, markdown.as_bytes())
        {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
        for change in compare(&old, &measured, soft).changes.iter().filter(|c| c.regression) {
            eprintln!("warning: {} grew {:+.1}% (soft limit)", describe(change), change.percent);
        }
        if comparison.has_regression() {
            for change in comparison.changes.iter().filter(|c| c.regression) {
                eprintln!("error: {} grew {:+.1}% (hard limit)", describe(change), change.percent);
            }
            return ExitCode::FAILURE;
        }
        ExitCode::SUCCESS
    }

    /// Runs the sweep file's measurements on the shipped profile alone, into the workspace's
    /// `target/profile-sweep/check/<sweep name>/`.
    fn measure(&self, door: &Door) -> Result<crate::sweep::SweepSummary, SweepError> {
        let sweep =
            SweepCommand::for_check(self.sweep.clone(), self.manifest_path.clone(), self.force);
        let mut options = sweep.options(door)?;
        let workspace = Workspace::load(&crate::cli::cargo(), &options.manifest_path)?;
        options.results_root = Some(workspace.target_dir.join("profile-sweep/check"));
        options.out_dir = None;
        options.only_shipped = true;
        crate::sweep::run(&options, |recovery| eprintln!("profile-sweep: {recovery}"))
    }
}

/// `variant`, or `variant measurement`.
fn describe(change: &crate::present::compare::ValueChange) -> String {
    match &change.measurement {
        None => format!("the size of `{}`", change.variant),
        Some(m) => format!("`{m}` of `{}`", change.variant),
    }
}

/// One line per compared value.
fn print_changes(comparison: &Comparison) {
    for change in &comparison.changes {
        let value = |v: f64| match change.measurement.as_deref() {
            None => format!("{} B", thousands(v as u64)),
            Some(m) => crate::results::analysis::unit_of(m).format(v),
        };
        let flag = if change.regression { "  REGRESSION" } else { "" };
        println!(
            "{}: {} -> {} ({:+.1}%){flag}",
            describe(change),
            value(change.old),
            value(change.new),
            change.percent
        );
    }
}

//! `cargo xtask sweep`: build every variant of a sweep file and record sizes in a CSV.

use std::path::PathBuf;
use std::process::ExitCode;

use profile_sweep::SweepError;
use profile_sweep::present::analysis;
use profile_sweep::results::rows::{Row, Status};
use profile_sweep::results::shard::Shard;
use profile_sweep::sweep::{SweepOptions, SweepSummary, run};
use profile_sweep::util::units::{Unit, human_bytes, thousands};

/// Build every profile variant of a sweep file and record each one's size and build time.
#[derive(Debug, clap::Args)]
pub struct Sweep {
    /// The sweep file [default: sweeps/default.toml of this repository].
    #[arg(long, value_name = "FILE")]
    sweep: Option<PathBuf>,
    /// A Cargo.toml of the workspace to sweep [default: this repository's].
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
    /// Write results.csv and logs here instead of results/<sweep name>/.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Keep each variant's target/sweep-<id>/ build directory and bench executables instead of
    /// deleting them once measured.
    #[arg(long)]
    keep_builds: bool,
    /// Build and measure every variant again, ignoring results cached by earlier runs.
    #[arg(long)]
    force: bool,
    /// Build every variant from scratch in its own profile; by default variants that differ only
    /// in `strip` are relinked from one shared build (same sizes, no clean build time of their
    /// own).
    #[arg(long)]
    exact: bool,
    /// Run only shard K of N (e.g. 2/8): every N-th group of variants, plus the reference variant
    /// every shard measures; join the shards with `cargo xtask merge`.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Search the matrix instead of building every variant: about a tenth of the builds, the
    /// same frontier where the axes' effects are separable (as `strategy = "search"`).
    #[arg(long)]
    search: bool,
}

impl Sweep {
    pub fn run(self) -> ExitCode {
        let root = crate::project_root();
        let options = SweepOptions {
            sweep_file: self.sweep.unwrap_or_else(|| root.join("sweeps/default.toml")),
            manifest_path: self.manifest_path.unwrap_or_else(|| root.join("Cargo.toml")),
            results_root: root.join("results"),
            out_dir: self.out,
            keep_builds: self.keep_builds,
            force: self.force,
            exact: self.exact,
            shard: self.shard,
            search: self.search,
            cargo: crate::cargo(),
        };
        match run(&options, |recovery| eprintln!("profile-sweep: {recovery}")) {
            Ok(report) => {
                print_summary(&report);
                if report.rows.iter().any(|r| r.status == Status::Skipped) {
                    eprintln!(
                        "some variants were skipped: a toolchain or tool they need is not installed here (the CSV's note column says which, and how to install it)"
                    );
                }
                if report
                    .rows
                    .iter()
                    .any(|r| matches!(r.status, Status::BuildFailed | Status::RunFailed))
                {
                    eprintln!(
                        "some variants failed to build or run; their errors are in the logs/ directory next to the CSV"
                    );
                }
                ExitCode::SUCCESS
            }
            Err(SweepError::Input(e)) => {
                eprintln!("error: {e}\nnothing was built and no file was changed");
                ExitCode::from(2)
            }
            Err(SweepError::Interrupted { finished, total, results }) => {
                eprintln!(
                    "interrupted after {finished} of {total} variants: Cargo.toml is restored byte for byte; the {finished} finished rows are in {}",
                    results.display()
                );
                ExitCode::from(130)
            }
            Err(SweepError::Other(e)) => {
                eprintln!(
                    "error: {e:#}\nCargo.toml is restored; rows of finished variants are kept"
                );
                ExitCode::FAILURE
            }
        }
    }
}

fn print_summary(report: &SweepSummary) {
    let size_rows: Vec<&Row> = report.rows.iter().filter(|r| r.measurement.is_none()).collect();
    let first_size = size_rows.iter().find_map(|r| r.size_bytes);
    let label = |row: &Row| row.step.clone().unwrap_or_else(|| row.variant.clone());
    let label_width =
        size_rows.iter().map(|r| label(r).len()).max().unwrap_or(0).max("variant".len());
    println!(
        "{:label_width$}  {:>12}  {:>8}  {:>8}  status",
        "variant", "size (B)", "vs first", "build"
    );
    for row in &size_rows {
        let size = row.size_bytes.map(thousands).unwrap_or_default();
        let change = match (row.size_bytes, first_size) {
            (Some(size), Some(first)) if size != first => {
                format!("{:+.1}%", (size as f64 / first as f64 - 1.0) * 100.0)
            }
            _ => String::new(),
        };
        let build = row.build_seconds.map(|s| format!("{s:.1} s")).unwrap_or_default();
        let status = match (&row.status, &row.identical_to) {
            (Status::Ok, Some(twin)) => format!("ok, identical to {twin}"),
            (status, _) => status.to_string(),
        };
        println!("{:label_width$}  {size:>12}  {change:>8}  {build:>8}  {status}", label(row));
    }
    let runtime_rows = report.rows.iter().filter(|r| r.measurement.is_some());
    for name in analysis::measurements(&report.rows) {
        let unit = analysis::unit_of(name);
        let what = if name.starts_with("criterion:") {
            "criterion, per iteration; mean and 95% confidence interval"
        } else if unit == Unit::Instructions {
            "whole binary under Cachegrind; exact count, not time"
        } else {
            "whole binary, per run; mean and 95% confidence interval"
        };
        println!("\n{name} ({what}; panic strategy in effect)");
        for row in runtime_rows.clone().filter(|r| r.measurement.as_deref() == Some(name)) {
            let value = match (row.status, row.mean_ns, row.ci_low_ns, row.ci_high_ns) {
                (Status::Ok, Some(count), _, _) if unit == Unit::Instructions => {
                    format!("{:>16}", thousands(count as u64))
                }
                (Status::Ok, Some(mean), Some(low), Some(high)) => {
                    let (mean, low, high) =
                        (unit.format(mean), unit.format(low), unit.format(high));
                    format!("{mean:>10}  [{low} .. {high}]")
                }
                _ => format!("{}: {}", row.status, row.note.as_deref().unwrap_or("")),
            };
            let panic = row.panic_effective.as_deref().unwrap_or("?");
            let noise = row.noise.as_deref().map(|n| format!("  NOISY: {n}")).unwrap_or_default();
            println!("{:label_width$}  {value}  {panic}{noise}", label(row));
        }
    }
    print_noise(&report.rows);
    println!("results: {}", report.results_csv.display());
    let names: Vec<String> = report
        .outputs
        .iter()
        .filter_map(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    println!("charts and report, next to it: {}", names.join(", "));
    println!(
        "cache: {} of {} variants from earlier runs (no build, no measurement); --force re-measures",
        report.cached, report.variants
    );
    let memory = report
        .harness_peak_rss_bytes
        .map_or_else(|| "not reported by the kernel".to_owned(), |b| human_bytes(b as f64));
    println!(
        "disk: peak {} in build directories and kept files; harness memory: peak {memory}",
        human_bytes(report.peak_disk_bytes as f64)
    );
    let overhead = report.wall_seconds - report.child_seconds;
    println!(
        "time: {:.1} s in all, {:.1} s in cargo and measured processes, {overhead:.1} s ({:.1}%) in the harness itself",
        report.wall_seconds,
        report.child_seconds,
        overhead / report.wall_seconds * 100.0
    );
}

/// Says which timings are noise and what to do about it.
fn print_noise(rows: &[Row]) {
    let noisy: Vec<&Row> = rows.iter().filter(|r| r.noise.is_some()).collect();
    let timed = rows
        .iter()
        .filter(|r| r.status == Status::Ok && r.unit.is_none() && r.mean_ns.is_some())
        .count();
    if noisy.is_empty() {
        return;
    }
    let count = |flag: &str| {
        noisy.iter().filter(|r| r.noise.as_deref().is_some_and(|n| n.contains(flag))).count()
    };
    println!(
        "\nnoise: {} of {timed} timings are not to be trusted ({} with a 95% interval over 3% of the mean, {} with outlying runs, {} measured while other processes wanted every CPU).",
        noisy.len(),
        count("wide-interval"),
        count("outliers"),
        count("busy")
    );
    println!(
        "  What to do: measure on a quiet machine; raise `runs`, set `remeasure-noisy` or use `measure-order = \"interleaved\"` in the sweep file; or rank on the instruction counts (`instructions:<run>`), which load does not move. The report treats overlapping intervals as ties."
    );
}

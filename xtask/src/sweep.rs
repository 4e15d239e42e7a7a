//! `cargo xtask sweep`: build every variant of a sweep file and record sizes in a CSV.

use std::path::PathBuf;
use std::process::ExitCode;

use profile_sweep::SweepError;
use profile_sweep::results::Status;
use profile_sweep::sweep::{SweepOptions, SweepReport, run, thousands};

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
    /// Keep each variant's target/sweep-<id>/ build directory instead of deleting it.
    #[arg(long)]
    keep_builds: bool,
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
            cargo: crate::cargo(),
        };
        match run(&options, |recovery| eprintln!("profile-sweep: {recovery}")) {
            Ok(report) => {
                print_summary(&report);
                if report.rows.iter().any(|r| r.status != Status::Ok) {
                    eprintln!("some variants failed to build; their errors are in the logs/ directory next to the CSV");
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
                eprintln!("error: {e:#}\nCargo.toml is restored; rows of finished variants are kept");
                ExitCode::FAILURE
            }
        }
    }
}

fn print_summary(report: &SweepReport) {
    let first_size = report.rows.iter().find_map(|r| r.size_bytes);
    let label_width = report.rows.iter().map(|r| r.step.as_deref().unwrap_or(&r.variant).len()).max().unwrap_or(0);
    println!("{:label_width$}  {:>12}  {:>8}  {:>8}  status", "variant", "size (B)", "vs first", "build");
    for row in &report.rows {
        let size = row.size_bytes.map(thousands).unwrap_or_default();
        let change = match (row.size_bytes, first_size) {
            (Some(size), Some(first)) if size != first => format!("{:+.1}%", (size as f64 / first as f64 - 1.0) * 100.0),
            _ => String::new(),
        };
        let build = row.build_seconds.map(|s| format!("{s:.1} s")).unwrap_or_default();
        let status = match (&row.status, &row.identical_to) {
            (Status::Ok, Some(twin)) => format!("ok, identical to {twin}"),
            (Status::Ok, None) => "ok".to_owned(),
            (Status::BuildFailed, _) => "build-failed".to_owned(),
        };
        let label = row.step.as_deref().unwrap_or(&row.variant);
        println!("{label:label_width$}  {size:>12}  {change:>8}  {build:>8}  {status}");
    }
    println!("results: {}", report.results_csv.display());
}

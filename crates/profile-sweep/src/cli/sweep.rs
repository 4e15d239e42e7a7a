//! `sweep`: build every variant of a sweep file and record sizes, build times and runtimes in a
//! CSV; with no sweep file, the seed ladder on the current crate (zero-config).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{Door, init, summary};
use crate::error::{InputError, SweepError};
use crate::host::workspace::Workspace;
use crate::plan::starter::{Preset, starter};
use crate::results::rows::{Row, Status};
use crate::results::shard::Shard;
use crate::sweep::{SweepOptions, SweepSummary, run};
use crate::util::files::write_atomic;

/// Build every profile variant of a sweep file and measure each one: size, build and rebuild
/// time, and runtime (whole-program runs, instruction counts, criterion benches) where the
/// sweep file asks for it.
#[derive(Debug, clap::Args)]
pub struct SweepCommand {
    /// The sweep file [default: the workspace's profile-sweep.toml; with none, the seed ladder
    /// on the current crate's binary].
    #[arg(long, value_name = "FILE")]
    sweep: Option<PathBuf>,
    /// A Cargo.toml of the workspace to sweep [default: the current directory's workspace].
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
    /// With no sweep file: the package to sweep [default: the current directory's package].
    #[arg(long, short, value_name = "NAME")]
    package: Option<String>,
    /// With no sweep file: the binary to sweep, when the package has several.
    #[arg(long, value_name = "NAME")]
    bin: Option<String>,
    /// Write the results files, charts, reports and logs here [default: the workspace's
    /// target/profile-sweep/results/<sweep name>/].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// A repository's own xtask only: write into its committed results/<sweep name>/ (publish
    /// the results) instead of target/profile-sweep/results/<sweep name>/.
    #[arg(long, conflicts_with = "out")]
    publish: bool,
    /// Keep each variant's target/sweep-<id>/ build directory and bench executables instead of
    /// deleting them once measured.
    #[arg(long)]
    keep_builds: bool,
    /// Build and measure every variant again, ignoring results cached by earlier runs.
    #[arg(long)]
    force: bool,
    /// Removed: refused with the reason (kept so that old scripts learn why).
    #[arg(long, hide = true)]
    relink_strip: bool,
    /// Build every variant from scratch in its own profile: what every sweep does (kept for
    /// scripts).
    #[arg(long, hide = true)]
    exact: bool,
    /// Run only shard K of N (e.g. 2/8): every N-th group of variants, plus the reference variant
    /// every shard measures; join the shards with `merge`.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Search the matrix instead of building every variant: about a tenth of the builds, the
    /// same frontier where the axes' effects are separable (as `strategy = "search"`).
    #[arg(long)]
    search: bool,
    #[command(flatten)]
    budget: crate::cli::BudgetArgs,
    /// `json`: print each row as a JSON object on stdout as soon as it is written, and a last
    /// `sweep-finished` object with the verdict, instead of the summary (schema:
    /// `profile_sweep::results::messages`).
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
}

/// How `sweep` reports on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum MessageFormat {
    /// The summary for people.
    Human,
    /// One JSON object per line.
    Json,
}

impl SweepCommand {
    /// The sweep `check` runs: this door's sweep file (or `sweep`), written under the
    /// workspace's target directory, never published.
    pub(super) fn for_check(
        sweep: Option<PathBuf>,
        manifest_path: Option<PathBuf>,
        force: bool,
    ) -> SweepCommand {
        SweepCommand {
            sweep,
            manifest_path,
            package: None,
            bin: None,
            out: None,
            publish: false,
            keep_builds: false,
            force,
            relink_strip: false,
            exact: false,
            shard: None,
            search: false,
            budget: crate::cli::BudgetArgs { max_rebuild_seconds: None },
            message_format: MessageFormat::Human,
        }
    }

    /// Runs the sweep and prints its summary; the exit status says how it ended.
    pub fn run(self, door: &Door) -> ExitCode {
        let options = match self.options(door) {
            Ok(options) => options,
            Err(e) => return report(Err(e), false),
        };
        let outcome = run(&options, |recovery| eprintln!("profile-sweep: {recovery}"));
        report(outcome, self.message_format == MessageFormat::Json)
    }

    /// The sweep file, workspace and results directory, from the flags and the door.
    pub(super) fn options(&self, door: &Door) -> Result<SweepOptions, SweepError> {
        if self.relink_strip {
            let removed = "was removed: a variant relinked from another's build is not the build pasting its profile gives (cargo hashes `strip` into every dependency's -C metadata, so the symbols and the code layout differ), so every variant is built plainly";
            return Err(InputError::in_file(Path::new("--relink-strip"), removed)
                .with_fix("drop --relink-strip")
                .into());
        }
        let manifest_path = door.manifest(self.manifest_path.clone())?;
        let file_given = self
            .sweep
            .clone()
            .or_else(|| door.repository.as_ref().map(|root| root.join("sweeps/default.toml")));
        if let (Some(sweep), true) = (&file_given, self.package.is_some() || self.bin.is_some()) {
            return Err(self.zero_config_only(sweep).into());
        }
        let (sweep_file, results_root) = match (&door.repository, file_given) {
            (Some(root), Some(sweep)) => (sweep, self.publish.then(|| root.join("results"))),
            (None, _) if self.publish => {
                let fix = "write the results where you want them with --out DIR";
                return Err(InputError::in_file(
                    Path::new("--publish"),
                    "--publish is for a repository's own xtask, which publishes into results/",
                )
                .with_fix(fix)
                .into());
            }
            (None, Some(sweep)) => (sweep, None),
            (_, None) => {
                let workspace = Workspace::load(&crate::cli::cargo(), &manifest_path)?;
                (self.default_sweep_file(door, &workspace)?, None)
            }
        };
        Ok(SweepOptions {
            results_root,
            out_dir: self.out.clone(),
            keep_builds: self.keep_builds,
            force: self.force,
            shard: self.shard,
            search: self.search,
            budget: self.budget.budget(),
            json_messages: self.message_format == MessageFormat::Json,
            ..SweepOptions::new(sweep_file, manifest_path)
        })
    }

    /// The workspace's `profile-sweep.toml`, or else a zero-config ladder written under its
    /// target directory.
    fn default_sweep_file(
        &self,
        door: &Door,
        workspace: &Workspace,
    ) -> Result<PathBuf, SweepError> {
        let own = workspace.dir().join(init::FILE_NAME);
        if own.is_file() && (self.package.is_some() || self.bin.is_some()) {
            return Err(self.zero_config_only(&own).into());
        }
        if own.is_file() {
            eprintln!("profile-sweep: sweeping {}", own.display());
            return Ok(own);
        }
        let subject = init::subject(workspace, self.package.as_deref(), self.bin.as_deref())?;
        let name = format!("{}-ladder", subject.package);
        let file = workspace.target_dir.join("profile-sweep").join(format!("{name}.toml"));
        let text = starter(&subject, Preset::Ladder, &name);
        write_atomic(&file, text.as_bytes()).map_err(|e| {
            SweepError::Other(e.context(format!("cannot write {}", file.display())))
        })?;
        zero_config_note(door, &own, &file, &subject.package);
        Ok(file)
    }
}

impl SweepCommand {
    /// Why `--package`/`--bin` are refused next to a sweep file, which names its own package.
    fn zero_config_only(&self, file: &Path) -> InputError {
        InputError::in_file(
            file,
            "--package and --bin choose what a zero-config sweep builds; this sweep file names its own package and binary",
        )
        .with_fix("drop --package/--bin, or set `package` and `bin` in the sweep file")
    }
}

fn zero_config_note(door: &Door, own: &Path, file: &Path, package: &str) {
    eprintln!(
        "profile-sweep: no sweep file ({} does not exist), so this is the zero-config sweep: the seed article's five-step ladder on `{package}`, sizes and build times (plus its benches, if any), written to {}.\n  To time your own workloads or choose other settings: `{} init` writes {}; edit it and sweep again.",
        own.display(),
        file.display(),
        door.name,
        own.display()
    );
}

/// Prints the summary or the error of a sweep and returns its exit status: 0 done (even with
/// failed variants), 2 bad input, 130 interrupted, 1 anything else.
fn report(outcome: Result<SweepSummary, SweepError>, json: bool) -> ExitCode {
    match outcome {
        Ok(report) => {
            if !json {
                summary::print_summary(&report);
            } else if let Err(e) = summary::print_finished_message(&report) {
                eprintln!("error: {e:#}");
                return ExitCode::FAILURE;
            }
            let skipped = |r: &&Row| r.status == Status::Skipped;
            if report.rows.iter().filter(|r| r.measurement.is_none()).any(|r| skipped(&r)) {
                eprintln!(
                    "some variants were skipped: a toolchain or tool they need is not installed here (the note column of variants.csv says which, and how to install it)"
                );
            } else if report.rows.iter().any(|r| skipped(&r)) {
                eprintln!(
                    "some measurements were skipped: the note column of measurements.csv says why (a tool that is not installed, or one that cannot measure this build)"
                );
            }
            if report
                .rows
                .iter()
                .any(|r| matches!(r.status, Status::BuildFailed | Status::RunFailed))
            {
                eprintln!(
                    "some variants failed to build or run; their errors are in the logs/ directory of the results"
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
            eprintln!("error: {e:#}\nnothing was built and no file was changed");
            ExitCode::FAILURE
        }
        Err(SweepError::AfterEdit(e)) => {
            eprintln!("error: {e:#}\nCargo.toml is restored; rows of finished variants are kept");
            ExitCode::FAILURE
        }
    }
}

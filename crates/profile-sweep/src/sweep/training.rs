//! The profile-guided steps of a variant's build, around cargo: PGO (an instrumented build,
//! the training workloads, `llvm-profdata merge`, then the build with `-C profile-use`) and
//! BOLT (the linked executable instrumented, trained and rewritten). Both run the sweep's
//! `[[train]]` workloads, never timed; their time is part of the variant's build time.
//!
//! BOLT and wasm-opt's pass are the steps after the link ([`CargoExecutor::after_link`]).
//!
//! Each PGO variant's files live in `<work>/pgo/<profile>/`: `raw/` (the training's raw
//! profiles), `merged.profdata` (what `-C profile-use` reads) and `steps.log` (what ran, for how long, and rustc's final command).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::executor::{CargoExecutor, Job};
use crate::build::cargo::{self, BuildFlags, BuildOutcome, CargoTarget};
use crate::build::profile_guided as guided;
use crate::build::{ToolFailed, ToolRun};
use crate::measure::runtime::{Exit, Stdout, run_to_exit, set_library_path};
use crate::plan::measures::Run;
use crate::util::files::remove_dir;
use crate::util::interrupt;

/// Where one strip group's PGO files go.
#[derive(Debug, Clone)]
pub struct PgoFiles {
    dir: PathBuf,
}

impl PgoFiles {
    /// The PGO files of the builds in cargo profile `profile`.
    pub fn new(work_dir: &Path, profile: &str) -> PgoFiles {
        PgoFiles { dir: work_dir.join("pgo").join(profile) }
    }

    /// The training's raw profiles.
    pub fn raw_dir(&self) -> PathBuf {
        self.dir.join("raw")
    }

    /// The merged profile the final build optimises with.
    pub fn profdata(&self) -> PathBuf {
        self.dir.join("merged.profdata")
    }

    /// The account of the steps.
    pub fn log(&self) -> PathBuf {
        self.dir.join("steps.log")
    }
}

/// Runs every training workload on `executable`, each `warmup + runs` times, with `vars` set;
/// their total wall time, or which one failed and why. Stops early once a signal arrives.
pub fn train(
    trainings: &[Run],
    inputs: &[Option<PathBuf>],
    executable: &Path,
    (vars, library_path): (&[(&str, PathBuf)], &Path),
    log: &mut String,
) -> anyhow::Result<ToolRun> {
    let mut total = 0.0;
    for (training, input) in trainings.iter().zip(inputs) {
        let spec = &training.spec;
        for _ in 0..spec.warmup + spec.runs {
            if interrupt::interrupted() {
                return Ok(Err(ToolFailed("interrupted".to_owned())));
            }
            let mut command = Command::new(executable);
            command.args(&spec.args).current_dir(&spec.cwd).envs(vars.iter().cloned());
            set_library_path(&mut command, Some(library_path));
            let exit = run_to_exit(&mut command, input.as_deref(), spec.timeout, Stdout::Discard)?;
            if exit.exit != Exit::Success {
                let why = format!("training run `{}` {}:\n{}", spec.name, exit.exit, exit.stderr);
                return Ok(Err(ToolFailed(why)));
            }
            total += exit.elapsed.as_secs_f64();
        }
        let runs = spec.warmup + spec.runs;
        let plural = if runs == 1 { "" } else { "s" };
        writeln!(log, "trained: {} ({runs} run{plural})", training.describe())?;
    }
    Ok(Ok(total))
}

impl CargoExecutor<'_> {
    /// The steps after cargo's link, on the kept `executable` in place: BOLT, or wasm-opt's
    /// pass, each saying what it did in `notes`. The seconds they add to the build time (BOLT's;
    /// wasm-opt's are not counted, as before), or their errors.
    pub(super) fn after_link(
        &mut self,
        job: &Job<'_>,
        executable: &Path,
        notes: &mut Vec<String>,
    ) -> anyhow::Result<ToolRun> {
        let env = &job.variant.env;
        if env.pgo {
            notes.push(self.trained_note("PGO"));
        }
        if env.bolt {
            let bolted = self.bolt(job, executable)?;
            if bolted.is_ok() {
                notes.push(self.trained_note("BOLT"));
            }
            return Ok(bolted.map_err(|errors| ToolFailed(format!("BOLT failed:\n{errors}"))));
        }
        let Some(level) = &env.wasm_opt else { return Ok(Ok(0.0)) };
        Ok(match cargo::wasm_opt(executable, level)? {
            Ok(took) => {
                self.child_seconds += took;
                notes.push(format!("wasm-opt {level} ran on the build's output in {took:.1} s"));
                Ok(0.0)
            }
            Err(errors) => Err(ToolFailed(format!("wasm-opt {level} failed:\n{errors}"))),
        })
    }

    /// PGO's first steps for `job`, whose final build reads the profile: builds `bin`
    /// instrumented with `instrumented` flags, runs the training workloads and merges their
    /// profiles. Their total wall time, or the failed outcome to record.
    pub(super) fn train_pgo(
        &mut self,
        job: &Job<'_>,
        instrumented: &BuildFlags,
        bin: &str,
        swept: (&str, &[String]),
    ) -> anyhow::Result<Result<f64, BuildOutcome>> {
        let files = PgoFiles::new(&self.prepared.work_dir, &job.profile);
        remove_dir(&files.dir)?;
        let mut instrumented_job = job.clone();
        instrumented_job.flags = instrumented.clone();
        let outcome = self.cargo(&instrumented_job, CargoTarget::Bin(bin), swept, None)?;
        let mut seconds = outcome.seconds();
        let BuildOutcome::Built { executable, .. } = outcome else {
            return Ok(Err(outcome.with_context("the instrumented build (-Cprofile-generate)")));
        };
        let mut log = format!("instrumented build: {seconds:.1} s\n");
        // Build scripts compiled with the same flags wrote profiles too: only the training's count.
        remove_dir(&files.raw_dir())?;
        let pattern = files.raw_dir().join("%m-%p.profraw");
        let vars = [("LLVM_PROFILE_FILE", pattern)];
        let prepared = self.prepared;
        let training = train(
            &prepared.sweep.trainings,
            &prepared.train_inputs,
            &executable,
            (&vars, job.compiler.libdir),
            &mut log,
        )?;
        let tools = job.compiler.llvm_tools.expect("checked for trained variants");
        let merged = match training {
            Ok(took) => guided::merge_profiles(tools, &files.raw_dir(), &files.profdata())?
                .map(|merge| took + merge),
            Err(why) => Err(why),
        };
        self.child_seconds += merged.as_ref().copied().unwrap_or_default();
        match merged {
            Ok(took) => {
                seconds += took;
                writeln!(log, "training and llvm-profdata merge: {took:.1} s")?;
                super::record::write_log(&files.log(), &log)?;
                Ok(Ok(seconds))
            }
            Err(errors) => {
                Ok(Err(BuildOutcome::Failed { seconds, errors: format!("PGO: {errors}") }))
            }
        }
    }

    /// BOLT on `executable` (built with [`guided::bolt_ready`] flags), in place: instrument it,
    /// run the training workloads, rewrite it with their profile, strip it as the variant asks.
    pub(super) fn bolt(&mut self, job: &Job<'_>, executable: &Path) -> anyhow::Result<ToolRun> {
        let dir = self.prepared.work_dir.join("bolt").join(&job.variant.id);
        remove_dir(&dir)?;
        std::fs::create_dir_all(&dir)?;
        let bolt_dir = job.compiler.bolt.expect("checked for bolt variants");
        let tools = job.compiler.llvm_tools.expect("checked for trained variants");
        let instrumented = dir.join("instrumented");
        let mut seconds = match guided::bolt_instrument(bolt_dir, executable, &instrumented, &dir)?
        {
            Ok(took) => took,
            failed => return Ok(failed),
        };
        let mut log = format!("llvm-bolt -instrument: {seconds:.1} s\n");
        let prepared = self.prepared;
        let inputs = &prepared.train_inputs;
        let no_vars: [(&str, PathBuf); 0] = [];
        let training = (&no_vars[..], job.compiler.libdir);
        match train(&prepared.sweep.trainings, inputs, &instrumented, training, &mut log)? {
            Ok(took) => seconds += took,
            failed => return Ok(failed),
        }
        let strip = job.variant.settings.strip;
        let optimised = guided::bolt_optimise((bolt_dir, tools), executable, &dir, strip)?;
        if let Ok(took) = optimised {
            seconds += took;
            writeln!(log, "merge-fdata, llvm-bolt and llvm-strip: {took:.1} s")?;
            super::record::write_log(&dir.join("steps.log"), &log)?;
        }
        self.child_seconds += seconds;
        Ok(optimised.map(|_| seconds))
    }

    /// Appends the final build of a PGO variant to its group's `steps.log`: how long it took
    /// and the rustc command line cargo showed (with `-Cprofile-use`).
    pub(super) fn log_final_build(
        &self,
        job: &Job<'_>,
        outcome: &BuildOutcome,
    ) -> anyhow::Result<()> {
        let log = PgoFiles::new(&self.prepared.work_dir, &job.profile).log();
        let mut text = std::fs::read_to_string(&log).unwrap_or_default();
        let (id, seconds) = (&job.variant.id, outcome.seconds());
        let command = match outcome {
            BuildOutcome::Built { rustc_command: Some(command), .. } => command.as_str(),
            BuildOutcome::Built { .. } => "(cargo did not show the rustc command)",
            BuildOutcome::Failed { .. } => "(failed)",
        };
        writeln!(text, "build of {id} with the profile: {seconds:.1} s\n{command}")?;
        super::record::write_log(&log, &text)
    }

    /// The note of a variant trained by `step` (PGO or BOLT): what its build time holds, and a
    /// warning when a training workload is also measured.
    pub(super) fn trained_note(&self, step: &str) -> String {
        let sweep = &self.prepared.sweep;
        let mut note = format!(
            "{step}: build_seconds includes its training on {} workload(s), see trained_on",
            sweep.trainings.len()
        );
        let measured_too: Vec<&str> =
            sweep.runs_also_trained().iter().map(|run| run.spec.name.as_str()).collect();
        if !measured_too.is_empty() {
            let names = measured_too.join(", ");
            write!(note, "; trained on what it is measured on ({names}): the gain may not carry to other inputs").expect("a String");
        }
        note
    }
}

//! Running a sweep end to end: validate everything (`prepare`), put the profiles in, build
//! and measure each variant in the order [`schedule`] gives (cargo's work in `executor`, PGO's
//! and BOLT's training in `training`, measurements in `measurer`), or as a [`search`] asks (through `oracle`; [`replay`] runs the
//! same search against a results file), record a row as each one finishes (`record`), skip
//! what [`cache`] holds, put the manifest back.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;

use crate::build::cargo;
use crate::error::SweepError;
use crate::host::workspace::Workspace;
use crate::manifest::guard::{self, ManifestGuard, Recovery};
use crate::manifest::profiles;
use crate::manifest::repair::{Repair, repair};
use crate::plan::variants::{self, Variant};
use crate::present::report;
use crate::results::build_time::Budget;
use crate::results::rows::Row;
use crate::results::shard::Shard;
use crate::util::hash::sha256_of_file;
use crate::util::interrupt;

pub mod cache;
mod executor;
mod measurer;
mod mixed;
mod oracle;
mod prepare;
mod record;
#[cfg(test)]
mod replay;
#[cfg(test)]
mod replay_tests;
pub mod schedule;
pub mod search;
mod training;

use executor::CargoExecutor;
use prepare::Prepared;
use record::Recorder;

/// What to sweep and where to put the results.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    /// The sweep file.
    pub sweep_file: PathBuf,
    /// A manifest of the workspace to sweep (any member's; the root's is found from it).
    pub manifest_path: PathBuf,
    /// Results go to `<results_root>/<sweep name>/` (by default `<results_root>` is the
    /// workspace's `target/profile-sweep/results/`) ...
    pub results_root: Option<PathBuf>,
    /// ... unless this names the directory.
    pub out_dir: Option<PathBuf>,
    /// Keep the build directories (`target/<profile>/`, and `target/<triple>/<profile>/` for a
    /// `--target` build) and the kept bench executables instead of deleting them once measured.
    pub keep_builds: bool,
    /// Build and measure every variant again, ignoring (and then replacing) cached results.
    pub force: bool,
    /// Run only this shard of the variants (plus the reference variant).
    pub shard: Option<Shard>,
    /// Search instead of building every variant of the matrix, whatever the sweep file says.
    pub search: bool,
    /// The cargo to run.
    pub cargo: PathBuf,
    /// What the report's recommendations must respect (a rebuild budget).
    pub budget: Budget,
    /// Build and measure only the profile the crate ships today, whatever the sweep file's
    /// matrix or ladder says (`check`).
    pub only_shipped: bool,
    /// Print each row as a JSON object on stdout as soon as it is written
    /// (`--message-format json`; see [`crate::results::messages`]).
    pub json_messages: bool,
}

impl SweepOptions {
    /// Sweeps `sweep_file` on the workspace of `manifest_path` with the defaults: results in
    /// the workspace's `target/profile-sweep/results/<sweep name>/`, the cache used, every
    /// variant built plainly, every shard, the sweep file's strategy, the `cargo` of `$CARGO` or
    /// `PATH`.
    pub fn new(sweep_file: impl Into<PathBuf>, manifest_path: impl Into<PathBuf>) -> SweepOptions {
        SweepOptions {
            sweep_file: sweep_file.into(),
            manifest_path: manifest_path.into(),
            results_root: None,
            out_dir: None,
            keep_builds: false,
            force: false,
            shard: None,
            search: false,
            cargo: crate::host::machine::cargo(),
            only_shipped: false,
            json_messages: false,
            budget: Budget::default(),
        }
    }
}

/// What a finished sweep did, for the summary printed at its end (the Markdown report is
/// [`crate::write_outputs`]'s).
#[derive(Debug)]
pub struct SweepSummary {
    /// The results directory written (`run.json`, `variants.csv`, `measurements.csv`).
    pub results_dir: PathBuf,
    /// The rows this run wrote, in the order they were written.
    pub rows: Vec<Row>,
    /// What expansion and recovery had to say.
    pub notes: Vec<String>,
    /// The charts and report drawn from the results file.
    pub outputs: Vec<PathBuf>,
    /// Wall time of the whole sweep.
    pub wall_seconds: f64,
    /// Wall time spent inside the cargo, benchmark and measured processes the sweep ran; the
    /// rest is the harness's own overhead.
    pub child_seconds: f64,
    /// How many variants this run handled (this shard's, with `--shard`).
    pub variants: usize,
    /// Variants whose rows came from the cache, with no build and no measurement.
    pub cached: usize,
    /// The most disk the sweep's build directories and kept files used at once, bytes.
    pub peak_disk_bytes: u64,
    /// Peak resident memory of the sweep process itself (not of cargo or the measured
    /// programs), bytes; `None` where the kernel does not say.
    pub harness_peak_rss_bytes: Option<u64>,
}

/// Runs the sweep. Input errors come before anything is built or modified; once the manifest
/// is edited, every way out (success, error, signal, panic) restores it.
pub fn run(
    options: &SweepOptions,
    on_recovery: impl Fn(&Recovery),
) -> Result<SweepSummary, SweepError> {
    let started = Instant::now();
    // Repair what a killed sweep left first, whatever else is wrong with this run.
    let workspace = Workspace::load(&options.cargo, &options.manifest_path)?;
    match repair(&workspace)? {
        Repair::SweepRunning { pid, manifest } => {
            return Err(anyhow::anyhow!(guard::another_sweep(&manifest, pid)).into());
        }
        Repair::Recovered(recovery) => on_recovery(&recovery),
        Repair::Clean { .. } => {}
    }
    let state_dir = guard::state_dir(&workspace.target_dir, &workspace.root_manifest);
    let prepared = Prepared::new(options, workspace)?;
    let shard = options.shard.map(|s| s.to_string());
    let mut recorder = Recorder::open(&prepared, shard)?;
    recorder.print_json_messages(options.json_messages);
    let groups = variants::strip_groups(&prepared.variants);
    let groups = match options.shard {
        Some(shard) => shard.select(groups),
        None => groups,
    };
    interrupt::install()?;

    let mut guard = edit_manifest(&prepared, &state_dir)?;
    // From here on the manifest holds the sweep's profiles: an error says it was put back.
    let measured = (|| -> Result<_, SweepError> {
        let cargo_lock_sha256 = resolve_lockfile(&prepared, &mut guard, &options.cargo)?;
        let fingerprint = prepared.fingerprint(&options.cargo, &cargo_lock_sha256)?;
        recorder.set_cargo_lock_sha256(cargo_lock_sha256);
        for note in &prepared.notes {
            eprintln!("note: {note}");
        }
        let results_dir = recorder.results_dir().to_owned();
        let total: usize = groups.iter().map(Vec::len).sum();
        let interrupted_after =
            |finished| SweepError::Interrupted { finished, total, results: results_dir.clone() };
        let mut executor = CargoExecutor::new(&prepared, options, fingerprint, recorder);
        let counts = match &prepared.search {
            Some(search) => {
                let base = search::base_index(&prepared.variants, &prepared.inherited);
                oracle::run(
                    &mut executor,
                    &prepared.variants,
                    base,
                    &search.steer_by,
                    interrupted_after,
                )?
            }
            None => {
                let plan = schedule::Schedule { order: prepared.sweep.order };
                let counts = schedule::run(&mut executor, &groups, plan, interrupted_after)?;
                let mixed = prepared.sweep.mixed && options.shard.is_none();
                let more = match mixed {
                    true => {
                        build_mixed(&prepared, &mut guard, &mut executor, plan, &interrupted_after)?
                    }
                    false => schedule::Handled::default(),
                };
                schedule::Handled {
                    variants: counts.variants + more.variants,
                    cached: counts.cached + more.cached,
                }
            }
        };
        guard.restore()?;
        Ok((executor, counts, results_dir))
    })();
    let (executor, counts, results_dir) = measured.map_err(SweepError::after_edit)?;
    let outputs =
        report::write_outputs(&results_dir, &options.budget).map_err(SweepError::after_edit)?;
    let child_seconds = executor.child_seconds + executor.measurer.child_seconds;
    let peak_disk_bytes = executor.peak_disk_bytes;
    Ok(SweepSummary {
        outputs,
        results_dir,
        rows: executor.recorder.into_rows(),
        notes: prepared.notes.clone(),
        wall_seconds: started.elapsed().as_secs_f64(),
        child_seconds,
        variants: counts.variants,
        cached: counts.cached,
        peak_disk_bytes,
        harness_peak_rss_bytes: crate::util::platform::own_peak_rss_bytes(),
    })
}

/// `mixed = true`: proposes the mixed variants from what the matrix measured, writes their
/// profiles into the manifest beside the others, and builds and measures them.
fn build_mixed(
    prepared: &Prepared,
    guard: &mut ManifestGuard,
    executor: &mut CargoExecutor<'_>,
    plan: schedule::Schedule,
    interrupted_after: &impl Fn(usize) -> SweepError,
) -> Result<schedule::Handled, SweepError> {
    let proposed = mixed::propose(prepared, executor.recorder.rows(), &executor.recorder.hot());
    let proposed = match proposed {
        Ok(proposed) => proposed,
        Err(why) => {
            eprintln!("note: no mixed variants: {why}");
            return Ok(schedule::Handled::default());
        }
    };
    let manifest_path = &prepared.workspace.root_manifest;
    let sweep = &prepared.sweep;
    let inherited = profiles::inherited_settings(manifest_path, &prepared.manifest_text, sweep)?;
    let all: Vec<Variant> = prepared.variants.iter().chain(&proposed).cloned().collect();
    let text = profiles::with_sweep_profiles(
        manifest_path,
        &prepared.manifest_text,
        sweep,
        &inherited,
        &all,
    )?;
    guard.write(&text)?;
    let ids: Vec<&str> = proposed.iter().map(|v| v.id.as_str()).collect();
    eprintln!("mixed: building {} proposed from the pick and hot.csv", ids.join(", "));
    let groups: Vec<Vec<&Variant>> = proposed.iter().map(|v| vec![v]).collect();
    schedule::run(executor, &groups, plan, interrupted_after)
}

/// Takes the manifest into the guard's keeping and writes the sweep's profiles into it.
fn edit_manifest(prepared: &Prepared, state_dir: &Path) -> Result<ManifestGuard, SweepError> {
    let manifest_path = &prepared.workspace.root_manifest;
    let (mut guard, _) = ManifestGuard::acquire(manifest_path, state_dir)?;
    if guard.original() != prepared.manifest_text.as_bytes() {
        let changed = format!(
            "{} changed while the sweep was starting; run it again",
            manifest_path.display()
        );
        return Err(anyhow::anyhow!(changed).into());
    }
    guard.write(&prepared.edited_manifest)?;
    Ok(guard)
}

/// The sha256 of the workspace's `Cargo.lock`. Without one, cargo would create it with the
/// first build; it is resolved now instead, so the cache key covers the versions built, and
/// the guard takes it away again when the sweep ends.
fn resolve_lockfile(
    prepared: &Prepared,
    guard: &mut ManifestGuard,
    cargo: &Path,
) -> anyhow::Result<String> {
    let lock_path = prepared.workspace.dir().join("Cargo.lock");
    if !lock_path.exists() {
        guard.remove_on_restore(&lock_path)?;
        cargo::generate_lockfile(cargo, &prepared.workspace.root_manifest)?;
        guard.claim_created(&lock_path)?;
    }
    sha256_of_file(&lock_path).with_context(|| format!("cannot read {}", lock_path.display()))
}

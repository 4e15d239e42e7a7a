//! Everything a sweep decides before it touches the manifest: the sweep file read and checked,
//! the variants expanded, their profiles rendered, the toolchains and targets found, the inputs
//! written, and the fingerprint that keys the cache. Input errors all come from here.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::SweepOptions;
use super::cache::Fingerprint;
use crate::error::{InputError, SweepError};
use crate::host::compilers::Compilers;
use crate::host::machine::Machine;
use crate::host::tool::Tool;
use crate::host::toolchain::{self, Toolchain};
use crate::host::workspace::{BenchTarget, BuildTarget, Workspace};
use crate::manifest::profiles;
use crate::measure::instructions;
use crate::plan::measures::{Run, RunInput};
use crate::plan::settings::ProfileSettings;
use crate::plan::spec::{Plan, Strategy, Sweep};
use crate::plan::variants::{self, Variant};
use crate::util::files::write_atomic;

/// A sweep checked and ready to run: what it builds, where, with what, and where results go.
#[derive(Debug)]
pub struct Prepared {
    /// The swept workspace.
    pub workspace: Workspace,
    /// The validated sweep file.
    pub sweep: Sweep,
    /// The binary (or library) every variant builds.
    pub target: BuildTarget,
    /// Where each of the sweep's benches runs and what it needs.
    pub bench_targets: Vec<BenchTarget>,
    /// The root manifest as the user left it.
    pub manifest_text: String,
    /// The root manifest with every variant's profile added.
    pub edited_manifest: String,
    /// The distinct variants, in order.
    pub variants: Vec<Variant>,
    /// What expansion had to say (dropped combinations, say).
    pub notes: Vec<String>,
    /// The default toolchain of the workspace.
    pub toolchain: Toolchain,
    /// The toolchains, targets and tools the variants need.
    pub compilers: Compilers,
    /// This machine.
    pub machine: Machine,
    /// Where results go.
    pub out_dir: PathBuf,
    /// `target/profile-sweep/<sweep>/`: kept executables, criterion output, inputs, cache.
    pub work_dir: PathBuf,
    /// The stdin file of each of the sweep's runs.
    pub inputs: Vec<Option<PathBuf>>,
    /// The stdin file of each training workload (`sweep.trainings`), generated ones written.
    pub train_inputs: Vec<Option<PathBuf>>,
    /// Valgrind, or why instructions cannot be counted here.
    pub valgrind: Tool<String>,
    /// The profile settings the variants inherit (the search starts from them).
    pub inherited: ProfileSettings,
    /// How the search steers, when the sweep searches instead of building the whole grid.
    pub search: Option<SearchPlan>,
}

/// A search's settings, checked before anything is built.
#[derive(Debug)]
pub struct SearchPlan {
    /// The measurement it steers by: the first run's instruction count where counted (load
    /// does not move it), else its wall time.
    pub steer_by: String,
}

impl Prepared {
    /// Reads and checks everything a sweep needs, in the order a user would fix it: the sweep
    /// file, the package and targets, the manifest's profiles, the toolchains and targets.
    pub fn new(options: &SweepOptions, workspace: Workspace) -> Result<Prepared, SweepError> {
        let mut sweep = Sweep::load(&options.sweep_file)?;
        let target = workspace.build_target(&sweep)?;
        let bench_targets = workspace.bench_targets(&sweep)?;
        let manifest_path = &workspace.root_manifest;
        let manifest_text = fs::read_to_string(manifest_path)
            .with_context(|| format!("cannot read {}", manifest_path.display()))?;
        let inherited = profiles::inherited_settings(manifest_path, &manifest_text, &sweep)?;
        let mut expansion = variants::expand(&sweep, inherited.settings);
        if options.only_shipped {
            expansion.variants = vec![variants::shipped(&sweep, inherited.settings)];
        }
        if expansion.variants.is_empty() {
            let message = "the exclude rules drop every combination; nothing to build";
            return Err(InputError::in_file(&sweep.file, message)
                .with_fix("loosen the exclude rules")
                .into());
        }
        let training_notes = check_trainings(&sweep, &expansion.variants)?;
        let edited_manifest = profiles::with_sweep_profiles(
            manifest_path,
            &manifest_text,
            &sweep,
            &inherited,
            &expansion.variants,
        )?;
        let results_root = options.results_root.clone();
        let results_root =
            results_root.unwrap_or_else(|| workspace.target_dir.join("profile-sweep/results"));
        let out_dir = options.out_dir.clone().unwrap_or_else(|| results_root.join(&sweep.name));
        let toolchain = Toolchain::detect(workspace.dir())?;
        let compilers =
            Compilers::check(&expansion.variants, &sweep, toolchain.clone(), &options.cargo)?;
        let work_dir = workspace.target_dir.join("profile-sweep").join(&sweep.name);
        let materialise_all = |runs: &[Run]| {
            runs.iter()
                .map(|run| materialise(run.stdin.as_ref(), &work_dir.join("inputs")))
                .collect::<anyhow::Result<Vec<_>>>()
        };
        let inputs = materialise_all(&sweep.runs)?;
        let train_inputs = materialise_all(&sweep.trainings)?;
        let valgrind = instructions::valgrind();
        let search = search_plan(options, &sweep, &valgrind)?;
        if search.is_some() {
            // `--search` on a grid's sweep file: the measurer and the cache key read it here.
            sweep.strategy = Strategy::Search;
        }
        let mut notes = expansion.notes;
        notes.extend(training_notes);
        if let Some(missing) = valgrind.why_missing()
            && sweep.runs.iter().any(|r| r.spec.instructions.is_none())
        {
            notes.push(format!("no instruction counts: {missing}"));
        }
        Ok(Prepared {
            valgrind,
            inherited: inherited.settings,
            search,
            workspace,
            target,
            bench_targets,
            manifest_text,
            edited_manifest,
            variants: expansion.variants,
            notes,
            toolchain,
            compilers,
            machine: Machine::detect(),
            out_dir,
            work_dir,
            inputs,
            train_inputs,
            sweep,
        })
    }

    /// Everything outside the variants themselves that decides a sweep's rows: the tool, the
    /// toolchains, the swept workspace's manifests, lockfile and cargo configuration, the build
    /// environment, what is measured and on which machine, and where results go (rows name
    /// their log files).
    pub fn fingerprint(
        &self,
        cargo: &Path,
        cargo_lock_sha256: &str,
    ) -> anyhow::Result<Fingerprint> {
        let workspace_dir = self.workspace.dir();
        let mut fingerprint = Fingerprint::new();
        fingerprint.add("rustc -vV", self.toolchain.verbose.as_bytes());
        let cargo_version = toolchain::cargo_version(cargo, workspace_dir)?;
        fingerprint.add("cargo -V", cargo_version.as_bytes());
        fingerprint.add("root manifest", self.manifest_text.as_bytes());
        fingerprint.add("Cargo.lock sha256", cargo_lock_sha256.as_bytes());
        fingerprint.add_file(".cargo/config.toml", &workspace_dir.join(".cargo/config.toml"))?;
        for package in &self.workspace.packages {
            let label = format!("manifest of {}", package.name);
            fingerprint.add_file(&label, &package.dir.join("Cargo.toml"))?;
        }
        for name in BUILD_ENVIRONMENT {
            fingerprint.add(name, std::env::var_os(name).unwrap_or_default().as_encoded_bytes());
        }
        let sweep = &self.sweep;
        fingerprint.add("sweep", sweep.name.as_bytes());
        fingerprint.add("target", format!("{:?}", self.target).as_bytes());
        fingerprint.add("runs", format!("{:?}", sweep.runs).as_bytes());
        // A search counts no estimated cycles and leaves some runtimes unmeasured.
        fingerprint.add("strategy", format!("{:?}", sweep.strategy).as_bytes());
        let rebuild = &sweep.rebuild;
        let files: Vec<&str> = rebuild.touch.iter().map(|f| f.value.as_str()).collect();
        let how =
            format!("{} {:?} x{} tests {}", rebuild.enabled, files, rebuild.repeats, rebuild.tests);
        fingerprint.add("rebuild", how.as_bytes());
        let benches: Vec<_> = sweep.benches.iter().map(|b| &b.spec).collect();
        fingerprint.add("benches", format!("{benches:?}").as_bytes());
        for input in self.inputs.iter().flatten() {
            fingerprint.add_file("run input", input)?;
        }
        fingerprint.add_for_trained("trainings", format!("{:?}", sweep.trainings).as_bytes());
        for input in self.train_inputs.iter().flatten() {
            fingerprint.add_file_for_trained("training input", input)?;
        }
        fingerprint.add("machine", format!("{:?}", self.machine).as_bytes());
        fingerprint.add("out", self.out_dir.as_os_str().as_encoded_bytes());
        fingerprint
            .add("toolchains and tools of the build axes", self.compilers.describe().as_bytes());
        Ok(fingerprint)
    }
}

/// A sweep with PGO or BOLT variants needs a workload to train them on; the notes say what
/// trains and warn when a training workload is also measured.
fn check_trainings(sweep: &Sweep, variants: &[Variant]) -> Result<Vec<String>, InputError> {
    let Some(trained) = variants.iter().find(|v| v.env.trained()) else { return Ok(Vec::new()) };
    if sweep.trainings.is_empty() {
        let axis = if trained.env.pgo { "pgo" } else { "bolt" };
        return Err(sweep
            .error_at(sweep.key_offset(axis), format!("{axis} = true needs a training workload, and the sweep has none"))
            .with_fix("add a [[train]] table (the keys of [[run]]: name, args, stdin), e.g. [[train]] name = \"train\" stdin = { generate = \"json-lines-wide\", records = 20000, seed = 7 }; or mark a [[run]] with train = true"));
    }
    let mut notes = vec![format!("PGO and BOLT variants train on {}", sweep.trainings_described())];
    for run in sweep.runs_also_trained() {
        notes.push(format!(
            "run `{}` is also a training workload: its gain from PGO or BOLT may not carry to other inputs; measure on an input the training never saw",
            run.spec.name
        ));
    }
    Ok(notes)
}

/// The search's plan when the sweep file or `--search` asks for one; a search needs a matrix, a
/// `[[run]]` to steer by, and no `--shard`.
fn search_plan(
    options: &SweepOptions,
    sweep: &Sweep,
    valgrind: &Tool<String>,
) -> Result<Option<SearchPlan>, InputError> {
    if !(options.search || sweep.strategy == Strategy::Search) {
        return Ok(None);
    }
    if matches!(sweep.plan, Plan::Ladder(_)) {
        return Err(InputError::in_file(
            &sweep.file,
            "--search needs a [matrix]: a ladder has nothing to search",
        )
        .with_fix("drop --search, or sweep a [matrix]"));
    }
    if options.shard.is_some() {
        return Err(InputError::in_file(&sweep.file, "a search cannot be split into shards: each variant it builds depends on the ones before")
            .with_fix("run the search on one machine without --shard (it builds about a tenth of the matrix), or shard the full grid"));
    }
    let Some(run) = sweep.runs.first() else {
        return Err(InputError::in_file(
            &sweep.file,
            "a search steers by a whole-binary run, and the sweep has no [[run]]",
        )
        .with_fix("add a [[run]] table, or sweep the full grid"));
    };
    let counted = run.spec.instructions.unwrap_or(valgrind.is_found()) && valgrind.is_found();
    let steer_by = if counted {
        instructions::measurement_name(&run.spec.name)
    } else {
        run.spec.name.clone()
    };
    Ok(Some(SearchPlan { steer_by }))
}

/// Environment variables that change what cargo builds.
const BUILD_ENVIRONMENT: [&str; 7] = [
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_BUILD_RUSTFLAGS",
    "RUSTC",
    "RUSTC_WRAPPER",
    "CARGO_BUILD_TARGET",
    "CARGO_TARGET_DIR",
];

/// The stdin file of a run: an existing file as is, generated records written once into `dir`.
fn materialise(input: Option<&RunInput>, dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    Ok(match input {
        None => None,
        Some(RunInput::File(path)) => Some(path.clone()),
        Some(RunInput::JsonRecords { records, seed }) => {
            let path = dir.join(format!("json-records-{records}-seed{seed}.json"));
            Some(generated(path, || demo_input::json_records(*seed, *records))?)
        }
        Some(RunInput::JsonLinesWide { records, seed }) => {
            let path = dir.join(format!("json-lines-wide-{records}-seed{seed}.jsonl"));
            Some(generated(path, || demo_input::json_lines_wide(*seed, *records))?)
        }
    })
}

/// `path`, written with `generate`'s text unless an earlier sweep wrote it already.
fn generated(path: PathBuf, generate: impl FnOnce() -> String) -> anyhow::Result<PathBuf> {
    if !path.exists() {
        write_atomic(&path, generate().as_bytes())?;
    }
    Ok(path)
}

//! Running a sweep end to end: validate everything, put the profiles in, build and measure each
//! variant, record a row as each one finishes, put the manifest back.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub mod cache;

use anyhow::Context;

use self::cache::{Cache, Fingerprint, Method, SourceFile};
use crate::build::cargo::{self, BuildFlags, BuildOutcome, BuildRequest, CargoTarget};
use crate::error::{InputError, SweepError};
use crate::host::compilers::{Compiler, Compilers};
use crate::host::machine::Machine;
use crate::host::toolchain::{self, Toolchain};
use crate::host::workspace::{BenchTarget, BuildTarget, Workspace};
use crate::manifest::guard::{self, ManifestGuard, Recovery};
use crate::manifest::profiles;
use crate::measure::binary::{self, BinarySizes};
use crate::measure::bloat::{self, CrateRow, CrateText, CratesFile};
use crate::measure::criterion::{self, CriterionOutcome};
use crate::measure::runtime::{self, RunOutcome};
use crate::measure::shipping;
use crate::plan::settings::{Panic, Setting, Strip};
use crate::plan::spec::{MeasureOrder, RunInput, Sweep};
use crate::plan::variants::{self, Variant};
use crate::present::report;
use crate::results::rows::{ResultsFile, Row, Status};
use crate::results::shard::Shard;
use crate::util::files::{remove_dir, remove_file};
use crate::util::interrupt;
use crate::util::progress::Progress;
use crate::util::units::{human_ns, thousands};

/// What to sweep and where to put the results.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    /// The sweep file.
    pub sweep_file: PathBuf,
    /// A manifest of the workspace to sweep (any member's; the root's is found from it).
    pub manifest_path: PathBuf,
    /// Results go to `<results_root>/<sweep name>/` ...
    pub results_root: PathBuf,
    /// ... unless this names the directory.
    pub out_dir: Option<PathBuf>,
    /// Keep each variant's `target/sweep-<id>/` and bench executables instead of deleting them
    /// once measured.
    pub keep_builds: bool,
    /// Build and measure every variant again, ignoring (and then replacing) cached results.
    pub force: bool,
    /// Build every variant the plain way, in its own profile from scratch, instead of relinking
    /// variants that differ only in `strip` from one shared build.
    pub exact: bool,
    /// Run only this shard of the variants (plus the reference variant).
    pub shard: Option<Shard>,
    /// The cargo to run.
    pub cargo: PathBuf,
}

/// What a finished sweep did.
#[derive(Debug)]
pub struct SweepReport {
    /// The results file written.
    pub results_csv: PathBuf,
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
    /// How many variants this run handled, and how many of them came from the cache.
    pub variants: usize,
    /// Variants whose rows came from the cache, with no build and no measurement.
    pub cached: usize,
    /// The most disk the sweep's build directories and kept files used at once, bytes.
    pub peak_disk_bytes: u64,
    /// Peak resident memory of the sweep process itself (not of cargo or the measured
    /// programs), bytes; `None` where the kernel does not say.
    pub harness_peak_rss_bytes: Option<u64>,
}

/// The rows of a run in progress and the context every row shares.
struct Recorder<'a> {
    sweep: &'a Sweep,
    target: &'a BuildTarget,
    machine: Machine,
    /// sha256 of the swept workspace's Cargo.lock (resolved before the first build if it had none).
    cargo_lock_sha256: String,
    /// `K/N` when running one shard.
    shard: Option<String>,
    /// The stdin file of each of the sweep's runs.
    inputs: Vec<Option<PathBuf>>,
    /// Where each of the sweep's benches runs and what it needs.
    bench_targets: Vec<BenchTarget>,
    /// Whole-binary measurements by (sha256, run index), so an identical executable is run once.
    measured_runs: HashMap<(String, usize), (String, RunOutcome)>,
    /// Criterion measurements by (sha256 of the bench executable, bench index).
    measured_benches: HashMap<(String, usize), (String, CriterionOutcome)>,
    out_dir: PathBuf,
    artifacts_dir: PathBuf,
    criterion_dir: PathBuf,
    keep_builds: bool,
    results: ResultsFile,
    /// `crates.csv`: machine code per crate of each variant.
    crates: CratesFile,
    /// The crate breakdown of the current strip group's code, and the variant it was read
    /// from: variants that differ only in `strip` have the same code.
    group_crates: Option<(String, u64, Vec<CrateText>)>,
    cache: Cache,
    twins: Twins,
    rows: Vec<Row>,
    child_seconds: f64,
}

/// A variant whose binary (and benches) are built, waiting to be measured.
struct BuiltVariant {
    variant: Variant,
    /// The kept copy of its executable, and its sha256; `None` for a library (benches only).
    executable: Option<PathBuf>,
    sha256: Option<String>,
    /// Its size row, the template of its runtime rows.
    size_row: Row,
    /// The panic strategy the binary was compiled with, as cargo showed it.
    panic_effective: Option<Panic>,
    /// Per `[[bench]]`: the kept bench executable; `None` if it failed to build (its row is
    /// written already).
    benches: Vec<Option<BuiltBench>>,
    /// `LD_LIBRARY_PATH` the binary needs (the toolchain's library directory), if any.
    library_path: Option<PathBuf>,
    /// Whether this machine can run it; if not, only its size is recorded.
    runs_here: bool,
    /// Its `crates.csv` rows.
    crates: Vec<CrateRow>,
    /// Where its rows are cached once measured, and the sources they depend on.
    cache_key: String,
    sources: Vec<SourceFile>,
}

/// A kept bench executable of a built variant.
struct BuiltBench {
    executable: PathBuf,
    sha256: String,
    /// The panic strategy it was compiled with, as cargo showed it.
    panic_effective: Option<Panic>,
    /// `LD_LIBRARY_PATH` it needs, if any.
    library_path: Option<PathBuf>,
}

/// Remembers which variant first produced each executable, to report byte-identical ones.
#[derive(Debug, Default)]
struct Twins(HashMap<String, String>);

impl Twins {
    /// The earlier variant with the same sha256 as `variant`, if any.
    fn earlier(&mut self, sha256: &str, variant: &str) -> Option<String> {
        let first = self.0.entry(sha256.to_owned()).or_insert_with(|| variant.to_owned());
        (first != variant).then(|| first.clone())
    }
}

/// How one variant's executables are produced.
#[derive(Debug, Clone, Copy)]
enum Recipe<'a> {
    /// A clean build in the variant's own profile.
    Plain,
    /// Relinked from the build of profile `base`, which differs only in `strip`.
    Relink { base: &'a str, strip: Strip },
}

impl Recipe<'_> {
    /// How the cache tells the recipe's rows apart.
    fn method(self) -> Method {
        match self {
            Recipe::Plain => Method::Plain,
            Recipe::Relink { .. } => Method::Relinked,
        }
    }

    /// The `-C strip` a relink adds.
    fn relink_strip(self) -> Option<Strip> {
        match self {
            Recipe::Plain => None,
            Recipe::Relink { strip, .. } => Some(strip),
        }
    }
}

/// Runs the sweep. Input errors come before anything is built or modified; once the manifest
/// is edited, every way out (success, error, signal, panic) restores it.
pub fn run(
    options: &SweepOptions,
    on_recovery: impl Fn(&Recovery),
) -> Result<SweepReport, SweepError> {
    let started = Instant::now();
    // Repair what a killed sweep left first, whatever else is wrong with this run.
    let workspace = Workspace::load(&options.cargo, &options.manifest_path)?;
    let state_dir = guard::state_dir(&workspace.target_dir, &workspace.root_manifest);
    if let Some(recovery) = guard::recover(&workspace.root_manifest, &state_dir)? {
        on_recovery(&recovery);
    }
    guard::refuse_if_running(&workspace.root_manifest, &state_dir)?;
    let sweep = Sweep::load(&options.sweep_file)?;
    let target = workspace.build_target(&sweep)?;
    let bench_targets = workspace.bench_targets(&sweep)?;
    let manifest_path = &workspace.root_manifest;
    let manifest_text = fs::read_to_string(manifest_path)
        .with_context(|| format!("cannot read {}", manifest_path.display()))?;
    let inherited = profiles::inherited_settings(manifest_path, &manifest_text, &sweep)?;
    let expansion = variants::expand(&sweep, inherited.settings);
    if expansion.variants.is_empty() {
        return Err(InputError::in_file(
            &sweep.file,
            "the exclude rules drop every combination; nothing to build",
        )
        .with_fix("loosen the exclude rules")
        .into());
    }
    let edited = profiles::with_sweep_profiles(
        manifest_path,
        &manifest_text,
        &sweep,
        &inherited,
        &expansion.variants,
    )?;
    let out_dir = options.out_dir.clone().unwrap_or_else(|| options.results_root.join(&sweep.name));
    let results = ResultsFile::open(&out_dir.join("results.csv"))?;
    let workspace_dir = manifest_path.parent().unwrap_or(Path::new("."));
    let toolchain = Toolchain::detect(workspace_dir)?;
    let compilers =
        Compilers::check(&expansion.variants, &sweep, toolchain.clone(), &options.cargo)?;
    let machine = Machine::detect();
    let work_dir = workspace.target_dir.join("profile-sweep").join(&sweep.name);
    let inputs: Vec<Option<PathBuf>> = sweep
        .runs
        .iter()
        .map(|run| materialise(run.stdin.as_ref(), &work_dir.join("inputs")))
        .collect::<anyhow::Result<_>>()?;
    let groups = variants::strip_groups(&expansion.variants);
    let schedule = match options.shard {
        Some(shard) => shard.select(groups),
        None => groups,
    };
    interrupt::install()?;

    let (mut guard, _) = ManifestGuard::acquire(manifest_path, &state_dir)?;
    if guard.original() != manifest_text.as_bytes() {
        return Err(anyhow::anyhow!(
            "{} changed while the sweep was starting; run it again",
            manifest_path.display()
        )
        .into());
    }
    guard.write(&edited)?;
    let lock_path = workspace_dir.join("Cargo.lock");
    if !lock_path.exists() {
        // Cargo would create it with the first build; resolve it now, so the cache key covers
        // the versions built, and take it away again when the sweep ends.
        guard.remove_on_restore(&lock_path)?;
        cargo::generate_lockfile(&options.cargo, manifest_path)?;
    }
    let cargo_lock_sha256 = crate::util::hash::sha256_of_file(&lock_path)
        .with_context(|| format!("cannot read {}", lock_path.display()))?;
    let mut fingerprint = fingerprint(
        options,
        &workspace,
        &manifest_text,
        &cargo_lock_sha256,
        &sweep,
        &target,
        &toolchain,
        &machine,
        &inputs,
        &out_dir,
    )?;
    fingerprint.add("toolchains and tools of the build axes", compilers.describe().as_bytes());

    let total: usize = schedule.iter().map(Vec::len).sum();
    let progress = Progress::new(total, "building");
    for note in &expansion.notes {
        progress.note(&format!("note: {note}"));
    }
    let mut recorder = Recorder {
        sweep: &sweep,
        target: &target,
        machine,
        cargo_lock_sha256,
        shard: options.shard.map(|s| s.to_string()),
        inputs,
        bench_targets: bench_targets.clone(),
        measured_runs: HashMap::new(),
        measured_benches: HashMap::new(),
        artifacts_dir: work_dir.join("bin"),
        criterion_dir: work_dir.join("criterion"),
        keep_builds: options.keep_builds,
        crates: CratesFile::open(&out_dir.join("crates.csv"))?,
        group_crates: None,
        out_dir,
        results,
        cache: Cache::new(work_dir.join("cache")),
        twins: Twins::default(),
        rows: Vec::new(),
        child_seconds: 0.0,
    };
    let results_csv = recorder.results.path().to_owned();
    let interrupted_after =
        |finished| SweepError::Interrupted { finished, total, results: results_csv.clone() };
    let ignored_sources = ignored_source_dirs(&workspace.target_dir);
    let (mut index, mut cached, mut peak_disk_bytes) = (0, 0, 0);
    let mut waiting = Vec::new();
    for group in &schedule {
        // The profile of this group's plain build, while its build directory can be relinked.
        let mut base: Option<String> = None;
        // The build directories of `base`, removed after the group's last member.
        let mut group_dirs: Vec<PathBuf> = Vec::new();
        recorder.group_crates = None;
        for variant in group {
            let interrupted = || interrupted_after(index);
            if interrupt::interrupted() {
                return Err(interrupted());
            }
            progress.start(index, &variant.id);
            let compiler = match compilers.for_variant(variant) {
                Ok(compiler) => compiler,
                Err(reason) => {
                    recorder.record_skipped(variant, &reason)?;
                    progress.finish_variant(index, &format!("{} skipped: {reason}", variant.id));
                    index += 1;
                    continue;
                }
            };
            let methods: &[Method] =
                if options.exact { &[Method::Plain] } else { &[Method::Plain, Method::Relinked] };
            let hit = if options.force {
                None
            } else {
                methods.iter().find_map(|m| recorder.cache.lookup(&fingerprint.key(variant, *m)))
            };
            if let Some((rows, crates)) = hit {
                recorder.replay(rows, &variant.id, &crates)?;
                cached += 1;
                progress.finish_variant(
                    index,
                    &format!("{}: from the cache (no build, no measurement)", variant.id),
                );
                index += 1;
                continue;
            }
            let (recipe, profile) = match &base {
                Some(base) => {
                    (Recipe::Relink { base, strip: variant.settings.strip }, base.clone())
                }
                None => (Recipe::Plain, variant.profile_name()),
            };
            let flags = BuildFlags::for_env(&variant.env, compiler.named, &compiler.toolchain.host);
            // Build scripts and proc macros go to target/<profile>/, the rest to
            // target/<triple>/<profile>/ when a target is given.
            let mut build_dirs = vec![workspace.target_dir.join(&profile)];
            if flags.args.iter().any(|a| a == "--target") {
                build_dirs.push(workspace.target_dir.join(compiler.target).join(&profile));
            }
            if let Recipe::Plain = recipe {
                // A clean build, so build_seconds is comparable between variants and runs.
                for dir in &build_dirs {
                    remove_dir(dir)?;
                }
            }
            // A target's own required-features plus the variant's features of the swept
            // package, which a bench in another package names as `<package>/<feature>`.
            let with_features = |own: &[String], package: &str| -> Vec<String> {
                let mut all = own.to_vec();
                for feature in variant.env.feature_list() {
                    let feature = if package == target.package {
                        feature.to_owned()
                    } else {
                        format!("{}/{feature}", target.package)
                    };
                    if !all.contains(&feature) {
                        all.push(feature);
                    }
                }
                all
            };
            let bin_features = with_features(&target.features, &target.package);
            // The binary's build; bench builds change the package, target and features.
            let bin_request = |bin| BuildRequest {
                cargo: compiler.cargo,
                manifest: manifest_path,
                profile: &profile,
                package: &target.package,
                target: CargoTarget::Bin(bin),
                features: &bin_features,
                relink_strip: recipe.relink_strip(),
                flags: &flags,
            };
            let cache_key = fingerprint.key(variant, recipe.method());
            let (built, mut summary) = match &target.bin {
                Some(bin) => {
                    let outcome = cargo::build(bin_request(bin))?;
                    if interrupt::interrupted() {
                        return Err(interrupted());
                    }
                    recorder.record_build(variant, &compiler, outcome, recipe, cache_key)?
                }
                None => recorder.record_library(variant, &compiler, cache_key)?,
            };
            if let Some(mut built) = built {
                if let Some(bin) = &target.bin {
                    let relink_unstripped = || {
                        cargo::build(BuildRequest {
                            relink_strip: Some(Strip::None),
                            ..bin_request(bin)
                        })
                    };
                    recorder.record_crates(&mut built, relink_unstripped)?;
                    if interrupt::interrupted() {
                        return Err(interrupted());
                    }
                }
                let runs_here = built.runs_here;
                for (bench_index, bench) in sweep.benches.iter().enumerate().filter(|_| runs_here) {
                    let features =
                        with_features(&bench_targets[bench_index].features, &bench.spec.package);
                    let request = BuildRequest {
                        package: &bench.spec.package,
                        target: CargoTarget::Bench(&bench.spec.bench),
                        features: &features,
                        ..bin_request("")
                    };
                    let outcome = cargo::build(request)?;
                    if interrupt::interrupted() {
                        return Err(interrupted());
                    }
                    summary.push_str(&recorder.record_bench_build(
                        &mut built,
                        &compiler,
                        bench_index,
                        outcome,
                    )?);
                }
                built.sources = Vec::new();
                for dir in &build_dirs {
                    built.sources.extend(cache::sources_of(dir, &ignored_sources)?);
                }
                peak_disk_bytes = peak_disk_bytes.max(
                    build_dirs.iter().map(|d| disk_usage(d)).sum::<u64>() + disk_usage(&work_dir),
                );
                if matches!(recipe, Recipe::Plain) && !options.exact {
                    base = Some(profile.clone());
                }
                match sweep.order {
                    MeasureOrder::AfterEachBuild => summary.push_str(&recorder.measure(&built)?),
                    MeasureOrder::Shuffled => waiting.push(built),
                }
            }
            if !options.keep_builds {
                if base.is_none() {
                    build_dirs.iter().try_for_each(|d| remove_dir(d))?;
                } else {
                    group_dirs = build_dirs;
                }
            }
            progress.finish_variant(index, &summary);
            index += 1;
        }
        if base.is_some() {
            group_dirs.iter().try_for_each(|d| remove_dir(d))?;
        }
    }
    drop(progress);
    if !waiting.is_empty() {
        shuffle(&mut waiting);
        let progress = Progress::new(waiting.len(), "measuring");
        for (index, built) in waiting.iter().enumerate() {
            if interrupt::interrupted() {
                return Err(interrupted_after(index));
            }
            progress.start(index, &built.variant.id);
            let summary = recorder.measure(built)?;
            progress.finish_variant(index, &format!("{}{summary}", built.variant.id));
        }
    }
    if interrupt::interrupted() {
        return Err(interrupted_after(total));
    }
    guard.restore()?;
    let outputs = report::write_outputs(&results_csv)?;
    Ok(SweepReport {
        outputs,
        results_csv,
        rows: recorder.rows,
        notes: expansion.notes,
        wall_seconds: started.elapsed().as_secs_f64(),
        child_seconds: recorder.child_seconds,
        variants: total,
        cached,
        peak_disk_bytes,
        harness_peak_rss_bytes: own_peak_rss_bytes(),
    })
}

/// Everything outside the variants themselves that decides a sweep's rows: the tool, the
/// toolchain, the swept workspace's manifests, lockfile and cargo configuration, the build
/// environment, what is measured and on which machine, and where results go (rows name their
/// log files).
#[allow(clippy::too_many_arguments)]
fn fingerprint(
    options: &SweepOptions,
    workspace: &Workspace,
    manifest_text: &str,
    cargo_lock_sha256: &str,
    sweep: &Sweep,
    target: &BuildTarget,
    toolchain: &Toolchain,
    machine: &Machine,
    inputs: &[Option<PathBuf>],
    out_dir: &Path,
) -> anyhow::Result<Fingerprint> {
    let workspace_dir = workspace.root_manifest.parent().unwrap_or(Path::new("."));
    let mut fingerprint = Fingerprint::new();
    fingerprint.add("rustc -vV", toolchain.verbose.as_bytes());
    fingerprint
        .add("cargo -V", toolchain::cargo_version(&options.cargo, workspace_dir)?.as_bytes());
    fingerprint.add("root manifest", manifest_text.as_bytes());
    fingerprint.add("Cargo.lock sha256", cargo_lock_sha256.as_bytes());
    fingerprint.add_file(".cargo/config.toml", &workspace_dir.join(".cargo/config.toml"))?;
    for package in &workspace.packages {
        fingerprint
            .add_file(&format!("manifest of {}", package.name), &package.dir.join("Cargo.toml"))?;
    }
    for name in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC",
        "RUSTC_WRAPPER",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
    ] {
        fingerprint.add(name, std::env::var_os(name).unwrap_or_default().as_encoded_bytes());
    }
    fingerprint.add("sweep", sweep.name.as_bytes());
    fingerprint.add("target", format!("{target:?}").as_bytes());
    fingerprint.add("runs", format!("{:?}", sweep.runs).as_bytes());
    fingerprint.add(
        "benches",
        format!("{:?}", sweep.benches.iter().map(|b| &b.spec).collect::<Vec<_>>()).as_bytes(),
    );
    for input in inputs.iter().flatten() {
        fingerprint.add_file("run input", input)?;
    }
    fingerprint.add("machine", format!("{machine:?}").as_bytes());
    fingerprint.add("out", out_dir.as_os_str().as_encoded_bytes());
    Ok(fingerprint)
}

/// Directories whose files a variant's cache entry need not hash: build output, and sources
/// that `Cargo.lock` and the toolchain version pin already (cargo's registry, rustup's toolchains).
fn ignored_source_dirs(target_dir: &Path) -> Vec<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    let cargo_home =
        std::env::var_os("CARGO_HOME").map_or_else(|| home.join(".cargo"), PathBuf::from);
    let rustup_home =
        std::env::var_os("RUSTUP_HOME").map_or_else(|| home.join(".rustup"), PathBuf::from);
    vec![target_dir.to_owned(), cargo_home, rustup_home]
}

/// Bytes of all files under `dir` (0 if it does not exist).
fn disk_usage(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// Peak resident set size of this process, from the kernel.
fn own_peak_rss_bytes() -> Option<u64> {
    // SAFETY: getrusage writes into the struct we pass and nothing else.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        (libc::getrusage(libc::RUSAGE_SELF, &mut usage) == 0).then_some(usage)
    }?;
    // ru_maxrss is in KiB on Linux.
    u64::try_from(usage.ru_maxrss).ok().filter(|&kib| kib > 0).map(|kib| kib * 1024)
}

/// Puts variants in a pseudo-random order that is the same on every run of the sweep.
fn shuffle<T>(items: &mut [T]) {
    let mut rng = demo_input::Rng::new(0x5eed);
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i as u64 + 1) as usize);
    }
}

impl Recorder<'_> {
    /// Turns a build outcome into a size row, writes it, and returns the built variant (if it
    /// built) with a one-line summary. A build failure is cached at once under `cache_key`; a
    /// built variant is cached once measured.
    fn record_build(
        &mut self,
        variant: &Variant,
        compiler: &Compiler<'_>,
        outcome: BuildOutcome,
        recipe: Recipe<'_>,
        cache_key: String,
    ) -> anyhow::Result<(Option<BuiltVariant>, String)> {
        let log = self.log_path(variant, None);
        match outcome {
            BuildOutcome::Built { executable, seconds, panic_effective } => {
                self.child_seconds += seconds;
                let kept = self.keep(variant, &executable)?;
                let mut notes = Vec::new();
                if let Some(level) = &variant.env.wasm_opt {
                    match cargo::wasm_opt(&kept, level)? {
                        Ok(took) => {
                            self.child_seconds += took;
                            notes.push(format!(
                                "wasm-opt {level} ran on the build's output in {took:.1} s"
                            ));
                        }
                        Err(errors) => {
                            let failed = BuildOutcome::Failed {
                                seconds,
                                errors: format!("wasm-opt {level} failed:\n{errors}"),
                            };
                            return self.record_build(variant, compiler, failed, recipe, cache_key);
                        }
                    }
                }
                let sizes = binary::measure(&kept)?;
                let mut shipping = None;
                if compiler.runs_here {
                    match shipping::analyse(&kept, compiler.libdir) {
                        Ok(found) => shipping = Some(found),
                        Err(e) => notes.push(format!("its shared libraries could not be found, so no shipped or image size: {e:#}")),
                    }
                } else {
                    notes.push(format!(
                        "built for {}, which this machine cannot run: size only, no runtime",
                        compiler.target
                    ));
                }
                let library_path = shipping
                    .as_ref()
                    .filter(|s| s.needs_toolchain_libraries)
                    .map(|_| compiler.libdir.to_owned());
                if let Some(dir) = &library_path {
                    notes.push(format!(
                        "loads the toolchain's shared libraries: run with LD_LIBRARY_PATH={}; shipped_bytes adds them to the binary",
                        dir.display()
                    ));
                }
                let identical_to = self.twins.earlier(&sizes.sha256, &variant.id);
                remove_file(&log)?;
                let how = match recipe {
                    Recipe::Plain => format!("built in {seconds:.1} s"),
                    Recipe::Relink { base, .. } => {
                        format!("relinked from {base} in {seconds:.1} s")
                    }
                };
                let summary = format!(
                    "{} ok: {} bytes, {how}{}",
                    variant.id,
                    thousands(sizes.file),
                    identical_to
                        .as_ref()
                        .map(|v| format!(", byte-identical to {v}"))
                        .unwrap_or_default()
                );
                let mut size_row = self.row(
                    variant,
                    Some(compiler),
                    Status::Ok,
                    build_seconds(recipe, seconds),
                    Some(&sizes),
                    identical_to,
                );
                size_row.shipped_bytes = shipping.as_ref().map(|s| s.shipped_bytes);
                size_row.image_bytes = shipping.as_ref().map(|s| s.image_bytes);
                notes.extend(relink_note(recipe, seconds));
                size_row.note =
                    join_notes(size_row.note, (!notes.is_empty()).then(|| notes.join("; ")));
                self.save(size_row.clone())?;
                let built = BuiltVariant {
                    variant: variant.clone(),
                    executable: Some(kept),
                    sha256: Some(sizes.sha256),
                    size_row,
                    panic_effective,
                    benches: Vec::new(),
                    library_path,
                    runs_here: compiler.runs_here,
                    crates: Vec::new(),
                    cache_key,
                    sources: Vec::new(),
                };
                Ok((Some(built), summary))
            }
            BuildOutcome::Failed { seconds, errors } => {
                self.child_seconds += seconds;
                let profile = match recipe {
                    Recipe::Plain => variant.profile_name(),
                    Recipe::Relink { base, strip } => {
                        format!("{base}, relinked with -C strip={}", Setting::Strip(strip))
                    }
                };
                write_log(&log, &format!("profile {profile}\n\n{errors}\n"))?;
                let mut row = self.row(
                    variant,
                    Some(compiler),
                    Status::BuildFailed,
                    build_seconds(recipe, seconds),
                    None,
                    None,
                );
                let first_error = errors
                    .lines()
                    .find(|l| l.starts_with("error"))
                    .or(errors.lines().next())
                    .map(|l| format!("build failed: {}", l.trim()));
                row.note =
                    join_notes(join_notes(row.note, first_error), relink_note(recipe, seconds));
                self.save(row.clone())?;
                // Without a build there are no sources to watch; the entry holds until the
                // manifests, lockfile or toolchain change, or --force.
                self.cache.store(&cache_key, &[], &[row], &[])?;
                Ok((
                    None,
                    format!(
                        "{} build-failed after {seconds:.1} s; see {}",
                        variant.id,
                        log.display()
                    ),
                ))
            }
        }
    }

    /// Writes the size row of a library variant, which has no binary to build or measure (its
    /// benches are all there is), and returns it as built.
    fn record_library(
        &mut self,
        variant: &Variant,
        compiler: &Compiler<'_>,
        cache_key: String,
    ) -> anyhow::Result<(Option<BuiltVariant>, String)> {
        let mut size_row = self.row(variant, Some(compiler), Status::Ok, None, None, None);
        size_row.note = Some(format!(
            "package `{}` has no binary: no size and no build time; its benches are measured",
            self.target.package
        ));
        self.save(size_row.clone())?;
        let built = BuiltVariant {
            variant: variant.clone(),
            executable: None,
            sha256: None,
            size_row,
            panic_effective: None,
            benches: Vec::new(),
            library_path: None,
            runs_here: compiler.runs_here,
            crates: Vec::new(),
            cache_key,
            sources: Vec::new(),
        };
        Ok((Some(built), format!("{}: library, benches only", variant.id)))
    }

    /// Writes the row of a variant this machine cannot build, saying why. Not cached: once
    /// the toolchain or tool is installed, the next run builds it.
    fn record_skipped(&mut self, variant: &Variant, reason: &str) -> anyhow::Result<()> {
        let mut row = self.row(variant, None, Status::Skipped, None, None, None);
        row.note = join_notes(Some(format!("skipped: {reason}")), row.note);
        self.save(row)
    }

    /// Finds where the code of a built binary goes, per crate, and writes its `crates.csv`
    /// rows. The symbols come from the binary itself, else from an earlier member of its strip
    /// group with the same `.text` size, else from a relink of the build with `-C strip=none`
    /// (`relink_unstripped`), whose code is the same.
    fn record_crates(
        &mut self,
        built: &mut BuiltVariant,
        relink_unstripped: impl FnOnce() -> anyhow::Result<BuildOutcome>,
    ) -> anyhow::Result<()> {
        let Some(executable) = &built.executable else { return Ok(()) };
        let text_bytes = built.size_row.text_bytes;
        let own = bloat::text_by_crate(&fs::read(executable)?)
            .map(|crates| (built.variant.id.clone(), crates));
        let found = match (own, &self.group_crates) {
            (Some(own), _) => Some(own),
            (None, Some((from, text, crates))) if Some(*text) == text_bytes => {
                Some((from.clone(), crates.clone()))
            }
            (None, _) if text_bytes.is_some() => match relink_unstripped()? {
                BuildOutcome::Built { executable, seconds, .. } => {
                    self.child_seconds += seconds;
                    bloat::text_by_crate(&fs::read(executable)?).map(|crates| {
                        (format!("{} relinked with strip = none", built.variant.id), crates)
                    })
                }
                BuildOutcome::Failed { .. } => None,
            },
            (None, _) => None,
        };
        let Some((from, crates)) = found else { return Ok(()) };
        built.crates = crates
            .iter()
            .map(|c| CrateRow {
                sweep: self.sweep.name.clone(),
                variant: built.variant.id.clone(),
                krate: c.krate.clone(),
                text_bytes: c.text_bytes,
                functions: c.functions,
                symbols_from: from.clone(),
            })
            .collect();
        self.crates.replace(&built.variant.id, &built.crates)?;
        if let Some(text) = text_bytes {
            self.group_crates = Some((from, text, crates));
        }
        Ok(())
    }

    /// Writes the cached rows of a variant as they are (but for the shard they now belong to).
    fn replay(&mut self, rows: Vec<Row>, variant: &str, crates: &[CrateRow]) -> anyhow::Result<()> {
        for row in rows {
            if row.measurement.is_none()
                && let Some(sha256) = &row.sha256
            {
                self.twins.earlier(sha256, &row.variant);
            }
            self.save(Row { shard: self.shard.clone(), ..row })?;
        }
        self.crates.replace(variant, crates)
    }

    /// Keeps a copy of an executable cargo built for `variant` (the build directory goes away).
    fn keep(&self, variant: &Variant, executable: &Path) -> anyhow::Result<PathBuf> {
        let file_name = executable.file_name().context("executable without a file name")?;
        let kept = self.artifacts_dir.join(&variant.id).join(file_name);
        fs::create_dir_all(kept.parent().expect("has a parent"))?;
        fs::copy(executable, &kept).with_context(|| {
            format!("cannot copy {} to {}", executable.display(), kept.display())
        })?;
        Ok(kept)
    }

    /// Records the build of bench number `index` for `built`: keeps the executable, or writes a
    /// `build-failed` row for it. Returns a summary fragment.
    fn record_bench_build(
        &mut self,
        built: &mut BuiltVariant,
        compiler: &Compiler<'_>,
        index: usize,
        outcome: BuildOutcome,
    ) -> anyhow::Result<String> {
        let spec = &self.sweep.benches[index].spec;
        let log = self.log_path(&built.variant, Some(&format!("bench-{}", spec.bench)));
        match outcome {
            BuildOutcome::Built { executable, seconds, panic_effective } => {
                self.child_seconds += seconds;
                let kept = self.keep(&built.variant, &executable)?;
                let sha256 = binary::measure(&kept)?.sha256;
                remove_file(&log)?;
                let needs_toolchain = shipping::analyse(&kept, compiler.libdir)
                    .is_ok_and(|s| s.needs_toolchain_libraries);
                let library_path = needs_toolchain.then(|| compiler.libdir.to_owned());
                built.benches.push(Some(BuiltBench {
                    executable: kept,
                    sha256,
                    panic_effective,
                    library_path,
                }));
                Ok(format!("; bench {} built in {seconds:.1} s", spec.bench))
            }
            BuildOutcome::Failed { seconds, errors } => {
                self.child_seconds += seconds;
                write_log(
                    &log,
                    &format!(
                        "profile {}, bench {}\n\n{errors}\n",
                        built.variant.profile_name(),
                        spec.bench
                    ),
                )?;
                let row = Row {
                    status: Status::BuildFailed,
                    measurement: Some(spec.measurement_name(None)),
                    note: Some(format!("the bench target failed to build; see {}", log.display())),
                    ..built.size_row.clone()
                };
                self.save(row)?;
                built.benches.push(None);
                Ok(format!("; bench {} build-failed, see {}", spec.bench, log.display()))
            }
        }
    }

    /// Runs every measurement of the sweep on a built variant, writing a row for each, and
    /// returns a summary fragment. Stops early, writing nothing more, once a signal arrives.
    fn measure(&mut self, built: &BuiltVariant) -> anyhow::Result<String> {
        let mut summary = String::new();
        for index in (0..self.sweep.runs.len()).filter(|_| built.runs_here) {
            if interrupt::interrupted() {
                return Ok(summary);
            }
            summary.push_str(&self.measure_run(built, index)?);
        }
        for index in (0..self.sweep.benches.len()).filter(|_| built.runs_here) {
            if interrupt::interrupted() {
                return Ok(summary);
            }
            summary.push_str(&self.measure_bench(built, index)?);
        }
        if interrupt::interrupted() {
            // Stopped part-way: caching would remember a variant with rows missing.
            return Ok(summary);
        }
        if !self.keep_builds {
            for bench in built.benches.iter().flatten() {
                remove_file(&bench.executable)?;
            }
        }
        let rows: Vec<Row> =
            self.rows.iter().filter(|r| r.variant == built.variant.id).cloned().collect();
        self.cache.store(&built.cache_key, &built.sources, &rows, &built.crates)?;
        Ok(summary)
    }

    fn save(&mut self, row: Row) -> anyhow::Result<()> {
        self.results.record(row.clone())?;
        self.rows.push(row);
        Ok(())
    }

    /// `logs/<variant>.log`, or `logs/<variant>.<what>.log`.
    fn log_path(&self, variant: &Variant, what: Option<&str>) -> PathBuf {
        let name = match what {
            None => format!("{}.log", variant.id),
            Some(what) => format!("{}.{what}.log", variant.id),
        };
        self.out_dir.join("logs").join(name)
    }

    /// Times run number `index` of the sweep on the variant's executable (or reuses the
    /// measurement of a byte-identical executable), writes its row, and returns a summary
    /// fragment.
    fn measure_run(&mut self, built: &BuiltVariant, index: usize) -> anyhow::Result<String> {
        let (Some(executable), Some(sha256)) = (&built.executable, &built.sha256) else {
            return Ok(String::new());
        };
        let run = &self.sweep.runs[index];
        let key = (sha256.clone(), index);
        let (measured_as, outcome) = match self.measured_runs.get(&key) {
            Some((first, outcome)) => (Some(first.clone()), outcome.clone()),
            None => {
                let (outcome, elapsed) = runtime::measure(
                    executable,
                    &run.spec,
                    self.inputs[index].as_deref(),
                    built.library_path.as_deref(),
                )?;
                self.child_seconds += elapsed.as_secs_f64();
                if interrupt::interrupted() {
                    // The run was stopped by the signal; its outcome says nothing about the variant.
                    return Ok(String::new());
                }
                self.measured_runs.insert(key, (built.variant.id.clone(), outcome.clone()));
                (None, outcome)
            }
        };
        let mut row = Row {
            measurement: Some(run.spec.name.clone()),
            panic_effective: built.panic_effective.map(|p| Setting::Panic(p).to_string()),
            measured_as: measured_as.clone(),
            ..built.size_row.clone()
        };
        let log = self.log_path(&built.variant, Some(&run.spec.name));
        let summary = match &outcome {
            RunOutcome::Measured(timing) => {
                let wall = &timing.wall_ns;
                row.fill_timing(
                    wall.mean,
                    wall.ci_low,
                    wall.ci_high,
                    wall.median,
                    wall.min,
                    wall.max,
                    wall.std_dev,
                    wall.samples as u32,
                );
                row.peak_rss_bytes = Some(timing.peak_rss_bytes);
                row.note = measured_as.as_ref().map(|twin| reused_note(twin));
                remove_file(&log)?;
                format!(
                    "; {} {:.3} ms ±{:.1}%",
                    run.spec.name,
                    wall.mean / 1e6,
                    (wall.ci_high - wall.mean) / wall.mean * 100.0
                )
            }
            RunOutcome::Failed { reason, stderr } => {
                row.status = Status::RunFailed;
                row.note = Some(reason.clone());
                write_log(
                    &log,
                    &format!("{} {}: {reason}\n\n{stderr}\n", built.variant.id, run.spec.name),
                )?;
                format!("; {} run-failed ({reason}), see {}", run.spec.name, log.display())
            }
        };
        self.save(row)?;
        Ok(summary)
    }

    /// Runs criterion bench number `index` for the variant (or reuses the measurement of a
    /// byte-identical bench executable), writes one row per benchmark, and returns a summary
    /// fragment.
    fn measure_bench(&mut self, built: &BuiltVariant, index: usize) -> anyhow::Result<String> {
        let Some(BuiltBench { executable, sha256, panic_effective, library_path }) =
            &built.benches[index]
        else {
            return Ok(String::new());
        };
        let spec = &self.sweep.benches[index].spec;
        let key = (sha256.clone(), index);
        let (measured_as, outcome) = match self.measured_benches.get(&key) {
            Some((first, outcome)) => (Some(first.clone()), outcome.clone()),
            None => {
                let home = self.criterion_dir.join(&built.variant.id).join(&spec.bench);
                let (outcome, elapsed) = criterion::run(
                    executable,
                    spec,
                    &self.bench_targets[index].dir,
                    &home,
                    library_path.as_deref(),
                )?;
                self.child_seconds += elapsed.as_secs_f64();
                if interrupt::interrupted() {
                    return Ok(String::new());
                }
                self.measured_benches.insert(key, (built.variant.id.clone(), outcome.clone()));
                (None, outcome)
            }
        };
        let mut notes = Vec::new();
        if let Some(twin) = &measured_as {
            notes.push(reused_note(twin));
        }
        let built_with = Setting::Panic(built.variant.settings.panic).to_string();
        let effective = panic_effective.map(|p| Setting::Panic(p).to_string());
        match &effective {
            Some(effective) if *effective != built_with => notes.push(format!(
                "cargo builds bench targets with panic = \"{effective}\" whatever the profile says (cargo issue 11214); the whole-binary runs measure \"{built_with}\""
            )),
            Some(_) => {}
            None => notes.push("cargo's output did not show the bench's panic strategy".to_owned()),
        }
        let template = Row { panic_effective: effective, measured_as, ..built.size_row.clone() };
        let log = self.log_path(&built.variant, Some(&format!("bench-{}", spec.bench)));
        match outcome {
            CriterionOutcome::Measured(estimates) => {
                remove_file(&log)?;
                let mut summary = String::new();
                for estimate in estimates {
                    let mut row = Row {
                        measurement: Some(spec.measurement_name(Some(&estimate.id))),
                        ..template.clone()
                    };
                    let e = &estimate;
                    row.fill_timing(
                        e.mean, e.ci_low, e.ci_high, e.median, e.min, e.max, e.std_dev, e.samples,
                    );
                    row.note = (!notes.is_empty()).then(|| notes.join("; "));
                    summary.push_str(&format!(
                        "; {} {} ±{:.1}%",
                        row.measurement.as_deref().unwrap_or_default(),
                        human_ns(e.mean),
                        (e.ci_high - e.mean) / e.mean * 100.0
                    ));
                    self.save(row)?;
                }
                Ok(summary)
            }
            CriterionOutcome::Failed { reason, stderr } => {
                write_log(
                    &log,
                    &format!("{} bench {}: {reason}\n\n{stderr}\n", built.variant.id, spec.bench),
                )?;
                notes.insert(0, reason.clone());
                let row = Row {
                    status: Status::RunFailed,
                    measurement: Some(spec.measurement_name(None)),
                    note: Some(notes.join("; ")),
                    ..template
                };
                self.save(row)?;
                Ok(format!("; bench {} run-failed ({reason}), see {}", spec.bench, log.display()))
            }
        }
    }

    /// The row of `variant` built by `compiler` (`None`: it was not built), with no measurement.
    fn row(
        &self,
        variant: &Variant,
        compiler: Option<&Compiler<'_>>,
        status: Status,
        build_seconds: Option<f64>,
        sizes: Option<&BinarySizes>,
        identical_to: Option<String>,
    ) -> Row {
        let [opt_level, lto, codegen_units, panic, strip] =
            variant.settings.values().map(|s| s.to_string());
        let env = &variant.env;
        let sections = sizes.and_then(|s| s.sections);
        let fixed: Vec<String> =
            self.sweep.pass_through.iter().map(|(k, v)| format!("{k}={v}")).collect();
        Row {
            sweep: self.sweep.name.clone(),
            variant: variant.id.clone(),
            opt_level,
            lto,
            codegen_units: codegen_units.parse().expect("a number"),
            panic,
            strip,
            target: compiler
                .map_or_else(|| env.target.clone().unwrap_or_default(), |c| c.target.to_owned()),
            status,
            build_seconds,
            size_bytes: sizes.map(|s| s.file),
            text_bytes: sections.map(|s| s.text),
            measurement: None,
            mean_ns: None,
            ci_low_ns: None,
            ci_high_ns: None,
            rustc: compiler.map(|c| c.toolchain.version.clone()).unwrap_or_default(),
            step: variant.step.clone(),
            package: self.target.package.clone(),
            bin: self.target.bin.clone().unwrap_or_default(),
            inherits: self.sweep.inherits.value.clone(),
            fixed_settings: (!fixed.is_empty()).then(|| fixed.join(";")),
            rodata_bytes: sections.map(|s| s.rodata),
            data_bytes: sections.map(|s| s.data),
            eh_frame_bytes: sections.map(|s| s.eh_frame),
            symbol_bytes: sections.map(|s| s.symbols),
            debug_bytes: sections.map(|s| s.debug),
            sha256: sizes.map(|s| s.sha256.clone()),
            identical_to,
            median_ns: None,
            min_ns: None,
            max_ns: None,
            std_dev_ns: None,
            samples: None,
            peak_rss_bytes: None,
            panic_effective: None,
            measured_as: None,
            note: (!self.target.features.is_empty()).then(|| {
                format!(
                    "built with --features {} (the required-features of {})",
                    self.target.features.join(","),
                    self.target.bin.as_deref().unwrap_or_default()
                )
            }),
            host: self.machine.host.clone(),
            cpu_model: self.machine.cpu_model.clone(),
            governor: self.machine.governor.clone(),
            finished_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now())
                .to_string(),
            cargo_lock_sha256: Some(self.cargo_lock_sha256.clone()),
            shard: self.shard.clone(),
            reference_ratio: None,
            toolchain: env.toolchain.clone(),
            build_std: env.build_std.then_some(true),
            features: env.features.clone(),
            rustflags: env.rustflags.clone(),
            post_build: env.wasm_opt.as_ref().map(|level| format!("wasm-opt {level}")),
            shipped_bytes: None,
            image_bytes: None,
        }
    }
}

/// The `build_seconds` column: the clean build's wall time, ms precision; a relinked variant had
/// no clean build of its own, so it has none.
fn build_seconds(recipe: Recipe<'_>, seconds: f64) -> Option<f64> {
    match recipe {
        Recipe::Plain => Some((seconds * 1000.0).round() / 1000.0),
        Recipe::Relink { .. } => None,
    }
}

/// Two optional notes as one.
fn join_notes(first: Option<String>, second: Option<String>) -> Option<String> {
    match (first, second) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    }
}

/// Says how a relinked variant was made, and why it has no build time.
fn relink_note(recipe: Recipe<'_>, seconds: f64) -> Option<String> {
    match recipe {
        Recipe::Plain => None,
        Recipe::Relink { base, strip } => Some(format!(
            "relinked from {base} (same settings but strip) with `cargo rustc -- -C strip={}` in {seconds:.1} s; no clean build time (--exact measures one)",
            Setting::Strip(strip)
        )),
    }
}

/// The note of a row whose measurement was taken on an identical executable.
fn reused_note(twin: &str) -> String {
    format!("byte-identical to {twin}; its measurement is reused")
}

/// Writes a log file, creating `logs/` if needed.
fn write_log(path: &Path, text: &str) -> anyhow::Result<()> {
    fs::create_dir_all(path.parent().expect("has a parent"))?;
    fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// The stdin file of a run: an existing file as is, generated records written once into `dir`.
fn materialise(input: Option<&RunInput>, dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    Ok(match input {
        None => None,
        Some(RunInput::File(path)) => Some(path.clone()),
        Some(RunInput::JsonRecords { records, seed }) => {
            let path = dir.join(format!("json-records-{records}-seed{seed}.json"));
            if !path.exists() {
                crate::util::files::write_atomic(
                    &path,
                    demo_input::json_records(*seed, *records).as_bytes(),
                )?;
            }
            Some(path)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{Twins, shuffle};

    #[test]
    fn identical_executables_point_at_the_first_variant() {
        let mut twins = Twins::default();
        assert_eq!(twins.earlier("aa", "o3"), None);
        assert_eq!(twins.earlier("bb", "oz"), None);
        assert_eq!(twins.earlier("aa", "o3-again").as_deref(), Some("o3"));
        assert_eq!(twins.earlier("aa", "o3"), None, "a variant is not its own twin");
    }

    #[test]
    fn shuffling_is_a_fixed_permutation() {
        let mut order: Vec<u32> = (0..8).collect();
        shuffle(&mut order);
        let mut again: Vec<u32> = (0..8).collect();
        shuffle(&mut again);
        assert_eq!(order, again, "the same on every run");
        assert_ne!(order, (0..8).collect::<Vec<_>>());
        order.sort();
        assert_eq!(order, (0..8).collect::<Vec<_>>());
    }
}

//! The real [`Executor`]: each variant built by cargo in its own profile (or taken from the
//! cache), its size and code recorded, its benches built, then measured.

use std::path::{Path, PathBuf};

mod code_breakdown;
mod edit_loop;

use code_breakdown::GroupCode;
use edit_loop::Rebuilt;

use super::SweepOptions;
use super::cache::{self, Cache, Fingerprint, Method};
use super::measurer::{BuiltBench, BuiltVariant, Measurer, unbuilt_bench};
use super::prepare::Prepared;
use super::record::{Recorder, build_seconds, join_notes, write_log};
use super::schedule::{Executor, Produced};
use super::training::PgoFiles;
use crate::build::cargo::{self, BuildFlags, BuildOutcome, BuildRequest, CargoTarget};
use crate::build::profile_guided as guided;
use crate::host::compilers::Compiler;
use crate::host::machine::cargo_home;
use crate::measure::binary;
use crate::measure::bloat::Breakdown;
use crate::measure::shipping;
use crate::plan::build_env::NO_DEFAULT_FEATURES;
use crate::plan::settings::Strip;
use crate::plan::variants::Variant;
use crate::results::rows::{Row, Status};
use crate::util::files::{remove_dir, remove_file};
use crate::util::interrupt;
use crate::util::units::thousands;

/// Builds variants with cargo and measures them, recording rows as it goes.
pub struct CargoExecutor<'a> {
    pub(super) prepared: &'a Prepared,
    options: &'a SweepOptions,
    fingerprint: Fingerprint,
    cache: Cache,
    /// Where the rows go.
    pub recorder: Recorder<'a>,
    /// Runs the measurements.
    pub measurer: Measurer<'a>,
    /// The current strip group's code per crate.
    group: GroupState,
    /// Directories whose files a cache entry need not hash.
    ignored_sources: Vec<PathBuf>,
    /// Wall time spent in cargo and the post-build steps.
    pub child_seconds: f64,
    /// The most disk the build directories and kept files used at once, bytes.
    pub peak_disk_bytes: u64,
    /// The baseline as built, once timed in rounds: a later stage's rounds time it again.
    timed_baseline: Option<BuiltVariant>,
}

/// What the variants of one strip group share.
#[derive(Default)]
struct GroupState {
    /// The breakdown of the group's code: variants that differ only in `strip` have the same
    /// code.
    crates: Option<GroupCode>,
}

/// A variant's build in progress: how it is made and where.
#[derive(Clone)]
pub(super) struct Job<'v> {
    pub(super) variant: &'v Variant,
    pub(super) compiler: Compiler<'v>,
    pub(super) profile: String,
    pub(super) flags: BuildFlags,
    /// The flags of PGO's instrumented build, when the job builds a PGO variant from scratch.
    instrumented: Option<BuildFlags>,
    /// Build scripts and proc macros go to target/<profile>/, the rest to
    /// target/<triple>/<profile>/ when a target is given.
    dirs: Vec<PathBuf>,
    cache_key: String,
}

impl<'a> CargoExecutor<'a> {
    /// An executor for the prepared sweep, recording into `recorder`.
    pub fn new(
        prepared: &'a Prepared,
        options: &'a SweepOptions,
        fingerprint: Fingerprint,
        recorder: Recorder<'a>,
    ) -> CargoExecutor<'a> {
        let work_dir = &prepared.work_dir;
        let criterion_dir = work_dir.join("criterion");
        CargoExecutor {
            prepared,
            options,
            fingerprint,
            cache: Cache::new(work_dir.join("cache")),
            recorder,
            measurer: Measurer::new(
                &prepared.sweep,
                &prepared.inputs,
                &prepared.bench_targets,
                criterion_dir,
                prepared.valgrind.clone(),
            ),
            group: GroupState::default(),
            ignored_sources: ignored_source_dirs(&prepared.workspace.target_dir),
            child_seconds: 0.0,
            peak_disk_bytes: 0,
            timed_baseline: None,
        }
    }

    /// The cached rows of `variant`, unless `--force`.
    fn cached(&self, variant: &Variant) -> Option<(Vec<Row>, Breakdown)> {
        if self.options.force {
            return None;
        }
        self.cache.lookup(&self.fingerprint.key(variant, Method::Plain))
    }

    /// How `variant` is built: profile, flags, directories, cache key.
    fn job<'v>(&self, variant: &'v Variant, compiler: Compiler<'v>) -> Job<'v> {
        let profile = variant.profile_name();
        let env = &variant.env;
        let for_env = |steps: &[String]| {
            BuildFlags::for_env(env, compiler.named, &compiler.toolchain.host, steps)
        };
        let pgo = PgoFiles::new(&self.prepared.work_dir, &profile);
        let mut steps = Vec::new();
        if env.pgo {
            steps.extend(guided::profile_use(&pgo.profdata()));
        }
        if env.bolt {
            steps.extend(guided::bolt_ready());
        }
        let flags = for_env(&steps);
        let instrumented = env.pgo.then(|| for_env(&guided::profile_generate(&pgo.raw_dir())));
        let target_dir = &self.prepared.workspace.target_dir;
        let mut dirs = vec![target_dir.join(&profile)];
        if flags.args.iter().any(|a| a == "--target") {
            dirs.push(target_dir.join(compiler.target).join(&profile));
        }
        let cache_key = self.fingerprint.key(variant, Method::Plain);
        Job { variant, compiler, profile, flags, instrumented, dirs, cache_key }
    }

    /// A target's own required-features plus the variant's features of the swept package,
    /// which a bench in another package names as `<package>/<feature>`.
    fn features(&self, variant: &Variant, own: &[String], package: &str) -> Vec<String> {
        let swept = &self.prepared.target.package;
        let mut all = own.to_vec();
        for feature in variant.env.feature_list() {
            let feature = match feature {
                _ if package == swept => feature.to_owned(),
                // Another package's bench cannot turn off the swept package's defaults.
                NO_DEFAULT_FEATURES => continue,
                _ => format!("{swept}/{feature}"),
            };
            if !all.contains(&feature) {
                all.push(feature);
            }
        }
        all
    }

    /// Runs cargo for one target of `job` (of `package`, which requires `own_features`), with
    /// `relink_strip` to relink its build with that `-C strip` (the breakdown's `strip = "none"`
    /// relink, which only supplies symbols) instead of building.
    pub(super) fn cargo(
        &mut self,
        job: &Job<'_>,
        target: CargoTarget<'_>,
        (package, own_features): (&str, &[String]),
        relink_strip: Option<Strip>,
    ) -> anyhow::Result<BuildOutcome> {
        let features = self.features(job.variant, own_features, package);
        let outcome = cargo::build(BuildRequest {
            cargo: job.compiler.cargo,
            manifest: &self.prepared.workspace.root_manifest,
            profile: &job.profile,
            package,
            target,
            features: &features,
            relink_strip,
            flags: &job.flags,
        })?;
        self.child_seconds += outcome.seconds();
        Ok(outcome)
    }

    /// Builds `job`'s binary (or records a library variant), its crate breakdown and its
    /// benches, with a one-line summary. `None` when the build failed or a signal arrived.
    fn build(&mut self, job: &Job<'_>) -> anyhow::Result<(Option<BuiltVariant>, String)> {
        let interrupted = || Ok((None, format!("{}: interrupted", job.variant.id)));
        let prepared = self.prepared;
        let target = &prepared.target;
        let swept = (target.package.as_str(), target.features.as_slice());
        let (built, mut summary) = match &target.bin {
            Some(bin) => {
                let trained = match &job.instrumented {
                    Some(flags) => self.train_pgo(job, flags, bin, swept)?,
                    None => Ok(0.0),
                };
                if interrupt::interrupted() {
                    return interrupted();
                }
                let outcome = match trained {
                    Ok(earlier) => {
                        let outcome = self.cargo(job, CargoTarget::Bin(bin), swept, None)?;
                        if job.variant.env.pgo {
                            self.log_final_build(job, &outcome)?;
                        }
                        outcome.after(earlier)
                    }
                    Err(failed) => failed,
                };
                let rebuilds = match &outcome {
                    BuildOutcome::Built { .. } if prepared.sweep.rebuild.enabled => {
                        self.time_rebuilds(job, bin, swept)?
                    }
                    _ => Vec::new(),
                };
                if interrupt::interrupted() {
                    return interrupted();
                }
                let rebuild = rebuilds.first().and_then(Rebuilt::mean_seconds);
                let recorded = self.record_build(job, outcome, rebuild)?;
                if let (Some(built), true) = (&recorded.0, prepared.sweep.rebuild.detailed) {
                    self.record_rebuilds(&built.size_row, rebuilds)?;
                }
                recorded
            }
            None => self.record_library(job)?,
        };
        let Some(mut built) = built else { return Ok((None, summary)) };
        if let Some(bin) = &target.bin {
            self.record_crates(job, &mut built, |executor| {
                executor.cargo(job, CargoTarget::Bin(bin), swept, Some(Strip::None))
            })?;
            if interrupt::interrupted() {
                return interrupted();
            }
        }
        let benches = prepared.sweep.benches.iter().zip(&prepared.bench_targets);
        let runs_here = built.runs_here;
        // Benches are not run under Wine.
        let runs_here = runs_here && built.runner.is_none();
        for (index, (bench, bench_target)) in benches.enumerate().filter(|_| runs_here) {
            let spec = &bench.spec;
            let package = (spec.package.as_str(), bench_target.features.as_slice());
            let outcome = self.cargo(job, CargoTarget::Bench(&spec.bench), package, None)?;
            if interrupt::interrupted() {
                return interrupted();
            }
            summary.push_str(&self.record_bench_build(job, &mut built, index, outcome)?);
        }
        Ok((Some(built), summary))
    }

    /// Removes `job`'s build directories, unless builds are kept.
    fn clean_up(&mut self, job: &Job<'_>) -> anyhow::Result<()> {
        match self.options.keep_builds {
            true => Ok(()),
            false => job.dirs.iter().try_for_each(|d| remove_dir(d)),
        }
    }
}

impl Executor for CargoExecutor<'_> {
    type Built = BuiltVariant;

    fn produce(&mut self, variant: &Variant) -> anyhow::Result<Produced<BuiltVariant>> {
        let compiler = match self.prepared.compilers.for_variant(variant) {
            Ok(compiler) => compiler,
            Err(reason) => {
                self.recorder.record_skipped(variant, &reason.to_string())?;
                let summary = format!("{} skipped: {reason}", variant.id);
                return Ok(Produced::Finished { summary });
            }
        };
        if let Some((rows, crates)) = self.cached(variant) {
            self.recorder.replay(rows, &variant.id, &crates)?;
            let summary = format!("{}: from the cache (no build, no measurement)", variant.id);
            return Ok(Produced::Cached { summary });
        }
        let job = self.job(variant, compiler);
        // A clean build, so build_seconds is comparable between variants and runs.
        job.dirs.iter().try_for_each(|d| remove_dir(d))?;
        let produced = match self.build(&job)? {
            (None, summary) => Produced::Finished { summary },
            (Some(mut built), summary) => {
                for dir in &job.dirs {
                    built.sources.extend(cache::sources_of(dir, &self.ignored_sources)?);
                }
                let build_bytes: u64 = job.dirs.iter().map(|d| disk_usage(d)).sum();
                let used = build_bytes + disk_usage(&self.prepared.work_dir);
                self.peak_disk_bytes = self.peak_disk_bytes.max(used);
                Produced::Built { built, summary }
            }
        };
        self.clean_up(&job)?;
        Ok(produced)
    }

    fn measure(&mut self, built: &BuiltVariant) -> anyhow::Result<String> {
        let (summary, finished) = self.measurer.measure(built, &mut self.recorder)?;
        if !finished {
            // Stopped part-way: caching would remember a variant with rows missing.
            return Ok(summary);
        }
        self.store(built)?;
        Ok(summary)
    }

    fn measure_interleaved(&mut self, built: &[&BuiltVariant]) -> anyhow::Result<()> {
        let is_baseline = |b: &&&BuiltVariant| b.size_row.baseline == Some(true);
        if let Some(baseline) = built.iter().find(is_baseline) {
            self.timed_baseline = Some((*baseline).clone());
            return self.measurer.measure_interleaved(built);
        }
        // A later stage (`mixed = true`'s variants) is timed in rounds with the baseline again,
        // so its ratios are paired too; the baseline's own rows stay those of its first rounds.
        let all: Vec<&BuiltVariant> = built.iter().copied().chain(&self.timed_baseline).collect();
        self.measurer.measure_interleaved(&all)
    }

    fn finish_group(&mut self) -> anyhow::Result<()> {
        self.group = GroupState::default();
        Ok(())
    }
}

impl CargoExecutor<'_> {
    /// For a built variant that is not measured: a skipped row saying `why` for each
    /// `[[run]]`, cached like a measured variant's rows (the cache key tells a search's rows
    /// from a grid's). Returns a summary fragment.
    pub fn skip_measurements(&mut self, built: &BuiltVariant, why: &str) -> anyhow::Result<String> {
        for run in &self.prepared.sweep.runs {
            self.recorder.save(Row {
                measurement: Some(run.spec.name.clone()),
                status: Status::Skipped,
                note: Some(why.to_owned()),
                ..built.size_row.clone()
            })?;
        }
        self.store(built)?;
        Ok("; runtime not measured (the same code as another strip value)".to_owned())
    }

    /// Once a variant's rows are all written: its bench executables removed (unless builds
    /// are kept) and its rows cached.
    fn store(&mut self, built: &BuiltVariant) -> anyhow::Result<()> {
        if !self.options.keep_builds {
            for bench in built.benches.iter().flatten() {
                remove_file(&bench.executable)?;
            }
        }
        let rows = self.recorder.rows_of(&built.variant.id);
        let breakdown =
            Breakdown { hot: self.recorder.hot_of(&built.variant.id), ..built.crates.clone() };
        self.cache.store(&built.cache_key, &built.sources, &rows, &breakdown)
    }

    /// Turns the binary's build outcome into a size row, writes it, and returns the built
    /// variant (if it built) with a one-line summary. A build failure is cached at once; a
    /// built variant is cached once measured.
    fn record_build(
        &mut self,
        job: &Job<'_>,
        outcome: BuildOutcome,
        rebuild_seconds: Option<f64>,
    ) -> anyhow::Result<(Option<BuiltVariant>, String)> {
        let BuildOutcome::Built { executable, mut seconds, panic_effective, .. } = outcome else {
            return self.record_build_failure(job, outcome);
        };
        let (variant, compiler) = (job.variant, &job.compiler);
        let kept = self.keep(variant, &executable)?;
        let mut notes = Vec::new();
        match self.after_link(job, &kept, &mut notes)? {
            Ok(took) => seconds += took,
            Err(errors) => {
                let failed = BuildOutcome::Failed { seconds, errors: errors.0 };
                return self.record_build_failure(job, failed);
            }
        }
        let sizes = binary::measure(&kept)?;
        if let Some((_, version)) = compiler.runner {
            notes.push(format!("runs under Wine ({version}) here: its times include Wine's own costs, and no instruction count"));
        }
        let shipping = if compiler.runs_here && compiler.runner.is_none() {
            shipping::analyse(&kept, compiler.libdir)
                .inspect_err(|e| {
                    notes.push(format!(
                        "its shared libraries could not be found, so no shipped or image size: {e:#}"
                    ))
                })
                .ok()
        } else {
            notes.push(compiler.why_not_run());
            None
        };
        let library_path = shipping
            .as_ref()
            .filter(|s| s.needs_toolchain_libraries)
            .map(|_| compiler.libdir.to_owned());
        if let Some(dir) = &library_path {
            notes.push(format!(
                "loads the toolchain's shared libraries: run with LD_LIBRARY_PATH={}; \
                 shipped_bytes adds them to the binary",
                dir.display()
            ));
        }
        let identical_to = self.recorder.twin_of(&sizes.sha256, &variant.id);
        remove_file(&self.recorder.log_path(variant, None))?;
        let how = match rebuild_seconds {
            Some(again) => {
                format!("built in {seconds:.1} s, rebuilt after an edit in {again:.1} s")
            }
            None => format!("built in {seconds:.1} s"),
        };
        let twin = identical_to.as_ref().map(|v| format!(", byte-identical to {v}"));
        let summary = format!(
            "{} ok: {} bytes, {how}{}",
            variant.id,
            thousands(sizes.file),
            twin.unwrap_or_default()
        );
        let build_seconds = Some(build_seconds(seconds));
        let mut size_row =
            self.recorder.row(variant, Some(compiler), Status::Ok, build_seconds, Some(&sizes));
        size_row.identical_to = identical_to;
        size_row.rebuild_seconds = rebuild_seconds;
        size_row.shipped_bytes = shipping.as_ref().map(|s| s.shipped_bytes);
        size_row.image_bytes = shipping.as_ref().map(|s| s.image_bytes);
        size_row.note = join_notes(size_row.note, (!notes.is_empty()).then(|| notes.join("; ")));
        self.recorder.save(size_row.clone())?;
        let built = BuiltVariant {
            variant: variant.clone(),
            executable: Some((kept, sizes.sha256)),
            size_row,
            panic_effective,
            benches: Vec::new(),
            library_path,
            runs_here: compiler.runs_here,
            runner: compiler.runner.map(|(program, _)| program.clone()),
            crates: Breakdown::default(),
            symbols: None,
            cache_key: job.cache_key.clone(),
            sources: Vec::new(),
        };
        Ok((Some(built), summary))
    }

    /// Writes the row and log of a failed build, caches it at once, and says where the log is.
    fn record_build_failure(
        &mut self,
        job: &Job<'_>,
        outcome: BuildOutcome,
    ) -> anyhow::Result<(Option<BuiltVariant>, String)> {
        let variant = job.variant;
        let (seconds, errors) = match outcome {
            BuildOutcome::Failed { seconds, errors } => (seconds, errors),
            BuildOutcome::Built { seconds, .. } => (seconds, String::new()),
        };
        let profile = variant.profile_name();
        let log = self.recorder.log_path(variant, None);
        write_log(&log, &format!("profile {profile}\n\n{errors}\n"))?;
        let build_seconds = Some(build_seconds(seconds));
        let mut row = self.recorder.row(
            variant,
            Some(&job.compiler),
            Status::BuildFailed,
            build_seconds,
            None,
        );
        let first_error = errors
            .lines()
            .find(|l| l.starts_with("error"))
            .or(errors.lines().next())
            .map(|l| format!("build failed: {}", l.trim()));
        row.note = join_notes(row.note, first_error);
        self.recorder.save(row.clone())?;
        // Without a build there are no sources to watch; the entry holds until the
        // manifests, lockfile or toolchain change, or --force.
        self.cache.store(&job.cache_key, &[], &[row], &Breakdown::default())?;
        let summary =
            format!("{} build-failed after {seconds:.1} s; see {}", variant.id, log.display());
        Ok((None, summary))
    }

    /// Writes the size row of a library variant, which has no binary to build or measure (its
    /// benches are all there is), and returns it as built.
    fn record_library(&mut self, job: &Job<'_>) -> anyhow::Result<(Option<BuiltVariant>, String)> {
        let variant = job.variant;
        let mut size_row = self.recorder.row(variant, Some(&job.compiler), Status::Ok, None, None);
        size_row.note = Some(format!(
            "package `{}` has no binary: no size and no build time; its benches are measured",
            self.prepared.target.package
        ));
        self.recorder.save(size_row.clone())?;
        let built = BuiltVariant {
            variant: variant.clone(),
            executable: None,
            size_row,
            panic_effective: None,
            benches: Vec::new(),
            library_path: None,
            runs_here: job.compiler.runs_here,
            runner: None,
            crates: Breakdown::default(),
            symbols: None,
            cache_key: job.cache_key.clone(),
            sources: Vec::new(),
        };
        Ok((Some(built), format!("{}: library, benches only", variant.id)))
    }

    /// Records the build of bench number `index` for `built`: keeps the executable, or writes a
    /// `build-failed` row for it. Returns a summary fragment.
    fn record_bench_build(
        &mut self,
        job: &Job<'_>,
        built: &mut BuiltVariant,
        index: usize,
        outcome: BuildOutcome,
    ) -> anyhow::Result<String> {
        let spec = &self.prepared.sweep.benches[index].spec;
        let log = self.recorder.log_path(&built.variant, Some(&format!("bench-{}", spec.bench)));
        match outcome {
            BuildOutcome::Built { executable, seconds, panic_effective, .. } => {
                let kept = self.keep(&built.variant, &executable)?;
                let sha256 = binary::measure(&kept)?.sha256;
                remove_file(&log)?;
                let libdir = job.compiler.libdir;
                let needs_toolchain =
                    shipping::analyse(&kept, libdir).is_ok_and(|s| s.needs_toolchain_libraries);
                let library_path = needs_toolchain.then(|| libdir.to_owned());
                built.benches.push(Some(BuiltBench {
                    executable: kept,
                    sha256,
                    panic_effective,
                    library_path,
                }));
                Ok(format!("; bench {} built in {seconds:.1} s", spec.bench))
            }
            BuildOutcome::Failed { errors, .. } => {
                let profile = built.variant.profile_name();
                write_log(&log, &format!("profile {profile}, bench {}\n\n{errors}\n", spec.bench))?;
                let harness = self.prepared.bench_targets[index].harness;
                let (row, summary) = unbuilt_bench(&built.size_row, spec, harness, &log);
                self.recorder.save(row)?;
                built.benches.push(None);
                Ok(summary)
            }
        }
    }
}

/// Directories whose files a variant's cache entry need not hash: build output, and sources
/// that `Cargo.lock` and the toolchain version pin already (cargo's registry, rustup's toolchains).
fn ignored_source_dirs(target_dir: &Path) -> Vec<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    let rustup_home =
        std::env::var_os("RUSTUP_HOME").map_or_else(|| home.join(".rustup"), PathBuf::from);
    vec![target_dir.to_owned(), cargo_home(), rustup_home]
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

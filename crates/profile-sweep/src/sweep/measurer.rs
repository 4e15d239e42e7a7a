//! Measuring a built variant: each `[[run]]` of the sweep on its executable and each `[[bench]]`
//! on its bench executables, a row for each. Byte-identical executables are measured once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

mod counting;
mod hot_rows;

use super::cache::SourceFile;
use super::record::{Recorder, join_notes, reused_note, write_log};
use crate::host::tool::Tool;
use crate::host::windows;
use crate::host::workspace::BenchTarget;
use crate::measure::bench::{self, BenchOutcome, BenchRun};
use crate::measure::bloat::Breakdown;
use crate::measure::instructions::CountOutcome;
use crate::measure::noise::Noise;
use crate::measure::paired::{self, Ratio};
use crate::measure::runtime::{self, RunOutcome, Sampler, Subject, Timing};
use crate::plan::measurement::Harness;
use crate::plan::measures::BenchSpec;
use crate::plan::settings::{Panic, Setting};
use crate::plan::spec::Sweep;
use crate::plan::variants::Variant;
use crate::results::rows::{Row, Status};
use crate::util::files::remove_file;
use crate::util::interrupt;
use crate::util::units::{Unit, human_ns};

/// A variant whose binary (and benches) are built, waiting to be measured.
#[derive(Clone)]
pub struct BuiltVariant {
    /// The variant.
    pub variant: Variant,
    /// The kept copy of its executable and its sha256; `None` for a library (benches only).
    pub executable: Option<(PathBuf, String)>,
    /// Its size row, the template of its measurement rows.
    pub size_row: Row,
    /// The panic strategy the binary was compiled with, as cargo showed it.
    pub panic_effective: Option<Panic>,
    /// Per `[[bench]]`: the kept bench executable; `None` if it failed to build (its row is
    /// written already).
    pub benches: Vec<Option<BuiltBench>>,
    /// `LD_LIBRARY_PATH` the binary needs (the toolchain's library directory), if any.
    pub library_path: Option<PathBuf>,
    /// Whether this machine can run it; if not, only its size is recorded.
    pub runs_here: bool,
    /// The program it runs under (Wine, for a Windows executable), if any.
    pub runner: Option<PathBuf>,
    /// Its `crates.csv` and `functions.csv` rows.
    pub crates: Breakdown,
    /// An executable of its code with symbols, for `hot.csv`; `None` when there is none.
    pub symbols: Option<Symbols>,
    /// Where its rows are cached once measured, and the sources they depend on.
    pub cache_key: String,
    /// The workspace sources its build read, for the cache.
    pub sources: Vec<SourceFile>,
}

/// An executable with symbols whose code is a variant's: its own, or a build of the same code
/// with `strip = "none"`.
#[derive(Debug, Clone)]
pub struct Symbols {
    /// The kept executable.
    pub executable: PathBuf,
    /// Which build it is, as `crates.csv`'s `symbols_from` says.
    pub from: String,
}

/// A kept bench executable of a built variant.
#[derive(Clone)]
pub struct BuiltBench {
    /// The kept copy.
    pub executable: PathBuf,
    /// Its sha256.
    pub sha256: String,
    /// The panic strategy it was compiled with, as cargo showed it.
    pub panic_effective: Option<Panic>,
    /// `LD_LIBRARY_PATH` it needs, if any.
    pub library_path: Option<PathBuf>,
}

/// Measurements by executable (sha256) and measurement index, so a byte-identical executable
/// is measured once; each remembers the variant it was first measured for.
struct Memo<O>(HashMap<(String, usize), (String, O)>);

impl<O: Clone> Memo<O> {
    /// No measurement yet.
    fn new() -> Memo<O> {
        Memo(HashMap::new())
    }

    /// The outcome remembered for `key`, if any.
    fn get(&self, key: &(String, usize)) -> Option<&O> {
        self.0.get(key).map(|(_, outcome)| outcome)
    }

    /// Remembers `outcome` of `variant` for `key`.
    fn insert(&mut self, key: (String, usize), variant: &str, outcome: O) {
        self.0.insert(key, (variant.to_owned(), outcome));
    }

    /// The outcome for `key`, measured by `measure` the first time (its wall time added to
    /// `seconds`), with the variant it was measured for when that is not `variant`. `None`
    /// when a signal arrived during the measurement: its outcome says nothing of the variant.
    fn get_or_measure(
        &mut self,
        key: (String, usize),
        variant: &str,
        seconds: &mut f64,
        measure: impl FnOnce() -> anyhow::Result<(O, Duration)>,
    ) -> anyhow::Result<Option<(Option<String>, O)>> {
        if let Some((first, outcome)) = self.0.get(&key) {
            return Ok(Some(((first != variant).then(|| first.clone()), outcome.clone())));
        }
        let (outcome, elapsed) = measure()?;
        *seconds += elapsed.as_secs_f64();
        if interrupt::interrupted() {
            return Ok(None);
        }
        self.insert(key, variant, outcome.clone());
        Ok(Some((None, outcome)))
    }
}

/// Runs a sweep's measurements and remembers them by executable.
pub struct Measurer<'a> {
    sweep: &'a Sweep,
    /// The stdin file of each of the sweep's runs.
    inputs: &'a [Option<PathBuf>],
    /// Where each of the sweep's benches runs and what it needs.
    bench_targets: &'a [BenchTarget],
    /// Criterion's output, per variant and bench.
    criterion_dir: PathBuf,
    /// Whole-binary measurements by (sha256, run index).
    measured_runs: Memo<RunOutcome>,
    /// Instruction counts by (sha256, run index).
    counted: Memo<CountOutcome>,
    /// Valgrind, or why it cannot run.
    valgrind: Tool<String>,
    /// Criterion measurements by (sha256 of the bench executable, bench index).
    measured_benches: Memo<BenchOutcome>,
    /// Wall time spent in the measured processes.
    pub child_seconds: f64,
    /// Every variant timed so far, per run: what decides whether another is worth counting.
    timed: Vec<TimedPoint>,
}

/// A variant's shipped size and wall-time interval in one run.
#[derive(Debug, Clone)]
struct TimedPoint {
    run: usize,
    variant: String,
    size: u64,
    ci_low: f64,
    ci_high: f64,
}

impl<'a> Measurer<'a> {
    /// A measurer with nothing measured yet.
    pub fn new(
        sweep: &'a Sweep,
        inputs: &'a [Option<PathBuf>],
        bench_targets: &'a [BenchTarget],
        criterion_dir: PathBuf,
        valgrind: Tool<String>,
    ) -> Measurer<'a> {
        Measurer {
            sweep,
            inputs,
            bench_targets,
            criterion_dir,
            measured_runs: Memo::new(),
            counted: Memo::new(),
            valgrind,
            measured_benches: Memo::new(),
            child_seconds: 0.0,
            timed: Vec::new(),
        }
    }

    /// Runs every measurement of the sweep on a built variant, writing a row for each, and
    /// returns a summary fragment and whether it finished (no signal stopped it part-way).
    pub fn measure(
        &mut self,
        built: &BuiltVariant,
        recorder: &mut Recorder<'_>,
    ) -> anyhow::Result<(String, bool)> {
        let mut summary = String::new();
        if built.runs_here {
            for index in 0..self.sweep.runs.len() {
                if interrupt::interrupted() {
                    return Ok((summary, false));
                }
                summary.push_str(&self.measure_run(built, index, recorder)?);
            }
            for index in 0..self.sweep.benches.len() {
                if interrupt::interrupted() {
                    return Ok((summary, false));
                }
                summary.push_str(&self.measure_bench(built, index, recorder)?);
            }
        }
        Ok((summary, !interrupt::interrupted()))
    }

    /// Times `subject`, and again while the timing is noisy, up to the run's
    /// `remeasure-noisy` times; keeps the timing with the narrowest interval. Also returns the
    /// wall time of every process run.
    fn measure_until_clean(subject: Subject<'_>) -> anyhow::Result<(RunOutcome, Duration)> {
        let mut best: Option<RunOutcome> = None;
        let mut in_processes = Duration::ZERO;
        for _ in 0..=subject.spec.remeasure_noisy {
            let (outcome, elapsed) = runtime::measure(subject)?;
            in_processes += elapsed;
            let width = |o: &RunOutcome| match o {
                RunOutcome::Measured(t) => (t.wall_ns.ci_high - t.wall_ns.ci_low) / t.wall_ns.mean,
                RunOutcome::Failed { .. } => f64::INFINITY,
            };
            let clean = matches!(&outcome, RunOutcome::Measured(t) if !t.noise.is_noisy());
            let failed = matches!(outcome, RunOutcome::Failed { .. });
            if best.as_ref().is_none_or(|b| width(&outcome) < width(b)) {
                best = Some(outcome);
            }
            if clean || failed || interrupt::interrupted() {
                break;
            }
        }
        Ok((best.expect("measured at least once"), in_processes))
    }

    /// Times every whole-binary run of the sweep on all of `built` at once, in rounds: the
    /// warm-ups of each, then one timed run of each executable per round, in an order shuffled
    /// per round, so drift and load swings spread over every variant. Each variant's runs are
    /// also paired with the baseline's of the same rounds ([`crate::measure::paired`]). The
    /// outcomes wait for [`Measurer::measure`], which writes the rows. Stops early, keeping
    /// nothing of a run, once a signal arrives.
    pub fn measure_interleaved(&mut self, built: &[&BuiltVariant]) -> anyhow::Result<()> {
        for index in 0..self.sweep.runs.len() {
            let spec = &self.sweep.runs[index].spec;
            let stdin = self.inputs[index].as_deref();
            // One sampler per distinct executable, named after the first variant that has it.
            let mut samplers: Vec<(String, String, Sampler)> = Vec::new();
            let mut baseline = None;
            for variant in built.iter().filter(|b| b.runs_here) {
                let Some((executable, sha256)) = &variant.executable else { continue };
                let twin = samplers.iter().position(|(_, sha, _)| sha == sha256);
                if variant.size_row.baseline == Some(true) {
                    baseline = Some(twin.unwrap_or(samplers.len()));
                }
                if twin.is_some() {
                    continue;
                }
                let library_path = variant.library_path.as_deref();
                let runner = variant.runner.as_deref();
                let subject = Subject { executable, spec, stdin, library_path, runner };
                samplers.push((variant.variant.id.clone(), sha256.clone(), Sampler::new(subject)));
            }
            let (mut going, mut round) = (true, 0);
            while going {
                going = false;
                for i in paired::round_order(samplers.len(), round) {
                    if interrupt::interrupted() {
                        return Ok(());
                    }
                    going |= samplers[i].2.run_once()?;
                }
                round += 1;
            }
            if let Some(baseline) = baseline {
                retime(&mut samplers, baseline, round, spec)?;
            }
            let paired: Vec<_> = match baseline {
                Some(b) => samplers.iter().map(|(_, _, s)| s.paired_with(&samplers[b].2)).collect(),
                None => vec![None; samplers.len()],
            };
            for ((variant, sha256, sampler), paired) in samplers.into_iter().zip(paired) {
                let (mut outcome, elapsed) = sampler.finish()?;
                if let RunOutcome::Measured(timing) = &mut outcome {
                    timing.paired = paired;
                }
                self.child_seconds += elapsed.as_secs_f64();
                self.measured_runs.insert((sha256, index), &variant, outcome);
            }
            // Every variant's timing is known before the first count.
            for variant in built {
                let Some((_, sha256)) = &variant.executable else { continue };
                let timed = self.measured_runs.get(&(sha256.clone(), index)).cloned();
                if let Some(RunOutcome::Measured(timing)) = timed {
                    self.note_timed(variant, index, &timing);
                }
            }
        }
        Ok(())
    }

    /// Times run number `index` of the sweep on the variant's executable (or reuses the
    /// measurement of a byte-identical executable), writes its row, and returns a summary
    /// fragment.
    fn measure_run(
        &mut self,
        built: &BuiltVariant,
        index: usize,
        recorder: &mut Recorder<'_>,
    ) -> anyhow::Result<String> {
        let Some((executable, sha256)) = &built.executable else {
            return Ok(String::new());
        };
        let run = &self.sweep.runs[index];
        let input = self.inputs[index].as_deref();
        let library_path = built.library_path.as_deref();
        let runner = built.runner.as_deref();
        let subject = Subject { executable, spec: &run.spec, stdin: input, library_path, runner };
        let key = (sha256.clone(), index);
        let measured = self.measured_runs.get_or_measure(
            key,
            &built.variant.id,
            &mut self.child_seconds,
            || Measurer::measure_until_clean(subject),
        )?;
        let Some((measured_as, outcome)) = measured else { return Ok(String::new()) };
        let mut row = Row {
            measurement: Some(run.spec.name.clone()),
            panic_effective: built.panic_effective.map(|p| Setting::Panic(p).to_string()),
            measured_as: measured_as.clone(),
            ..built.size_row.clone()
        };
        let log = recorder.log_path(&built.variant, Some(&run.spec.name));
        let summary = match &outcome {
            RunOutcome::Measured(timing) => {
                let wall = &timing.wall_ns;
                fill_run_row(&mut row, timing);
                let differs = recorder.output_differs(&run.spec.name, row.stdout_sha256.as_deref());
                let notes = [
                    measured_as.as_ref().map(|twin| reused_note(twin)),
                    timing.noise.describe(),
                    differs.map(|first| format!("its output differs from {first}'s: not comparable, left out of the recommendations")),
                ];
                row.note = notes.into_iter().fold(None, join_notes);
                remove_file(&log)?;
                let half_width = (wall.ci_high - wall.mean) / wall.mean * 100.0;
                let flags = row.noise.as_ref().map(|n| format!(" [{n}]")).unwrap_or_default();
                format!("; {} {:.3} ms ±{half_width:.1}%{flags}", run.spec.name, wall.mean / 1e6)
            }
            RunOutcome::Failed { reason, stderr } => {
                let missing = built.runner.as_ref().and_then(|_| windows::missing_dll(stderr));
                let reason = match missing {
                    Some(dll) => format!(
                        "{reason} under Wine: it imports {dll}, which this Wine does not have"
                    ),
                    None => reason.clone(),
                };
                row.status = Status::RunFailed;
                row.note = Some(reason.clone());
                let text =
                    format!("{} {}: {reason}\n\n{stderr}\n", built.variant.id, run.spec.name);
                write_log(&log, &text)?;
                format!("; {} run-failed ({reason}), see {}", run.spec.name, log.display())
            }
        };
        recorder.save(row)?;
        let RunOutcome::Measured(timing) = &outcome else { return Ok(summary) };
        self.note_timed(built, index, timing);
        if !self.counts_instructions(index) {
            return Ok(summary);
        }
        if let Some(faster) = self.certainly_beaten(built, index) {
            return Ok(summary + &self.skip_count(built, index, &faster, recorder)?);
        }
        Ok(summary + &self.count_instructions(built, index, recorder)?)
    }

    /// Runs bench number `index` for the variant with its harness (or reuses the measurement
    /// of a byte-identical bench executable), writes one row per benchmark and unit, and
    /// returns a summary fragment.
    fn measure_bench(
        &mut self,
        built: &BuiltVariant,
        index: usize,
        recorder: &mut Recorder<'_>,
    ) -> anyhow::Result<String> {
        let Some(bench) = &built.benches[index] else {
            return Ok(String::new());
        };
        let spec = &self.sweep.benches[index].spec;
        let target = &self.bench_targets[index];
        let harness = target.harness;
        // criterion's homes stay where they always were: `<work>/criterion/<variant>/<bench>`.
        let home = self.criterion_dir.with_file_name(harness.key());
        let home = home.join(&built.variant.id).join(&spec.bench);
        let run = BenchRun {
            executable: &bench.executable,
            spec,
            package_dir: &target.dir,
            home: &home,
            library_path: bench.library_path.as_deref(),
        };
        let measured = self.measured_benches.get_or_measure(
            (bench.sha256.clone(), index),
            &built.variant.id,
            &mut self.child_seconds,
            || bench::run(harness, &run),
        )?;
        let Some((measured_as, outcome)) = measured else { return Ok(String::new()) };
        let mut notes: Vec<String> = measured_as.iter().map(|twin| reused_note(twin)).collect();
        let effective = bench.panic_effective.map(|p| Setting::Panic(p).to_string());
        notes.extend(bench_panic_note(built.variant.settings.panic, effective.as_deref()));
        let template = Row { panic_effective: effective, measured_as, ..built.size_row.clone() };
        let log = recorder.log_path(&built.variant, Some(&format!("bench-{}", spec.bench)));
        let whole = spec.measurement_name(harness, None, Unit::Nanoseconds);
        let (status, reason) = match outcome {
            BenchOutcome::Measured { estimates, load } => {
                remove_file(&log)?;
                let mut summary = String::new();
                for estimate in estimates {
                    let name = spec.measurement_name(harness, Some(&estimate.id), estimate.unit);
                    let mut row = Row { measurement: Some(name.clone()), ..template.clone() };
                    row.fill_timing(&estimate.summary);
                    let mut notes = notes.clone();
                    notes.extend(estimate.how.clone());
                    if estimate.unit.is_count() {
                        row.unit = Some(estimate.unit.noun().to_owned());
                        summary.push_str(&format!(
                            "; {name} {}",
                            estimate.unit.exact(estimate.summary.mean)
                        ));
                    } else {
                        // The harness's raw runs are not read here: the interval and the load
                        // judge it.
                        let noise = Noise::assess(&[], &estimate.summary, &load);
                        row.noise = noise.flags();
                        row.runnable_max = load.runnable_max();
                        row.others_cpus = load.others_cpus();
                        notes.extend(noise.describe());
                        let s = &estimate.summary;
                        let half_width = (s.ci_high - s.mean) / s.mean * 100.0;
                        summary
                            .push_str(&format!("; {name} {} ±{half_width:.1}%", human_ns(s.mean)));
                    }
                    row.note = (!notes.is_empty()).then(|| notes.join("; "));
                    recorder.save(row)?;
                }
                return Ok(summary);
            }
            BenchOutcome::Failed { reason, stderr } => {
                let text =
                    format!("{} bench {}: {reason}\n\n{stderr}\n", built.variant.id, spec.bench);
                write_log(&log, &text)?;
                (Status::RunFailed, format!("{reason}, see {}", log.display()))
            }
            BenchOutcome::Missing { why } => (Status::Skipped, why),
        };
        notes.insert(0, reason.clone());
        let row =
            Row { status, measurement: Some(whole), note: Some(notes.join("; ")), ..template };
        recorder.save(row)?;
        Ok(format!("; bench {} {status} ({reason})", spec.bench))
    }
}

/// The row of a bench target that did not build (its errors are in `log`): `skipped` when its
/// harness cannot build with the variant's compiler (libtest on stable), else `build-failed`.
/// Also returns the summary fragment.
pub(super) fn unbuilt_bench(
    size_row: &Row,
    spec: &BenchSpec,
    harness: Harness,
    log: &Path,
) -> (Row, String) {
    let (status, why) = match harness.unbuildable_with(&size_row.rustc) {
        Some(why) => (Status::Skipped, why),
        None => (Status::BuildFailed, "the bench target failed to build"),
    };
    let row = Row {
        status,
        measurement: Some(spec.measurement_name(harness, None, Unit::Nanoseconds)),
        note: Some(format!("{why}; see {}", log.display())),
        ..size_row.clone()
    };
    (row, format!("; bench {} {status} ({why}), see {}", spec.bench, log.display()))
}

/// Targeted re-runs: after the first rounds, more rounds of the baseline and of only the
/// variants whose paired ratio cannot yet tell where they stand ([`paired::undecided`], on CPU
/// time when the machine was busy, else wall time), until they separate or `spec.retime` runs
/// out. A variant that separates leaves for good, so its runs stay paired with the baseline's
/// first ones. Says what it did and what stayed undecided.
fn retime(
    samplers: &mut [(String, String, Sampler)],
    baseline: usize,
    mut round: u32,
    spec: &crate::plan::measures::RunSpec,
) -> anyhow::Result<()> {
    if spec.retime.is_zero() {
        return Ok(());
    }
    let started = std::time::Instant::now();
    let mut active = vec![true; samplers.len()];
    let (mut rounds, mut ran) = (0, true);
    loop {
        let busy = samplers.iter().any(|(_, _, s)| s.busy());
        let ratios: Vec<Option<Ratio>> = samplers
            .iter()
            .map(|(_, _, s)| {
                let pair = s.paired_with(&samplers[baseline].2)?;
                Some(if busy { pair.cpu.unwrap_or(pair.wall) } else { pair.wall })
            })
            .collect();
        let undecided = paired::undecided(&ratios, crate::results::analysis::TOLERANCE);
        for (i, undecided) in undecided.into_iter().enumerate() {
            active[i] &= undecided && i != baseline;
        }
        let names: Vec<&str> =
            samplers.iter().zip(&active).filter(|(_, a)| **a).map(|(s, _)| s.0.as_str()).collect();
        let out_of_time = started.elapsed() >= spec.retime || interrupt::interrupted();
        if names.is_empty() || out_of_time || !ran {
            if rounds > 0 {
                let still = if names.is_empty() { "none".to_owned() } else { names.join(", ") };
                eprintln!(
                    "{}: {rounds} more rounds in {:.0} s for the undecided variants; still undecided: {still}",
                    spec.name,
                    started.elapsed().as_secs_f64()
                );
            }
            return Ok(());
        }
        // A round in which nothing could run (a run failed) ends the re-runs.
        ran = false;
        for i in paired::round_order(samplers.len(), round) {
            if i == baseline || active[i] {
                samplers[i].2.add_run();
                ran |= samplers[i].2.run_once()?;
            }
        }
        round += 1;
        rounds += 1;
    }
}

/// Fills a whole-binary run's row from its timing: wall time, memory, CPU time, noise, output.
fn fill_run_row(row: &mut Row, timing: &Timing) {
    row.fill_timing(&timing.wall_ns);
    row.peak_rss_bytes = Some(timing.peak_rss_bytes);
    row.user_ns = Some(timing.user_ns);
    row.sys_ns = Some(timing.sys_ns);
    row.noise = timing.noise.flags();
    row.runnable_max = timing.runnable_max;
    row.others_cpus = timing.others_cpus;
    row.stdout_sha256 = timing.stdout_sha256.clone();
    if let Some(paired) = timing.paired {
        let round = |x: f64| (x * 1e6).round() / 1e6;
        let wall = paired.wall;
        row.wall_ratio = Some(round(wall.ratio));
        row.wall_ratio_low = Some(round(wall.low));
        row.wall_ratio_high = Some(round(wall.high));
        if let Some(cpu) = paired.cpu {
            row.cpu_ratio = Some(round(cpu.ratio));
            row.cpu_ratio_low = Some(round(cpu.low));
            row.cpu_ratio_high = Some(round(cpu.high));
        }
    }
}

/// What a bench row must say about its panic strategy: cargo builds bench targets unwinding
/// whatever the profile says, and its output may not show the strategy at all.
fn bench_panic_note(profile: Panic, effective: Option<&str>) -> Option<String> {
    let built_with = Setting::Panic(profile).to_string();
    match effective {
        Some(effective) if effective != built_with => Some(format!(
            "cargo builds bench targets with panic = \"{effective}\" whatever the profile says \
             (cargo issue 11214); the whole-binary runs measure \"{built_with}\""
        )),
        Some(_) => None,
        None => Some("cargo's output did not show the bench's panic strategy".to_owned()),
    }
}

//! Instruction counts and estimated cycles of a whole-binary run under Cachegrind, one row
//! each; with `hot-crates`, the same run's per-function counts become `hot.csv`.

use super::{BuiltVariant, Measurer, TimedPoint};
use crate::measure::instructions::{self, Caches, CountOutcome};
use crate::measure::runtime::Timing;
use crate::measure::stats::Summary;
use crate::plan::settings::Setting;
use crate::plan::spec::{Plan, Strategy};
use crate::results::analysis;
use crate::results::rows::{Row, Status};
use crate::sweep::record::{Recorder, reused_note, write_log};
use crate::util::files::remove_file;
use crate::util::units::thousands;

/// Why a search's variants have no estimated cycles.
const NOT_SIMULATED: &str = "not counted: a search counts instructions alone, to steer by (the \
    cache simulation behind estimated cycles triples the time under Cachegrind); a grid sweep \
    counts both";

impl Measurer<'_> {
    /// Whether counts simulate the caches: not in a search, which steers by instructions alone.
    fn caches(&self) -> Caches {
        match self.sweep.strategy {
            Strategy::Search => Caches::NotSimulated,
            Strategy::Grid => Caches::Simulated,
        }
    }

    /// Whether run `index` gets an instruction count: asked for, or by default where Valgrind
    /// is installed.
    pub(super) fn counts_instructions(&self, index: usize) -> bool {
        match self.sweep.runs[index].spec.instructions {
            Some(wanted) => wanted,
            None => self.valgrind.is_found(),
        }
    }

    /// Remembers `built`'s wall time in run `index`, once.
    pub(super) fn note_timed(&mut self, built: &BuiltVariant, index: usize, timing: &Timing) {
        let variant = &built.variant.id;
        if self.timed.iter().any(|t| t.run == index && &t.variant == variant) {
            return;
        }
        let Some(size) = analysis::shipped_size(&built.size_row) else { return };
        let (ci_low, ci_high) = (timing.wall_ns.ci_low, timing.wall_ns.ci_high);
        let variant = variant.clone();
        self.timed.push(TimedPoint { run: index, variant, size, ci_low, ci_high });
    }

    /// In a grid over a matrix, a variant timed so far that is no larger than `built` and
    /// certainly faster in run `index` (wall-time intervals apart): `built` cannot reach the
    /// frontier or a pick, so counting it decides nothing. Never where the run asks for counts
    /// (`instructions = true`: every variant), for the baseline, whose count the others are
    /// compared with, or in a ladder, whose every step is reported.
    pub(super) fn certainly_beaten(&self, built: &BuiltVariant, index: usize) -> Option<String> {
        let matrix = matches!(self.sweep.plan, Plan::Matrix { .. });
        let asked = self.sweep.runs[index].spec.instructions == Some(true);
        let grid = self.sweep.strategy == Strategy::Grid;
        if asked || !matrix || !grid || built.size_row.baseline == Some(true) {
            return None;
        }
        let this = self.timed.iter().find(|t| t.run == index && t.variant == built.variant.id)?;
        let beats = |t: &&TimedPoint| {
            t.run == index
                && t.variant != this.variant
                && t.size <= this.size
                && t.ci_high < this.ci_low
        };
        self.timed.iter().find(beats).map(|t| t.variant.clone())
    }

    /// Writes run `index`'s count rows of `built` as skipped: `faster` beats it for certain.
    pub(super) fn skip_count(
        &mut self,
        built: &BuiltVariant,
        index: usize,
        faster: &str,
        recorder: &mut Recorder<'_>,
    ) -> anyhow::Result<String> {
        let spec = &self.sweep.runs[index].spec;
        let note = format!(
            "not counted: `{faster}` is no larger and certainly faster (wall-time intervals \
             apart), so this variant cannot reach the frontier or a pick"
        );
        let row = Row { status: Status::Skipped, note: Some(note), ..count_row(built, &spec.name) };
        let cycles = cycles_row(&row, &spec.name);
        recorder.save(row)?;
        recorder.save(cycles)?;
        Ok(format!("; not counted (`{faster}` is no larger and certainly faster)"))
    }

    /// Counts the instructions of run `index` on the variant's executable under Cachegrind
    /// (or reuses a byte-identical executable's count), writes its row, and returns a summary
    /// fragment.
    pub(super) fn count_instructions(
        &mut self,
        built: &BuiltVariant,
        index: usize,
        recorder: &mut Recorder<'_>,
    ) -> anyhow::Result<String> {
        let Some((executable, sha256)) = &built.executable else { return Ok(String::new()) };
        let spec = &self.sweep.runs[index].spec;
        let mut row = count_row(built, &spec.name);
        if let Some(missing) = self.valgrind.why_missing() {
            row.status = Status::Skipped;
            row.note = Some(format!("skipped: {missing}"));
            recorder.save(row)?;
            return Ok(String::new());
        }
        if built.runner.is_some() {
            row.status = Status::Skipped;
            row.note = Some(
                "not counted: it runs under Wine, whose own work Cachegrind would count".to_owned(),
            );
            recorder.save(row)?;
            return Ok(String::new());
        }
        let (input, library_path) = (self.inputs[index].as_deref(), built.library_path.as_deref());
        // Where the executable has its own symbols, the count's run also gives hot.csv.
        let own_symbols = built.symbols.as_ref().is_some_and(|s| &s.executable == executable);
        let per_function = (self.sweep.runs[index].hot_crates && own_symbols)
            .then(|| self.criterion_dir.with_file_name("cachegrind-hot.out"));
        let caches = self.caches();
        let counted = self.counted.get_or_measure(
            (sha256.clone(), index),
            &built.variant.id,
            &mut self.child_seconds,
            || {
                // The log goes into the sweep's own directory (criterion's sits beside it), not
                // the system's temporary one: a killed sweep leaves nothing behind in /tmp.
                let log = self.criterion_dir.with_file_name("cachegrind.log");
                let out = per_function.as_deref();
                instructions::count(executable, spec, input, library_path, &log, out, caches)
            },
        )?;
        let Some((measured_as, outcome)) = counted else { return Ok(String::new()) };
        row.measured_as = measured_as.clone();
        let summary = match outcome {
            CountOutcome::Counted(counts) => {
                row.fill_timing(&Summary::exact(counts.instructions as f64));
                row.note = measured_as.as_ref().map(|twin| reused_note(twin));
                let mut cycles = cycles_row(&row, &spec.name);
                match counts.estimated_cycles {
                    Some(estimate) => cycles.fill_timing(&Summary::exact(estimate as f64)),
                    None => {
                        cycles.status = Status::Skipped;
                        cycles.note = Some(NOT_SIMULATED.to_owned());
                    }
                }
                recorder.save(cycles)?;
                let hot = match self.sweep.runs[index].hot_crates {
                    true => {
                        // Only a count run now (not one reused from a twin) wrote the file.
                        let written = per_function.as_deref().filter(|_| measured_as.is_none());
                        self.record_hot(built, index, recorder, written)?
                    }
                    false => String::new(),
                };
                let cycles = counts.estimated_cycles.map_or(String::new(), |estimate| {
                    format!(", {} estimated cycles", thousands(estimate))
                });
                format!("; {} instructions{cycles}{hot}", thousands(counts.instructions))
            }
            CountOutcome::Unsupported { reason } => {
                row.status = Status::Skipped;
                row.note = Some(reason.clone());
                "; instructions not counted (Valgrind cannot decode this build's code)".to_owned()
            }
            CountOutcome::Failed { reason, stderr } => {
                let log =
                    recorder.log_path(&built.variant, Some(&format!("{}.instructions", spec.name)));
                write_log(
                    &log,
                    &format!(
                        "{} {} under Valgrind: {reason}\n\n{stderr}\n",
                        built.variant.id, spec.name
                    ),
                )?;
                row.status = Status::RunFailed;
                row.note = Some(reason.clone());
                format!("; instructions failed ({reason}), see {}", log.display())
            }
        };
        // Whatever the outcome, no per-function file outlives its count.
        if let Some(out) = &per_function {
            remove_file(out)?;
        }
        recorder.save(row)?;
        Ok(summary)
    }
}

/// The instruction-count row of `built` in run `run`, its outcome still to fill in.
fn count_row(built: &BuiltVariant, run: &str) -> Row {
    Row {
        measurement: Some(instructions::measurement_name(run)),
        unit: Some(instructions::UNIT.to_owned()),
        panic_effective: built.panic_effective.map(|p| Setting::Panic(p).to_string()),
        note: None,
        ..built.size_row.clone()
    }
}

/// The estimated-cycles row beside `row`, the instruction-count row of run `run`.
fn cycles_row(row: &Row, run: &str) -> Row {
    Row {
        measurement: Some(instructions::cycles_measurement_name(run)),
        unit: Some(instructions::CYCLES_UNIT.to_owned()),
        ..row.clone()
    }
}

//! Instruction counts and estimated cycles of a whole-binary run under Cachegrind, one row
//! each; with `hot-crates`, the same run's per-function counts become `hot.csv`.

use super::{BuiltVariant, Measurer};
use crate::measure::instructions::{self, CountOutcome};
use crate::measure::stats::Summary;
use crate::plan::settings::Setting;
use crate::results::rows::{Row, Status};
use crate::sweep::record::{Recorder, reused_note, write_log};
use crate::util::files::remove_file;
use crate::util::units::thousands;

impl Measurer<'_> {
    /// Whether run `index` gets an instruction count: asked for, or by default where Valgrind
    /// is installed.
    pub(super) fn counts_instructions(&self, index: usize) -> bool {
        match self.sweep.runs[index].spec.instructions {
            Some(wanted) => wanted,
            None => self.valgrind.is_found(),
        }
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
        let mut row = Row {
            measurement: Some(instructions::measurement_name(&spec.name)),
            unit: Some(instructions::UNIT.to_owned()),
            panic_effective: built.panic_effective.map(|p| Setting::Panic(p).to_string()),
            note: None,
            ..built.size_row.clone()
        };
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
        let counted = self.counted.get_or_measure(
            (sha256.clone(), index),
            &built.variant.id,
            &mut self.child_seconds,
            || {
                // The log goes into the sweep's own directory (criterion's sits beside it), not
                // the system's temporary one: a killed sweep leaves nothing behind in /tmp.
                let log = self.criterion_dir.with_file_name("cachegrind.log");
                let out = per_function.as_deref();
                instructions::count(executable, spec, input, library_path, &log, out)
            },
        )?;
        let Some((measured_as, outcome)) = counted else { return Ok(String::new()) };
        row.measured_as = measured_as.clone();
        let summary = match outcome {
            CountOutcome::Counted(counts) => {
                row.fill_timing(&Summary::exact(counts.instructions as f64));
                row.note = measured_as.as_ref().map(|twin| reused_note(twin));
                let mut cycles = Row {
                    measurement: Some(instructions::cycles_measurement_name(&spec.name)),
                    unit: Some(instructions::CYCLES_UNIT.to_owned()),
                    ..row.clone()
                };
                cycles.fill_timing(&Summary::exact(counts.estimated_cycles as f64));
                recorder.save(cycles)?;
                let hot = match self.sweep.runs[index].hot_crates {
                    true => {
                        // Only a count run now (not one reused from a twin) wrote the file.
                        let written = per_function.as_deref().filter(|_| measured_as.is_none());
                        self.record_hot(built, index, recorder, written)?
                    }
                    false => String::new(),
                };
                format!(
                    "; {} instructions, {} estimated cycles{hot}",
                    thousands(counts.instructions),
                    thousands(counts.estimated_cycles)
                )
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

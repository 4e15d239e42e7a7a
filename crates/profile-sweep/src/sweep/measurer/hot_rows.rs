//! `hot.csv` rows of a counted run: the run again under Cachegrind, on an executable of the
//! variant's code with symbols, its per-function counts summed per crate.

use std::path::Path;

use super::{BuiltVariant, Measurer};
use crate::measure::hot::{self, HotRow};
use crate::measure::instructions::{self, CountOutcome};
use crate::sweep::record::Recorder;
use crate::util::files::remove_file;
use crate::util::units::thousands;

impl Measurer<'_> {
    /// Writes the `hot.csv` rows of run `index`: from `counted`, the per-function file the
    /// count's own run wrote (the executable had its symbols), else from one more run under
    /// Cachegrind on the variant's executable with symbols. Returns a summary fragment (why
    /// there are none, if there are none).
    pub(super) fn record_hot(
        &mut self,
        built: &BuiltVariant,
        index: usize,
        recorder: &mut Recorder<'_>,
        counted: Option<&Path>,
    ) -> anyhow::Result<String> {
        let spec = &self.sweep.runs[index].spec;
        let Some(symbols) = &built.symbols else {
            return Ok(format!("; no hot.csv for {}: no executable with symbols", spec.name));
        };
        let out = self.criterion_dir.with_file_name("cachegrind-hot.out");
        if counted.is_none() {
            let log = self.criterion_dir.with_file_name("cachegrind-hot.log");
            let (input, library_path) =
                (self.inputs[index].as_deref(), built.library_path.as_deref());
            let executable = &symbols.executable;
            // Per-function instructions are all hot.csv needs: no cache simulation.
            let caches = instructions::Caches::NotSimulated;
            let (outcome, elapsed) = instructions::count(
                executable,
                spec,
                input,
                library_path,
                &log,
                Some(&out),
                caches,
            )?;
            self.child_seconds += elapsed.as_secs_f64();
            if !matches!(outcome, CountOutcome::Counted(_)) {
                remove_file(&out)?;
                return Ok(format!("; no hot.csv for {}: it failed under Valgrind", spec.name));
            }
        }
        let text = std::fs::read_to_string(&out);
        remove_file(&out)?;
        let functions = hot::instructions_per_function(&text?)?;
        let rows: Vec<HotRow> = hot::per_crate(&functions)
            .into_iter()
            .map(|(krate, instructions, functions)| HotRow {
                sweep: self.sweep.name.clone(),
                variant: built.variant.id.clone(),
                run: spec.name.clone(),
                krate,
                instructions,
                functions,
                symbols_from: symbols.from.clone(),
            })
            .collect();
        recorder.save_hot(&built.variant.id, &spec.name, &rows)?;
        let top = hot::hot_set(&rows, hot::HOT_SHARE);
        let names: Vec<&str> = top.iter().map(|r| r.krate.as_str()).collect();
        let total: u64 = rows.iter().map(|r| r.instructions).sum();
        let share = hot::HOT_SHARE * 100.0;
        Ok(format!("; {share:.0}% of {} instructions in {}", thousands(total), names.join(", ")))
    }
}

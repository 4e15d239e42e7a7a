//! The inner loop per variant: touch each file the sweep names and rebuild, `rebuild-repeats`
//! times (and the test build likewise, after one untimed build to warm it), then write one row
//! per file and kind with the interval of its times and the build's peak memory.

use super::{CargoExecutor, Job};
use crate::build::cargo::{BuildOutcome, CargoTarget};
use crate::manifest::{guard, leftovers};
use crate::measure::noise::Load;
use crate::measure::stats;
use crate::plan::measurement::rebuild_name;
use crate::results::rows::{Row, Status};
use crate::sweep::record::to_the_millisecond;
use crate::util::child_output::first_line;
use crate::util::interrupt;

/// One touched file's timed rebuilds of one kind.
pub(super) struct Rebuilt {
    /// The `measurement` column: `rebuild:<file>` or `test-rebuild:<file>`.
    measurement: String,
    /// Wall time of each rebuild, in seconds.
    seconds: Vec<f64>,
    /// The largest peak resident set size of cargo or a rustc across them.
    peak_rss_bytes: Option<u64>,
    /// Why a rebuild failed (the rest were not tried).
    failed: Option<String>,
    /// The machine's CPU times before the first rebuild and after the last: what else ran.
    load: Load,
}

impl Rebuilt {
    /// The mean, to the millisecond: the size row's `rebuild_seconds`.
    pub(super) fn mean_seconds(&self) -> Option<f64> {
        let n = self.seconds.len();
        (n > 0 && self.failed.is_none())
            .then(|| to_the_millisecond(self.seconds.iter().sum::<f64>() / n as f64))
    }
}

impl CargoExecutor<'_> {
    /// Times the edit-compile loop under `job`'s profile: touches each file and runs the same
    /// cargo command again, then the test build if asked. Every file's modification time
    /// is put back after each rebuild, so the user's own builds see no change.
    pub(super) fn time_rebuilds(
        &mut self,
        job: &Job<'_>,
        bin: &str,
        swept: (&str, &[String]),
    ) -> anyhow::Result<Vec<Rebuilt>> {
        let prepared = self.prepared;
        let spec = &prepared.sweep.rebuild;
        let workspace = &prepared.workspace;
        let state_dir = guard::state_dir(&workspace.target_dir, &workspace.root_manifest);
        let mut all = Vec::new();
        for tests in [false, true].into_iter().filter(|tests| !tests || spec.tests) {
            let target = if tests { CargoTarget::Tests } else { CargoTarget::Bin(bin) };
            if tests
                && let BuildOutcome::Failed { errors, .. } = self.cargo(job, target, swept, None)?
            {
                let failed = Some(format!("the test build failed: {}", first_line(&errors)));
                for file in &prepared.target.touched {
                    let measurement = rebuild_name(&file.label, true);
                    all.push(Rebuilt {
                        measurement,
                        seconds: vec![],
                        peak_rss_bytes: None,
                        failed: failed.clone(),
                        load: Load::default(),
                    });
                }
                continue;
            }
            for file in &prepared.target.touched {
                let mut rebuilt = Rebuilt {
                    measurement: rebuild_name(&file.label, tests),
                    seconds: Vec::new(),
                    peak_rss_bytes: None,
                    failed: None,
                    load: Load::new(Load::available_cpus()),
                };
                rebuilt.load.sample();
                for _ in 0..spec.repeats {
                    if interrupt::interrupted() {
                        break;
                    }
                    let outcome = leftovers::touching(&state_dir, &file.path, || {
                        self.cargo(job, target, swept, None)
                    })?;
                    match outcome? {
                        BuildOutcome::Built { seconds, peak_rss_bytes, .. } => {
                            rebuilt.seconds.push(seconds);
                            rebuilt.peak_rss_bytes = rebuilt.peak_rss_bytes.max(peak_rss_bytes);
                        }
                        BuildOutcome::Failed { errors, .. } => {
                            rebuilt.failed =
                                Some(format!("a rebuild failed: {}", first_line(&errors)));
                            break;
                        }
                    }
                }
                rebuilt.load.sample();
                all.push(rebuilt);
            }
        }
        Ok(all)
    }

    /// Writes one row per file and kind of rebuild, beside the variant's size row.
    pub(super) fn record_rebuilds(
        &mut self,
        size_row: &Row,
        rebuilds: Vec<Rebuilt>,
    ) -> anyhow::Result<()> {
        for rebuilt in rebuilds {
            let mut row = Row { measurement: Some(rebuilt.measurement), ..size_row.clone() };
            let nanos: Vec<f64> = rebuilt.seconds.iter().map(|s| s * 1e9).collect();
            match (rebuilt.failed, stats::summarize(&nanos)) {
                (None, Some(summary)) => {
                    row.fill_timing(&summary);
                    row.peak_rss_bytes = rebuilt.peak_rss_bytes;
                    // Not `runnable_max`: the build's own rustc processes are runnable too.
                    row.others_cpus = rebuilt.load.others_cpus();
                    row.note = Some(format!(
                        "{} rebuilds after touching the file; peak_rss_bytes: the largest cargo or rustc process",
                        nanos.len()
                    ));
                }
                (failed, _) => {
                    row.status = Status::RunFailed;
                    row.note =
                        Some(failed.unwrap_or_else(|| "interrupted before two rebuilds".into()));
                }
            }
            self.recorder.save(row)?;
        }
        Ok(())
    }
}

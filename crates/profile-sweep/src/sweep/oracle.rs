//! The search's [`Oracle`] in a real sweep: each variant the search asks for is built and
//! measured by the executor, like any other, and read back from the rows it wrote.

use super::executor::CargoExecutor;
use super::schedule::{Executor, Handled, Produced};
use super::search::{self, Measured, Oracle};
use crate::error::SweepError;
use crate::plan::variants::Variant;
use crate::results::analysis;
use crate::results::rows::{Row, Status};
use crate::util::interrupt;
use crate::util::progress::Progress;

/// Builds and measures the variants a search asks for.
pub struct SweepOracle<'e, 'a> {
    executor: &'e mut CargoExecutor<'a>,
    /// The measurement the search steers by.
    steer_by: String,
    progress: Progress,
    counts: Handled,
}

impl Oracle for SweepOracle<'_, '_> {
    fn measure(&mut self, variant: &Variant) -> anyhow::Result<Option<Measured>> {
        let Some(rows) = self.build(variant, true)? else { return Ok(None) };
        let points = analysis::points(&rows, &self.steer_by);
        Ok(points.first().map(|p| Measured { size: p.size, mean: p.mean_ns }))
    }

    fn measure_size(&mut self, variant: &Variant) -> anyhow::Result<Option<u64>> {
        let Some(rows) = self.build(variant, false)? else { return Ok(None) };
        let built = rows.iter().find(|r| r.measurement.is_none() && r.status == Status::Ok);
        Ok(built.and_then(analysis::shipped_size))
    }
}

impl SweepOracle<'_, '_> {
    /// Builds `variant` (or takes it from the cache), measures it when `measure`, and returns
    /// the rows it wrote; `None` once a signal arrived.
    fn build(&mut self, variant: &Variant, measure: bool) -> anyhow::Result<Option<Vec<Row>>> {
        if interrupt::interrupted() {
            return Ok(None);
        }
        self.progress.start(self.counts.variants, &variant.id);
        let produced = self.executor.produce(variant)?;
        let worked = !matches!(produced, Produced::Cached { .. });
        let summary = match produced {
            Produced::Built { built, mut summary } if measure => {
                summary.push_str(&self.executor.measure(&built)?);
                summary
            }
            Produced::Built { built, mut summary } => {
                summary.push_str(&self.executor.skip_measurements(&built, SIZE_ONLY)?);
                summary
            }
            Produced::Cached { summary } => {
                self.counts.cached += 1;
                summary
            }
            Produced::Finished { summary } => summary,
        };
        self.executor.finish_group()?;
        self.progress.finish_variant(self.counts.variants, &summary, worked);
        self.counts.variants += 1;
        Ok(Some(self.executor.recorder.rows_of(&variant.id)))
    }
}

/// Why a variant built for its size alone has no runtime.
const SIZE_ONLY: &str = "not measured: the same code as another strip value of it, which the \
    search measured (strip changes symbols and debug info, not the code that runs)";

/// Searches the prepared matrix with `executor`, steering by `steer_by`, and prints what it
/// decided; a signal stops it with [`SweepError::Interrupted`] from `interrupted_after`.
pub fn run(
    executor: &mut CargoExecutor<'_>,
    variants: &[Variant],
    base: usize,
    steer_by: &str,
    interrupted_after: impl Fn(usize) -> SweepError,
) -> Result<Handled, SweepError> {
    let budget = search::budget(variants.len());
    eprintln!("searching {} variants, at most {budget}, steering by `{steer_by}`", variants.len());
    let mut oracle = SweepOracle {
        executor,
        steer_by: steer_by.to_owned(),
        progress: Progress::new(budget, "building"),
        counts: Handled::default(),
    };
    let outcome = search::search(variants, base, &mut oracle, budget)?;
    let counts = oracle.counts;
    drop(oracle);
    if interrupt::interrupted() {
        return Err(interrupted_after(counts.variants));
    }
    for decision in &outcome.decisions {
        eprintln!("search: {decision}");
    }
    Ok(counts)
}

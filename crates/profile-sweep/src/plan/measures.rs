//! What to measure on each built variant, as the sweep file asked: whole-binary runs
//! (`[[run]]`) and criterion bench targets (`[[bench]]`). The measuring modules take these.

use std::path::PathBuf;
use std::time::Duration;

/// How to run the executable: a validated `[[run]]` of a sweep file.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSpec {
    /// The measurement's name, written to the `measurement` column.
    pub name: String,
    /// Arguments after the program name; never passed through a shell.
    pub args: Vec<String>,
    /// Working directory of each run.
    pub cwd: PathBuf,
    /// Untimed runs before the timed ones.
    pub warmup: u32,
    /// Timed runs (at least 2).
    pub runs: u32,
    /// A run taking longer is killed and the measurement fails.
    pub timeout: Duration,
}

/// A validated `[[bench]]` of a sweep file: which bench target to run and how long.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionSpec {
    /// The package holding the bench target.
    pub package: String,
    /// The bench target (`cargo bench --bench NAME`).
    pub bench: String,
    /// Criterion's benchmark filter (a regular expression); `None` runs every benchmark.
    pub filter: Option<String>,
    /// `--warm-up-time`.
    pub warm_up: Duration,
    /// `--measurement-time`.
    pub measurement: Duration,
    /// `--sample-size` (criterion's minimum is 10).
    pub sample_size: u32,
    /// A run taking longer is killed and the measurement fails.
    pub timeout: Duration,
}

impl CriterionSpec {
    /// The `measurement` column of a row for `benchmark` (criterion's full id), or for the
    /// whole bench target when it has no benchmark to name (it failed).
    pub fn measurement_name(&self, benchmark: Option<&str>) -> String {
        format!("criterion:{}", benchmark.unwrap_or(&self.bench))
    }
}

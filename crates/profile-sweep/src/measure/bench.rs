//! Bench targets per variant, whatever their harness: what a run of one gave
//! ([`BenchOutcome`], one [`Estimate`] per benchmark), and the harnesses without an interval of
//! their own (divan, libtest) run several times, the interval coming from the per-process
//! results. Each harness's own format lives in its module: [`criterion`], [`divan`],
//! [`gungraun`], [`libtest`].
//!
//! [`criterion`]: crate::measure::criterion
//! [`divan`]: crate::measure::divan
//! [`gungraun`]: crate::measure::gungraun
//! [`libtest`]: crate::measure::libtest

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::Result;

use crate::measure::noise::Load;
use crate::measure::runtime::{self, Exit, Stdout};
use crate::measure::stats::{self, Summary};
use crate::measure::{criterion, divan, gungraun, libtest};
use crate::plan::measurement::Harness;
use crate::plan::measures::BenchSpec;
use crate::util::units::Unit;

/// One benchmark's result, per iteration (nanoseconds) or per call (a count).
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The harness's id of the benchmark, e.g. `json2csv/convert`.
    pub id: String,
    /// What the numbers count.
    pub unit: Unit,
    /// Mean, its interval, spread and sample count.
    pub summary: Summary,
    /// How the interval was made, when a reader must know (`interval across 5 runs of the
    /// bench`); `None` for the harness's own.
    pub how: Option<String>,
}

/// What running a bench executable gave.
#[derive(Debug, Clone, PartialEq)]
pub enum BenchOutcome {
    /// The harness ran and reported at least one benchmark; one estimate each, sorted by id.
    Measured {
        /// One estimate per benchmark (and unit).
        estimates: Vec<Estimate>,
        /// How busy the machine was before and after the run.
        load: Load,
    },
    /// The process failed, timed out, or measured nothing.
    Failed {
        /// Why.
        reason: String,
        /// The first lines of its stderr.
        stderr: String,
    },
    /// A tool the harness needs is not installed (gungraun's runner, Valgrind).
    Missing {
        /// What is missing and the command that installs it.
        why: String,
    },
}

/// Where and how a bench executable runs.
pub struct BenchRun<'a> {
    /// The executable `cargo bench --no-run` built.
    pub executable: &'a Path,
    /// The `[[bench]]` it comes from.
    pub spec: &'a BenchSpec,
    /// Its package's directory (cargo runs benches from there).
    pub package_dir: &'a Path,
    /// A directory of this variant's own for the harness's files (emptied first).
    pub home: &'a Path,
    /// `LD_LIBRARY_PATH`, if the executable needs one.
    pub library_path: Option<&'a Path>,
}

/// Runs a bench target written with `harness`; also returns the wall time of its processes.
pub fn run(harness: Harness, bench: &BenchRun<'_>) -> Result<(BenchOutcome, Duration)> {
    match harness {
        Harness::Criterion => criterion::run(bench),
        Harness::Divan => repeated(bench, &divan::arguments(bench.spec), divan::parse),
        Harness::Libtest => repeated(bench, &libtest::arguments(bench.spec), libtest::parse),
        Harness::Gungraun => gungraun::run(bench),
    }
}

/// The bench executable as cargo would run it: from its package's directory, with cargo's
/// package variables and `args`.
pub(super) fn command(bench: &BenchRun<'_>, args: &[String]) -> Command {
    let mut command = Command::new(bench.executable);
    command.args(args).current_dir(bench.package_dir);
    command.env("CARGO_PKG_NAME", &bench.spec.package);
    command.env("CARGO_MANIFEST_DIR", bench.package_dir);
    runtime::set_library_path(&mut command, bench.library_path);
    command
}

/// One benchmark as one process reported it, per iteration, in nanoseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Reported {
    /// The benchmark's id.
    pub id: String,
    /// The process's central value: divan's mean, libtest's median.
    pub value: f64,
    /// Its fastest sample (libtest: the median again).
    pub fastest: f64,
    /// Its slowest sample.
    pub slowest: f64,
}

/// Runs the bench `spec.repeats` times with `args`, parses each stdout with `parse`, and makes
/// one estimate per benchmark from the per-process values (Student's t over the processes).
fn repeated(
    bench: &BenchRun<'_>,
    args: &[String],
    parse: fn(&str) -> Result<Vec<Reported>>,
) -> Result<(BenchOutcome, Duration)> {
    let mut load = Load::new(Load::available_cpus());
    load.sample();
    let (mut reports, mut elapsed) = (Vec::new(), Duration::ZERO);
    for _ in 0..bench.spec.repeats {
        let mut command = command(bench, args);
        let exit = runtime::run_to_exit(&mut command, None, bench.spec.timeout, Stdout::Keep)?;
        elapsed += exit.elapsed;
        if exit.exit != Exit::Success {
            let reason = exit.exit.to_string();
            return Ok((BenchOutcome::Failed { reason, stderr: exit.stderr }, elapsed));
        }
        match parse(exit.stdout.as_deref().unwrap_or_default()) {
            Ok(reported) => reports.push(reported),
            Err(error) => {
                let reason = format!("{error:#}");
                return Ok((BenchOutcome::Failed { reason, stderr: exit.stderr }, elapsed));
            }
        }
        if crate::util::interrupt::interrupted() {
            break;
        }
    }
    load.sample();
    let estimates = combine(&reports);
    if estimates.is_empty() {
        let reason = match &bench.spec.filter {
            Some(filter) => format!("no benchmark matched the filter {filter:?}"),
            None => "the bench reported no benchmark in two runs or more".to_owned(),
        };
        return Ok((BenchOutcome::Failed { reason, stderr: String::new() }, elapsed));
    }
    Ok((BenchOutcome::Measured { estimates, load }, elapsed))
}

/// One estimate per benchmark that at least two processes reported, sorted by id: the mean
/// and interval of the per-process values, the fastest and slowest of all their samples.
pub fn combine(reports: &[Vec<Reported>]) -> Vec<Estimate> {
    let mut ids: Vec<&str> = reports.iter().flatten().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .filter_map(|id| {
            let of: Vec<&Reported> = reports.iter().flatten().filter(|r| r.id == id).collect();
            let values: Vec<f64> = of.iter().map(|r| r.value).collect();
            let mut summary = stats::summarize(&values)?;
            summary.min = of.iter().map(|r| r.fastest).fold(f64::INFINITY, f64::min);
            summary.max = of.iter().map(|r| r.slowest).fold(f64::NEG_INFINITY, f64::max);
            Some(Estimate {
                id: id.to_owned(),
                unit: Unit::Nanoseconds,
                summary,
                how: Some(format!("interval across {} runs of the bench", values.len())),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reported(id: &str, value: f64) -> Reported {
        Reported { id: id.into(), value, fastest: value * 0.9, slowest: value * 1.5 }
    }

    #[test]
    fn repeated_processes_give_a_t_interval_per_benchmark() {
        let reports = vec![
            vec![reported("t/a", 100.0), reported("t/b", 10.0)],
            vec![reported("t/a", 110.0), reported("t/b", 10.0)],
            vec![reported("t/a", 90.0)],
        ];
        let estimates = combine(&reports);
        let [a, b] = &estimates[..] else { panic!("{estimates:?}") };
        assert_eq!((a.id.as_str(), a.summary.samples, a.summary.mean), ("t/a", 3, 100.0));
        // t(2) = 4.303, sd = 10, n = 3: half width 24.84.
        assert!((a.summary.ci_high - 124.84).abs() < 0.01, "{:?}", a.summary);
        assert_eq!((a.summary.min, a.summary.max), (81.0, 165.0));
        assert_eq!(a.how.as_deref(), Some("interval across 3 runs of the bench"));
        assert_eq!((b.summary.samples, b.summary.ci_low, b.summary.ci_high), (2, 10.0, 10.0));
        assert!(combine(&[vec![reported("once", 1.0)]]).is_empty(), "one process is no interval");
    }
}

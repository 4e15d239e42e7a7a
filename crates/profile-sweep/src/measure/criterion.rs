//! Criterion benchmarks per variant: run a bench executable that cargo built under the variant's
//! profile, with a `CRITERION_HOME` of that variant's own, and read what criterion wrote there.
//!
//! Criterion calls its output format private, so this is the only module that reads it:
//! `<home>/<benchmark>/new/benchmark.json` names the benchmark, `estimates.json` holds the
//! mean with its 95% confidence interval (ns per iteration), and `sample.json` the raw samples.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::measure::bench::{self, BenchOutcome, BenchRun, Estimate};
use crate::measure::noise::Load;
use crate::measure::runtime::{self, Exit};
use crate::measure::stats::Summary;
use crate::util::files::remove_dir;
use crate::util::units::Unit;

/// Runs a criterion bench (built by `cargo bench --no-run`) the way `cargo bench` would,
/// writing criterion's files to its home (emptied first). Also returns the wall time of the
/// bench process.
pub fn run(bench: &BenchRun<'_>) -> Result<(BenchOutcome, Duration)> {
    let (home, spec) = (bench.home, bench.spec);
    remove_dir(home)?;
    std::fs::create_dir_all(home).with_context(|| format!("cannot create {}", home.display()))?;
    let mut args: Vec<String> = vec!["--bench".into(), "--noplot".into()];
    args.extend(["--warm-up-time".into(), seconds_arg(spec.warm_up)]);
    args.extend(["--measurement-time".into(), seconds_arg(spec.measurement)]);
    args.extend(["--sample-size".into(), spec.sample_size.to_string()]);
    args.extend(spec.filter.clone());
    let mut command = bench::command(bench, &args);
    command.env("CRITERION_HOME", home);
    let mut load = Load::new(Load::available_cpus());
    load.sample();
    let exit = runtime::run_to_exit(&mut command, None, spec.timeout, runtime::Stdout::Discard)?;
    load.sample();
    let outcome = match exit.exit {
        Exit::Success => match read_estimates(home)? {
            estimates if estimates.is_empty() => BenchOutcome::Failed {
                reason: match &spec.filter {
                    Some(filter) => format!("no benchmark matched the filter {filter:?}"),
                    None => "the bench wrote no criterion estimates (is it a criterion bench with harness = false?)".to_owned(),
                },
                stderr: exit.stderr,
            },
            estimates => BenchOutcome::Measured { estimates, load },
        },
        failed => BenchOutcome::Failed { reason: failed.to_string(), stderr: exit.stderr },
    };
    Ok((outcome, exit.elapsed))
}

/// Criterion's duration arguments are whole or fractional seconds.
fn seconds_arg(duration: Duration) -> String {
    format!("{}", duration.as_secs_f64())
}

/// Reads every benchmark criterion wrote under `home`, sorted by id.
pub fn read_estimates(home: &Path) -> Result<Vec<Estimate>> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(home).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot list {}", home.display()))?;
        let new = entry.path();
        if entry.file_type().is_dir()
            && new.file_name().is_some_and(|n| n == "new")
            && new.join("estimates.json").is_file()
        {
            found.push(read_benchmark(new)?);
        }
    }
    found.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(found)
}

/// The subset of criterion's files this tool reads.
mod format {
    use super::Deserialize;

    #[derive(Deserialize)]
    pub struct Benchmark {
        pub full_id: String,
    }

    #[derive(Deserialize)]
    pub struct Estimates {
        pub mean: PointEstimate,
        pub median: PointEstimate,
        pub std_dev: PointEstimate,
    }

    #[derive(Deserialize)]
    pub struct PointEstimate {
        pub point_estimate: f64,
        pub confidence_interval: Interval,
    }

    #[derive(Deserialize)]
    pub struct Interval {
        pub confidence_level: f64,
        pub lower_bound: f64,
        pub upper_bound: f64,
    }

    #[derive(Deserialize)]
    pub struct Sample {
        pub iters: Vec<f64>,
        pub times: Vec<f64>,
    }
}

/// Reads one benchmark's `new/` directory.
fn read_benchmark(new: &Path) -> Result<Estimate> {
    fn json<T: serde::de::DeserializeOwned>(path: PathBuf) -> Result<T> {
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_slice(&bytes).with_context(|| {
            format!("{} is not in the format criterion 0.5 to 0.8 writes", path.display())
        })
    }
    let benchmark: format::Benchmark = json(new.join("benchmark.json"))?;
    let estimates: format::Estimates = json(new.join("estimates.json"))?;
    let sample: format::Sample = json(new.join("sample.json"))?;
    let per_iteration: Vec<f64> =
        sample.times.iter().zip(&sample.iters).map(|(time, iters)| time / iters).collect();
    let mean = estimates.mean;
    let level = mean.confidence_interval.confidence_level;
    Ok(Estimate {
        id: benchmark.full_id,
        unit: Unit::Nanoseconds,
        summary: Summary {
            samples: per_iteration.len(),
            mean: mean.point_estimate,
            median: estimates.median.point_estimate,
            min: per_iteration.iter().copied().fold(f64::INFINITY, f64::min),
            max: per_iteration.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            std_dev: estimates.std_dev.point_estimate,
            ci_low: mean.confidence_interval.lower_bound,
            ci_high: mean.confidence_interval.upper_bound,
        },
        // The columns say 95%; a bench that changed criterion's level says so.
        how: (level != 0.95)
            .then(|| format!("criterion's interval is {:.0}%, not 95%", level * 100.0)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::measurement::Harness;
    use crate::plan::measures::BenchSpec;

    fn fixture_home() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/criterion-home")
    }

    #[test]
    fn reads_the_files_criterion_0_8_writes() {
        // Written by the demo bench under criterion 0.8.0 (crates/profile-sweep/tests/fixtures).
        let estimates = read_estimates(&fixture_home()).unwrap();
        assert_eq!(estimates.len(), 1);
        let e = &estimates[0];
        assert_eq!(e.id, "json2csv/convert");
        let s = &e.summary;
        assert_eq!(s.mean, 6346499.206);
        assert_eq!((s.ci_low, s.ci_high), (6286988.381849999, 6427545.949799997));
        assert_eq!(e.how, None, "a 95% interval, as the columns say");
        assert_eq!(s.median, 6259245.5);
        assert_eq!(s.std_dev, 366864.5083110837);
        assert_eq!(s.samples, 100);
        assert_eq!((s.min, s.max), (6199339.8, 9284208.6));
    }

    #[test]
    fn an_empty_home_has_no_estimates_and_a_broken_file_is_an_error() {
        let home = tempfile::tempdir().unwrap();
        assert_eq!(read_estimates(home.path()).unwrap(), vec![]);
        let new = home.path().join("g/f/new");
        std::fs::create_dir_all(&new).unwrap();
        std::fs::write(new.join("estimates.json"), "{\"mean\": 1}").unwrap();
        std::fs::write(new.join("benchmark.json"), "{\"full_id\": \"g/f\"}").unwrap();
        let error = read_estimates(home.path()).unwrap_err();
        assert!(format!("{error:#}").contains("not in the format"), "{error:#}");
    }

    #[test]
    fn measurement_names_say_they_come_from_criterion() {
        let spec = BenchSpec {
            package: "p".into(),
            bench: "b".into(),
            harness: None,
            filter: None,
            warm_up: Duration::from_secs(1),
            measurement: Duration::from_secs(1),
            sample_size: 10,
            repeats: 5,
            timeout: Duration::from_secs(60),
        };
        let name = |id| spec.measurement_name(Harness::Criterion, id, Unit::Nanoseconds);
        assert_eq!(name(Some("g/f")), "criterion:g/f");
        assert_eq!(name(None), "criterion:b");
    }
}

//! gungraun (formerly iai-callgrind) benchmarks: exact instruction counts and estimated cycles
//! per benchmark, under Valgrind's Callgrind. The bench runs once (a count does not move with
//! load) with `--output-format=json`, one summary object per benchmark on stdout, and its files
//! in a home of the variant's own (`--home`), so no earlier run becomes the baseline.
//!
//! Read from each summary: `module_path` and `id` (the id), and the Callgrind profile's total
//! `Ir` and `EstimatedCycles` (`values.new`). Tested with gungraun 0.20.0, whose summary
//! schema is version 7; older schemas (iai-callgrind) are refused with their version named.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::host::tool::Tool;
use crate::measure::bench::{self, BenchOutcome, BenchRun, Estimate};
use crate::measure::instructions;
use crate::measure::noise::Load;
use crate::measure::runtime::{self, Exit, Stdout};
use crate::measure::stats::Summary;
use crate::util::files::remove_dir;
use crate::util::units::Unit;

/// The runner every gungraun bench hands its work to: `GUNGRAUN_RUNNER`, or
/// `gungraun-runner` on `PATH`.
pub fn runner() -> Tool<PathBuf> {
    if let Some(path) = std::env::var_os("GUNGRAUN_RUNNER") {
        return Tool::Found(PathBuf::from(path));
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths).map(|d| d.join("gungraun-runner")).find(|p| p.is_file())
    });
    match on_path {
        Some(path) => Tool::Found(path),
        None => Tool::missing(
            "gungraun-runner is not installed",
            "cargo install gungraun-runner --version <gungraun's version in Cargo.lock>",
        ),
    }
}

/// Runs a gungraun bench once and reads its counts; `Missing` without Valgrind or the runner.
pub fn run(bench: &BenchRun<'_>) -> Result<(BenchOutcome, Duration)> {
    let runner = match (instructions::valgrind().why_missing().cloned(), runner()) {
        (Some(missing), _) | (None, Tool::Missing(missing)) => {
            return Ok((BenchOutcome::Missing { why: missing.to_string() }, Duration::ZERO));
        }
        (None, Tool::Found(runner)) => runner,
    };
    remove_dir(bench.home)?;
    let home = bench.home;
    std::fs::create_dir_all(home).with_context(|| format!("cannot create {}", home.display()))?;
    let mut args = vec![
        "--bench".to_owned(),
        "--output-format=json".to_owned(),
        format!("--home={}", home.display()),
    ];
    args.extend(bench.spec.filter.clone());
    let mut command = bench::command(bench, &args);
    command.env("GUNGRAUN_RUNNER", &runner);
    let mut load = Load::new(Load::available_cpus());
    load.sample();
    let exit = runtime::run_to_exit(&mut command, None, bench.spec.timeout, Stdout::Keep)?;
    load.sample();
    let outcome = match exit.exit {
        Exit::Success => match parse(exit.stdout.as_deref().unwrap_or_default()) {
            Ok(estimates) if estimates.is_empty() => BenchOutcome::Failed {
                reason: "the bench printed no gungraun summary (is it a gungraun bench?)".into(),
                stderr: exit.stderr,
            },
            Ok(estimates) => BenchOutcome::Measured { estimates, load },
            Err(error) => {
                BenchOutcome::Failed { reason: format!("{error:#}"), stderr: exit.stderr }
            }
        },
        failed => BenchOutcome::Failed { reason: failed.to_string(), stderr: exit.stderr },
    };
    Ok((outcome, exit.elapsed))
}

/// The subset of gungraun's summary this module reads.
mod format {
    use std::collections::BTreeMap;

    use super::Deserialize;

    #[derive(Deserialize)]
    pub struct BenchSummary {
        pub module_path: String,
        pub id: Option<String>,
        pub profiles: Vec<Profile>,
    }

    #[derive(Deserialize)]
    pub struct Profile {
        pub tool: String,
        pub data: Data,
    }

    #[derive(Deserialize)]
    pub struct Data {
        pub total: Total,
    }

    #[derive(Deserialize)]
    pub struct Total {
        pub metrics: BTreeMap<String, Metric>,
    }

    #[derive(Deserialize)]
    pub struct Metric {
        pub values: Values,
    }

    #[derive(Deserialize)]
    pub struct Values {
        pub new: serde_json::Value,
    }
}

/// The schema versions of gungraun's summary this module reads.
const SCHEMAS: [&str; 2] = ["6", "7"];

/// Two estimates per benchmark in gungraun's JSON lines: instructions (`Ir`) and estimated
/// cycles, both exact; ids `module::path.id`, sorted.
pub fn parse(stdout: &str) -> Result<Vec<Estimate>> {
    let mut found = Vec::new();
    for (number, line) in stdout.lines().enumerate().filter(|(_, l)| l.starts_with('{')) {
        let context = || format!("gungraun's output, line {}, is not a summary", number + 1);
        let version: serde_json::Value = serde_json::from_str(line).with_context(context)?;
        let version = version.get("version").and_then(|v| v.as_str()).unwrap_or("none");
        if !SCHEMAS.contains(&version) {
            bail!(
                "gungraun's summary has schema version {version}; this tool reads {} (gungraun 0.16 or newer)",
                SCHEMAS.join(" and ")
            );
        }
        let summary: format::BenchSummary = serde_json::from_str(line).with_context(context)?;
        let id = match &summary.id {
            Some(id) => format!("{}.{id}", summary.module_path),
            None => summary.module_path.clone(),
        };
        let Some(callgrind) = summary.profiles.iter().find(|p| p.tool == "Callgrind") else {
            bail!("gungraun's summary of {id} has no Callgrind profile");
        };
        let metrics = &callgrind.data.total.metrics;
        for (metric, unit) in [("Ir", Unit::Instructions), ("EstimatedCycles", Unit::Cycles)] {
            let value = metrics.get(metric).and_then(|m| m.values.new.as_u64());
            match (value, unit) {
                (Some(count), _) => found.push(Estimate {
                    id: id.clone(),
                    unit,
                    summary: Summary::exact(count as f64),
                    how: None,
                }),
                (None, Unit::Instructions) => bail!("gungraun's summary of {id} has no Ir count"),
                // Without the cache simulation there are no estimated cycles.
                (None, _) => {}
            }
        }
    }
    found.sort_by(|a, b| (&a.id, a.unit.noun()).cmp(&(&b.id, b.unit.noun())));
    Ok(found)
}

/// Where this module's test data lives.
#[cfg(test)]
fn fixture(name: &str) -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gungraun").join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_instructions_and_estimated_cycles_from_gungraun_0_20() {
        // Printed by tests/fixtures/gungraun/counted.rs.txt under gungraun 0.20.0.
        let text = std::fs::read_to_string(fixture("counted-0.20.0.jsonl")).unwrap();
        let estimates = parse(&text).unwrap();
        let of = |id: &str, unit: Unit| {
            estimates.iter().find(|e| e.id == id && e.unit == unit).map(|e| e.summary.mean)
        };
        assert_eq!(estimates.len(), 6);
        assert_eq!(of("counted::fibs::bench_fib.short", Unit::Instructions), Some(1692.0));
        assert_eq!(of("counted::fibs::bench_fib.short", Unit::Cycles), Some(2388.0));
        assert_eq!(of("counted::fibs::bench_fib.long", Unit::Instructions), Some(207_975.0));
        assert_eq!(of("counted::fibs::sum", Unit::Instructions), Some(16.0));
        assert!(estimates.iter().all(|e| e.summary.ci_low == e.summary.ci_high));
    }

    #[test]
    fn an_old_schema_or_a_broken_line_is_refused_with_what_is_wrong() {
        let old = "{\"version\":\"3\",\"module_path\":\"a\",\"profiles\":[]}\n";
        let error = format!("{:#}", parse(old).unwrap_err());
        assert!(error.contains("schema version 3"), "{error}");
        let error = format!("{:#}", parse("{\"version\":\"7\"}\n").unwrap_err());
        assert!(error.contains("line 1"), "{error}");
        assert_eq!(parse("gungraun: some text\n").unwrap(), vec![]);
    }
}

//! What to measure on each built variant, as the sweep file asked: whole-binary runs
//! (`[[run]]`) and bench targets (`[[bench]]`: criterion, divan, gungraun or libtest). The
//! measuring modules take these.

use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::Spanned;

use crate::error::InputError;
use crate::plan::measurement::Harness;
use crate::plan::raw;
use crate::util::units::Unit;

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
    /// Hash the first run's stdout, so variants that print something else are caught.
    pub check_output: bool,
    /// Count instructions under Cachegrind: `Some(true)` asked for (every variant),
    /// `Some(false)` refused, `None` where Valgrind is installed and the count can decide.
    pub instructions: Option<bool>,
    /// Measure again, up to this many times, while the timing is noisy.
    pub remeasure_noisy: u32,
    /// With interleaved rounds: how long to keep timing, after the first rounds, the variants
    /// whose paired ratio cannot yet tell where they stand (zero: no extra rounds).
    pub retime: Duration,
}

/// A validated `[[bench]]` of a sweep file: which bench target to run and how long.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchSpec {
    /// The package holding the bench target.
    pub package: String,
    /// The bench target (`cargo bench --bench NAME`).
    pub bench: String,
    /// The harness it is written with, when the sweep file says (`harness`); otherwise the
    /// workspace tells (the bench crate its package depends on, or libtest).
    pub harness: Option<Harness>,
    /// The harness's benchmark filter (criterion: a regular expression; divan and libtest: a
    /// substring; gungraun: passed as its `--filter`); `None` runs every benchmark.
    pub filter: Option<String>,
    /// `--warm-up-time`.
    pub warm_up: Duration,
    /// `--measurement-time`.
    pub measurement: Duration,
    /// `--sample-size` (criterion's minimum is 10); divan's `--sample-count`.
    pub sample_size: u32,
    /// How many times a divan or libtest bench runs: neither gives an interval, so the
    /// interval comes from the per-process results (at least 2).
    pub repeats: u32,
    /// A run taking longer is killed and the measurement fails.
    pub timeout: Duration,
}

impl BenchSpec {
    /// The `measurement` column of a row for `benchmark` (the harness's id) in `unit`, or for
    /// the whole bench target when it has no benchmark to name (it failed).
    pub fn measurement_name(
        &self,
        harness: Harness,
        benchmark: Option<&str>,
        unit: Unit,
    ) -> String {
        harness.measurement_name(benchmark.unwrap_or(&self.bench), unit)
    }
}

/// A validated `[[bench]]`: a bench target and where its package was named.
#[derive(Debug, Clone, PartialEq)]
pub struct Bench {
    /// Package, target, harness, filter and the harness's timing options.
    pub spec: BenchSpec,
    /// Where the package was written (the `package` key, or the bench table when it is the
    /// sweep's own package), for errors that need the workspace.
    pub package_offset: usize,
    /// Where the bench target was named.
    pub bench_offset: usize,
}

/// How many times a divan or libtest bench runs unless the sweep file says (`repeats`).
pub const DEFAULT_REPEATS: u32 = 5;

/// A validated `[[run]]`: how to run the built executable, and what to feed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Name, argv, working directory, counts and timeout.
    pub spec: RunSpec,
    /// What goes to its stdin; `None` is no input.
    pub stdin: Option<RunInput>,
    /// A `[[run]]` that also trains PGO and BOLT variants (`train = true`).
    pub train: bool,
    /// Where the run spends its instructions, per crate, goes into `hot.csv`
    /// (`hot-crates = true`): one more run under Cachegrind per stripped variant.
    pub hot_crates: bool,
}

impl Run {
    /// The run's name with its arguments and input, as the `trained_on` column says them:
    /// `train-wide (json-lines-wide, 20000 records, seed 7)`.
    pub fn describe(&self) -> String {
        let input = match &self.stdin {
            None => "no stdin".to_owned(),
            Some(RunInput::File(path)) => format!("stdin {}", path.display()),
            Some(RunInput::JsonRecords { records, seed }) => {
                format!("json-records, {records} records, seed {seed}")
            }
            Some(RunInput::JsonLinesWide { records, seed }) => {
                format!("json-lines-wide, {records} records, seed {seed}")
            }
        };
        let args = match self.spec.args.is_empty() {
            true => String::new(),
            false => format!(", args {}", self.spec.args.join(" ")),
        };
        format!("{} ({input}{args})", self.spec.name)
    }

    /// Whether `other` runs the same command on the same input: a workload that trains and is
    /// measured flatters the profile-guided builds.
    pub fn same_workload(&self, other: &Run) -> bool {
        (&self.spec.args, &self.spec.cwd, &self.stdin)
            == (&other.spec.args, &other.spec.cwd, &other.stdin)
    }
}

/// The stdin of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunInput {
    /// An existing file.
    File(PathBuf),
    /// JSON records generated by [`demo_input::json_records`] from a seed, at sweep time.
    JsonRecords {
        /// How many records.
        records: usize,
        /// The generator's seed.
        seed: u64,
    },
    /// JSON Lines of wide log events generated by [`demo_input::json_lines_wide`].
    JsonLinesWide {
        /// How many lines.
        records: usize,
        /// The generator's seed.
        seed: u64,
    },
}

/// Which table a run comes from: they differ in their counts' defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Table {
    /// `[[run]]`: measured, 2 warm-ups and 10 timed runs unless told.
    Run,
    /// `[[train]]`: run by PGO and BOLT builds, once unless told, never timed.
    Train,
}

impl Table {
    /// The table's name as a sweep file spells it.
    pub(super) fn name(self) -> &'static str {
        match self {
            Table::Run => "[[run]]",
            Table::Train => "[[train]]",
        }
    }
}

/// The most records a generated stdin may have: it is generated into memory (measured: 88 MB
/// per million json-records, 247 MB per million json-lines-wide; so at most about 1.2 GB).
const MAX_RECORDS: i64 = 5_000_000;

/// Checks a `[[run]]` or `[[train]]` table; paths are relative to `base_dir`, the sweep file's
/// directory.
pub(super) fn validate_run(
    run: raw::RawRun,
    table: Table,
    base_dir: &Path,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<Run, InputError> {
    let name = run.name.get_ref();
    if table == Table::Train && run.train.is_some() {
        return Err(at(run.name.span().start, "`train` is a key of [[run]] tables".into())
            .with_fix("drop it: a [[train]] table is a training workload already"));
    }
    if run.hot_crates == Some(true) && run.instructions == Some(false) {
        return Err(at(run.name.span().start, format!("run {name:?} has hot-crates = true and instructions = false"))
            .with_fix("hot-crates counts instructions per crate under Cachegrind: drop instructions = false, or hot-crates"));
    }
    if !is_safe_name(name) {
        return Err(at(run.name.span().start, format!("run name {name:?} is not a plain name"))
            .with_fix("use letters, digits, '-' and '_' only"));
    }
    let count = |value: Option<Spanned<i64>>,
                 default: i64,
                 min: i64,
                 key: &str|
     -> Result<u32, InputError> {
        match value {
            None => Ok(default as u32),
            Some(v) if (min..=100_000).contains(v.get_ref()) => Ok(*v.get_ref() as u32),
            Some(v) => Err(at(v.span().start, format!("invalid {key} {}", v.get_ref()))
                .with_fix(format!("{key} takes an integer from {min} to 100000"))),
        }
    };
    let (warmup, runs) = match table {
        Table::Run => (count(run.warmup, 2, 0, "warmup")?, count(run.runs, 10, 2, "runs")?),
        Table::Train => (count(run.warmup, 0, 0, "warmup")?, count(run.runs, 1, 1, "runs")?),
    };
    let remeasure_noisy = count(run.remeasure_noisy, 0, 0, "remeasure-noisy")?;
    if let Some(arg) = run.args.iter().find(|a| a.get_ref().contains('\0')) {
        return Err(at(
            arg.span().start,
            "an argument holds a NUL byte, which no program can be passed".into(),
        )
        .with_fix("remove the \\u0000 from the argument"));
    }
    let timeout = match run.timeout_seconds {
        None => 60.0,
        Some(t) if *t.get_ref() > 0.0 && t.get_ref().is_finite() => *t.get_ref(),
        Some(t) => {
            return Err(at(t.span().start, format!("invalid timeout-seconds {}", t.get_ref()))
                .with_fix("timeout-seconds takes a positive number"));
        }
    };
    let retime = match run.retime_seconds {
        None => 0.0,
        Some(t) if *t.get_ref() >= 0.0 && *t.get_ref() <= 86_400.0 => *t.get_ref(),
        Some(t) => {
            return Err(at(t.span().start, format!("invalid retime-seconds {}", t.get_ref()))
                .with_fix("retime-seconds takes a number of seconds from 0 to 86400"));
        }
    };
    let cwd = match run.cwd {
        None => base_dir.to_owned(),
        Some(dir) => {
            let resolved = base_dir.join(dir.get_ref());
            if !resolved.is_dir() {
                return Err(at(
                    dir.span().start,
                    format!("cwd {} is not a directory", resolved.display()),
                )
                .with_fix("cwd is relative to the sweep file's directory"));
            }
            resolved
        }
    };
    let stdin = validate_stdin(run.stdin, base_dir, at)?;
    Ok(Run {
        spec: RunSpec {
            name: name.clone(),
            args: run.args.into_iter().map(Spanned::into_inner).collect(),
            cwd,
            warmup,
            runs,
            timeout: Duration::from_secs_f64(timeout),
            check_output: run.check_output.unwrap_or(true),
            instructions: run.instructions,
            remeasure_noisy,
            retime: Duration::from_secs_f64(retime),
        },
        stdin,
        train: run.train.unwrap_or(false),
        hot_crates: run.hot_crates.unwrap_or(false),
    })
}

/// Checks a run's `stdin`: a regular file (relative to `base_dir`) or a generator within bounds.
fn validate_stdin(
    stdin: Option<Spanned<raw::Stdin>>,
    base_dir: &Path,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<Option<RunInput>, InputError> {
    let bad_generator = |offset: usize, g: &raw::Generate| {
        let message = format!(
            "cannot generate {:?} with {} records and seed {}",
            g.generate, g.records, g.seed
        );
        at(offset, message).with_fix(
            "the generators are \"json-records\" and \"json-lines-wide\", with records > 0 and seed >= 0",
        )
    };
    Ok(match stdin {
        None => None,
        Some(stdin) => {
            let offset = stdin.span().start;
            Some(match stdin.into_inner() {
                raw::Stdin::Path(file) => {
                    let resolved = base_dir.join(&file);
                    if !resolved.exists() {
                        return Err(at(offset, format!("stdin file {} does not exist", resolved.display()))
                            .with_fix("stdin paths are relative to the sweep file's directory; or generate input with { generate = \"json-records\", records = N, seed = S }"));
                    }
                    if !resolved.is_file() {
                        return Err(at(offset, format!("stdin {} is not a regular file (a directory, FIFO or device)", resolved.display()))
                            .with_fix("every run reads its stdin again from the start: write the input to a file and name that"));
                    }
                    RunInput::File(resolved)
                }
                raw::Stdin::Generate(g) if g.records > MAX_RECORDS => {
                    return Err(at(offset, format!("{} records are more than a sweep generates ({MAX_RECORDS}): the input is held in memory", g.records))
                        .with_fix(format!("ask for at most {MAX_RECORDS} records, or write a larger input to a file and name it as stdin")));
                }
                raw::Stdin::Generate(g) if g.records > 0 && g.seed >= 0 => {
                    let (records, seed) = (g.records as usize, g.seed as u64);
                    match g.generate.as_str() {
                        "json-records" => RunInput::JsonRecords { records, seed },
                        "json-lines-wide" => RunInput::JsonLinesWide { records, seed },
                        _ => return Err(bad_generator(offset, &g)),
                    }
                }
                raw::Stdin::Generate(g) => return Err(bad_generator(offset, &g)),
            })
        }
    })
}

/// The longest a timed criterion phase or a timeout may be, in seconds (a day).
const MAX_SECONDS: f64 = 86_400.0;

/// Checks a `[[bench]]` table; its package defaults to the sweep's.
pub(super) fn validate_bench(
    bench: Spanned<raw::RawBench>,
    sweep_package: &Spanned<String>,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<Bench, InputError> {
    let table = bench.span().start;
    let bench = bench.into_inner();
    let seconds =
        |value: Option<Spanned<f64>>, default: f64, key: &str| -> Result<Duration, InputError> {
            match value {
                None => Ok(Duration::from_secs_f64(default)),
                Some(v) if *v.get_ref() > 0.0 && *v.get_ref() <= MAX_SECONDS => {
                    Ok(Duration::from_secs_f64(*v.get_ref()))
                }
                Some(v) => Err(at(v.span().start, format!("invalid {key} {}", v.get_ref()))
                    .with_fix(format!(
                        "{key} takes a number of seconds above 0 and at most {MAX_SECONDS}"
                    ))),
            }
        };
    // Criterion's own defaults: 3 s warm-up, 5 s measurement, 100 samples.
    let warm_up = seconds(bench.warm_up_seconds, 3.0, "warm-up-seconds")?;
    let measurement = seconds(bench.measurement_seconds, 5.0, "measurement-seconds")?;
    let timeout = seconds(bench.timeout_seconds, 1800.0, "timeout-seconds")?;
    let sample_size = match bench.sample_size {
        None => 100,
        Some(v) if (10..=100_000).contains(v.get_ref()) => *v.get_ref() as u32,
        Some(v) => {
            return Err(at(v.span().start, format!("invalid sample-size {}", v.get_ref()))
                .with_fix("sample-size takes an integer from 10 (criterion's minimum) to 100000"));
        }
    };
    let repeats = match bench.repeats {
        None => DEFAULT_REPEATS,
        Some(v) if (2..=1000).contains(v.get_ref()) => *v.get_ref() as u32,
        Some(v) => {
            return Err(at(v.span().start, format!("invalid repeats {}", v.get_ref()))
                .with_fix("repeats takes an integer from 2 (an interval needs two) to 1000"));
        }
    };
    let harness = match bench.harness {
        None => None,
        Some(h) => match Harness::parse(h.get_ref()) {
            Some(harness) => Some(harness),
            None => {
                let keys: Vec<&str> = Harness::ALL.iter().map(|h| h.key()).collect();
                return Err(at(h.span().start, format!("unknown harness {:?}", h.get_ref()))
                    .with_fix(format!("harness is one of {}", keys.join(", "))));
            }
        },
    };
    let (package, package_offset) = match &bench.package {
        Some(package) => (package.get_ref().clone(), package.span().start),
        None => (sweep_package.get_ref().clone(), table),
    };
    let bench_offset = bench.bench.span().start;
    Ok(Bench {
        spec: BenchSpec {
            package,
            bench: bench.bench.into_inner(),
            harness,
            filter: bench.filter,
            warm_up,
            measurement,
            sample_size,
            repeats,
            timeout,
        },
        package_offset,
        bench_offset,
    })
}

/// Whether `name` can be a directory or file name: letters, digits, '-' and '_'.
pub(super) fn is_safe_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::spec::MeasureOrder;
    use crate::plan::spec::tests::{error, parse};

    #[test]
    fn bench_tables_get_criterion_defaults_and_the_sweeps_package() {
        let sweep = parse(concat!(
            "package = \"p\"\nmeasure-order = \"shuffled\"\n[matrix]\nlto = [true]\n",
            "[[bench]]\nbench = \"speed\"\n",
            "[[bench]]\npackage = \"q\"\nbench = \"speed\"\nfilter = \"parse\"\nwarm-up-seconds = 0.5\nmeasurement-seconds = 2\nsample-size = 10\n",
        ))
        .unwrap();
        assert_eq!(sweep.order, MeasureOrder::Shuffled);
        let [own, other] = &sweep.benches[..] else { panic!("{:?}", sweep.benches) };
        assert_eq!(
            (own.spec.package.as_str(), own.spec.bench.as_str(), own.spec.filter.as_deref()),
            ("p", "speed", None)
        );
        assert_eq!(
            (
                own.spec.warm_up.as_secs_f64(),
                own.spec.measurement.as_secs_f64(),
                own.spec.sample_size
            ),
            (3.0, 5.0, 100)
        );
        assert_eq!(
            (other.spec.package.as_str(), other.spec.filter.as_deref()),
            ("q", Some("parse"))
        );
        assert_eq!(
            (
                other.spec.warm_up.as_secs_f64(),
                other.spec.measurement.as_secs_f64(),
                other.spec.sample_size
            ),
            (0.5, 2.0, 10)
        );
        assert_eq!(
            parse("package = \"p\"\n[matrix]\nlto = [true]\n").unwrap().order,
            MeasureOrder::AfterEachBuild
        );
    }

    #[test]
    fn bad_bench_tables_and_orders_are_refused_with_a_fix() {
        let base = "package = \"p\"\n[matrix]\nlto = [true]\n";
        let (pos, msg, fix) = error(&format!("{base}[[bench]]\nbench = \"b\"\nsample-size = 5\n"));
        assert_eq!((pos, msg.as_str()), (Some((6, 15)), "invalid sample-size 5"));
        assert!(fix.contains("criterion's minimum"), "{fix}");
        let (pos, msg, _) =
            error(&format!("{base}[[bench]]\nbench = \"b\"\nmeasurement-seconds = 0\n"));
        assert_eq!((pos, msg.as_str()), (Some((6, 23)), "invalid measurement-seconds 0"));
        let (_, msg, fix) =
            error(&format!("{base}[[bench]]\nbench = \"b\"\n[[bench]]\nbench = \"b\"\n"));
        assert_eq!(
            (msg.as_str(), fix.as_str()),
            ("bench `b` of `p` is listed twice", "remove one of the two [[bench]] tables")
        );
        let (pos, msg, _) = error(&format!("measure-order = \"random\"\n{base}"));
        assert_eq!((pos, msg.as_str()), (Some((1, 17)), "unknown measure-order \"random\""));
    }

    #[test]
    fn runs_are_validated_with_defaults() {
        let sweep = parse("package = \"p\"\n[[ladder]]\nstep = \"a\"\n[[run]]\nname = \"convert\"\nargs = [\"-\"]\nstdin = { generate = \"json-records\", records = 10, seed = 1 }\n").unwrap();
        let run = &sweep.runs[0];
        assert_eq!((run.spec.name.as_str(), run.spec.warmup, run.spec.runs), ("convert", 2, 10));
        assert_eq!(run.spec.args, ["-"]);
        assert_eq!(run.spec.cwd, Path::new("sweeps"));
        assert_eq!(run.stdin, Some(RunInput::JsonRecords { records: 10, seed: 1 }));
        let (pos, msg, _) =
            error("package = \"p\"\n[[ladder]]\nstep = \"a\"\n[[run]]\nname = \"x\"\nruns = 1\n");
        assert_eq!((pos, msg.as_str()), (Some((6, 8)), "invalid runs 1"));
        let (pos, msg, _) = error(
            "package = \"p\"\n[[ladder]]\nstep = \"a\"\n[[run]]\nname = \"x\"\nstdin = \"missing.json\"\n",
        );
        assert_eq!(pos, Some((6, 9)));
        assert!(msg.contains("missing.json does not exist"), "{msg}");
        let (_, msg, _) = error(
            "package = \"p\"\n[[ladder]]\nstep = \"a\"\n[[run]]\nname = \"x\"\n[[run]]\nname = \"x\"\n",
        );
        assert!(msg.contains("two [[run]] tables are named `x`"));
        let (_, msg, _) = error(
            "package = \"p\"\n[[ladder]]\nstep = \"a\"\n[[run]]\nname = \"x\"\nstdin = { generate = \"xml\", records = 1, seed = 1 }\n",
        );
        assert!(msg.contains("cannot generate \"xml\""), "{msg}");
    }

    #[test]
    fn training_workloads_run_once_and_a_marked_run_trains_too() {
        let sweep = parse(concat!(
            "package = \"p\"\n[matrix]\npgo = [false, true]\n",
            "[[train]]\nname = \"wide\"\nstdin = { generate = \"json-lines-wide\", records = 20, seed = 7 }\n",
            "[[run]]\nname = \"records\"\nargs = [\"-\"]\ntrain = true\n",
            "[[run]]\nname = \"other\"\n",
        ))
        .unwrap();
        let [wide, records] = &sweep.trainings[..] else { panic!("{:?}", sweep.trainings) };
        assert_eq!((wide.spec.warmup, wide.spec.runs), (0, 1), "trained once, not timed");
        assert_eq!(wide.stdin, Some(RunInput::JsonLinesWide { records: 20, seed: 7 }));
        assert_eq!(wide.describe(), "wide (json-lines-wide, 20 records, seed 7)");
        assert_eq!(records.describe(), "records (no stdin, args -)");
        assert!(records.same_workload(&sweep.runs[0]), "a marked run trains on what it measures");
        assert!(!wide.same_workload(&sweep.runs[1]));
        let (pos, msg, fix) = error(
            "package = \"p\"\n[[ladder]]\nstep = \"a\"\n[[train]]\nname = \"x\"\ntrain = true\n",
        );
        assert_eq!((pos, msg.as_str()), (Some((5, 8)), "`train` is a key of [[run]] tables"));
        assert!(fix.contains("training workload already"), "{fix}");
        let (_, msg, _) = error(
            "package = \"p\"\n[[ladder]]\nstep = \"a\"\n[[train]]\nname = \"x\"\n[[train]]\nname = \"x\"\n",
        );
        assert_eq!(msg, "two [[train]] tables are named `x`");
        let (_, msg, fix) =
            error("package = \"p\"\n[[ladder]]\nstep = \"a\"\n[[train]]\nname = \"x\"\nruns = 0\n");
        assert_eq!(
            (msg.as_str(), fix.as_str()),
            ("invalid runs 0", "runs takes an integer from 1 to 100000")
        );
    }
}

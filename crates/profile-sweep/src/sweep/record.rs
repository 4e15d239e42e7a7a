//! Recording a sweep's rows as they come: the results files and `crates.csv`, rewritten after
//! every row, the columns every row shares, log files of failures, and the notes rows carry.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::prepare::Prepared;
use crate::error::SweepError;
use crate::host::compilers::Compiler;
use crate::host::machine::Machine;
use crate::host::workspace::BuildTarget;
use crate::measure::binary::BinarySizes;
use crate::measure::bloat::{Breakdown, CrateRow, FunctionRow};
use crate::measure::hot::HotRow;
use crate::plan::build_env::BuildEnv;
use crate::plan::build_env::{EnvAxis, OverrideScope};
use crate::plan::settings::ProfileSettings;
use crate::plan::spec::Sweep;
use crate::plan::variants::Variant;
use crate::results::analysis;
use crate::results::breakdown::BreakdownFile;
use crate::results::layout::ResultsFile;
use crate::results::rows::{Row, Status};

/// The rows of a run in progress, the files they go to, and the context every row shares.
pub struct Recorder<'a> {
    sweep: &'a Sweep,
    target: &'a BuildTarget,
    machine: &'a Machine,
    /// sha256 of the swept workspace's Cargo.lock (resolved before the first build if it had none).
    cargo_lock_sha256: String,
    /// `K/N` when running one shard.
    shard: Option<String>,
    out_dir: PathBuf,
    results: ResultsFile,
    /// `crates.csv`: machine code per crate of each variant.
    crates: BreakdownFile<CrateRow>,
    /// `functions.csv`: the largest functions of each variant.
    functions: BreakdownFile<FunctionRow>,
    /// `hot.csv`: instructions per crate of each variant's runs that ask for them.
    hot: BreakdownFile<HotRow>,
    twins: Twins,
    rows: Vec<Row>,
    /// The settings and build axes of the profile the crate ships today.
    baseline: (ProfileSettings, BuildEnv),
    /// Print each row written as a JSON message on stdout.
    json_messages: bool,
}

impl<'a> Recorder<'a> {
    /// Opens the results files of a prepared sweep (keeping the rows already there); `shard`
    /// is `K/N` when running one shard.
    pub fn open(prepared: &'a Prepared, shard: Option<String>) -> Result<Recorder<'a>, SweepError> {
        let out_dir = &prepared.out_dir;
        crate::present::report::refuse_foreign_reports(out_dir)?;
        let results = ResultsFile::open(out_dir)?;
        if let Some(legacy) = results.legacy() {
            eprintln!(
                "note: {} is in the first results layout: its rows are kept, in run.json, variants.csv and measurements.csv from now on; the file itself is left as it was",
                legacy.display()
            );
        }
        refuse_another_crates_rows(&results, prepared)?;
        Ok(Recorder {
            sweep: &prepared.sweep,
            target: &prepared.target,
            machine: &prepared.machine,
            cargo_lock_sha256: String::new(),
            shard,
            out_dir: out_dir.clone(),
            results,
            crates: BreakdownFile::open(out_dir)?,
            functions: BreakdownFile::open(out_dir)?,
            hot: BreakdownFile::open(out_dir)?,
            twins: Twins::default(),
            rows: Vec::new(),
            baseline: (prepared.inherited, baseline_env(&prepared.sweep)),
            json_messages: false,
        })
    }

    /// Sets the sha256 of the lockfile the builds use, once it is resolved.
    pub fn set_cargo_lock_sha256(&mut self, sha256: String) {
        self.cargo_lock_sha256 = sha256;
    }

    /// The results directory.
    pub fn results_dir(&self) -> &Path {
        self.results.dir()
    }

    /// The rows this run wrote so far, in order.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The rows this run wrote, in order.
    pub fn into_rows(self) -> Vec<Row> {
        self.rows
    }

    /// The rows of `variant` this run wrote.
    pub fn rows_of(&self, variant: &str) -> Vec<Row> {
        self.rows.iter().filter(|r| r.variant == variant).cloned().collect()
    }

    /// Writes a row to the results file.
    pub fn save(&mut self, row: Row) -> anyhow::Result<()> {
        self.results.record(row.clone())?;
        if self.json_messages {
            crate::results::messages::print(&crate::results::messages::Message::Row(&row))?;
        }
        self.rows.push(row);
        Ok(())
    }

    /// Prints every row as a JSON message on stdout as it is written (`--message-format json`).
    pub fn print_json_messages(&mut self, on: bool) {
        self.json_messages = on;
    }

    /// The first variant of this run whose output for `measurement` was recorded, when `sha256`
    /// (another variant's output) differs from it.
    pub fn output_differs(&self, measurement: &str, sha256: Option<&str>) -> Option<String> {
        let first = analysis::output_reference(&self.rows, measurement)?;
        (first.stdout_sha256.as_deref() != Some(sha256?)).then(|| first.variant.clone())
    }

    /// Replaces the `crates.csv`, `functions.csv` and `hot.csv` rows of `variant`.
    pub fn save_breakdown(&mut self, variant: &str, breakdown: &Breakdown) -> anyhow::Result<()> {
        self.crates.replace(variant, &breakdown.crates)?;
        self.functions.replace(variant, &breakdown.functions)?;
        self.hot.replace(variant, &breakdown.hot)
    }

    /// Replaces the `hot.csv` rows of one run of `variant`.
    pub fn save_hot(&mut self, variant: &str, run: &str, rows: &[HotRow]) -> anyhow::Result<()> {
        self.hot.replace_where(|r| r.variant == variant && r.run == run, rows)
    }

    /// Every `hot.csv` row written so far.
    pub fn hot(&self) -> Vec<HotRow> {
        self.hot.rows_of_all()
    }

    /// The `hot.csv` rows of `variant` written so far.
    pub fn hot_of(&self, variant: &str) -> Vec<HotRow> {
        self.hot.rows_of(variant)
    }

    /// The earlier variant of this run with the same executable, if any.
    pub fn twin_of(&mut self, sha256: &str, variant: &str) -> Option<String> {
        self.twins.earlier(sha256, variant)
    }

    /// Writes the cached rows of a variant as they are, but for the shard they now belong to
    /// and the goal the sweep file now gives.
    pub fn replay(
        &mut self,
        rows: Vec<Row>,
        variant: &str,
        breakdown: &Breakdown,
    ) -> anyhow::Result<()> {
        for row in rows {
            if row.measurement.is_none()
                && let Some(sha256) = &row.sha256
            {
                self.twins.earlier(sha256, &row.variant);
            }
            // What the sweep file says now, not what it said when the rows were measured.
            let goal = Some(self.sweep.goal.name().to_owned());
            self.save(Row { shard: self.shard.clone(), goal, ..row })?;
        }
        self.save_breakdown(variant, breakdown)
    }

    /// Writes the row of a variant this machine cannot build, saying why. Not cached: once
    /// the toolchain or tool is installed, the next run builds it.
    pub fn record_skipped(&mut self, variant: &Variant, reason: &str) -> anyhow::Result<()> {
        let mut row = self.row(variant, None, Status::Skipped, None, None);
        row.note = join_notes(Some(format!("skipped: {reason}")), row.note);
        self.save(row)
    }

    /// `logs/<variant>.log`, or `logs/<variant>.<what>.log`.
    pub fn log_path(&self, variant: &Variant, what: Option<&str>) -> PathBuf {
        let name = match what {
            None => format!("{}.log", variant.id),
            Some(what) => format!("{}.{what}.log", variant.id),
        };
        self.out_dir.join("logs").join(name)
    }

    /// The row of `variant` built by `compiler` (`None`: it was not built), with no measurement
    /// and no twin.
    pub fn row(
        &self,
        variant: &Variant,
        compiler: Option<&Compiler<'_>>,
        status: Status,
        build_seconds: Option<f64>,
        sizes: Option<&BinarySizes>,
    ) -> Row {
        let [opt_level, lto, codegen_units, panic, strip] =
            variant.settings.values().map(|s| s.to_string());
        let env = &variant.env;
        let sections = sizes.and_then(|s| s.sections);
        let fixed: Vec<String> =
            self.sweep.pass_through.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let target = compiler
            .map_or_else(|| env.target.clone().unwrap_or_default(), |c| c.target.to_owned());
        let mut row = Row {
            sweep: self.sweep.name.clone(),
            variant: variant.id.clone(),
            opt_level,
            lto,
            codegen_units: codegen_units.parse().expect("a number"),
            panic,
            strip,
            target,
            status,
            build_seconds,
            size_bytes: sizes.map(|s| s.file),
            text_bytes: sections.map(|s| s.text),
            rustc: compiler.map(|c| c.toolchain.version.clone()).unwrap_or_default(),
            step: variant.step.clone(),
            package: self.target.package.clone(),
            bin: self.target.bin.clone().unwrap_or_default(),
            inherits: self.sweep.inherits.value.clone(),
            fixed_settings: (!fixed.is_empty()).then(|| fixed.join(";")),
            rodata_bytes: sections.map(|s| s.rodata),
            data_bytes: sections.map(|s| s.data),
            eh_frame_bytes: sections.map(|s| s.eh_frame),
            symbol_bytes: sections.map(|s| s.symbols),
            debug_bytes: sections.map(|s| s.debug),
            sha256: sizes.map(|s| s.sha256.clone()),
            note: self.required_features_note(),
            host: self.machine.host.clone(),
            cpu_model: self.machine.cpu_model.clone(),
            governor: self.machine.governor.clone(),
            cargo_home: Some(self.machine.cargo_home.display().to_string()),
            finished_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now())
                .to_string(),
            cargo_lock_sha256: Some(self.cargo_lock_sha256.clone()),
            shard: self.shard.clone(),
            post_build: match (&env.wasm_opt, env.bolt) {
                (Some(level), _) => Some(format!("wasm-opt {level}")),
                (None, true) => Some("llvm-bolt".to_owned()),
                (None, false) => None,
            },
            trained_on: env.trained().then(|| self.sweep.trainings_described()),
            baseline: (variant.settings == self.baseline.0 && *env == self.baseline.1)
                .then_some(true),
            goal: Some(self.sweep.goal.name().to_owned()),
            ..Row::default()
        };
        for axis in EnvAxis::ALL {
            row.set_env_text(axis, &env.get(axis).to_string());
        }
        if env.overrides.keys().any(|(scope, _)| *scope == OverrideScope::Hot) {
            row.hot_packages = Some(env.hot_packages.join(" "));
        }
        row
    }

    /// Says which features the target's `required-features` added to every build, if any.
    fn required_features_note(&self) -> Option<String> {
        let target = self.target;
        (!target.features.is_empty()).then(|| {
            format!(
                "built with --features {} (the required-features of {})",
                target.features.join(","),
                target.bin.as_deref().unwrap_or_default()
            )
        })
    }
}

/// Remembers which variant first produced each executable, to report byte-identical ones.
#[derive(Debug, Default)]
struct Twins(HashMap<String, String>);

impl Twins {
    /// The earlier variant with the same sha256 as `variant`, if any.
    fn earlier(&mut self, sha256: &str, variant: &str) -> Option<String> {
        let first = self.0.entry(sha256.to_owned()).or_insert_with(|| variant.to_owned());
        (first != variant).then(|| first.clone())
    }
}

/// The `build_seconds` column: the clean build's wall time, ms precision.
pub fn build_seconds(seconds: f64) -> f64 {
    to_the_millisecond(seconds)
}

/// A build time as the CSV records it: seconds, to the millisecond.
pub fn to_the_millisecond(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

/// Two optional notes as one.
pub fn join_notes(first: Option<String>, second: Option<String>) -> Option<String> {
    match (first, second) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    }
}

/// The note of a row whose measurement was taken on an identical executable.
pub fn reused_note(twin: &str) -> String {
    format!("byte-identical to {twin}; its measurement is reused")
}

/// Writes a log file, creating `logs/` if needed.
pub fn write_log(path: &Path, text: &str) -> anyhow::Result<()> {
    fs::create_dir_all(path.parent().expect("has a parent"))?;
    fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// The build axes of a variant built as the crate ships today: the sweep's fixed `[build]`
/// settings, nothing else.
fn baseline_env(sweep: &Sweep) -> BuildEnv {
    let mut env = BuildEnv::default();
    for setting in &sweep.fixed_env {
        env.set(setting.clone());
    }
    env
}

/// Refuses a results file that holds rows of this sweep's name for another package or binary
/// (two crates' sweeps, or one `name` in a shared target directory): this sweep would replace
/// them.
fn refuse_another_crates_rows(
    results: &ResultsFile,
    prepared: &Prepared,
) -> Result<(), SweepError> {
    let (package, bin) = (&prepared.target.package, prepared.target.bin.as_deref().unwrap_or(""));
    let name = &prepared.sweep.name;
    if let Some(other) = results.rows().iter().find(|r| r.sweep != *name) {
        let message = format!(
            "it holds results of sweep `{}`; those of sweep `{name}` go in a directory of their own",
            other.sweep
        );
        return Err(crate::error::InputError::in_file(results.dir(), message)
            .with_fix("write elsewhere with --out DIR")
            .into());
    }
    let other = results
        .rows()
        .iter()
        .find(|r| r.sweep == prepared.sweep.name && (r.package != *package || r.bin != bin));
    let Some(other) = other else { return Ok(()) };
    Err(crate::error::InputError::in_file(
        results.dir(),
        format!(
            "it holds results of sweep `{}` on package `{}` (binary `{}`); this sweep of `{package}` would replace them",
            other.sweep, other.package, other.bin
        ),
    )
    .with_fix("write elsewhere with --out DIR, or give this sweep another `name`")
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_executables_point_at_the_first_variant() {
        let mut twins = Twins::default();
        assert_eq!(twins.earlier("aa", "o3"), None);
        assert_eq!(twins.earlier("bb", "oz"), None);
        assert_eq!(twins.earlier("aa", "o3-again").as_deref(), Some("o3"));
        assert_eq!(twins.earlier("aa", "o3"), None, "a variant is not its own twin");
    }

    #[test]
    fn notes_join_and_build_times_keep_milliseconds() {
        assert_eq!(join_notes(Some("a".into()), Some("b".into())).as_deref(), Some("a; b"));
        assert_eq!(join_notes(None, Some("b".into())).as_deref(), Some("b"));
        assert_eq!(join_notes(None, None), None);
        assert_eq!(build_seconds(1.23456), 1.235);
    }
}

//! Sweep files: what the user typed (`raw`), then the validated [`Sweep`] the rest of the program
//! sees.
//!
//! Every check that needs only the file happens here, with the file, line and column of the
//! offending text. Checks that need the workspace (does the package exist?) happen in
//! the host stage, using the [`Located`] positions kept here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use toml::Spanned;

use crate::error::InputError;
use crate::plan::build_env::{EnvAxis, EnvSetting, OverrideScope};
use crate::plan::measures::{Bench, Run, Table, is_safe_name, validate_bench, validate_run};
use crate::plan::package_overrides::is_package_name;
use crate::plan::raw;
use crate::plan::rebuilds::{RebuildSpec, rebuild_spec};
use crate::plan::settings::{Axis, Setting};
pub use crate::plan::shape::MAX_VARIANTS;
use crate::plan::shape::{ladder_plan, matrix_plan, parse_env, parse_value};

/// A value from the sweep file with the place it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Byte offset of the value in the sweep file.
    pub offset: usize,
}

/// A validated sweep: what to build, and which profile variants to build it with.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// The sweep's name: the results directory `results/<name>/`.
    pub name: String,
    /// The sweep file it came from.
    pub file: PathBuf,
    /// The sweep file's text, kept to point at lines in later errors.
    pub text: String,
    /// The workspace package to build.
    pub package: Located<String>,
    /// The binary target; `None` means the package's only binary.
    pub bin: Option<Located<String>>,
    /// The profile every variant inherits from.
    pub inherits: Located<String>,
    /// Axis values fixed for every variant (axes given under `[profile]`).
    pub fixed_axes: Vec<Setting>,
    /// Other profile keys passed through unchanged, in the order written.
    pub pass_through: PassThrough,
    /// Build-axis values fixed for every variant (given under `[build]`).
    pub fixed_env: Vec<EnvSetting>,
    /// The packages the `hot-*` overrides set (`hot-packages`), each by name.
    pub hot_packages: Vec<Located<String>>,
    /// After the matrix, build the mixed variants proposed from its pick and `hot.csv`
    /// (`mixed = true`).
    pub mixed: bool,
    /// The variants, before expansion.
    pub plan: Plan,
    /// Whole-binary runs to time for every variant that builds.
    pub runs: Vec<Run>,
    /// The workloads PGO and BOLT variants are trained on: the `[[train]]` tables, then the
    /// `[[run]]`s marked `train = true`.
    pub trainings: Vec<Run>,
    /// Criterion bench targets to run for every variant that builds.
    pub benches: Vec<Bench>,
    /// When variants are measured, relative to their builds.
    pub order: MeasureOrder,
    /// What the verdict weighs: size, speed, or both.
    pub goal: Goal,
    /// Whether every variant of a matrix is built, or a search picks which.
    pub strategy: Strategy,
    /// How each built variant is also timed rebuilding after an edit.
    pub rebuild: RebuildSpec,
    /// How many of each variant's largest functions go into `functions.csv`.
    pub functions: usize,
}

/// What the verdict weighs (the `goal` key). Each rule judges speed on the deciding
/// measurement's intervals and counts a difference only where they are apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Goal {
    /// The smallest variant within 10% of the fastest (the default).
    #[default]
    Balanced,
    /// The fastest variant within 10% of the smallest size.
    Size,
    /// The fastest variant; among those tied with it, the smallest.
    Speed,
}

impl Goal {
    /// The spelling in a sweep file and in the `goal` column.
    pub fn name(self) -> &'static str {
        match self {
            Goal::Balanced => "balanced",
            Goal::Size => "size",
            Goal::Speed => "speed",
        }
    }

    /// The goal spelled `name`, if any.
    pub fn parse(name: &str) -> Option<Goal> {
        [Goal::Balanced, Goal::Size, Goal::Speed].into_iter().find(|g| g.name() == name)
    }
}

/// How a matrix's variants are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Every variant (the reference).
    Grid,
    /// A search that builds about a tenth of them (the sweep stage's search).
    Search,
}

/// Profile keys other than the axes, with their values, in the order written.
pub type PassThrough = Vec<(String, toml::Value)>;

/// A matrix's `exclude` rule: each axis it names with the values it drops.
pub type ExcludeRule = Vec<(Axis, Vec<Setting>)>;

/// When variants are measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureOrder {
    /// Each variant right after its own build (results arrive as the sweep goes).
    AfterEachBuild,
    /// All variants built first, then measured in a shuffled order (a fixed seed), so slow
    /// drift of the machine spreads over all variants instead of following the build order.
    Shuffled,
    /// All variants built first, then the timed runs round-robin: one run of each variant per
    /// round, so drift and load swings spread over every variant's runs alike.
    Interleaved,
}

/// How the variants are formed.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// The cartesian product of the listed values, minus excluded combinations.
    Matrix {
        /// Each swept axis with its values, in [`Axis::ALL`] order.
        axes: Vec<(Axis, Vec<Setting>)>,
        /// Each swept build axis with its values, in [`EnvAxis::ALL`] order.
        env_axes: Vec<(EnvAxis, Vec<EnvSetting>)>,
        /// A combination matching every entry of any rule is dropped.
        exclude: Vec<ExcludeRule>,
    },
    /// Cumulative steps, each adding settings to the previous one.
    Ladder(Vec<LadderStep>),
}

/// One step of a ladder.
#[derive(Debug, Clone, PartialEq)]
pub struct LadderStep {
    /// What the step is called in tables and charts, e.g. `+ strip = true`.
    pub label: String,
    /// The settings this step adds.
    pub adds: Vec<Setting>,
    /// The build-axis values this step adds.
    pub env_adds: Vec<EnvSetting>,
}

/// Profile keys other than the five axes that a sweep may fix, with the values cargo accepts.
const PASS_THROUGH_KEYS: [(&str, &str); 6] = [
    (
        "debug",
        r#"true, false, 0, 1, 2, "none", "line-directives-only", "line-tables-only", "limited" or "full""#,
    ),
    ("debug-assertions", "true or false"),
    ("overflow-checks", "true or false"),
    ("incremental", "true or false"),
    ("rpath", "true or false"),
    ("split-debuginfo", r#""off", "packed" or "unpacked""#),
];

/// The largest sweep file read: the full matrix's is under 2 KB.
const MAX_FILE_BYTES: u64 = 1 << 20;

impl Sweep {
    /// Reads and validates a sweep file.
    pub fn load(path: &Path) -> Result<Sweep, InputError> {
        let cannot_read = |e: std::io::Error| {
            InputError::in_file(path, format!("cannot read sweep file: {e}"))
                .with_fix("check the path; the shipped sweeps are in sweeps/ (default.toml, full.toml, smoke.toml)")
        };
        let size = std::fs::metadata(path).map_err(cannot_read)?.len();
        if size > MAX_FILE_BYTES {
            return Err(InputError::in_file(
                path,
                format!("the sweep file is {size} bytes; a sweep file is at most {MAX_FILE_BYTES}"),
            )
            .with_fix("name each axis value once: a sweep builds at most 10000 variants"));
        }
        let bytes = std::fs::read(path).map_err(cannot_read)?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            // The lossy text has the same bytes up to the first invalid one.
            InputError::at(path, &text, valid, "the sweep file is not UTF-8 text here")
                .with_fix("save the file as UTF-8 (TOML files are UTF-8)")
        })?;
        Sweep::parse(path, text)
    }

    /// Validates the text of a sweep file; `path` names it in errors and gives the default name.
    pub fn parse(path: &Path, text: String) -> Result<Sweep, InputError> {
        let file: raw::SweepFile = toml::from_str(&text).map_err(|e| {
            let offset = e.span().map_or(0, |span| span.start);
            InputError::at(path, &text, offset, e.message().trim_end().to_owned()).with_fix(
                "every key and its type: profile-sweep's guide, `cargo doc -p profile-sweep --open`, module guide::sweep_file",
            )
        })?;
        let at = |offset: usize, message: String| InputError::at(path, &text, offset, message);
        let located =
            |s: &Spanned<String>| Located { value: s.get_ref().clone(), offset: s.span().start };
        let name = sweep_name(path, file.name.as_ref(), &at)?;
        let inherits = file
            .inherits
            .as_ref()
            .map_or(Located { value: "release".to_owned(), offset: 0 }, located);
        let (fixed_axes, pass_through) = profile_table(&file.profile, &at)?;
        let mut fixed_env = Vec::new();
        for (axis, value) in file.build.map(|b| b.into_inner().env_axes).unwrap_or_default() {
            fixed_env.push(parse_env(axis, &value, &at)?);
        }
        let plan = match (file.matrix, file.ladder) {
            (Some(matrix), None) => matrix_plan(matrix, &fixed_axes, &fixed_env, &at)?,
            (None, Some(ladder)) => ladder_plan(ladder, &fixed_axes, &fixed_env, &at)?,
            (Some(_), Some(ladder)) => {
                return Err(at(
                    ladder.span().start,
                    "a sweep has either [matrix] or [[ladder]], not both".into(),
                )
                .with_fix("move one of them into a sweep file of its own"));
            }
            (None, None) => {
                return Err(InputError::in_file(path, "the sweep has neither [matrix] nor [[ladder]]")
                    .with_fix("add a [matrix] table of axis value lists, or [[ladder]] steps (see sweeps/default.toml)"));
            }
        };
        check_profile_keys_not_swept(&pass_through, &fixed_env, &plan, &file.profile, &at)?;
        let swept = swept_env_axes(&fixed_env, &plan);
        let hot_packages = hot_packages(file.hot_packages, &swept, path, &at)?;
        let base_dir =
            path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let runs = workloads(file.run, Table::Run, path, base_dir, &at)?;
        let mixed = mixed(file.mixed.as_ref(), &plan, &runs, &at)?;
        let mut trainings = workloads(file.train, Table::Train, path, base_dir, &at)?;
        trainings.extend(runs.iter().filter(|run| run.train).cloned());
        Ok(Sweep {
            runs,
            trainings,
            benches: benches(file.bench, &file.package, &at)?,
            order: measure_order(file.measure_order.as_ref(), &at)?,
            goal: goal(file.goal.as_ref(), &at)?,
            strategy: strategy(file.strategy.as_ref(), matches!(plan, Plan::Ladder(_)), &at)?,
            rebuild: rebuild_spec(
                file.rebuild,
                file.rebuild_touch,
                file.rebuild_repeats.as_ref(),
                file.rebuild_tests,
                &at,
            )?,
            functions: functions(file.functions.as_ref(), &at)?,
            name,
            file: path.to_owned(),
            package: located(&file.package),
            bin: file.bin.as_ref().map(located),
            inherits,
            fixed_axes,
            pass_through,
            fixed_env,
            hot_packages,
            mixed,
            plan,
            text,
        })
    }

    /// An error pointing at `offset` in this sweep file.
    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> InputError {
        InputError::at(&self.file, &self.text, offset, message)
    }

    /// The training workloads, each with what it runs on, as the `trained_on` column says
    /// them: `train-records (json-records, 100000 records, seed 7); ...`.
    pub fn trainings_described(&self) -> String {
        let described: Vec<String> = self.trainings.iter().map(Run::describe).collect();
        described.join("; ")
    }

    /// The measured runs that are also training workloads (the same command on the same
    /// input): their gains from PGO or BOLT flatter the training input.
    pub fn runs_also_trained(&self) -> Vec<&Run> {
        let trains = |run: &Run| self.trainings.iter().any(|t| t.same_workload(run));
        self.runs.iter().filter(|run| trains(run)).collect()
    }

    /// Where key `key` is first set in this sweep file (a line `key = ...`), else its start.
    pub fn key_offset(&self, key: &str) -> usize {
        let mut offset = 0;
        for line in self.text.split_inclusive('\n') {
            let indent = line.len() - line.trim_start().len();
            let rest = line.trim_start().strip_prefix(key).map(str::trim_start);
            if rest.is_some_and(|r| r.starts_with('=')) {
                return offset + indent;
            }
            offset += line.len();
        }
        0
    }
}

/// The sweep's name: `name = ...`, else the file's stem.
fn sweep_name(
    path: &Path,
    name: Option<&Spanned<String>>,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<String, InputError> {
    match name {
        Some(name) if !is_safe_name(name.get_ref()) => Err(at(
            name.span().start,
            format!("sweep name {:?} cannot be a directory name", name.get_ref()),
        )
        .with_fix("use letters, digits, '-' and '_' only")),
        Some(name) => Ok(name.get_ref().clone()),
        None => default_name(path).ok_or_else(|| {
            InputError::in_file(path, "the file name cannot serve as a sweep name")
                .with_fix("add name = \"my-sweep\" (letters, digits, '-' and '_')")
        }),
    }
}

/// `[profile]`: axis values fixed for every variant, and other keys passed through, both in
/// the order written.
fn profile_table(
    profile: &BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<(Vec<Setting>, PassThrough), InputError> {
    let mut fixed_axes = Vec::new();
    let mut pass_through = Vec::new();
    let mut written: Vec<_> = profile.iter().collect();
    written.sort_by_key(|(key, _)| key.span().start);
    for (key, value) in written {
        if let Some(axis) = Axis::from_key(key.get_ref()) {
            fixed_axes.push(parse_value(axis, value.get_ref(), value.span().start, at)?);
        } else {
            check_pass_through(key, value, at)?;
            pass_through.push((key.get_ref().clone(), value.get_ref().clone()));
        }
    }
    Ok((fixed_axes, pass_through))
}

/// Every build axis the sweep sets: fixed under `[build]`, swept in `[matrix]` or a ladder step.
fn swept_env_axes(fixed_env: &[EnvSetting], plan: &Plan) -> Vec<EnvAxis> {
    let mut set: Vec<EnvAxis> = fixed_env.iter().map(EnvSetting::axis).collect();
    match plan {
        Plan::Matrix { env_axes, .. } => set.extend(env_axes.iter().map(|(axis, _)| *axis)),
        Plan::Ladder(steps) => {
            set.extend(steps.iter().flat_map(|s| s.env_adds.iter().map(EnvSetting::axis)))
        }
    }
    set
}

/// Checks `mixed`: a matrix with a run that counts its crates' instructions.
fn mixed(
    mixed: Option<&Spanned<bool>>,
    plan: &Plan,
    runs: &[Run],
    at: &impl Fn(usize, String) -> InputError,
) -> Result<bool, InputError> {
    let Some(mixed) = mixed.filter(|m| *m.get_ref()) else { return Ok(false) };
    let offset = mixed.span().start;
    if !matches!(plan, Plan::Matrix { .. }) {
        return Err(at(offset, "mixed = true needs a [matrix]".into())
            .with_fix("mixed variants are proposed from a matrix's pick; in a ladder, add hot-packages and a hot-opt-level step"));
    }
    if !runs.iter().any(|r| r.hot_crates) {
        return Err(at(
            offset,
            "mixed = true needs to know where the run spends its instructions".into(),
        )
        .with_fix("add hot-crates = true to a [[run]] (it counts them per crate under Valgrind)"));
    }
    Ok(true)
}

/// Checks `hot-packages`: package names, given exactly when a `hot-*` axis is set.
fn hot_packages(
    names: Option<Spanned<Vec<Spanned<String>>>>,
    set: &[EnvAxis],
    path: &Path,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<Vec<Located<String>>, InputError> {
    let hot_axis = set.iter().find(|a| matches!(a, EnvAxis::Override(OverrideScope::Hot, _)));
    let Some(names) = names else {
        return match hot_axis {
            Some(axis) => Err(InputError::in_file(path, format!("`{}` is set, but no hot-packages name the packages it is for", axis.key()))
                .with_fix("add hot-packages = [\"name\", ...] at the top of the sweep file: the packages whose profile the hot-* axes set (the report's \"Where ... spends its instructions\" section proposes them)")),
            None => Ok(Vec::new()),
        };
    };
    let offset = names.span().start;
    if hot_axis.is_none() {
        return Err(at(offset, "hot-packages is given, but no hot-* axis sets them".into()).with_fix(
            "add hot-opt-level, hot-codegen-units or hot-debug to [matrix], [build] or a ladder step; or remove hot-packages",
        ));
    }
    let mut packages: Vec<Located<String>> = Vec::new();
    for name in names.into_inner() {
        if !is_package_name(name.get_ref()) || packages.iter().any(|p| &p.value == name.get_ref()) {
            return Err(at(name.span().start, format!("invalid or repeated hot-packages entry {:?}", name.get_ref()))
                .with_fix("each entry is a package's name (letters, digits, `-`, `_`), once; `\"*\"` (every dependency) is the deps-* axes"));
        }
        packages.push(Located { offset: name.span().start, value: name.into_inner() });
    }
    if packages.is_empty() {
        return Err(at(offset, "hot-packages is empty".into())
            .with_fix("name at least one package, or remove hot-packages and the hot-* axes"));
    }
    Ok(packages)
}

/// Refuses a key given both under `[profile]` and as a build axis (`debug`, `incremental`...):
/// the profile would get it twice.
fn check_profile_keys_not_swept(
    pass_through: &PassThrough,
    fixed_env: &[EnvSetting],
    plan: &Plan,
    profile: &BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<(), InputError> {
    let set = swept_env_axes(fixed_env, plan);
    for (key, _) in pass_through {
        if EnvAxis::from_key(key).is_some_and(|axis| set.contains(&axis)) {
            let offset = profile.keys().find(|k| k.get_ref() == key).map_or(0, |k| k.span().start);
            return Err(at(
                offset,
                format!("`{key}` is both fixed in [profile] and set as a build axis"),
            )
            .with_fix(format!(
                "keep one: remove `{key}` from [profile], or from [matrix], [build] and the ladder"
            )));
        }
    }
    Ok(())
}

/// The `[[run]]` or `[[train]]` tables, validated, with distinct names.
fn workloads(
    tables: Vec<raw::RawRun>,
    table: Table,
    path: &Path,
    base_dir: &Path,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<Vec<Run>, InputError> {
    let mut runs: Vec<Run> = Vec::new();
    for run in tables {
        let run = validate_run(run, table, base_dir, at)?;
        if runs.iter().any(|r| r.spec.name == run.spec.name) {
            let message = format!("two {} tables are named `{}`", table.name(), run.spec.name);
            return Err(InputError::in_file(path, message).with_fix("give each run its own name"));
        }
        runs.push(run);
    }
    Ok(runs)
}

/// The `[[bench]]` tables, validated, none listed twice.
fn benches(
    tables: Vec<Spanned<raw::RawBench>>,
    package: &Spanned<String>,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<Vec<Bench>, InputError> {
    let mut benches: Vec<Bench> = Vec::new();
    for bench in tables {
        let bench = validate_bench(bench, package, at)?;
        let (new, offset) = (&bench.spec, bench.bench_offset);
        if benches.iter().any(|b| {
            (&b.spec.package, &b.spec.bench, &b.spec.filter)
                == (&new.package, &new.bench, &new.filter)
        }) {
            let message = format!("bench `{}` of `{}` is listed twice", new.bench, new.package);
            return Err(at(offset, message).with_fix("remove one of the two [[bench]] tables"));
        }
        benches.push(bench);
    }
    Ok(benches)
}

/// `measure-order`, by default after each build.
fn measure_order(
    order: Option<&Spanned<String>>,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<MeasureOrder, InputError> {
    let Some(order) = order else { return Ok(MeasureOrder::AfterEachBuild) };
    match order.get_ref().as_str() {
        "after-each-build" => Ok(MeasureOrder::AfterEachBuild),
        "shuffled" => Ok(MeasureOrder::Shuffled),
        "interleaved" => Ok(MeasureOrder::Interleaved),
        other => Err(at(order.span().start, format!("unknown measure-order {other:?}"))
            .with_fix("use \"after-each-build\" (the default), \"shuffled\" or \"interleaved\"")),
    }
}

/// How many functions per variant `functions.csv` keeps: 20 (as `cargo bloat -n`) unless
/// the file says; 0 keeps none.
fn functions(
    functions: Option<&Spanned<i64>>,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<usize, InputError> {
    let Some(count) = functions else { return Ok(20) };
    usize::try_from(*count.get_ref()).ok().filter(|n| *n <= 10_000).ok_or_else(|| {
        at(count.span().start, format!("invalid functions {}", count.get_ref())).with_fix(
            "functions takes how many of each variant's largest functions to keep, 0 to 10000",
        )
    })
}

/// `strategy`, by default the full grid; a search needs a matrix.
fn strategy(
    strategy: Option<&Spanned<String>>,
    ladder: bool,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<Strategy, InputError> {
    let Some(strategy) = strategy else { return Ok(Strategy::Grid) };
    let offset = strategy.span().start;
    match strategy.get_ref().as_str() {
        "grid" => Ok(Strategy::Grid),
        "search" if ladder => Err(at(offset, "a ladder has nothing to search".into())
            .with_fix("use strategy = \"search\" with a [matrix]; a ladder builds each step")),
        "search" => Ok(Strategy::Search),
        other => Err(at(offset, format!("unknown strategy {other:?}"))
            .with_fix("use \"grid\" (every variant, the default) or \"search\"")),
    }
}

/// `goal`, by default balanced.
fn goal(
    goal: Option<&Spanned<String>>,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<Goal, InputError> {
    let Some(goal) = goal else { return Ok(Goal::Balanced) };
    Goal::parse(goal.get_ref()).ok_or_else(|| {
        at(goal.span().start, format!("unknown goal {:?}", goal.get_ref()))
            .with_fix("use \"balanced\" (the default), \"size\" or \"speed\"")
    })
}

fn check_pass_through(
    key: &Spanned<String>,
    value: &Spanned<toml::Value>,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<(), InputError> {
    let Some((_, accepted)) = PASS_THROUGH_KEYS.iter().find(|(k, _)| k == key.get_ref()) else {
        let known: Vec<&str> = Axis::ALL
            .iter()
            .map(|a| a.key())
            .chain(PASS_THROUGH_KEYS.iter().map(|(k, _)| *k))
            .collect();
        return Err(at(key.span().start, format!("unknown profile key `{}`", key.get_ref()))
            .with_fix(format!("[profile] in a sweep file takes: {}", known.join(", "))));
    };
    use toml::Value::{Boolean, Integer, String as Str};
    let valid = match (key.get_ref().as_str(), value.get_ref()) {
        ("debug", Boolean(_)) => true,
        ("debug", Integer(n)) => (0..=2).contains(n),
        ("debug", Str(s)) => {
            ["none", "line-directives-only", "line-tables-only", "limited", "full"]
                .contains(&s.as_str())
        }
        ("split-debuginfo", Str(s)) => ["off", "packed", "unpacked"].contains(&s.as_str()),
        ("debug" | "split-debuginfo", _) => false,
        (_, value) => matches!(value, Boolean(_)),
    };
    if valid {
        Ok(())
    } else {
        Err(at(value.span().start, format!("invalid {} {}", key.get_ref(), value.get_ref()))
            .with_fix(format!("{} takes {accepted}", key.get_ref())))
    }
}

fn default_name(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    is_safe_name(stem).then(|| stem.to_owned())
}

#[cfg(test)]
#[path = "spec_tests.rs"]
pub(super) mod tests;

//! A row of results: one variant's columns beside one of its measurements (or none, on its size
//! row), the in-memory view every stage after the sweep reads; and the first layout's single
//! `results.csv` of such rows, still read (and used for cache entries). The files a sweep writes
//! now are in [`crate::results::layout`].

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::error::InputError;
use crate::measure::stats::Summary;
use crate::plan::settings::Axis;

/// The columns, in order: each is documented on its field of [`Row`].
pub const COLUMNS: [&str; 89] = [
    "sweep",
    "variant",
    "opt_level",
    "lto",
    "codegen_units",
    "panic",
    "strip",
    "target",
    "status",
    "build_seconds",
    "size_bytes",
    "text_bytes",
    "measurement",
    "mean_ns",
    "ci_low_ns",
    "ci_high_ns",
    "rustc",
    "step",
    "package",
    "bin",
    "inherits",
    "fixed_settings",
    "rodata_bytes",
    "data_bytes",
    "eh_frame_bytes",
    "symbol_bytes",
    "debug_bytes",
    "sha256",
    "identical_to",
    "median_ns",
    "min_ns",
    "max_ns",
    "std_dev_ns",
    "samples",
    "peak_rss_bytes",
    "panic_effective",
    "measured_as",
    "note",
    "host",
    "cpu_model",
    "governor",
    "finished_at",
    "cargo_lock_sha256",
    "shard",
    "reference_ratio",
    "toolchain",
    "build_std",
    "features",
    "rustflags",
    "post_build",
    "shipped_bytes",
    "image_bytes",
    "unit",
    "user_ns",
    "sys_ns",
    "noise",
    "runnable_max",
    "stdout_sha256",
    "cargo_home",
    "rebuild_seconds",
    "pgo",
    "trained_on",
    "baseline",
    "wall_ratio",
    "wall_ratio_low",
    "wall_ratio_high",
    "cpu_ratio",
    "cpu_ratio_low",
    "cpu_ratio_high",
    "goal",
    "linker",
    "debug",
    "split_debuginfo",
    "incremental",
    "deps_opt_level",
    "codegen_backend",
    "threads",
    "share_generics",
    "target_cpu",
    "deps_codegen_units",
    "deps_debug",
    "hot_opt_level",
    "hot_codegen_units",
    "hot_debug",
    "build_override_opt_level",
    "build_override_codegen_units",
    "build_override_debug",
    "hot_packages",
    "others_cpus",
];

/// How many columns the first released schema had; a file with any prefix of [`COLUMNS`] at least
/// this long is read, its missing trailing columns empty, so results from before a column was
/// added stay usable.
const OLDEST_COLUMN_COUNT: usize = 42;

/// How a variant's build went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Built and measured.
    #[default]
    Ok,
    /// Cargo or rustc failed; the error is in `logs/<variant>.log` next to the CSV.
    BuildFailed,
    /// A whole-binary run exited non-zero or timed out; its stderr is in
    /// `logs/<variant>.<measurement>.log`.
    RunFailed,
    /// Not built on this machine (a toolchain or tool it needs is missing); the note says which
    /// and how to install it.
    Skipped,
}

impl std::fmt::Display for Status {
    /// The spelling of the `status` column: `ok`, `build-failed`, `run-failed`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Ok => "ok",
            Status::BuildFailed => "build-failed",
            Status::RunFailed => "run-failed",
            Status::Skipped => "skipped",
        })
    }
}

/// A variant beside one of its measurements (none on its size row): a row of the first
/// layout's `results.csv`, split into `variants.csv` and `measurements.csv` on disk (see
/// [`crate::results::layout`]). Field order is [`COLUMNS`] order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The sweep's name.
    pub sweep: String,
    /// The variant id (its profile is `sweep-<id>`).
    pub variant: String,
    /// `opt-level` as cargo spells it.
    pub opt_level: String,
    /// `lto`: `false` (thin-local), `thin`, `fat` or `off`.
    pub lto: String,
    /// `codegen-units`.
    pub codegen_units: u32,
    /// `panic`.
    pub panic: String,
    /// `strip`: `none`, `debuginfo` or `symbols`.
    pub strip: String,
    /// The target triple built for.
    pub target: String,
    /// `ok`, `build-failed`, `run-failed` (on a measurement row), or `skipped` (a toolchain or
    /// tool is missing; `note` says how to install it).
    pub status: Status,
    /// Wall time of the variant's clean build (its `target/sweep-<id>/` is removed first),
    /// dependencies included; for a PGO or BOLT variant, every step of it (the instrumented
    /// build, the training runs, merging the profile, the final build, BOLT). Empty in files
    /// from before 2026-12-01 for a variant relinked from a build that differed only in `strip`.
    pub build_seconds: Option<f64>,
    /// Size of the executable file.
    pub size_bytes: Option<u64>,
    /// Size of its `.text` sections.
    pub text_bytes: Option<u64>,
    /// Name of the runtime measurement, empty on a size row: a `[[run]]`'s name (mean wall time
    /// per run), `instructions:<run>` (the run's instruction count, see `unit`), or a
    /// benchmark (`criterion:<id>`, `divan:<id>`, ...): every kind is in
    /// [`crate::plan::measurement`].
    pub measurement: Option<String>,
    /// Mean runtime, ns.
    pub mean_ns: Option<f64>,
    /// Lower end of the runtime's 95% confidence interval, ns.
    pub ci_low_ns: Option<f64>,
    /// Upper end of the runtime's 95% confidence interval, ns.
    pub ci_high_ns: Option<f64>,
    /// `rustc -V` of the compiler used.
    pub rustc: String,
    /// The ladder step's label; empty in a matrix.
    pub step: Option<String>,
    /// The package built.
    pub package: String,
    /// The binary built; empty for a library swept through its benches.
    pub bin: String,
    /// The profile the variant inherits from.
    pub inherits: String,
    /// Other profile keys the sweep fixed, as `key=value` joined by `;`.
    pub fixed_settings: Option<String>,
    /// `.rodata*` bytes.
    pub rodata_bytes: Option<u64>,
    /// `.data*` bytes.
    pub data_bytes: Option<u64>,
    /// `.eh_frame*` and `.gcc_except_table` bytes.
    pub eh_frame_bytes: Option<u64>,
    /// `.symtab` and `.strtab` bytes.
    pub symbol_bytes: Option<u64>,
    /// `.debug_*` bytes.
    pub debug_bytes: Option<u64>,
    /// sha256 of the executable.
    pub sha256: Option<String>,
    /// The first variant of this sweep with a byte-identical executable, if any.
    pub identical_to: Option<String>,
    /// Median runtime, ns.
    pub median_ns: Option<f64>,
    /// Fastest run, ns.
    pub min_ns: Option<f64>,
    /// Slowest run, ns.
    pub max_ns: Option<f64>,
    /// Sample standard deviation of the runs, ns.
    pub std_dev_ns: Option<f64>,
    /// Timed runs (or criterion samples) behind the statistics.
    pub samples: Option<u32>,
    /// Largest resident set size of any run, bytes.
    pub peak_rss_bytes: Option<u64>,
    /// The panic strategy the measured code was built with, from cargo's verbose output (it may
    /// differ from `panic`: cargo builds benches with `unwind` whatever the profile says).
    pub panic_effective: Option<String>,
    /// When a byte-identical executable was measured instead, that variant's id.
    pub measured_as: Option<String>,
    /// Why a measurement failed, or what else a reader must know.
    pub note: Option<String>,
    /// Host name of the machine.
    pub host: String,
    /// CPU model, from /proc/cpuinfo.
    pub cpu_model: Option<String>,
    /// CPU frequency governor, when readable.
    pub governor: Option<String>,
    /// When the row was written, RFC 3339, UTC.
    pub finished_at: String,
    /// sha256 of the swept workspace's `Cargo.lock` (empty if it has none): rows with different
    /// lockfiles measured different dependencies.
    pub cargo_lock_sha256: Option<String>,
    /// `K/N` when the row came from shard K of N (`--shard`).
    pub shard: Option<String>,
    /// In a merged file: `mean_ns` divided by the reference variant's mean for the same
    /// measurement on the same shard, so runtimes from different machines can be compared.
    pub reference_ratio: Option<f64>,
    /// The rustup toolchain named by the sweep; empty for cargo's default.
    pub toolchain: Option<String>,
    /// `true` when std was built from source (`-Z build-std`); empty otherwise.
    pub build_std: Option<bool>,
    /// Cargo features the sweep enabled (besides `required-features`), comma-separated.
    pub features: Option<String>,
    /// Extra rustc flags the sweep passed.
    pub rustflags: Option<String>,
    /// The post-build step run on the output, e.g. `wasm-opt -Oz`.
    pub post_build: Option<String>,
    /// The executable plus every shared library it loads from the Rust toolchain (what must ship
    /// with it beyond the operating system's own libraries), bytes.
    pub shipped_bytes: Option<u64>,
    /// Bytes of the files a minimal container image of the executable holds: the executable
    /// alone for a static binary (`FROM scratch`), else with every shared library and the
    /// dynamic loader it needs.
    pub image_bytes: Option<u64>,
    /// What the measurement columns (`mean_ns` to `std_dev_ns`) count: empty or `ns` for
    /// nanoseconds; `instructions` for an instruction count (rows whose measurement is
    /// `instructions:<run>`), which is exact: its interval is the count itself.
    pub unit: Option<String>,
    /// Mean user CPU time per timed run, in nanoseconds (whole-binary runs).
    pub user_ns: Option<f64>,
    /// Mean system CPU time per timed run, in nanoseconds (whole-binary runs).
    pub sys_ns: Option<f64>,
    /// Why a timing is not to be trusted, `;`-separated: `wide-interval` (95% interval over
    /// 3% of the mean either way), `outliers` (modified z-score over 3.5), `busy` (other
    /// processes were runnable while it ran); empty when none.
    pub noise: Option<String>,
    /// The most runnable processes seen on the machine while the measurement ran, our own
    /// included (from `/proc/loadavg`).
    pub runnable_max: Option<u32>,
    /// sha256 of the program's stdout on its first run (whole-binary runs that check output).
    pub stdout_sha256: Option<String>,
    /// `CARGO_HOME` of the build: dependency source paths under it are compiled into the
    /// binary as panic locations, so a size holds for one such path.
    pub cargo_home: Option<String>,
    /// Wall time of rebuilding the variant after its binary's root source file is touched, under
    /// the same profile: the edit-compile loop (with fat LTO, the whole LTO step again). Empty for
    /// libraries and with `rebuild = false`; in files from before 2026-12-01, a relinked strip
    /// variant's is its relink again.
    pub rebuild_seconds: Option<f64>,
    /// `true` for a profile-guided build (`-C profile-use` with the profile of its training).
    pub pgo: Option<bool>,
    /// The workloads a PGO or BOLT variant was trained on (`[[train]]` names, and what each
    /// runs on); empty for other variants.
    pub trained_on: Option<String>,
    /// `true` for the variant built with the profile the crate ships today: the inherited
    /// profile as the manifest has it, with no build axis beyond the sweep's fixed ones. Every
    /// sweep but a search builds it, first: a ladder or matrix that does not hold it gets it
    /// added (a ladder's step `as shipped today`). Reports say every change against it. Empty in
    /// files from before this column.
    pub baseline: Option<bool>,
    /// A whole-binary run's wall time as a ratio to the baseline's, from rounds that timed
    /// both (`measure-order = "interleaved"`): the geometric mean of the per-round ratios
    /// (below 1 is faster). The baseline's own row says 1. Empty when the run was not paired
    /// (another measure order, no baseline in the sweep, a cached row's earlier run).
    pub wall_ratio: Option<f64>,
    /// Lower end of `wall_ratio`'s 95% interval (log-normal: a t interval of the mean log ratio).
    pub wall_ratio_low: Option<f64>,
    /// Upper end of `wall_ratio`'s 95% interval.
    pub wall_ratio_high: Option<f64>,
    /// The same ratio of CPU time (user + system) per run: what the program itself spent, which
    /// a busy machine moves far less than wall time.
    pub cpu_ratio: Option<f64>,
    /// Lower end of `cpu_ratio`'s 95% interval.
    pub cpu_ratio_low: Option<f64>,
    /// Upper end of `cpu_ratio`'s 95% interval.
    pub cpu_ratio_high: Option<f64>,
    /// The sweep's `goal` (`balanced`, `size`, `speed`): what its verdict weighs. Empty in files
    /// from before this column, read as `balanced`.
    pub goal: Option<String>,
    /// The `linker` build axis: `bfd`, `gold`, `lld` or `mold`; empty for the toolchain's
    /// default (rust-lld on x86_64 Linux since Rust 1.90).
    pub linker: Option<String>,
    /// The `debug` axis in cargo's string spelling (`none`, `line-tables-only`, `limited`,
    /// `full`...); empty when the variant keeps the inherited profile's.
    pub debug: Option<String>,
    /// The `split-debuginfo` axis: `off`, `packed`, `unpacked`; empty for the inherited one.
    pub split_debuginfo: Option<String>,
    /// The `incremental` axis; empty for the inherited profile's.
    pub incremental: Option<bool>,
    /// The `deps-opt-level` axis: the dependencies' opt-level (`[profile.<p>.package."*"]`);
    /// empty for the inherited profile's.
    pub deps_opt_level: Option<String>,
    /// The `codegen-backend` axis: `cranelift`; empty for LLVM.
    pub codegen_backend: Option<String>,
    /// The `threads` axis: rustc's frontend threads (`-Z threads`); empty for its default.
    pub threads: Option<u32>,
    /// The `share-generics` axis (`-Z share-generics`); empty for rustc's default.
    pub share_generics: Option<bool>,
    /// The `target-cpu` axis: the CPU code was generated for (`x86-64-v3`, `native`); empty
    /// for the target's baseline. `cpu_model` says which CPU ran it.
    pub target_cpu: Option<String>,
    /// The `deps-codegen-units` axis (`[profile.<p>.package."*"]`); empty for the inherited.
    pub deps_codegen_units: Option<String>,
    /// The `deps-debug` axis, in cargo's string spelling; empty for the inherited.
    pub deps_debug: Option<String>,
    /// The `hot-opt-level` axis: the opt-level of each of `hot_packages`
    /// (`[profile.<p>.package.<name>]`); empty for the inherited.
    pub hot_opt_level: Option<String>,
    /// The `hot-codegen-units` axis, for each of `hot_packages`; empty for the inherited.
    pub hot_codegen_units: Option<String>,
    /// The `hot-debug` axis, for each of `hot_packages`; empty for the inherited.
    pub hot_debug: Option<String>,
    /// The `build-override-opt-level` axis (`[profile.<p>.build-override]`: build scripts,
    /// proc macros); empty for the inherited.
    pub build_override_opt_level: Option<String>,
    /// The `build-override-codegen-units` axis; empty for the inherited.
    pub build_override_codegen_units: Option<String>,
    /// The `build-override-debug` axis; empty for the inherited.
    pub build_override_debug: Option<String>,
    /// The sweep's `hot-packages`, space-separated, when a `hot-*` axis set any of them.
    pub hot_packages: Option<String>,
    /// What else ran while the measurement did: the CPUs other processes kept busy on average,
    /// from the machine's busy time in `/proc/stat` less the sweep's own (the harness and every
    /// program it ran, a timed rebuild's cargo and rustc included), over the measurement's wall
    /// time (a timed rebuild's: from before its first repeat to after its last). `/proc/stat`
    /// counts in ticks (10 ms), so the figure is within 0.1 CPUs either way (and can be slightly
    /// negative); empty for a measurement too short to tell that closely, where the machine does
    /// not say, and in results written before the column (2026-12-01; timed rebuilds got it
    /// later that day).
    pub others_cpus: Option<f64>,
}

impl Row {
    /// The row's value on `axis`, as the CSV spells it.
    pub fn axis_value(&self, axis: Axis) -> String {
        match axis {
            Axis::OptLevel => self.opt_level.clone(),
            Axis::Lto => self.lto.clone(),
            Axis::CodegenUnits => self.codegen_units.to_string(),
            Axis::Panic => self.panic.clone(),
            Axis::Strip => self.strip.clone(),
        }
    }

    /// Sets the timing columns from a summary in nanoseconds: whole ns, or thousandths of one
    /// below a microsecond (a divan or libtest benchmark can take under 1 ns per iteration).
    pub fn fill_timing(&mut self, timing: &Summary) {
        let ns = |v: f64| if v.abs() < 1e3 { (v * 1e3).round() / 1e3 } else { v.round() };
        self.mean_ns = Some(ns(timing.mean));
        self.ci_low_ns = Some(ns(timing.ci_low));
        self.ci_high_ns = Some(ns(timing.ci_high));
        self.median_ns = Some(ns(timing.median));
        self.min_ns = Some(ns(timing.min));
        self.max_ns = Some(ns(timing.max));
        self.std_dev_ns = Some(ns(timing.std_dev));
        self.samples = Some(timing.samples as u32);
    }

    pub(crate) fn key(&self) -> (&str, &str, Option<&str>) {
        (&self.sweep, &self.variant, self.measurement.as_deref())
    }
}

/// The `ok` row of `variant`'s `measurement` in `rows`, if it was measured.
pub fn measured<'a>(rows: &'a [Row], variant: &str, measurement: &str) -> Option<&'a Row> {
    rows.iter().find(|r| {
        r.variant == variant
            && r.measurement.as_deref() == Some(measurement)
            && r.status == Status::Ok
    })
}

/// Serialises rows with the header, even when there are none.
pub fn to_csv(rows: &[Row]) -> Result<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    for row in rows {
        writer.serialize(row)?;
    }
    Ok(writer.into_inner().map_err(|e| e.into_error())?)
}

/// Parses a CSV of rows (a `results.csv` of the first layout, or a cache entry) read from
/// `path`, checking its header first.
pub fn read_legacy(path: &Path, bytes: &[u8]) -> Result<Vec<Row>, InputError> {
    let error = |message: String| InputError::in_file(path, message);
    if bytes.is_empty() {
        return Err(error("the file is empty (0 bytes), not a results file".to_owned()));
    }
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader.headers().map_err(|e| error(format!("not a CSV file: {e}")))?;
    let known_prefix = header.len() >= OLDEST_COLUMN_COUNT
        && header.len() <= COLUMNS.len()
        && header.iter().eq(COLUMNS[..header.len()].iter().copied());
    if !known_prefix {
        let missing: Vec<&str> =
            COLUMNS.iter().copied().filter(|c| !header.iter().any(|h| h == *c)).collect();
        return Err(error(format!(
            "its columns are not the ones this version writes{}",
            if missing.is_empty() {
                " (their order differs)".to_owned()
            } else {
                format!(" (missing: {})", missing.join(", "))
            }
        )));
    }
    let rows: Vec<Row> = reader
        .deserialize()
        .enumerate()
        .map(|(i, row)| row.map_err(|e| error(format!("row {} is malformed: {e}", i + 2))))
        .collect::<Result<_, _>>()?;
    check_rows(&rows, &|i| (path.to_owned(), i + 2))?;
    Ok(rows)
}

/// What no file this tool wrote holds: a row twice (the report would show stale and fresh
/// numbers side by side), or a runtime that is negative, not a number, or outside its own
/// interval. `at` gives the file and line row `i` was read from.
pub(crate) fn check_rows(
    rows: &[Row],
    at: &dyn Fn(usize) -> (PathBuf, usize),
) -> Result<(), InputError> {
    let mut seen = std::collections::HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        let (file, line) = at(i);
        let fail = |message: String| InputError {
            position: Some((line, 1)),
            ..InputError::in_file(&file, message)
        };
        if let Some(first) = seen.insert(row.key(), i) {
            let (first_file, first_line) = at(first);
            let there = match first_file == file {
                true => format!("line {first_line}"),
                false => format!("{} line {first_line}", first_file.display()),
            };
            return Err(fail(format!(
                "this row repeats {there} (variant `{}`, measurement `{}`)",
                row.variant,
                row.measurement.as_deref().unwrap_or("")
            )));
        }
        let numbers = [row.mean_ns, row.ci_low_ns, row.ci_high_ns];
        // A t-interval of a few noisy runs may reach below zero; a mean may not.
        if numbers.iter().flatten().any(|n| !n.is_finite()) || row.mean_ns.is_some_and(|m| m < 0.0)
        {
            return Err(fail("a runtime is negative or not a number".to_owned()));
        }
        for (ratio, low, high) in [
            (row.wall_ratio, row.wall_ratio_low, row.wall_ratio_high),
            (row.cpu_ratio, row.cpu_ratio_low, row.cpu_ratio_high),
        ] {
            if let (Some(ratio), Some(low), Some(high)) = (ratio, low, high) {
                // Ratios are written to six decimals.
                if !(ratio > 0.0 && low - 1e-6 <= ratio && ratio <= high + 1e-6) {
                    return Err(fail(format!(
                        "ratio {ratio} to the baseline is not positive or lies outside its interval [{low}, {high}]"
                    )));
                }
            }
        }
        if let [Some(mean), Some(low), Some(high)] = numbers {
            // Rounding in the file may put a bound a hair past the mean.
            let slack = 1e-6 * mean.abs().max(1.0);
            if mean < low - slack || mean > high + slack {
                return Err(fail(format!(
                    "mean {mean} ns lies outside its own interval [{low}, {high}]"
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "rows_tests.rs"]
pub(crate) mod tests;

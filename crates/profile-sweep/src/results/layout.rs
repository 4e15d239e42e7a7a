//! The results on disk: one directory holding `run.json` (what is true of the whole run),
//! `variants.csv` (one row per variant: its settings, build axes, status, sizes, build times and
//! hashes) and `measurements.csv` (one row per variant and measurement: its kind, unit, status
//! and value, a timing summary or an exact count), joined on `variant`.
//!
//! In memory a sweep still works on [`Row`]s, a variant's columns beside one measurement's; the
//! files are split from and joined into rows here, at the edge, so every column stays documented
//! once, on its field of [`Row`]. Files of the first layout (one `results.csv`, any column set
//! this tool ever wrote) are still read everywhere; a sweep into a directory holding one reads its
//! rows, writes the new files beside it and leaves it as it was.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::error::InputError;
use crate::measure::instructions::is_count_unit;
use crate::plan::measurement::{MeasurementName, Source};
use crate::results::rows::{COLUMNS, Row, check_rows, read_legacy, to_csv};
use crate::util::files::write_atomic;

/// The version of this layout, in `run.json`; the single `results.csv` was version 1.
pub const SCHEMA_VERSION: u32 = 2;
/// What is true of the whole run.
pub const RUN_FILE: &str = "run.json";
/// One row per variant.
pub const VARIANTS_FILE: &str = "variants.csv";
/// One row per variant and measurement.
pub const MEASUREMENTS_FILE: &str = "measurements.csv";
/// The first layout's single file.
pub const LEGACY_FILE: &str = "results.csv";

/// `run.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRecord {
    /// [`SCHEMA_VERSION`] of the files.
    pub schema_version: u32,
    /// The sweep's name ([`Row::sweep`]).
    pub sweep: String,
    /// The sweep's goal ([`Row::goal`]); null in results from before goals.
    pub goal: Option<String>,
}

/// The columns of [`Row`] that `run.json` holds.
const RUN_COLUMNS: [&str; 2] = ["sweep", "goal"];

/// The columns of `measurements.csv`, each with the column of [`Row`] it holds (`None`: derived
/// from the measurement's name). Every other column of [`Row`] but [`RUN_COLUMNS`] is a column of
/// `variants.csv`, in [`Row`]'s order; `status` and `note` are in both files, each about its row.
const MEASUREMENT_COLUMNS: [(&str, Option<&str>); 30] = [
    ("variant", Some("variant")),
    ("measurement", Some("measurement")),
    // `run`, `rebuild`, `test-rebuild` or a bench harness: `criterion`, `divan`, ...
    ("kind", None),
    ("unit", Some("unit")),
    ("status", Some("status")),
    ("mean", Some("mean_ns")),
    ("ci_low", Some("ci_low_ns")),
    ("ci_high", Some("ci_high_ns")),
    ("median", Some("median_ns")),
    ("min", Some("min_ns")),
    ("max", Some("max_ns")),
    ("std_dev", Some("std_dev_ns")),
    ("samples", Some("samples")),
    ("user_ns", Some("user_ns")),
    ("sys_ns", Some("sys_ns")),
    ("peak_rss_bytes", Some("peak_rss_bytes")),
    ("noise", Some("noise")),
    ("runnable_max", Some("runnable_max")),
    ("others_cpus", Some("others_cpus")),
    ("wall_ratio", Some("wall_ratio")),
    ("wall_ratio_low", Some("wall_ratio_low")),
    ("wall_ratio_high", Some("wall_ratio_high")),
    ("cpu_ratio", Some("cpu_ratio")),
    ("cpu_ratio_low", Some("cpu_ratio_low")),
    ("cpu_ratio_high", Some("cpu_ratio_high")),
    ("reference_ratio", Some("reference_ratio")),
    ("panic_effective", Some("panic_effective")),
    ("measured_as", Some("measured_as")),
    ("stdout_sha256", Some("stdout_sha256")),
    ("note", Some("note")),
];

/// The `unit` spelled for nanoseconds in `measurements.csv` (an empty [`Row::unit`]).
const NANOSECONDS: &str = "ns";

/// Columns an exact count leaves empty in `measurements.csv`: its interval is the count itself.
const EXACT_EMPTY: [&str; 7] =
    ["ci_low_ns", "ci_high_ns", "median_ns", "min_ns", "max_ns", "std_dev_ns", "samples"];

/// The columns of `variants.csv`, in order.
pub fn variant_columns() -> Vec<&'static str> {
    let per_measurement = |c: &str| {
        MEASUREMENT_COLUMNS.iter().any(|(_, row)| *row == Some(c))
            && !matches!(c, "variant" | "status" | "note")
    };
    COLUMNS.iter().copied().filter(|c| !RUN_COLUMNS.contains(c) && !per_measurement(c)).collect()
}

/// The columns of `measurements.csv`, in order.
pub fn measurement_columns() -> impl Iterator<Item = &'static str> {
    MEASUREMENT_COLUMNS.iter().map(|(name, _)| *name)
}

/// `run`, `rebuild`, `test-rebuild`, or the bench harness (`criterion`, `divan`, `gungraun`,
/// `libtest`): the `kind` column of a measurement.
pub(crate) fn kind_of(measurement: &str) -> &'static str {
    match MeasurementName::parse(measurement).source {
        Source::Run(_) => "run",
        Source::Bench(harness, _) => harness.key(),
        Source::Rebuild { tests: false, .. } => "rebuild",
        Source::Rebuild { tests: true, .. } => "test-rebuild",
    }
}

/// The three files' contents for `rows`.
#[derive(Debug, PartialEq)]
pub(crate) struct SplitFiles {
    /// `run.json`.
    pub run: Vec<u8>,
    /// `variants.csv`.
    pub variants: Vec<u8>,
    /// `measurements.csv`.
    pub measurements: Vec<u8>,
}

/// Splits rows (of one sweep; every variant with its size row) into the three files.
pub(crate) fn split(rows: &[Row]) -> Result<SplitFiles> {
    let flat = to_csv(rows)?;
    let mut reader = csv::Reader::from_reader(flat.as_slice());
    let at: HashMap<&str, usize> = COLUMNS.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    let cell = |r: &csv::StringRecord, column: &str| r[at[column]].to_owned();
    let run = RunRecord {
        schema_version: SCHEMA_VERSION,
        sweep: rows.first().map(|r| r.sweep.clone()).unwrap_or_default(),
        goal: rows.iter().find_map(|r| r.goal.clone()),
    };
    if let Some(other) = rows.iter().find(|r| r.sweep != run.sweep) {
        anyhow::bail!(
            "rows of two sweeps (`{}`, `{}`) in one results directory",
            run.sweep,
            other.sweep
        );
    }
    let columns = variant_columns();
    let mut variants = writer(&columns)?;
    let mut measurements = writer(&measurement_columns().collect::<Vec<_>>())?;
    // Measurements are written grouped by variant, in the variants' order (as they are read).
    let position: HashMap<&str, usize> = rows
        .iter()
        .filter(|r| r.measurement.is_none())
        .enumerate()
        .map(|(i, r)| (r.variant.as_str(), i))
        .collect();
    let mut measured = Vec::new();
    for (record, row) in records.iter().zip(rows) {
        match &row.measurement {
            None => variants.write_record(columns.iter().map(|c| cell(record, c)))?,
            Some(name) => match position.get(row.variant.as_str()) {
                Some(&at) => measured.push((at, record, row, name)),
                None => anyhow::bail!("measurement `{name}` of `{}` has no size row", row.variant),
            },
        }
    }
    measured.sort_by_key(|(at, ..)| *at);
    for (_, record, row, name) in measured {
        let exact = is_exact(record, &at);
        measurements.write_record(MEASUREMENT_COLUMNS.iter().map(|(_, column)| match column {
            None => kind_of(name).to_owned(),
            Some("unit") if row.unit.is_none() => NANOSECONDS.to_owned(),
            Some(c) if exact && EXACT_EMPTY.contains(c) => String::new(),
            Some(c) => cell(record, c),
        }))?;
    }
    let bytes = |w: csv::Writer<Vec<u8>>| w.into_inner().map_err(|e| e.into_error());
    let mut run_json = serde_json::to_vec_pretty(&run)?;
    run_json.push(b'\n');
    Ok(SplitFiles { run: run_json, variants: bytes(variants)?, measurements: bytes(measurements)? })
}

fn writer(header: &[&str]) -> Result<csv::Writer<Vec<u8>>> {
    let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    writer.write_record(header)?;
    Ok(writer)
}

/// Whether a flat record is an exact count whose interval columns all repeat its value (as
/// every count this tool writes does), so `measurements.csv` can leave them empty.
fn is_exact(record: &csv::StringRecord, at: &HashMap<&str, usize>) -> bool {
    let cell = |c: &str| &record[at[c]];
    let mean = cell("mean_ns");
    is_count_unit(cell("unit"))
        && !mean.is_empty()
        && EXACT_EMPTY[..5].iter().all(|c| cell(c) == mean)
        && cell("std_dev_ns").parse::<f64>() == Ok(0.0)
        && cell("samples") == "1"
}

/// Where a path given for results leads: the directory of the split files, or a file of the
/// first layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultsLocation {
    /// A directory with `run.json`, `variants.csv` and `measurements.csv`.
    Split(PathBuf),
    /// A `results.csv` of the first layout.
    Legacy(PathBuf),
}

/// Where the results `path` names are: a results directory (its split files, else its
/// `results.csv`), one of the split files, or a `results.csv`.
pub fn locate(path: &Path) -> ResultsLocation {
    if path.is_dir() {
        let legacy = path.join(LEGACY_FILE);
        return match path.join(RUN_FILE).exists() || !legacy.exists() {
            true => ResultsLocation::Split(path.to_owned()),
            false => ResultsLocation::Legacy(legacy),
        };
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    match [RUN_FILE, VARIANTS_FILE, MEASUREMENTS_FILE].contains(&name) {
        true => ResultsLocation::Split(dir_of(path)),
        false => ResultsLocation::Legacy(path.to_owned()),
    }
}

/// The directory of the results `path` names (where charts, reports and breakdowns go).
pub fn dir_of(path: &Path) -> PathBuf {
    match path.is_dir() {
        true => path.to_owned(),
        false => {
            path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_owned()
        }
    }
}

/// Reads the results `path` names (see [`locate`]); they must exist and hold rows (for
/// plotting, comparing, applying, merging).
pub fn load(path: &Path) -> Result<Vec<Row>, InputError> {
    let fix = "pass a results directory written by profile-sweep's `sweep`, e.g. results/default";
    let rows = match locate(path) {
        ResultsLocation::Split(dir) if !dir.join(RUN_FILE).exists() => {
            return Err(InputError::in_file(
                &dir,
                "holds no results (no run.json, no results.csv)",
            )
            .with_fix(fix));
        }
        ResultsLocation::Split(dir) => read_dir(&dir)?,
        ResultsLocation::Legacy(file) => {
            read_legacy_file(&file, fix, "pass a results file written by profile-sweep's `sweep`")?
        }
    };
    if rows.is_empty() {
        return Err(InputError::in_file(path, "the results hold no rows")
            .with_fix("run a sweep first: `cargo profile-sweep sweep --sweep FILE`"));
    }
    Ok(rows)
}

/// Writes `rows` into `dir` as the three files, each atomically: `run.json` first and
/// `measurements.csv` last, so a kill between two of them never leaves a measurement whose
/// variant is missing (a CSV not written yet reads as no rows). A file whose contents would
/// not change is not rewritten.
pub fn write_dir(dir: &Path, rows: &[Row]) -> Result<()> {
    let files = split(rows)?;
    for (name, bytes) in [
        (RUN_FILE, &files.run),
        (VARIANTS_FILE, &files.variants),
        (MEASUREMENTS_FILE, &files.measurements),
    ] {
        let path = dir.join(name);
        if std::fs::read(&path).is_ok_and(|old| old == *bytes) {
            continue;
        }
        write_atomic(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// The results of one sweep, held in memory and written to its directory on every change.
#[derive(Debug)]
pub(crate) struct ResultsFile {
    dir: PathBuf,
    rows: Vec<Row>,
    /// The first layout's file the rows were read from, when the directory had only that.
    legacy: Option<PathBuf>,
}

impl ResultsFile {
    /// Opens the results in `dir`, reading the rows already there (from a `results.csv` of the
    /// first layout when that is all it holds); files this version cannot read are refused, so
    /// they are never silently rewritten.
    pub fn open(dir: &Path) -> Result<ResultsFile, InputError> {
        let fix =
            "move the files aside (they are yours to keep), or write elsewhere with --out DIR";
        let (run, legacy) = (dir.join(RUN_FILE), dir.join(LEGACY_FILE));
        let (rows, legacy) = if run.exists() {
            (read_dir(dir).map_err(|e| e.with_fix(fix))?, None)
        } else if legacy.exists() {
            (read_legacy_file(&legacy, fix, fix)?, Some(legacy))
        } else {
            let stray = [VARIANTS_FILE, MEASUREMENTS_FILE].map(|f| dir.join(f));
            if let Some(stray) = stray.iter().find(|f| f.exists()) {
                return Err(
                    InputError::in_file(stray, "is here without its run.json").with_fix(fix)
                );
            }
            (Vec::new(), None)
        };
        Ok(ResultsFile { dir: dir.to_owned(), rows, legacy })
    }

    /// The results directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The first layout's `results.csv` the rows were read from (it is left as it was).
    pub fn legacy(&self) -> Option<&Path> {
        self.legacy.as_deref()
    }

    /// The rows, in file order.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Adds `row`, replacing a row with the same sweep, variant and measurement in place, and
    /// rewrites the files.
    pub fn record(&mut self, row: Row) -> Result<()> {
        match self.rows.iter_mut().find(|r| r.key() == row.key()) {
            Some(existing) => *existing = row,
            None => self.rows.push(row),
        }
        write_dir(&self.dir, &self.rows)
    }
}

/// Reads a first-layout `results.csv`, with the fix to suggest when it cannot be read and when
/// it is read and refused.
fn read_legacy_file(file: &Path, unreadable: &str, refused: &str) -> Result<Vec<Row>, InputError> {
    let bytes = std::fs::read(file).map_err(|e| {
        InputError::in_file(file, format!("cannot read the results file: {e}")).with_fix(unreadable)
    })?;
    read_legacy(file, &bytes).map_err(|e| e.with_fix(refused))
}

/// Reads the three files in `dir` into rows: each variant's size row, then its measurements in
/// file order. Damaged or foreign files are refused with their file and line.
pub fn read_dir(dir: &Path) -> Result<Vec<Row>, InputError> {
    let run_path = dir.join(RUN_FILE);
    let run_text = std::fs::read_to_string(&run_path)
        .map_err(|e| InputError::in_file(&run_path, format!("cannot read: {e}")))?;
    let run: RunRecord = serde_json::from_str(&run_text).map_err(|e| {
        InputError::at(
            &run_path,
            &run_text,
            offset_of(&run_text, e.line(), e.column()),
            e.to_string(),
        )
    })?;
    if run.schema_version != SCHEMA_VERSION {
        return Err(InputError::in_file(
            &run_path,
            format!(
                "schema version {} is not the {SCHEMA_VERSION} this version reads",
                run.schema_version
            ),
        )
        .with_fix("read it with the profile-sweep that wrote it, or re-run the sweep"));
    }
    let variants = Table::read(&dir.join(VARIANTS_FILE), &variant_columns())?;
    let measured: Vec<&str> = measurement_columns().collect();
    let measurements = Table::read(&dir.join(MEASUREMENTS_FILE), &measured)?;
    let known: std::collections::HashSet<&str> =
        variants.records.iter().map(|v| variants.cell(v, "variant")).collect();
    let mut of_variant: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, record) in measurements.records.iter().enumerate() {
        let variant = measurements.cell(record, "variant");
        if !known.contains(variant) {
            return Err(
                measurements.error(i, format!("variant `{variant}` is not in {VARIANTS_FILE}"))
            );
        }
        of_variant.entry(variant).or_default().push(i);
    }
    // The measurements.csv column each column of a row comes from, if any.
    let from_measurement: Vec<Option<&str>> = COLUMNS
        .iter()
        .map(|c| {
            MEASUREMENT_COLUMNS.iter().find(|(_, row)| *row == Some(*c)).map(|(name, _)| *name)
        })
        .collect();
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for (v, variant) in variants.records.iter().enumerate() {
        let flat = COLUMNS.iter().map(|c| match *c {
            "sweep" => run.sweep.clone(),
            "goal" => run.goal.clone().unwrap_or_default(),
            c => variants.cell(variant, c).to_owned(),
        });
        rows.push(variants.row(v, flat)?);
        lines.push((&variants.path, v));
        for &m in of_variant.get(variants.cell(variant, "variant")).into_iter().flatten() {
            let record = &measurements.records[m];
            // An exact count written once: its interval columns repeat its value.
            let count = is_count_unit(measurements.cell(record, "unit"))
                && measurements.cell(record, "ci_low").is_empty()
                && !measurements.cell(record, "mean").is_empty();
            let exact = |c: &str| count && EXACT_EMPTY.contains(&c);
            let flat = COLUMNS.iter().zip(&from_measurement).map(|(c, from_measurement)| {
                match (*c, from_measurement) {
                    ("sweep", _) => run.sweep.clone(),
                    ("goal", _) => run.goal.clone().unwrap_or_default(),
                    ("unit", _) if measurements.cell(record, "unit") == NANOSECONDS => {
                        String::new()
                    }
                    ("std_dev_ns", _) if exact(c) => "0.0".to_owned(),
                    ("samples", _) if exact(c) => "1".to_owned(),
                    (c, _) if exact(c) => measurements.cell(record, "mean").to_owned(),
                    (_, Some(name)) => measurements.cell(record, name).to_owned(),
                    (c, None) => variants.cell(variant, c).to_owned(),
                }
            });
            rows.push(measurements.row(m, flat)?);
            lines.push((&measurements.path, m));
        }
    }
    check_rows(&rows, &|i| (lines[i].0.clone(), lines[i].1 + 2))?;
    Ok(rows)
}

/// The byte offset of a 1-based line and column in `text`.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// One CSV file of the layout, read by column name.
struct Table {
    path: PathBuf,
    at: HashMap<String, usize>,
    records: Vec<csv::StringRecord>,
}

impl Table {
    /// Reads `path`, whose header must name only columns of `known` (missing ones read empty).
    /// A file that is not there holds no rows yet: `run.json` is written first, so a kill
    /// during the first write leaves it alone.
    fn read(path: &Path, known: &[&str]) -> Result<Table, InputError> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Table {
                    path: path.to_owned(),
                    at: HashMap::new(),
                    records: Vec::new(),
                });
            }
            Err(e) => return Err(InputError::in_file(path, format!("cannot read: {e}"))),
        };
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let header = reader
            .headers()
            .map_err(|e| InputError::in_file(path, format!("not a CSV file: {e}")))?
            .clone();
        if let Some(unknown) = header.iter().find(|h| !known.contains(h)) {
            return Err(InputError::in_file(
                path,
                format!("column `{unknown}` is not one this version writes"),
            )
            .with_fix(
                "read it with the profile-sweep that wrote it, or write elsewhere with --out DIR",
            ));
        }
        let at = header.iter().enumerate().map(|(i, h)| (h.to_owned(), i)).collect();
        let records = reader.records().enumerate().map(|(i, r)| {
            r.map_err(|e| InputError::in_file(path, format!("line {} is malformed: {e}", i + 2)))
        });
        Ok(Table { path: path.to_owned(), at, records: records.collect::<Result<_, _>>()? })
    }

    /// A cell by column name; empty for a column the file does not have.
    fn cell<'r>(&self, record: &'r csv::StringRecord, column: &str) -> &'r str {
        self.at.get(column).and_then(|&i| record.get(i)).unwrap_or("")
    }

    /// An error at record `i` (line `i + 2`).
    fn error(&self, i: usize, message: impl Into<String>) -> InputError {
        InputError { position: Some((i + 2, 1)), ..InputError::in_file(&self.path, message) }
    }

    /// Deserialises the flat record (in [`COLUMNS`] order) built from record `i`.
    fn row(&self, i: usize, flat: impl Iterator<Item = String>) -> Result<Row, InputError> {
        let header = csv::StringRecord::from(COLUMNS.to_vec());
        csv::StringRecord::from(flat.collect::<Vec<_>>())
            .deserialize(Some(&header))
            .map_err(|e| self.error(i, format!("malformed: {e}")))
    }
}

#[cfg(test)]
#[path = "layout_tests.rs"]
mod tests;

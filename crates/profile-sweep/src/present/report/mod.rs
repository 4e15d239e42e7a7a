//! The Markdown report of a sweep's results: toolchain and host, the ladder table in the seed
//! article's form, the Pareto set and the recommendations with the profile to paste, and every
//! variant. Built from the rows alone (and the names of the charts drawn from them), so it can
//! be regenerated from a committed CSV.

use std::fmt::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::error::{InputError, SweepError};
use crate::measure::bloat::{Breakdown, CrateRow};
use crate::present::chart;
use crate::present::diff::Diff;
use crate::present::effects;
use crate::present::markdown::{Align, Table};
use crate::results::analysis::{self, distinct};
use crate::results::build_time::Budget;
use crate::results::rows::{self, Row, Status};
use crate::results::{breakdown, layout};
use crate::util::files::write_atomic;
use crate::util::units::{Unit, human_bytes, thousands};

mod hot_crates;
mod html;
mod inner_loop;
mod measurement_section;
mod top;
mod trained;

use measurement_section::{measurement_section, show};

/// Draws the charts and writes `report.md` and `report.html` into the results directory
/// `results` names (see [`layout::locate`]), from its rows alone, with recommendations that
/// respect `budget`; returns the files written. Nothing is written if the results are unusable.
pub fn write_outputs(results: &Path, budget: &Budget) -> Result<Vec<PathBuf>, SweepError> {
    let rows = layout::load(results)?;
    let dir = &layout::dir_of(results);
    refuse_foreign_reports(dir)?;
    let charts = chart::write_charts(&rows, dir)?;
    let names: Vec<String> = charts
        .iter()
        .filter_map(|c| c.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    let breakdown = breakdown::load(dir)?;
    let inputs = Inputs { rows: &rows, charts: &names, breakdown: &breakdown, budget };
    let mut written: Vec<PathBuf> =
        charts.iter().flat_map(|svg| [svg.clone(), svg.with_extension("png")]).collect();
    for export in [&Markdown as &dyn Export, &Html] {
        let file = dir.join(export.file_name());
        write_atomic(&file, export.render(&inputs).as_bytes())
            .with_context(|| format!("cannot write {}", file.display()))?;
        written.push(file);
    }
    Ok(written)
}

/// Refuses to write into `dir` where a `report.md` or `report.html` is there that profile-sweep
/// did not write (a user's own report, which would be overwritten).
pub fn refuse_foreign_reports(dir: &Path) -> Result<(), InputError> {
    for (export, ours) in [
        (&Markdown as &dyn Export, "# profile-sweep report"),
        (&Html, "<title>profile-sweep report"),
    ] {
        let file = dir.join(export.file_name());
        let Ok(bytes) = std::fs::read(&file) else { continue };
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).into_owned();
        if !head.contains(ours) {
            return Err(InputError::in_file(
                &file,
                "this file was not written by profile-sweep, and the report would overwrite it",
            )
            .with_fix("write the results elsewhere with --out DIR, or move the file aside"));
        }
    }
    Ok(())
}

/// What a report is rendered from: the rows, the charts drawn from them (SVG file names), the
/// code per crate, and the budget the recommendations respect.
pub struct Inputs<'a> {
    /// The results file's rows.
    pub rows: &'a [Row],
    /// The SVG charts next to the report, by file name.
    pub charts: &'a [String],
    /// The rows of `crates.csv` and `functions.csv`.
    pub breakdown: &'a Breakdown,
    /// What the recommendations respect.
    pub budget: &'a Budget,
}

/// A report format: one file in the results directory, rendered from its rows alone.
pub trait Export {
    /// The file's name, e.g. `report.md`.
    fn file_name(&self) -> &'static str;
    /// The file's text.
    fn render(&self, inputs: &Inputs<'_>) -> String;
}

/// `report.md`: findings, tables and the charts, for reading and committing.
pub struct Markdown;

impl Export for Markdown {
    fn file_name(&self) -> &'static str {
        "report.md"
    }

    fn render(&self, inputs: &Inputs<'_>) -> String {
        render(inputs.rows, inputs.charts, inputs.breakdown, inputs.budget)
    }
}

/// `report.html`: the trade-offs to explore in a browser, self-contained.
pub struct Html;

impl Export for Html {
    fn file_name(&self) -> &'static str {
        "report.html"
    }

    fn render(&self, inputs: &Inputs<'_>) -> String {
        html::render(inputs.rows, inputs.budget)
    }
}

/// The report for `rows`; `charts` are the SVG file names (relative to the report) to embed,
/// `breakdown` the rows of `crates.csv` and `functions.csv` (machine code per crate and per
/// function), and `budget` what the recommendations respect.
pub fn render(rows: &[Row], charts: &[String], breakdown: &Breakdown, budget: &Budget) -> String {
    let mut out = String::new();
    write_report(&mut out, rows, charts, breakdown, budget)
        .expect("writing to a String cannot fail");
    out
}

/// Writes the report for `rows` into `out`.
fn write_report(
    out: &mut String,
    rows: &[Row],
    charts: &[String],
    breakdown: &Breakdown,
    budget: &Budget,
) -> fmt::Result {
    let Some(first) = rows.first() else {
        return writeln!(out, "# profile-sweep report\n\nThe results file has no rows.");
    };
    let sizes = analysis::size_rows(rows);
    let measurements = analysis::measurements(rows);
    let (start, end) = (
        rows.iter().map(|r| r.finished_at.as_str()).min().unwrap_or_default(),
        rows.iter().map(|r| r.finished_at.as_str()).max().unwrap_or_default(),
    );
    writeln!(out, "# profile-sweep report: `{}`\n", first.sweep)?;
    let binary = if first.bin.is_empty() {
        "none (a library, measured through its benches)".to_owned()
    } else {
        format!("`{}`", first.bin)
    };
    let targets = distinct(rows.iter().map(|r| format!("`{}`", r.target)).filter(|t| t != "``"));
    writeln!(
        out,
        "- crate: package `{}`, binary {binary}, target {}",
        first.package,
        targets.join(", ")
    )?;
    writeln!(
        out,
        "- toolchain: {}",
        distinct(rows.iter().map(|r| r.rustc.clone()).filter(|r| !r.is_empty())).join(", ")
    )?;
    writeln!(
        out,
        "- host: `{}`, CPU {}, CPU frequency governor {}",
        first.host,
        first.cpu_model.as_deref().unwrap_or("unknown"),
        first.governor.as_deref().unwrap_or("unreadable")
    )?;
    writeln!(out, "- measured: {start} to {end}; {} variants", sizes.len())?;
    if let Some(load) = top::load_line(rows) {
        writeln!(out, "{load}")?;
    }
    if let Some(others) = top::others_line(rows) {
        writeln!(out, "{others}")?;
    }
    writeln!(
        out,
        "\nEvery number below is read from the results files next to this file (`variants.csv`, `measurements.csv`, `run.json`); `profile-sweep plot` on their directory (`cargo profile-sweep plot`, or `cargo xtask plot` in profile-sweep's repository) regenerates this report and its charts.\n"
    )?;

    top::verdict_section(out, rows)?;
    if sizes.iter().any(|r| r.step.is_some()) {
        ladder_section(out, rows, &sizes, &measurements)?;
    }
    for chart in charts
        .iter()
        .filter(|c| c.starts_with("ladder") || c.starts_with("effect-") || c.starts_with("sizes"))
    {
        writeln!(out, "![{}]({chart})\n", chart.trim_end_matches(".svg"))?;
    }
    for measurement in &measurements {
        measurement_section(out, rows, measurement, charts, budget)?;
    }
    trained::guided_section(out, rows, &sizes, &measurements)?;
    inner_loop::inner_loop_section(out, rows)?;
    // Effects by instruction counts where there are some (load does not move them), else by
    // the first whole-binary run.
    let steady = measurements.iter().find(|m| analysis::unit_of(m) == Unit::Instructions);
    if let Some(by) = steady.or(measurements.iter().find(|m| !analysis::is_bench(m))) {
        effects_section(out, rows, by)?;
    }
    changes_section(out, rows, &sizes, breakdown)?;
    variants_section(out, rows, &sizes, &measurements)?;
    crates_section(out, &sizes, &breakdown.crates)?;
    hot_crates::hot_section(out, &breakdown.hot)
}

/// A cell for a ratio in percent: `-21.5%`, or empty.
fn percent(old: Option<f64>, new: Option<f64>) -> String {
    match (old, new) {
        (Some(old), Some(new)) if old > 0.0 => {
            format!("{:+.1}%", analysis::change_percent(old, new))
        }
        _ => String::new(),
    }
}

/// A size row's size cell (its status when it has no size) and its change from `before`.
fn size_cells(row: &Row, before: Option<&Row>) -> [String; 2] {
    let size = row.size_bytes.map(|s| format!("{} B", thousands(s)));
    let bytes = |r: &Row| r.size_bytes.map(|s| s as f64);
    [size.unwrap_or_else(|| row.status.to_string()), percent(before.and_then(bytes), bytes(row))]
}

/// The change cell of a timing from `before` to `now`: a percent, or `tie` when their 95%
/// intervals overlap (counts are exact: always a percent).
fn change_cell(before: Option<&Row>, now: Option<&Row>) -> String {
    let interval = |r: &Row| Some((r.ci_low_ns?, r.ci_high_ns?));
    if let (Some(b), Some(n)) = (before, now) {
        let timed = b.unit.is_none() && n.unit.is_none();
        if let (true, Some((b_low, b_high)), Some((n_low, n_high))) =
            (timed, interval(b), interval(n))
            && b_low <= n_high
            && n_low <= b_high
        {
            return "tie".to_owned();
        }
    }
    percent(before.and_then(|r| r.mean_ns), now.and_then(|r| r.mean_ns))
}

/// The ladder table: each step with its size, runtimes and build time, changes relative to the
/// step before.
fn ladder_section(
    out: &mut String,
    rows: &[Row],
    steps: &[&Row],
    measurements: &[&str],
) -> fmt::Result {
    writeln!(
        out,
        "## The ladder\n\nEach step adds settings to the one before; changes are relative to the previous step, as in the seed article's table. A timing's change is `tie` where the two steps' 95% intervals overlap; instruction counts are exact, so theirs is always a percent.\n"
    )?;
    let mut table = Table::new(&[
        ("configuration", Align::Left),
        ("size", Align::Right),
        ("change", Align::Right),
    ]);
    for measurement in measurements {
        table.column(*measurement, Align::Right);
        table.column("change", Align::Right);
    }
    table.column("build time", Align::Right);
    let mut previous: Option<&Row> = None;
    for step in steps {
        let mut cells = vec![step.step.clone().unwrap_or_else(|| step.variant.clone())];
        cells.extend(size_cells(step, previous));
        for measurement in measurements {
            let now = rows::measured(rows, &step.variant, measurement);
            let before = previous.and_then(|p| rows::measured(rows, &p.variant, measurement));
            cells.push(
                now.and_then(|r| r.mean_ns).map(|m| show(measurement, m)).unwrap_or_default(),
            );
            cells.push(change_cell(before, now));
        }
        cells.push(step.build_seconds.map(|s| format!("{s:.1} s")).unwrap_or_default());
        table.row(cells);
        previous = Some(step);
    }
    write!(out, "{table}")?;
    if let (Some(first), Some(last)) =
        (steps.first().and_then(|r| r.size_bytes), steps.last().and_then(|r| r.size_bytes))
    {
        writeln!(
            out,
            "\nFrom first to last step: {} to {} ({:+.1}%).",
            human_bytes(first as f64),
            human_bytes(last as f64),
            analysis::change_percent(first as f64, last as f64)
        )?;
    }
    writeln!(out)
}

fn variants_section(
    out: &mut String,
    rows: &[Row],
    sizes: &[&Row],
    measurements: &[&str],
) -> fmt::Result {
    writeln!(out, "## All variants\n")?;
    // A big sweep's table folds away, so the report reads as its findings first.
    let folded = sizes.len() > FOLD_ABOVE;
    if folded {
        writeln!(out, "<details><summary>All {} variants (the table)</summary>\n", sizes.len())?;
    }
    let (left, right) = (Align::Left, Align::Right);
    let mut table = Table::new(&[
        ("variant", left),
        ("opt-level", left),
        ("lto", left),
        ("codegen-units", right),
        ("panic", left),
        ("strip", left),
        ("status", left),
        ("size", right),
        (".text", right),
        ("build", right),
        ("rebuild", right),
    ]);
    let with_axes = sizes.iter().any(|r| !analysis::build_axes(r).is_empty());
    let with_shipping = sizes.iter().any(|r| r.image_bytes.is_some());
    if with_axes {
        table.column("built with", left);
    }
    if with_shipping {
        table.column("shipped", right);
        table.column("image", right);
    }
    for measurement in measurements {
        table.column(*measurement, right);
    }
    for row in sizes {
        table.row(variant_cells(row, rows, measurements, with_axes, with_shipping));
    }
    write!(out, "{table}")?;
    let notes = variant_notes(rows);
    if !notes.is_empty() {
        writeln!(out, "\nNotes:\n\n{}", notes.join("\n"))?;
    }
    if folded {
        writeln!(out, "\n</details>")?;
    }
    if with_shipping {
        writeln!(
            out,
            "\n`shipped` is the binary plus the shared libraries it loads from the Rust toolchain (what must ship with it); `image` is every file a minimal container image holds: the binary alone when static (`FROM scratch`), else with its libraries and the loader. The trade-off charts and recommendations use `shipped`."
        )?;
    }
    Ok(())
}

/// One variant's line of the table of all variants.
fn variant_cells(
    row: &Row,
    rows: &[Row],
    measurements: &[&str],
    with_axes: bool,
    with_shipping: bool,
) -> Vec<String> {
    let mut cells = vec![
        format!("`{}`", row.variant),
        row.opt_level.clone(),
        row.lto.clone(),
        row.codegen_units.to_string(),
        row.panic.clone(),
        row.strip.clone(),
        row.status.to_string(),
        row.size_bytes.map(thousands).unwrap_or_default(),
        row.text_bytes.map(thousands).unwrap_or_default(),
        row.build_seconds.map(|s| format!("{s:.1} s")).unwrap_or_default(),
        row.rebuild_seconds.map(|s| format!("{s:.1} s")).unwrap_or_default(),
    ];
    if with_axes {
        cells.push(analysis::build_axes(row).join("; "));
    }
    if with_shipping {
        cells.push(row.shipped_bytes.map(thousands).unwrap_or_default());
        cells.push(row.image_bytes.map(thousands).unwrap_or_default());
    }
    for measurement in measurements {
        let measured = rows
            .iter()
            .find(|r| r.variant == row.variant && r.measurement.as_deref() == Some(*measurement));
        cells.push(match measured {
            Some(r) if r.status == Status::Ok => {
                r.mean_ns.map(|m| show(measurement, m)).unwrap_or_default()
            }
            Some(r) => r.status.to_string(),
            None => String::new(),
        });
    }
    cells
}

/// One line per row that failed, was skipped or is byte-identical to another, with why.
fn variant_notes(rows: &[Row]) -> Vec<String> {
    rows.iter()
        .filter(|r| r.status != Status::Ok || r.identical_to.is_some())
        .map(|r| {
            let what = r.measurement.as_deref().map(|m| format!(" `{m}`")).unwrap_or_default();
            let why = match (&r.note, &r.identical_to) {
                (Some(note), _) => note.clone(),
                (None, Some(twin)) => format!("byte-identical to `{twin}`"),
                (None, None) => String::new(),
            };
            format!(
                "- `{}`{what}: {}{}",
                r.variant,
                r.status,
                if why.is_empty() { String::new() } else { format!(", {why}") }
            )
        })
        .collect()
}

/// Above this many variants the table of all of them is folded into a `<details>` block.
const FOLD_ABOVE: usize = 30;

/// Which settings mattered for this crate: the effect of every axis value of a matrix sweep,
/// over the pairs of variants that differ only in it.
fn effects_section(out: &mut String, rows: &[Row], measurement: &str) -> fmt::Result {
    let effects = effects::axis_effects(rows, measurement);
    if effects.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "## Which settings mattered for this crate\n\nEach value against the first variant's, over every measured pair of variants that differ only in it: the median change, and the smallest and largest in brackets (`{measurement}` for runtime).\n"
    )?;
    let change = |(median, low, high): (f64, f64, f64)| {
        let pct = |r: f64| format!("{:+.1}%", (r - 1.0) * 100.0);
        format!("{} [{}, {}]", pct(median), pct(low), pct(high))
    };
    let mut table = Table::new(&[
        ("setting", Align::Left),
        ("against", Align::Left),
        ("pairs", Align::Right),
        ("size", Align::Right),
        ("runtime", Align::Right),
    ]);
    for effect in &effects {
        table.row(vec![
            format!("{} = {}", effect.axis.key(), effect.value),
            effect.reference.clone(),
            effect.pairs.to_string(),
            change(effect.size),
            effect.runtime.map(change).unwrap_or_default(),
        ]);
    }
    writeln!(out, "{table}")
}

/// How many crate and function changes a step's explanation names.
const CHANGES_NAMED: usize = 5;

/// Explains each ladder step, or each step along the size-runtime frontier, by the crates and
/// functions that grew and shrank (where the breakdowns exist).
fn changes_section(
    out: &mut String,
    rows: &[Row],
    sizes: &[&Row],
    breakdown: &Breakdown,
) -> fmt::Result {
    let ladder = sizes.iter().any(|r| r.step.is_some());
    let steps: Vec<&Row> = if ladder {
        sizes.to_vec()
    } else {
        let Some(measurement) =
            analysis::measurements(rows).into_iter().find(|m| !analysis::is_bench(m))
        else {
            return Ok(());
        };
        let points = analysis::points(rows, measurement);
        analysis::frontier_by_means(&points).iter().map(|p| p.row).collect()
    };
    let explained: Vec<String> = steps
        .windows(2)
        .filter_map(|pair| {
            let diff = Diff::between(breakdown, &pair[0].variant, breakdown, &pair[1].variant)?;
            let name = |r: &Row| r.step.clone().unwrap_or_else(|| format!("`{}`", r.variant));
            let from = if ladder { String::new() } else { format!("{} to ", name(pair[0])) };
            Some(format!("- **{from}{}**: {}", name(pair[1]), diff.summary(CHANGES_NAMED)))
        })
        .collect();
    if explained.is_empty() {
        return Ok(());
    }
    let what = if ladder {
        "Each step against the one before"
    } else {
        "Each step along the frontier (by means), smaller to larger"
    };
    writeln!(
        out,
        "## What each step changed\n\n{what}: the crates and functions whose machine code grew or shrank most (`.text` bytes; `crates.csv` and `functions.csv` have them all; a function below one side's list of largest functions is said so, not counted as removed).\n\n{}\n",
        explained.join("\n")
    )
}

/// How many crates the breakdown table lists.
const CRATES_SHOWN: usize = 12;

/// Where the bytes go: machine code per crate, in the largest and the smallest variant with a
/// breakdown, the crates that changed most first.
fn crates_section(out: &mut String, sizes: &[&Row], crates: &[CrateRow]) -> fmt::Result {
    // Only variants whose code is all in the binary: a `-C prefer-dynamic` one keeps std in a
    // shared library, which its breakdown cannot see.
    let with_breakdown: Vec<&&Row> = sizes
        .iter()
        .filter(|r| {
            r.size_bytes.is_some()
                && analysis::shipped_size(r) == r.size_bytes
                && crates.iter().any(|c| c.variant == r.variant)
        })
        .collect();
    let (Some(largest), Some(smallest)) = (
        with_breakdown.iter().max_by_key(|r| r.size_bytes),
        with_breakdown.iter().min_by_key(|r| r.size_bytes),
    ) else {
        return Ok(());
    };
    let of = |variant: &str| -> Vec<&CrateRow> {
        crates.iter().filter(|c| c.variant == variant).collect()
    };
    let (large, small) = (of(&largest.variant), of(&smallest.variant));
    let mut names = distinct(large.iter().chain(&small).map(|c| c.krate.clone()));
    let bytes = |list: &[&CrateRow], name: &str| {
        list.iter().find(|c| c.krate == name).map_or(0, |c| c.text_bytes)
    };
    names.sort_by_key(|name| {
        std::cmp::Reverse((bytes(&large, name) as i64 - bytes(&small, name) as i64).unsigned_abs())
    });
    writeln!(
        out,
        "\n## Where the bytes go\n\nMachine code per crate (`.text` bytes of its functions, from the symbol table; `crates.csv` has every variant), in the largest variant `{}` and the smallest `{}` (of those whose code is all in the binary), the crates that changed most first. `[unknown]` is code without a Rust symbol name: C code such as a static libc, and the linker's.\n",
        largest.variant, smallest.variant
    )?;
    let (large_name, small_name) =
        (format!("`{}`", largest.variant), format!("`{}`", smallest.variant));
    let mut table = Table::new(&[
        ("crate", Align::Left),
        (&large_name, Align::Right),
        (&small_name, Align::Right),
        ("change", Align::Right),
    ]);
    for name in names.iter().take(CRATES_SHOWN) {
        let (before, after) = (bytes(&large, name), bytes(&small, name));
        table.row(vec![
            format!("`{name}`"),
            thousands(before),
            thousands(after),
            percent(Some(before as f64), Some(after as f64)),
        ]);
    }
    write!(out, "{table}")?;
    if names.len() > CRATES_SHOWN {
        writeln!(out, "\n{} more changed less.", names.len() - CRATES_SHOWN)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_of_a_real_ladder_sweep() {
        let bytes = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ladder-results.csv"),
        )
        .unwrap();
        let rows = rows::read_legacy(Path::new("ladder-results.csv"), &bytes).unwrap();
        let charts =
            ["tradeoff-convert-200k.svg", "tradeoff-criterion-json2csv-convert.svg", "ladder.svg"]
                .map(String::from);
        insta::assert_snapshot!(render(&rows, &charts, &Breakdown::default(), &Budget::default()));
    }

    #[test]
    fn an_unusable_csv_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("results.csv");
        std::fs::write(&csv, "sweep,variant\ns,a\n").unwrap();
        let error = write_outputs(&csv, &Budget::default()).unwrap_err().to_string();
        assert!(error.contains("missing: opt_level"), "{error}");
        std::fs::write(&csv, rows::to_csv(&[]).unwrap()).unwrap();
        let error = write_outputs(&csv, &Budget::default()).unwrap_err().to_string();
        assert!(error.contains("hold no rows"), "{error}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "only the CSV itself");
    }
}

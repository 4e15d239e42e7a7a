//! The Markdown report of a results CSV: toolchain and host, the ladder table in the seed
//! article's form, the Pareto set and the recommendations with the profile to paste, and every
//! variant. Built from the rows alone (and the names of the charts drawn from them), so it can
//! be regenerated from a committed CSV.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::error::SweepError;
use crate::measure::bloat::{self, CrateRow};
use crate::present::analysis::{self, Point, TOLERANCE, distinct};
use crate::present::chart::{self, tradeoff_stem};
use crate::results::rows::{self, Row, Status};
use crate::util::files::write_atomic;
use crate::util::units::{human_bytes, human_ns, thousands};

/// Draws the charts and writes `report.md` next to the results CSV at `csv`, from its rows
/// alone; returns the files written. Nothing is written if the CSV is unusable.
pub fn write_outputs(csv: &Path) -> Result<Vec<PathBuf>, SweepError> {
    let rows = rows::load(csv)?;
    let dir = csv.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let charts = chart::write_charts(&rows, dir)?;
    let names: Vec<String> = charts
        .iter()
        .filter_map(|c| c.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    let report = dir.join("report.md");
    let crates = bloat::load_beside(csv)?;
    write_atomic(&report, render(&rows, &names, &crates).as_bytes())
        .with_context(|| format!("cannot write {}", report.display()))?;
    let mut written: Vec<PathBuf> =
        charts.iter().flat_map(|svg| [svg.clone(), svg.with_extension("png")]).collect();
    written.push(report);
    Ok(written)
}

/// The report for `rows`; `charts` are the SVG file names (relative to the report) to embed, and
/// `crates` the rows of `crates.csv` (machine code per crate).
pub fn render(rows: &[Row], charts: &[String], crates: &[CrateRow]) -> String {
    let mut out = String::new();
    let Some(first) = rows.first() else {
        return "# profile-sweep report\n\nThe results file has no rows.\n".to_owned();
    };
    let sizes = analysis::size_rows(rows);
    let measurements = analysis::measurements(rows);
    let (start, end) = (
        rows.iter().map(|r| r.finished_at.as_str()).min().unwrap_or_default(),
        rows.iter().map(|r| r.finished_at.as_str()).max().unwrap_or_default(),
    );
    let _ = writeln!(out, "# profile-sweep report: `{}`\n", first.sweep);
    let binary = if first.bin.is_empty() {
        "none (a library, measured through its benches)".to_owned()
    } else {
        format!("`{}`", first.bin)
    };
    let targets = distinct(rows.iter().map(|r| format!("`{}`", r.target)).filter(|t| t != "``"));
    let _ = writeln!(
        out,
        "- crate: package `{}`, binary {binary}, target {}",
        first.package,
        targets.join(", ")
    );
    let _ = writeln!(
        out,
        "- toolchain: {}",
        distinct(rows.iter().map(|r| r.rustc.clone()).filter(|r| !r.is_empty())).join(", ")
    );
    let _ = writeln!(
        out,
        "- host: `{}`, CPU {}, CPU frequency governor {}",
        first.host,
        first.cpu_model.as_deref().unwrap_or("unknown"),
        first.governor.as_deref().unwrap_or("unreadable")
    );
    let _ = writeln!(out, "- measured: {start} to {end}; {} variants", sizes.len());
    let _ = writeln!(
        out,
        "\nEvery number below is read from `results.csv` next to this file; `cargo xtask plot` on that file regenerates this report and its charts.\n"
    );

    if sizes.iter().any(|r| r.step.is_some()) {
        ladder_section(&mut out, rows, &sizes, &measurements);
    }
    for chart in charts
        .iter()
        .filter(|c| c.starts_with("ladder") || c.starts_with("effect-") || c.starts_with("sizes"))
    {
        let _ = writeln!(out, "![{}]({chart})\n", chart.trim_end_matches(".svg"));
    }
    for measurement in &measurements {
        measurement_section(&mut out, rows, measurement, charts);
    }
    variants_section(&mut out, rows, &sizes, &measurements);
    crates_section(&mut out, &sizes, crates);
    out
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

/// The mean of `measurement` for `variant`, if measured.
fn mean_of(rows: &[Row], variant: &str, measurement: &str) -> Option<f64> {
    rows.iter()
        .find(|r| {
            r.variant == variant
                && r.measurement.as_deref() == Some(measurement)
                && r.status == Status::Ok
        })
        .and_then(|r| r.mean_ns)
}

fn ladder_section(out: &mut String, rows: &[Row], steps: &[&Row], measurements: &[&str]) {
    let _ = writeln!(
        out,
        "## The ladder\n\nEach step adds settings to the one before; changes are relative to the previous step, as in the seed article's table.\n"
    );
    let mut header = "| configuration | size | change |".to_owned();
    let mut rule = "|---|---:|---:|".to_owned();
    for measurement in measurements {
        let _ = write!(header, " {measurement} | change |");
        rule.push_str("---:|---:|");
    }
    let _ = writeln!(out, "{header} build time |\n{rule}---:|");
    let mut previous: Option<&Row> = None;
    for step in steps {
        let size = step
            .size_bytes
            .map(|s| format!("{} B", thousands(s)))
            .unwrap_or_else(|| step.status.to_string());
        let mut line = format!(
            "| {} | {size} | {} |",
            step.step.as_deref().unwrap_or(&step.variant),
            percent(
                previous.and_then(|p| p.size_bytes).map(|s| s as f64),
                step.size_bytes.map(|s| s as f64)
            )
        );
        for measurement in measurements {
            let mean = mean_of(rows, &step.variant, measurement);
            let before = previous.and_then(|p| mean_of(rows, &p.variant, measurement));
            let _ = write!(
                line,
                " {} | {} |",
                mean.map(human_ns).unwrap_or_default(),
                percent(before, mean)
            );
        }
        let _ = writeln!(
            out,
            "{line} {} |",
            step.build_seconds.map(|s| format!("{s:.1} s")).unwrap_or_default()
        );
        previous = Some(step);
    }
    if let (Some(first), Some(last)) =
        (steps.first().and_then(|r| r.size_bytes), steps.last().and_then(|r| r.size_bytes))
    {
        let _ = writeln!(
            out,
            "\nFrom first to last step: {} to {} ({:+.1}%).",
            human_bytes(first as f64),
            human_bytes(last as f64),
            analysis::change_percent(first as f64, last as f64)
        );
    }
    let _ = writeln!(out);
}

fn measurement_section(out: &mut String, rows: &[Row], measurement: &str, charts: &[String]) {
    let criterion = measurement.starts_with("criterion:");
    let kind = if criterion {
        "criterion benchmark, mean time per iteration"
    } else {
        "whole binary, mean wall time per run"
    };
    let _ = writeln!(out, "## `{measurement}` ({kind})\n");
    let chart = format!("{}.svg", tradeoff_stem(measurement));
    if charts.contains(&chart) {
        let _ = writeln!(out, "![size versus runtime, {measurement}]({chart})\n");
    }
    if let Some(reference) = analysis::normalising_reference(rows, measurement) {
        let _ = writeln!(
            out,
            "Merged from shards measured on different machines: every runtime here is its ratio to its own shard's reference variant times the first shard's reference runtime ({}), so they share one scale. The CSV keeps the raw runtimes and the ratio (`reference_ratio`).\n",
            human_ns(reference)
        );
    }
    let other_panic: Vec<String> = rows
        .iter()
        .filter(|r| {
            r.measurement.as_deref() == Some(measurement) && analysis::measured_other_panic(r)
        })
        .map(|r| format!("`{}`", r.variant))
        .collect();
    if !other_panic.is_empty() {
        let _ = writeln!(
            out,
            "Cargo builds bench targets with `panic = \"unwind\"` whatever the profile says (cargo issue 11214), so this measurement of {} is of an unwinding build; those variants are left out of the Pareto set and the recommendations below. For the panic axis, trust the whole-binary measurements.\n",
            other_panic.join(", ")
        );
    }
    let points = analysis::points(rows, measurement);
    let ranking = analysis::sizeless_ranking(rows, measurement);
    if points.is_empty() && !ranking.is_empty() {
        return ranking_section(out, &ranking);
    }
    if points.is_empty() {
        let _ = writeln!(out, "No variant has a successful measurement.\n");
        return;
    }
    let frontier = analysis::pareto(&points);
    let _ = writeln!(
        out,
        "**Pareto set** (no other variant is both smaller and faster), smallest first:\n"
    );
    let _ = writeln!(
        out,
        "| variant | step | size | runtime | 95% CI | panic in effect |\n|---|---|---:|---:|---|---|"
    );
    for point in &frontier {
        let _ = writeln!(out, "{}", point_line(point));
    }
    let _ = writeln!(out);
    let tolerance = TOLERANCE * 100.0;
    for (title, pick) in [
        (
            format!("Smallest within {tolerance:.0}% of the fastest runtime"),
            analysis::smallest_near_fastest(&points),
        ),
        (
            format!("Fastest within {tolerance:.0}% of the smallest size"),
            analysis::fastest_near_smallest(&points),
        ),
    ] {
        let Some(pick) = pick else { continue };
        let _ = writeln!(
            out,
            "**{title}:** `{}`{}: {} B, {} [{} .. {}].\n",
            pick.row.variant,
            pick.row.step.as_ref().map(|s| format!(" ({s})")).unwrap_or_default(),
            thousands(pick.size),
            human_ns(pick.mean_ns),
            human_ns(pick.ci_ns.0),
            human_ns(pick.ci_ns.1)
        );
        snippet_block(out, pick.row);
    }
}

/// Runtimes without sizes (a library swept through its benches): a ranking and the fastest.
fn ranking_section(out: &mut String, ranking: &[&Row]) {
    let _ = writeln!(
        out,
        "The package has no binary, so there is no size to trade against: variants ranked by runtime, fastest first.\n"
    );
    let _ = writeln!(
        out,
        "| variant | step | runtime | 95% CI | panic in effect |\n|---|---|---:|---|---|"
    );
    for row in ranking {
        let mean = row.mean_ns.unwrap_or_default();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} .. {} | {} |",
            row.variant,
            row.step.as_deref().unwrap_or(""),
            human_ns(mean),
            human_ns(row.ci_low_ns.unwrap_or(mean)),
            human_ns(row.ci_high_ns.unwrap_or(mean)),
            row.panic_effective.as_deref().unwrap_or("unknown")
        );
    }
    let fastest = ranking[0];
    let _ = writeln!(out, "\n**Fastest:** `{}`.\n", fastest.variant);
    snippet_block(out, fastest);
}

/// The `[profile.release]` to paste for `row`, as a fenced TOML block.
fn snippet_block(out: &mut String, row: &Row) {
    match analysis::profile_snippet(row, "release") {
        Ok(snippet) => {
            let _ = writeln!(out, "```toml\n{snippet}```\n");
        }
        Err(error) => {
            let _ = writeln!(out, "(no snippet: {error})\n");
        }
    }
}

fn point_line(point: &Point<'_>) -> String {
    format!(
        "| `{}` | {} | {} B | {} | {} .. {} | {} |",
        point.row.variant,
        point.row.step.as_deref().unwrap_or(""),
        thousands(point.size),
        human_ns(point.mean_ns),
        human_ns(point.ci_ns.0),
        human_ns(point.ci_ns.1),
        point.row.panic_effective.as_deref().unwrap_or("unknown")
    )
}

fn variants_section(out: &mut String, rows: &[Row], sizes: &[&Row], measurements: &[&str]) {
    let _ = writeln!(out, "## All variants\n");
    let mut header = "| variant | opt-level | lto | codegen-units | panic | strip | status | size | .text | build |".to_owned();
    let mut rule = "|---|---|---|---:|---|---|---|---:|---:|---:|".to_owned();
    let with_axes = sizes.iter().any(|r| !analysis::build_axes(r).is_empty());
    let with_shipping = sizes.iter().any(|r| r.image_bytes.is_some());
    if with_axes {
        header.push_str(" built with |");
        rule.push_str("---|");
    }
    if with_shipping {
        header.push_str(" shipped | image |");
        rule.push_str("---:|---:|");
    }
    for measurement in measurements {
        let _ = write!(header, " {measurement} |");
        rule.push_str("---:|");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    for row in sizes {
        let mut line = format!(
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            row.variant,
            row.opt_level,
            row.lto,
            row.codegen_units,
            row.panic,
            row.strip,
            row.status,
            row.size_bytes.map(thousands).unwrap_or_default(),
            row.text_bytes.map(thousands).unwrap_or_default(),
            row.build_seconds.map(|s| format!("{s:.1} s")).unwrap_or_default()
        );
        if with_axes {
            let _ = write!(line, " {} |", analysis::build_axes(row).join("; "));
        }
        if with_shipping {
            let _ = write!(
                line,
                " {} | {} |",
                row.shipped_bytes.map(thousands).unwrap_or_default(),
                row.image_bytes.map(thousands).unwrap_or_default()
            );
        }
        for measurement in measurements {
            let cell = match rows.iter().find(|r| {
                r.variant == row.variant && r.measurement.as_deref() == Some(*measurement)
            }) {
                Some(r) if r.status == Status::Ok => r.mean_ns.map(human_ns).unwrap_or_default(),
                Some(r) => r.status.to_string(),
                None => String::new(),
            };
            let _ = write!(line, " {cell} |");
        }
        let _ = writeln!(out, "{line}");
    }
    let notes: Vec<String> = rows
        .iter()
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
        .collect();
    if !notes.is_empty() {
        let _ = writeln!(out, "\nNotes:\n\n{}", notes.join("\n"));
    }
    if with_shipping {
        let _ = writeln!(
            out,
            "\n`shipped` is the binary plus the shared libraries it loads from the Rust toolchain (what must ship with it); `image` is every file a minimal container image holds: the binary alone when static (`FROM scratch`), else with its libraries and the loader. The trade-off charts and recommendations use `shipped`."
        );
    }
}

/// How many crates the breakdown table lists.
const CRATES_SHOWN: usize = 12;

/// Where the bytes go: machine code per crate, in the largest and the smallest variant with a
/// breakdown, the crates that changed most first.
fn crates_section(out: &mut String, sizes: &[&Row], crates: &[CrateRow]) {
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
        return;
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
    let _ = writeln!(
        out,
        "\n## Where the bytes go\n\nMachine code per crate (`.text` bytes of its functions, from the symbol table; `crates.csv` has every variant), in the largest variant `{}` and the smallest `{}` (of those whose code is all in the binary), the crates that changed most first. `[unknown]` is code without a Rust symbol name: C code such as a static libc, and the linker's.\n",
        largest.variant, smallest.variant
    );
    let _ = writeln!(
        out,
        "| crate | `{}` | `{}` | change |\n|---|---:|---:|---:|",
        largest.variant, smallest.variant
    );
    for name in names.iter().take(CRATES_SHOWN) {
        let (before, after) = (bytes(&large, name), bytes(&small, name));
        let _ = writeln!(
            out,
            "| `{name}` | {} | {} | {} |",
            thousands(before),
            thousands(after),
            percent(Some(before as f64), Some(after as f64))
        );
    }
    if names.len() > CRATES_SHOWN {
        let _ = writeln!(out, "\n{} more changed less.", names.len() - CRATES_SHOWN);
    }
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
        let rows = rows::read_rows(&bytes).unwrap();
        let charts =
            ["tradeoff-convert-200k.svg", "tradeoff-criterion-json2csv-convert.svg", "ladder.svg"]
                .map(String::from);
        insta::assert_snapshot!(render(&rows, &charts, &[]));
    }

    #[test]
    fn an_unusable_csv_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("results.csv");
        std::fs::write(&csv, "sweep,variant\ns,a\n").unwrap();
        let error = write_outputs(&csv).unwrap_err().to_string();
        assert!(error.contains("missing: opt_level"), "{error}");
        std::fs::write(&csv, rows::to_csv(&[]).unwrap()).unwrap();
        let error = write_outputs(&csv).unwrap_err().to_string();
        assert!(error.contains("has no rows"), "{error}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "only the CSV itself");
    }
}

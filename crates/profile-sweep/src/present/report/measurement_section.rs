//! The report's section for one measurement: its Pareto set, the two picks with what they are
//! tied with and whether they rest on noise, what was left out, and the profile to paste.

use std::fmt::{self, Write};

use crate::plan::measurement::MeasurementName;
use crate::present::chart::{rebuild_stem, runtime_stem, tradeoff_stem};
use crate::present::markdown::{Align, Table};
use crate::present::snippet;
use crate::results::analysis::{self, Pick, Point, TOLERANCE};
use crate::results::build_time::{self, Budget, REBUILD_TIE};
use crate::results::rows::Row;
use crate::util::units::{Unit, thousands};

/// A value of `measurement` in its unit: `6.35 ms`, or an instruction count `457,654,768`.
pub(super) fn show(measurement: &str, value: f64) -> String {
    analysis::unit_of(measurement).exact(value)
}

/// The interval cell of a table: `6.30 ms .. 6.41 ms`, or `exact` for a count.
fn show_interval(measurement: &str, (low, high): (f64, f64)) -> String {
    match analysis::unit_of(measurement) {
        Unit::Instructions | Unit::Cycles => "exact".to_owned(),
        _ => format!("{} .. {}", show(measurement, low), show(measurement, high)),
    }
}

/// A value with its interval in prose: `624.36 ms [567.71 ms .. 681.02 ms]`, or
/// `3,021,116,452 instructions`.
fn show_measured(measurement: &str, value: f64, (low, high): (f64, f64)) -> String {
    match analysis::unit_of(measurement) {
        unit @ (Unit::Instructions | Unit::Cycles) => {
            format!("{} {}", show(measurement, value), unit.noun())
        }
        _ => format!(
            "{} [{} .. {}]",
            show(measurement, value),
            show(measurement, low),
            show(measurement, high)
        ),
    }
}

pub(super) fn measurement_section(
    out: &mut String,
    rows: &[Row],
    measurement: &str,
    charts: &[String],
    budget: &Budget,
) -> fmt::Result {
    let kind = MeasurementName::parse(measurement).describe();
    writeln!(out, "## `{measurement}` ({kind})\n")?;
    let chart = format!("{}.svg", tradeoff_stem(measurement));
    if charts.contains(&chart) {
        writeln!(out, "![size versus runtime, {measurement}]({chart})\n")?;
    }
    for (stem, what) in [
        (rebuild_stem(measurement), "rebuild after an edit versus runtime"),
        (runtime_stem(measurement), "runtime per variant"),
    ] {
        let chart = format!("{stem}.svg");
        if charts.contains(&chart) {
            writeln!(out, "![{what}, {measurement}]({chart})\n")?;
        }
    }
    if let Some(reference) = analysis::normalising_reference(rows, measurement) {
        writeln!(
            out,
            "Merged from shards, measured on different machines or at different times: every runtime here is its ratio to its own shard's reference variant times the first shard's reference runtime ({}), so they share one scale. The CSV keeps the raw runtimes and the ratio (`reference_ratio`).\n",
            show(measurement, reference)
        )?;
    }
    let other_panic: Vec<String> = rows
        .iter()
        .filter(|r| {
            r.measurement.as_deref() == Some(measurement) && analysis::measured_other_panic(r)
        })
        .map(|r| format!("`{}`", r.variant))
        .collect();
    if !other_panic.is_empty() {
        writeln!(
            out,
            "Cargo builds bench targets with `panic = \"unwind\"` whatever the profile says (cargo issue 11214), so this measurement of {} is of an unwinding build; those variants are left out of the Pareto set and the recommendations below. For the panic axis, trust the whole-binary measurements.\n",
            other_panic.join(", ")
        )?;
    }
    let points = analysis::points(rows, measurement);
    let ranking = analysis::sizeless_ranking(rows, measurement);
    if points.is_empty() && !ranking.is_empty() {
        return ranking_section(out, &ranking);
    }
    if points.is_empty() {
        return writeln!(out, "No variant has a successful measurement.\n");
    }
    pareto_table(out, &points)?;
    let all = points.len();
    let points = budget.allowed(&points);
    if let Some(max) = budget.max_rebuild_seconds {
        writeln!(
            out,
            "**Rebuild budget {max} s:** {} of {all} variants were timed rebuilding after an edit within it; the recommendations below are among them.\n",
            points.len()
        )?;
    }
    let tolerance = TOLERANCE * 100.0;
    for (title, pick, ranked) in [
        (
            format!("Smallest within {tolerance:.0}% of the fastest runtime"),
            analysis::smallest_near_fastest(&points),
            analysis::ranked_near_fastest(&points),
        ),
        (
            format!("Fastest within {tolerance:.0}% of the smallest size"),
            analysis::fastest_near_smallest(&points),
            analysis::ranked_near_smallest(&points),
        ),
    ] {
        let Some(pick) = pick else { continue };
        pick_paragraph(out, measurement, &title, &pick)?;
        top_table(out, &ranked)?;
    }
    three_way_table(out, &analysis::points(rows, measurement))?;
    left_out_paragraphs(out, rows, measurement)
}

/// The Pareto set of a measurement, with how it relates to the frontier by means.
fn pareto_table(out: &mut String, points: &[Point<'_>]) -> fmt::Result {
    let frontier = analysis::pareto(points);
    let by_means = analysis::frontier_by_means(points);
    writeln!(
        out,
        "**Pareto set** (no other variant is both smaller and certainly faster; overlapping 95% intervals are ties), smallest first:\n"
    )?;
    let mut columns = POINT_COLUMNS;
    let unit = points.first().and_then(|p| p.row.measurement.as_deref()).map(analysis::unit_of);
    if let Some(unit) = unit.filter(|u| u.is_count()) {
        columns[3].0 = unit.noun();
    }
    writeln!(out, "{}", points_table(&frontier, MAX_TABLE_ROWS, &columns, true))?;
    more_in_the_csv(out, frontier.len())?;
    if frontier.len() > by_means.len() {
        let names: Vec<String> = by_means.iter().map(|p| format!("`{}`", p.row.variant)).collect();
        writeln!(
            out,
            "By their means alone the frontier would be {} variant(s), {}; the other {} stay because their intervals overlap a variant that only looks better.\n",
            by_means.len(),
            names.join(", "),
            frontier.len() - by_means.len()
        )?;
    }
    Ok(())
}

/// How many runners-up a recommendation lists, in a sweep with more candidates than that.
const TOP: usize = 10;

/// The best `TOP` candidates of a recommendation, when a big sweep has more than that.
fn top_table(out: &mut String, ranked: &[&Point<'_>]) -> fmt::Result {
    if ranked.len() <= TOP {
        return Ok(());
    }
    writeln!(out, "The top {TOP} of its {} candidates:\n", ranked.len())?;
    writeln!(out, "{}", points_table(&ranked[..TOP], TOP, &POINT_COLUMNS, false))
}

/// Tables stop after this many rows; the CSV has them all.
const MAX_TABLE_ROWS: usize = 25;

/// Says how many rows a table left out, if it left some.
fn more_in_the_csv(out: &mut String, rows: usize) -> fmt::Result {
    if rows > MAX_TABLE_ROWS {
        writeln!(out, "... and {} more, in `measurements.csv`.\n", rows - MAX_TABLE_ROWS)?;
    }
    Ok(())
}

/// A table of the first `limit` of `points` under `columns`, then their clean build and rebuild
/// times when any of `points` was timed, then (with `with_noise`) their noise flags when any has
/// some.
fn points_table(
    points: &[&Point<'_>],
    limit: usize,
    columns: &[(&str, Align)],
    with_noise: bool,
) -> Table {
    let timed = points.iter().any(|p| p.row.build_seconds.or(p.row.rebuild_seconds).is_some());
    let noisy = with_noise && points.iter().any(|p| p.row.noise.is_some());
    let mut table = Table::new(columns);
    if timed {
        table.column("build", Align::Right);
        table.column("rebuild", Align::Right);
    }
    if noisy {
        table.column("noise", Align::Left);
    }
    let seconds = |s: Option<f64>| s.map(|s| format!("{s:.1} s")).unwrap_or_default();
    for point in points.iter().take(limit) {
        let mut cells = point_cells(point);
        if timed {
            cells.push(seconds(point.row.build_seconds));
            cells.push(seconds(point.row.rebuild_seconds));
        }
        if noisy {
            cells.push(point.row.noise.clone().unwrap_or_default());
        }
        table.row(cells);
    }
    table
}

/// The three-way frontier (size, runtime, rebuild after an edit), when rebuilds were timed.
fn three_way_table(out: &mut String, points: &[Point<'_>]) -> fmt::Result {
    let frontier = build_time::three_way(points);
    if frontier.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "**Three-way frontier** (size, runtime and the rebuild after an edit, the developer's wait: no other variant is no larger, certainly no slower and no slower to rebuild, and better in one; a rebuild time is one timing, so differences under {:.0}% are ties), smallest first:\n",
        REBUILD_TIE * 100.0
    )?;
    writeln!(out, "{}", points_table(&frontier, MAX_TABLE_ROWS, &POINT_COLUMNS, false))?;
    more_in_the_csv(out, frontier.len())
}

/// A recommendation: the variant, its numbers, what it is tied with and whether it rests on
/// noise (the one profile to paste is the verdict's, at the top).
fn pick_paragraph(
    out: &mut String,
    measurement: &str,
    title: &str,
    pick: &Pick<'_, '_>,
) -> fmt::Result {
    let chosen = pick.chosen;
    writeln!(
        out,
        "**{title}:** `{}`{}: {} B, {}.\n",
        chosen.row.variant,
        chosen.row.step.as_ref().map(|s| format!(" ({s})")).unwrap_or_default(),
        thousands(chosen.size),
        show_measured(measurement, chosen.mean_ns, chosen.ci_ns)
    )?;
    if !pick.tied.is_empty() {
        let names: Vec<String> = pick.tied.iter().map(|p| format!("`{}`", p.row.variant)).collect();
        writeln!(
            out,
            "Statistically tied with {} (their 95% intervals overlap on the deciding runtime), so the smallest of them is picked.\n",
            names.join(", ")
        )?;
    }
    let noisy: Vec<String> = std::iter::once(chosen)
        .chain(pick.tied.iter().copied())
        .filter(|p| p.row.noise.is_some())
        .map(|p| format!("`{}`", p.row.variant))
        .collect();
    if !noisy.is_empty() {
        writeln!(
            out,
            "Tentative: it rests on noisy timings ({}). Measure on a quiet machine or with more runs, or trust the instruction counts, which load does not move.\n",
            noisy.join(", ")
        )?;
    }
    Ok(())
}

/// Says which rows of a measurement were left out (other output) or are noisy, and why.
fn left_out_paragraphs(out: &mut String, rows: &[Row], measurement: &str) -> fmt::Result {
    let wrong = analysis::output_mismatches(rows, measurement);
    if let (false, Some(reference)) =
        (wrong.is_empty(), analysis::output_reference(rows, measurement))
    {
        let names: Vec<String> = wrong.iter().map(|r| format!("`{}`", r.variant)).collect();
        writeln!(
            out,
            "**Other output:** {} printed something other than `{}` (stdout sha256 differs), so {} left out of the Pareto set and the recommendations.\n",
            names.join(", "),
            reference.variant,
            if names.len() == 1 { "it is" } else { "they are" }
        )?;
    }
    let noisy: Vec<String> = rows
        .iter()
        .filter(|r| r.measurement.as_deref() == Some(measurement) && r.noise.is_some())
        .map(|r| format!("`{}` ({})", r.variant, r.noise.as_deref().unwrap_or_default()))
        .collect();
    if !noisy.is_empty() {
        writeln!(
            out,
            "**Noisy timings:** {}. `wide-interval`: the 95% interval is over 3% of the mean either way; `outliers`: runs with a modified z-score over 3.5; `busy`: other processes wanted every CPU while it ran. Rankings above treat overlapping intervals as ties; for a ranking that load does not move, see the instruction counts.\n",
            noisy.join(", ")
        )?;
    }
    Ok(())
}

/// Runtimes without sizes (a library swept through its benches): a ranking and the fastest.
fn ranking_section(out: &mut String, ranking: &[&Row]) -> fmt::Result {
    writeln!(
        out,
        "The package has no binary, so there is no size to trade against: variants ranked by runtime, fastest first.\n"
    )?;
    let columns: Vec<(&str, Align)> =
        POINT_COLUMNS.into_iter().filter(|(name, _)| *name != "size").collect();
    let mut table = Table::new(&columns);
    for row in ranking {
        let measurement = row.measurement.as_deref().unwrap_or_default();
        let mean = row.mean_ns.unwrap_or_default();
        table.row(vec![
            format!("`{}`", row.variant),
            row.step.clone().unwrap_or_default(),
            show(measurement, mean),
            format!(
                "{} .. {}",
                show(measurement, row.ci_low_ns.unwrap_or(mean)),
                show(measurement, row.ci_high_ns.unwrap_or(mean))
            ),
            row.panic_effective.clone().unwrap_or_else(|| "unknown".to_owned()),
        ]);
    }
    write!(out, "{table}")?;
    let fastest = ranking[0];
    writeln!(out, "\n**Fastest:** `{}`.\n", fastest.variant)?;
    snippet_block(out, fastest)
}

/// The `[profile.release]` to paste for `row`, as a fenced TOML block.
fn snippet_block(out: &mut String, row: &Row) -> fmt::Result {
    match snippet::profile_snippet(row, snippet::profile_to_paste(row)) {
        Ok(snippet) => writeln!(out, "```toml\n{snippet}```\n"),
        Err(error) => writeln!(out, "(no snippet: {error})\n"),
    }
}

/// The columns of a table of measured points.
const POINT_COLUMNS: [(&str, Align); 6] = [
    ("variant", Align::Left),
    ("step", Align::Left),
    ("size", Align::Right),
    ("runtime", Align::Right),
    ("95% CI", Align::Left),
    ("panic in effect", Align::Left),
];

/// A row of a table of measured points.
fn point_cells(point: &Point<'_>) -> Vec<String> {
    let measurement = point.row.measurement.as_deref().unwrap_or_default();
    vec![
        format!("`{}`", point.row.variant),
        point.row.step.clone().unwrap_or_default(),
        format!("{} B", thousands(point.size)),
        show(measurement, point.mean_ns),
        show_interval(measurement, point.ci_ns),
        point.row.panic_effective.clone().unwrap_or_else(|| "unknown".to_owned()),
    ]
}

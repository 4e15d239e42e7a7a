//! `report.html`: one self-contained file (no network, no CDN) with the trade-offs to explore:
//! every measurement's points as JSON, drawn by a small script as an SVG scatter (size or
//! rebuild time against runtime), with a tooltip per point (settings, numbers with intervals,
//! build times, the profile to paste, the `apply` command), filters by axis value and a
//! switch between measurements. The script and style live in `html/` next to this file.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::plan::settings::Axis;
use crate::present::chart::PALETTE;
use crate::present::knobs::knobs;
use crate::present::report::inner_loop::signed;
use crate::present::snippet;
use crate::results::analysis::{self, Point};
use crate::results::build_time::{self, Budget};
use crate::results::rows::Row;
use crate::util::units::Unit;

/// The page's script: reads the JSON and draws everything.
const SCRIPT: &str = include_str!("html/report.js");
/// The page's style.
const STYLE: &str = include_str!("html/report.css");

/// Everything the page shows, as its script reads it.
#[derive(Debug, Serialize)]
struct Page {
    sweep: String,
    crate_line: String,
    /// Profile axes (and the build axes as one, `build`) whose values differ between
    /// variants, with their values.
    axes: Vec<AxisValues>,
    measurements: Vec<Measurement>,
    budget: Option<f64>,
    /// The colours of the colour axis's values, as the PNG and SVG charts use them.
    palette: Vec<String>,
}

/// The key of the build axes besides the profile, as one setting (see
/// [`analysis::build_label`]).
const BUILD: &str = "build";

#[derive(Debug, Serialize)]
struct AxisValues {
    key: &'static str,
    values: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Measurement {
    name: String,
    /// `ms`, `µs`, `instructions`...
    unit: String,
    /// `true` for exact counts (no interval).
    counted: bool,
    points: Vec<PointData>,
}

#[derive(Debug, Serialize)]
struct PointData {
    id: String,
    step: Option<String>,
    settings: BTreeMap<&'static str, String>,
    built_with: String,
    size: u64,
    /// Mean and interval in the measurement's display unit.
    mean: f64,
    low: f64,
    high: f64,
    build: Option<f64>,
    rebuild: Option<f64>,
    noise: Option<String>,
    /// On the Pareto frontier by means, tied with it within the intervals, on the three-way
    /// frontier.
    frontier: bool,
    tied: bool,
    three_way: bool,
    snippet: String,
    apply: String,
}

/// The page for `rows`, with `budget` shown.
pub fn render(rows: &[Row], budget: &Budget) -> String {
    let page = page(rows, budget);
    // `</` inside the JSON would end the script element early.
    let json = serde_json::to_string(&page).expect("plain data serialises").replace("</", "<\\/");
    let title = format!("profile-sweep report: {}", page.sweep);
    let verdict = verdict_block(rows) + &conditions_block(rows);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p id=\"crate\"></p>\n{verdict}<div id=\"controls\"></div>\n<div id=\"chart\"></div>\n<div id=\"tooltip\" role=\"tooltip\" hidden></div>\n<p class=\"note\">Every number is read from the results files next to this file (<code>variants.csv</code>, <code>measurements.csv</code>, <code>run.json</code>). Hover (or focus) a point for its settings, numbers and profile; ringed points are on the frontier; whiskers are 95% confidence intervals; overlapping intervals are ties.</p>\n<script type=\"application/json\" id=\"data\">{json}</script>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        escape(&title),
        escape(&title),
    )
}

fn page(rows: &[Row], budget: &Budget) -> Page {
    let first = rows.first();
    let crate_line = first.map_or_else(String::new, |r| {
        format!("package {}, binary {}, {}", r.package, r.bin, r.rustc)
    });
    let sizes = analysis::size_rows(rows);
    let axes: Vec<AxisValues> = Axis::ALL
        .into_iter()
        .map(|axis| (axis.key(), sizes.iter().map(|r| r.axis_value(axis)).collect()))
        .chain([(BUILD, sizes.iter().map(|r| analysis::build_label(r)).collect())])
        .filter_map(|(key, values): (&'static str, Vec<String>)| {
            let values = analysis::distinct(values.into_iter());
            (values.len() > 1).then_some(AxisValues { key, values })
        })
        .collect();
    let by_build = axes.iter().any(|a| a.key == BUILD);
    let measurements = analysis::measurements(rows)
        .into_iter()
        .map(|name| measurement(rows, name, by_build))
        .filter(|m| !m.points.is_empty())
        .collect();
    Page {
        sweep: first.map(|r| r.sweep.clone()).unwrap_or_default(),
        crate_line,
        axes,
        measurements,
        budget: budget.max_rebuild_seconds,
        palette: PALETTE.iter().map(|c| format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)).collect(),
    }
}

/// The points of measurement `name`; `by_build` adds the build axes to their settings (when
/// they vary in the sweep).
fn measurement(rows: &[Row], name: &str, by_build: bool) -> Measurement {
    let points = analysis::points(rows, name);
    let unit = analysis::unit_of(name);
    let max = points.iter().map(|p| p.ci_ns.1.max(p.mean_ns)).fold(0.0, f64::max);
    let (scale, unit_name) = match unit {
        Unit::Instructions | Unit::Cycles => (1.0, unit.noun().to_owned()),
        _ => {
            let (scale, name) = unit.scale(max);
            (scale, name.to_owned())
        }
    };
    let frontier = analysis::frontier_by_means(&points);
    let pareto = analysis::pareto(&points);
    let three_way = build_time::three_way(&points);
    let is_in = |set: &[&Point], p: &Point| set.iter().any(|q| std::ptr::eq(*q, p));
    let data = points
        .iter()
        .map(|p| PointData {
            id: p.row.variant.clone(),
            step: p.row.step.clone(),
            settings: Axis::ALL
                .into_iter()
                .map(|a| (a.key(), p.row.axis_value(a)))
                .chain(by_build.then(|| (BUILD, analysis::build_label(p.row))))
                .collect(),
            built_with: analysis::build_axes(p.row).join("; "),
            size: p.size,
            mean: p.mean_ns / scale,
            low: p.ci_ns.0 / scale,
            high: p.ci_ns.1 / scale,
            build: p.row.build_seconds,
            rebuild: p.row.rebuild_seconds,
            noise: p.row.noise.clone(),
            frontier: is_in(&frontier, p),
            tied: is_in(&pareto, p) && !is_in(&frontier, p),
            three_way: is_in(&three_way, p),
            snippet: snippet::profile_snippet(p.row, snippet::profile_to_paste(p.row))
                .unwrap_or_else(|e| e),
            apply: format!("cargo profile-sweep apply . {}", p.row.variant),
        })
        .collect();
    Measurement { name: name.to_owned(), unit: unit_name, counted: unit.is_count(), points: data }
}

/// The verdict as the Markdown report gives it: the profile to paste, its numbers against the
/// baseline, and whether it is settled; empty when no variant built.
fn verdict_block(rows: &[Row]) -> String {
    if analysis::measurements(rows).is_empty() && !analysis::rebuild_measurements(rows).is_empty() {
        return format!(
            "<section id=\"verdict\">\n<h2>Verdict</h2>\n<p>These results time the inner loop and no runtime: the fastest rebuild per edit, with the variants tied with it and the profile to paste, is in <code>report.md</code>, section Inner loop.</p>\n{}</section>\n",
            knobs_block(rows)
        );
    }
    let Some(verdict) = crate::present::verdict::verdict(rows) else { return String::new() };
    let snippet =
        snippet::profile_snippet(verdict.chosen, snippet::profile_to_paste(verdict.chosen))
            .unwrap_or_else(|e| e);
    let agreement: String =
        verdict.agreement(rows).iter().map(|a| format!("<p>{}</p>\n", code_spans(a))).collect();
    format!(
        "<section id=\"verdict\">\n<h2>Verdict</h2>\n<pre><code>{}</code></pre>\n<p><code>{}</code>: {}</p>\n<p>{}.</p>\n{}</section>\n",
        escape(&snippet),
        escape(&verdict.chosen.variant),
        code_spans(&verdict.against(rows)),
        code_spans(&verdict.standing(rows)),
        agreement
    )
}

/// Which setting bought how much per edit, as a table (see [`knobs`]); empty when no setting
/// varies.
fn knobs_block(rows: &[Row]) -> String {
    let knobs = knobs(rows);
    if knobs.is_empty() {
        return String::new();
    }
    let said = |key: &str, value: &str| match value {
        "" => format!("<code>{}</code> unset", escape(key)),
        _ => format!("<code>{} = {}</code>", escape(key), escape(value)),
    };
    let mut html = "<h3>Which setting bought how much per edit</h3>\n<table>\n<tr><th>setting</th><th>against</th><th>edit</th><th>faster / tied / slower</th><th>change per edit, median [range]</th></tr>\n".to_owned();
    for knob in &knobs {
        let (median, least, most) = knob.change;
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{} / {} / {}</td><td>{} s [{} .. {}]</td></tr>\n",
            said(knob.key, &knob.value),
            said(knob.key, &knob.reference),
            escape(knob.measurement),
            knob.faster,
            knob.tied,
            knob.slower,
            signed(median),
            signed(least),
            signed(most),
        ));
    }
    html.push_str("</table>\n");
    html
}

/// How loaded the machine was and what else ran while timing: the Markdown report's header lines
/// on them, as one paragraph; empty where nothing was timed.
fn conditions_block(rows: &[Row]) -> String {
    let lines: Vec<String> = [super::top::load_line(rows), super::top::others_line(rows)]
        .into_iter()
        .flatten()
        .map(|line| code_spans(line.trim_start_matches("- ")))
        .collect();
    match lines.is_empty() {
        true => String::new(),
        false => format!("<p class=\"note\" id=\"conditions\">{}</p>\n", lines.join("<br>\n")),
    }
}

/// `text` safe inside HTML, its Markdown code spans (`` `x` ``) as `<code>`.
fn code_spans(text: &str) -> String {
    let parts: Vec<String> = text.split('`').map(escape).collect();
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        match (i % 2, i + 1 == parts.len()) {
            // An unpaired backtick stays as it was.
            (1, true) => out.push_str(&format!("`{part}")),
            (1, false) => out.push_str(&format!("<code>{part}</code>")),
            _ => out.push_str(part),
        }
    }
    out
}

/// `text` safe inside HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_self_contained_and_carries_every_point() {
        let csv = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/ladder-results.csv");
        let rows = crate::results::layout::load(&csv).unwrap();
        let html = render(&rows, &Budget::default());
        for external in ["src=\"http", "href=\"http", "url(http", "<link", "<script src", "fetch("]
        {
            assert!(!html.contains(external), "nothing is loaded from elsewhere: {external}");
        }
        for row in analysis::size_rows(&rows) {
            assert!(html.contains(&format!("\"id\":\"{}\"", row.variant)), "{}", row.variant);
        }
        assert!(html.contains("cargo profile-sweep apply . oz-fat-cgu1-abort-sym"));
        assert!(html.contains("<h2>Verdict</h2>") && html.contains("[profile.release]"), "{html}");
        assert_eq!(code_spans("a `b<` c `d"), "a <code>b&lt;</code> c `d");
    }
}

//! Scatter charts of the trade-offs: size against runtime (the Pareto frontier a line) and
//! rebuild time against runtime (the three-way frontier ringed). Every variant is a point,
//! coloured and shaped by two of its settings; frontier points are labelled without overlap.

use std::ops::Range;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::coord::combinators::{BindKeyPoints, IntoLogRange};
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::encoding::Encoding;
use super::labels::{self, Corner, Rect};
use super::{
    Chart, FONT, FRONTIER_COLOR, TIED_COLOR, draw_caption, drawing, rebuild_stem, size_range,
    size_ticks, tradeoff_stem,
};
use crate::plan::measurement::{Harness, MeasurementName, Source};
use crate::results::analysis::{self, Point};
use crate::results::build_time;
use crate::results::rows::Row;
use crate::util::units::{human_bytes, trim};

/// Font size of the frontier labels.
pub const LABEL_FONT_SIZE: u32 = 14;
/// The colour of leader lines.
const LEADER_COLOR: RGBColor = RGBColor(120, 120, 120);

/// What the runtime axis shows: its scale, unit and description.
struct RuntimeAxis {
    /// Nanoseconds (or instructions) per axis unit.
    unit: f64,
    /// The axis's top, in axis units.
    top: f64,
    /// `runtime (whole binary, mean per run, ms); whiskers: 95% CI`, or for a count
    /// `instructions (G instructions, exact, Cachegrind); axis from 0`.
    desc: String,
}

impl RuntimeAxis {
    fn of(measurement: &str, points: &[Point<'_>]) -> RuntimeAxis {
        let max_ns = points.iter().map(|p| p.ci_ns.1.max(p.mean_ns)).fold(0.0, f64::max);
        let measured_unit = analysis::unit_of(measurement);
        let (unit, unit_name) = measured_unit.scale(max_ns);
        let desc = if measured_unit.is_count() {
            // A count is exact: no whiskers; and its spread is small against the axis from 0.
            format!("{} ({unit_name}, exact, Cachegrind); axis from 0", measured_unit.noun())
        } else if let Source::Bench(harness, _) = MeasurementName::parse(measurement).source {
            let statistic = if harness == Harness::Libtest { "median" } else { "mean" };
            format!("runtime ({harness}, {statistic} per iteration, {unit_name}); whiskers: 95% CI")
        } else {
            format!("runtime (whole binary, mean per run, {unit_name}); whiskers: 95% CI")
        };
        RuntimeAxis { unit, top: (max_ns / unit * 1.15).max(f64::MIN_POSITIVE), desc }
    }
}

/// The legend's lines of the series the trade-off charts draw themselves.
const PARETO_LABEL: &str = "Pareto frontier (no variant is both smaller and faster)";
const TIED_LABEL: &str = "also not dominated within the 95% intervals (a tie)";
const THREE_WAY_LABEL: &str =
    "three-way frontier: no variant is smaller, faster and quicker to rebuild";
/// The legend's font size.
const LEGEND_FONT_SIZE: u32 = 15;

/// The size-versus-runtime chart of one measurement.
pub(super) struct TradeOffChart<'a> {
    pub(super) rows: &'a [Row],
    pub(super) measurement: &'a str,
    pub(super) caption: &'a str,
}

impl Chart for TradeOffChart<'_> {
    fn stem(&self) -> String {
        tradeoff_stem(self.measurement)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        drawing(root.fill(&WHITE))?;
        let points = analysis::points(self.rows, self.measurement);
        let frontier = analysis::frontier_by_means(&points);
        let tied: Vec<&Point> = analysis::pareto(&points)
            .into_iter()
            .filter(|p| !frontier.iter().any(|f| std::ptr::eq(*f, *p)))
            .collect();
        let x_range = size_range(points.iter().map(|p| p.size));
        let y = RuntimeAxis::of(self.measurement, &points);
        let mut chart = drawing(
            ChartBuilder::on(root)
                .caption(
                    format!(
                        "Size versus {}: {}",
                        super::value_name(self.measurement),
                        self.measurement
                    ),
                    (FONT, 28),
                )
                .margin(20)
                .x_label_area_size(60)
                .y_label_area_size(90)
                .build_cartesian_2d(
                    x_range.clone().log_scale().with_key_points(size_ticks(&x_range)),
                    0.0..y.top,
                ),
        )?;
        let x_format = |v: &f64| human_bytes(*v);
        mesh(&mut chart, "binary size (log scale)", &y.desc, &x_format)?;
        let at = |p: &Point| (p.size as f64, p.mean_ns / y.unit);
        let encoding = Encoding::of(&points);
        scatter(&mut chart, &points, &encoding, |p| p.size as f64, y.unit)?;
        drawing(chart.draw_series(LineSeries::new(
            frontier.iter().map(|p| at(p)),
            FRONTIER_COLOR.stroke_width(2),
        )))?
        .label(PARETO_LABEL)
        .legend(|(x, y)| {
            PathElement::new(vec![(x, y), (x + 20, y)], FRONTIER_COLOR.stroke_width(2))
        });
        if !tied.is_empty() {
            // Off the frontier by means, but not dominated once the intervals are respected.
            drawing(chart.draw_series(
                tied.iter().map(|p| Circle::new(at(p), 8, TIED_COLOR.stroke_width(1))),
            ))?
            .label(TIED_LABEL)
            .legend(|(x, y)| Circle::new((x + 10, y), 6, TIED_COLOR.stroke_width(1)));
        }
        let labels = ring_and_label(root, &mut chart, &points, &frontier, at)?;
        let mut series = vec![PARETO_LABEL];
        if !tied.is_empty() {
            series.push(TIED_LABEL);
        }
        let pixels: Vec<(i32, i32)> = points.iter().map(|p| chart.backend_coord(&at(p))).collect();
        legend(&mut chart, &encoding, &series, &pixels, &labels)?;
        draw_caption(root, self.caption)
    }
}

/// Rebuild time after an edit against runtime, for the variants whose rebuild was timed; the
/// three-way frontier (size, runtime, rebuild) ringed and labelled.
pub(super) struct RebuildChart<'a> {
    pub(super) rows: &'a [Row],
    pub(super) measurement: &'a str,
    pub(super) caption: &'a str,
}

impl Chart for RebuildChart<'_> {
    fn stem(&self) -> String {
        rebuild_stem(self.measurement)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        drawing(root.fill(&WHITE))?;
        let points: Vec<Point> = analysis::points(self.rows, self.measurement)
            .into_iter()
            .filter(|p| p.row.rebuild_seconds.is_some())
            .collect();
        let rebuild = |p: &Point| p.row.rebuild_seconds.unwrap_or_default();
        let frontier = build_time::three_way(&points);
        let x_max = points.iter().map(rebuild).fold(0.0, f64::max).max(0.1) * 1.15;
        let y = RuntimeAxis::of(self.measurement, &points);
        let name = super::value_name(self.measurement);
        let title = format!("Rebuild after an edit versus {name}: {}", self.measurement);
        let mut chart = drawing(
            ChartBuilder::on(root)
                .caption(title, (FONT, 28))
                .margin(20)
                .x_label_area_size(60)
                .y_label_area_size(90)
                .build_cartesian_2d(0.0..x_max, 0.0..y.top),
        )?;
        let x_format = |v: &f64| format!("{} s", trim(*v));
        let x_desc = "rebuild after touching the binary's root source file (seconds, one timing)";
        mesh(&mut chart, x_desc, &y.desc, &x_format)?;
        let encoding = Encoding::of(&points);
        scatter(&mut chart, &points, &encoding, rebuild, y.unit)?;
        let at = |p: &Point| (rebuild(p), p.mean_ns / y.unit);
        let labels = ring_and_label(root, &mut chart, &points, &frontier, at)?;
        drawing(chart.draw_series(std::iter::empty::<Circle<(f64, f64), i32>>()))?
            .label(THREE_WAY_LABEL)
            .legend(|(x, y)| Circle::new((x + 10, y), 7, FRONTIER_COLOR.stroke_width(2)));
        let pixels: Vec<(i32, i32)> = points.iter().map(|p| chart.backend_coord(&at(p))).collect();
        legend(&mut chart, &encoding, &[THREE_WAY_LABEL], &pixels, &labels)?;
        draw_caption(root, self.caption)
    }
}

/// Draws the grid, tick labels and axis descriptions.
fn mesh<DB: DrawingBackend, X>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, RangedCoordf64>>,
    x_desc: &str,
    y_desc: &str,
    x_format: &dyn Fn(&f64) -> String,
) -> Result<()>
where
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let y_format = |v: &f64| trim(*v);
    drawing(
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_label_formatter(x_format)
            .y_label_formatter(&y_format)
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 18))
            .draw(),
    )
}

/// Every point: its 95% whisker and its marker, coloured and shaped by `encoding`, at
/// (`x_of`, runtime in axis units).
fn scatter<DB: DrawingBackend, X: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, RangedCoordf64>>,
    points: &[Point<'_>],
    encoding: &Encoding,
    x_of: impl Fn(&Point) -> f64,
    unit: f64,
) -> Result<()> {
    drawing(chart.draw_series(points.iter().map(|p| {
        let (low, high) = (p.ci_ns.0 / unit, p.ci_ns.1 / unit);
        let color = encoding.color(p.row).mix(0.5);
        ErrorBar::new_vertical(x_of(p), low, p.mean_ns / unit, high, color, 8)
    })))?;
    drawing(chart.draw_series(points.iter().map(|p| {
        let style = encoding.color(p.row).mix(0.85).filled();
        EmptyElement::at((x_of(p), p.mean_ns / unit)) + Polygon::new(encoding.marker(p.row), style)
    })))?;
    Ok(())
}

/// Width and height in pixels of a frontier label reading `text`.
pub fn label_size(text: &str) -> (i32, i32) {
    let (w, h) = (FONT, LABEL_FONT_SIZE).into_font().box_size(text).unwrap_or((0, 0));
    (w as i32, h as i32)
}

/// Rings the `frontier` points and labels each with its variant id, placed without overlap
/// inside the plot, off the other `points` where there is room (with a leader line when a
/// label had to move away from its point).
fn ring_and_label<DB: DrawingBackend, X: Ranged<ValueType = f64>>(
    root: &DrawingArea<DB, Shift>,
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, RangedCoordf64>>,
    points: &[Point<'_>],
    frontier: &[&Point<'_>],
    at: impl Fn(&Point) -> (f64, f64),
) -> Result<Vec<Rect>> {
    drawing(chart.draw_series(
        frontier.iter().map(|p| Circle::new(at(p), 8, FRONTIER_COLOR.stroke_width(2))),
    ))?;
    let font = (FONT, LABEL_FONT_SIZE).into_font();
    let anchors: Vec<(i32, i32)> = frontier.iter().map(|p| chart.backend_coord(&at(p))).collect();
    let sizes: Vec<(i32, i32)> = frontier.iter().map(|p| label_size(&p.row.variant)).collect();
    let others: Vec<(i32, i32)> = points.iter().map(|p| chart.backend_coord(&at(p))).collect();
    let (xs, ys): (Range<i32>, Range<i32>) = chart.plotting_area().get_pixel_range();
    let area = Rect { x: xs.start, y: ys.start, w: xs.end - xs.start, h: ys.end - ys.start };
    let placements = labels::place(&anchors, &sizes, &others, area);
    for ((point, anchor), placement) in frontier.iter().zip(&anchors).zip(&placements) {
        let rect = placement.rect;
        if placement.leader {
            let end = rect.nearest_to(*anchor);
            drawing(root.draw(&PathElement::new(vec![*anchor, end], LEADER_COLOR)))?;
        }
        drawing(root.draw(&Text::new(point.row.variant.clone(), (rect.x, rect.y), font.clone())))?;
    }
    Ok(placements.iter().map(|p| p.rect).collect())
}

/// The legend box: the encoding's colours and shapes, and the `series` labelled before, in
/// the corner of the plot where it covers no point (`points`, in pixels) and no frontier label.
fn legend<'a, DB: DrawingBackend + 'a, X: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, RangedCoordf64>>,
    encoding: &Encoding,
    series: &[&str],
    points: &[(i32, i32)],
    labels: &[Rect],
) -> Result<()> {
    encoding.legend(chart).map_err(|e| anyhow::anyhow!("drawing failed: {e}"))?;
    let mut lines: Vec<String> = series.iter().map(|s| (*s).to_owned()).collect();
    lines.extend(encoding.legend_labels());
    let font = (FONT, LEGEND_FONT_SIZE).into_font();
    let widest = lines.iter().map(|l| font.box_size(l).map_or(0, |(w, _)| w)).max().unwrap_or(0);
    // plotters' layout: a marker column, the text, a margin all round, one line per entry.
    let size = (widest as i32 + 45, lines.len() as i32 * (LEGEND_FONT_SIZE as i32 + 5) + 12);
    let (xs, ys): (Range<i32>, Range<i32>) = chart.plotting_area().get_pixel_range();
    let area = Rect { x: xs.start, y: ys.start, w: xs.end - xs.start, h: ys.end - ys.start };
    let position = match labels::legend_corner(area, size, points, labels) {
        Corner::UpperRight => SeriesLabelPosition::UpperRight,
        Corner::UpperLeft => SeriesLabelPosition::UpperLeft,
        Corner::LowerRight => SeriesLabelPosition::LowerRight,
        Corner::LowerLeft => SeriesLabelPosition::LowerLeft,
    };
    drawing(
        chart
            .configure_series_labels()
            .position(position)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font((FONT, LEGEND_FONT_SIZE))
            .draw(),
    )
}

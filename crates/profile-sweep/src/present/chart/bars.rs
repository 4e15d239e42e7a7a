//! Category charts: one bar per ladder step or variant, size above and runtime below.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::coord::combinators::{BindKeyPoints, WithKeyPoints};
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;

use super::{Chart, FONT, POINT_COLOR, SIZE, draw_caption, drawing, label};
use crate::results::analysis;
use crate::results::rows::Row;
use crate::util::units::{human_bytes, trim};

/// Width of one category on categorical x axes, in axis units (category `i` is centred on
/// `i * SLOT`; plotters formats integer axes, so categories live on an integer axis).
const SLOT: i32 = 100;

/// The x range and label positions of `n` categories.
pub(super) fn categories(n: usize) -> WithKeyPoints<RangedCoordi32> {
    let n = n.max(1) as i32;
    (-SLOT / 2..n * SLOT - SLOT / 2).with_key_points((0..n).map(|i| i * SLOT).collect())
}

/// Category `i` shifted by `fraction` of a slot.
pub(super) fn at(i: usize, fraction: f64) -> i32 {
    i as i32 * SLOT + (fraction * SLOT as f64).round() as i32
}

/// The category index of an axis position.
pub(super) fn category(x: i32) -> usize {
    ((x + SLOT / 2).max(0) / SLOT) as usize
}

/// A chart over `labels` as categories (rotated when there are many) and values from 0 to a
/// `y` (in axis units), with its axes drawn.
pub(super) fn category_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    labels: &[&str],
    y: std::ops::Range<f64>,
    format: &dyn Fn(f64) -> String,
) -> Result<ChartContext<'a, DB, Cartesian2d<WithKeyPoints<RangedCoordi32>, RangedCoordf64>>> {
    let many = labels.len() > 6;
    let mut chart = drawing(
        ChartBuilder::on(area)
            .caption(title, (FONT, 22))
            .margin(15)
            .x_label_area_size(if many { 110 } else { 40 })
            .y_label_area_size(90)
            .build_cartesian_2d(categories(labels.len()), y),
    )?;
    let x_format = |x: &i32| labels.get(category(*x)).map(|l| l.to_string()).unwrap_or_default();
    let y_format = |v: &f64| format(*v);
    let label_style = if many {
        TextStyle::from((FONT, 12).into_font()).transform(FontTransform::Rotate90)
    } else {
        (FONT, 13).into_text_style(area)
    };
    drawing(
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_desc(y_desc)
            .x_label_formatter(&x_format)
            .y_label_formatter(&y_format)
            .x_label_style(label_style)
            .y_label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .draw(),
    )?;
    Ok(chart)
}

/// Bars with optional whiskers over categorical labels, values formatted by `format`.
fn bar_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    bars: &[(String, f64)],
    whiskers: Option<&[(f64, f64)]>,
    format: impl Fn(f64) -> String,
) -> Result<()> {
    let top = bars
        .iter()
        .map(|(_, v)| *v)
        .chain(whiskers.unwrap_or(&[]).iter().map(|w| w.1))
        .fold(0.0, f64::max);
    let labels: Vec<&str> = bars.iter().map(|(label, _)| label.as_str()).collect();
    let y = 0.0..top.max(f64::MIN_POSITIVE) * 1.15;
    let mut chart = category_axes(area, title, y_desc, &labels, y, &format)?;
    drawing(chart.draw_series(bars.iter().enumerate().map(|(i, (_, v))| {
        Rectangle::new([(at(i, -0.3), 0.0), (at(i, 0.3), *v)], POINT_COLOR.mix(0.8).filled())
    })))?;
    drawing(chart.draw_series(bars.iter().enumerate().map(|(i, (_, v))| {
        EmptyElement::at((at(i, -0.28), *v))
            + Text::new(format(*v), (0, -18), (FONT, 13).into_font())
    })))?;
    if let Some(whiskers) = whiskers {
        drawing(chart.draw_series(whiskers.iter().enumerate().map(|(i, (low, high))| {
            ErrorBar::new_vertical(at(i, 0.0), *low, (low + high) / 2.0, *high, BLACK, 10)
        })))?;
    }
    Ok(())
}

/// One bar per variant in CSV order: size on top, and runtime below when measured. The
/// ladder chart of a ladder sweep, and the sizes chart of a sweep without runtimes.
pub(super) struct BarsChart<'a> {
    pub(super) rows: &'a [Row],
    pub(super) measurement: Option<&'a str>,
    pub(super) stem: &'static str,
    /// What one bar is, for the title: "ladder step".
    pub(super) per: &'static str,
    pub(super) caption: &'a str,
}

impl Chart for BarsChart<'_> {
    fn stem(&self) -> String {
        self.stem.to_owned()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        drawing(root.fill(&WHITE))?;
        let (body, _) = root.split_vertically(SIZE.1 - 30);
        let variants = analysis::size_rows(self.rows);
        let sizes: Vec<(String, f64)> =
            variants.iter().map(|r| (label(r), r.size_bytes.unwrap_or(0) as f64)).collect();
        let title = format!("Binary size per {}", self.per);
        match self.measurement {
            None => bar_panel(&body, &title, "size", &sizes, None, human_bytes)?,
            Some(measurement) => {
                let (top, bottom) = body.split_vertically((SIZE.1 - 30) / 2);
                bar_panel(&top, &title, "size", &sizes, None, human_bytes)?;
                runtime_panel(&bottom, self.rows, &variants, measurement)?;
            }
        }
        draw_caption(root, self.caption)
    }
}

/// Runtime alone, one bar per variant: the chart of a library swept through its benches,
/// which has no size to trade runtime against.
pub(super) struct RuntimeChart<'a> {
    pub(super) rows: &'a [Row],
    pub(super) measurement: &'a str,
    pub(super) caption: &'a str,
}

impl Chart for RuntimeChart<'_> {
    fn stem(&self) -> String {
        super::runtime_stem(self.measurement)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        drawing(root.fill(&WHITE))?;
        let (body, _) = root.split_vertically(SIZE.1 - 30);
        let variants = analysis::size_rows(self.rows);
        runtime_panel(&body, self.rows, &variants, self.measurement)?;
        draw_caption(root, self.caption)
    }
}

/// Runtime bars with 95% CI whiskers (instruction counts: bars alone, exact) for the given size
/// rows' variants (0 where not measured).
fn runtime_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[Row],
    variants: &[&Row],
    measurement: &str,
) -> Result<()> {
    let timed: Vec<Option<&Row>> = variants
        .iter()
        .map(|v| {
            rows.iter().find(|r| {
                r.variant == v.variant
                    && r.measurement.as_deref() == Some(measurement)
                    && r.mean_ns.is_some()
            })
        })
        .collect();
    let max_ns =
        timed.iter().flatten().filter_map(|r| r.ci_high_ns.or(r.mean_ns)).fold(0.0, f64::max);
    let (unit, unit_name) = analysis::unit_of(measurement).scale(max_ns);
    let bars: Vec<(String, f64)> = variants
        .iter()
        .zip(&timed)
        .map(|(v, t)| (label(v), t.and_then(|r| r.mean_ns).unwrap_or(0.0) / unit))
        .collect();
    let whiskers: Vec<(f64, f64)> = timed
        .iter()
        .zip(&bars)
        .map(|(t, (_, mean))| {
            t.map_or((*mean, *mean), |r| {
                (r.ci_low_ns.unwrap_or(0.0) / unit, r.ci_high_ns.unwrap_or(0.0) / unit)
            })
        })
        .collect();
    let per = if variants.iter().any(|v| v.step.is_some()) { "step" } else { "variant" };
    let name = super::value_name(measurement);
    let (title, whiskers) = match name {
        "instructions" => (format!("Instructions per {per}: {measurement} (exact counts)"), None),
        "estimated cycles" => {
            (format!("Estimated cycles per {per}: {measurement} (exact, simulated cache)"), None)
        }
        _ => (format!("Runtime per {per}: {measurement} (mean, 95% CI)"), Some(&whiskers[..])),
    };
    bar_panel(area, &title, &format!("{name} ({unit_name})"), &bars, whiskers, trim)
}

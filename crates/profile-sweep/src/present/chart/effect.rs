//! The effect of one swept axis of a matrix sweep: every variant's size and runtime, grouped
//! by the axis's values.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::bars::{at, category_axes};
use super::{Chart, FRONTIER_COLOR, POINT_COLOR, SIZE, draw_caption, drawing};
use crate::plan::settings::Axis;
use crate::results::analysis;
use crate::results::rows::Row;
use crate::util::units::{human_bytes, trim};

/// A matrix sweep: size (and runtime) of every variant, grouped by one axis's values.
pub(super) struct EffectChart<'a> {
    pub(super) rows: &'a [Row],
    pub(super) axis: Axis,
    pub(super) measurement: Option<&'a str>,
    pub(super) caption: &'a str,
}

impl Chart for EffectChart<'_> {
    fn stem(&self) -> String {
        format!("effect-{}", self.axis.key())
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        drawing(root.fill(&WHITE))?;
        let (body, _) = root.split_vertically(SIZE.1 - 30);
        let log_sizes: Vec<(String, f64)> = analysis::size_rows(self.rows)
            .iter()
            .filter_map(|r| Some((r.axis_value(self.axis), (r.size_bytes? as f64).ln())))
            .collect();
        let runtimes: Vec<(String, f64)> = match self.measurement {
            Some(m) => analysis::points(self.rows, m)
                .iter()
                .map(|p| (p.row.axis_value(self.axis), p.mean_ns))
                .collect(),
            None => Vec::new(),
        };
        let key = self.axis.key();
        let size_title = format!("Binary size by {key} (one dot per variant, red: median)");
        if runtimes.is_empty() {
            strip_panel(&body, &size_title, SIZE_AXIS, &log_sizes, Scale::Log, log_bytes)?;
        } else {
            let (top, bottom) = body.split_vertically((SIZE.1 - 30) / 2);
            strip_panel(&top, &size_title, SIZE_AXIS, &log_sizes, Scale::Log, log_bytes)?;
            let max = runtimes.iter().map(|r| r.1).fold(0.0, f64::max);
            let measured_unit = analysis::unit_of(self.measurement.unwrap_or_default());
            let (unit, unit_name) = measured_unit.scale(max);
            let measurement = self.measurement.unwrap_or_default();
            let name = super::value_name(measurement);
            let mut title = format!("Runtime by {key}: {measurement}");
            if name == "instructions" {
                title = format!("Instructions by {key}: {measurement}");
            } else if name == "estimated cycles" {
                title = format!("Estimated cycles by {key}: {measurement}");
            }
            let runtimes: Vec<(String, f64)> =
                runtimes.into_iter().map(|(axis, ns)| (axis, ns / unit)).collect();
            let y_desc = format!("{name} ({unit_name})");
            strip_panel(&bottom, &title, &y_desc, &runtimes, Scale::Linear, trim)?;
        }
        draw_caption(root, self.caption)
    }
}

/// How a strip panel's values map onto its axis.
#[derive(Debug, Clone, Copy)]
enum Scale {
    /// From zero.
    Linear,
    /// Values are natural logarithms, so equal ratios look equal (0.4 MB to 0.7 MB stays
    /// readable next to 5 MB).
    Log,
}

const SIZE_AXIS: &str = "size (log scale)";

/// A natural logarithm of bytes, formatted as bytes.
fn log_bytes(value: f64) -> String {
    human_bytes(value.exp())
}

/// Dots grouped by category (in first-seen order, spread sideways so they do not hide each
/// other), with each group's median marked by a bar.
fn strip_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    values: &[(String, f64)],
    scale: Scale,
    format: impl Fn(f64) -> String,
) -> Result<()> {
    let mut groups: Vec<(String, Vec<f64>)> = Vec::new();
    for (category, value) in values {
        match groups.iter_mut().find(|(c, _)| c == category) {
            Some((_, members)) => members.push(*value),
            None => groups.push((category.clone(), vec![*value])),
        }
    }
    let values = || groups.iter().flat_map(|(_, v)| v).copied();
    let top = values().fold(f64::MIN, f64::max).max(f64::MIN_POSITIVE);
    let y = match scale {
        Scale::Linear => 0.0..top * 1.15,
        // A log axis spans the values with a margin of a tenth of their spread.
        Scale::Log => {
            let bottom = values().fold(f64::MAX, f64::min).min(top);
            let margin = ((top - bottom) * 0.1).max(0.05);
            bottom - margin..top + margin
        }
    };
    let labels: Vec<&str> = groups.iter().map(|(category, _)| category.as_str()).collect();
    let mut chart = category_axes(area, title, y_desc, &labels, y, &format)?;
    for (i, (_, members)) in groups.iter().enumerate() {
        let mut sorted = members.clone();
        sorted.sort_by(f64::total_cmp);
        let median = crate::measure::stats::percentile(&sorted, 50.0);
        drawing(chart.draw_series(std::iter::once(PathElement::new(
            vec![(at(i, -0.35), median), (at(i, 0.35), median)],
            FRONTIER_COLOR.mix(0.6).stroke_width(3),
        ))))?;
        let spread = |j: usize| at(i, -0.3 + 0.6 * (j as f64 + 0.5) / members.len() as f64);
        drawing(
            chart.draw_series(
                members
                    .iter()
                    .enumerate()
                    .map(|(j, v)| Circle::new((spread(j), *v), 3, POINT_COLOR.filled())),
            ),
        )?;
    }
    Ok(())
}

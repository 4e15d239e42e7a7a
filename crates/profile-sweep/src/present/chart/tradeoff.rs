//! Size against runtime: every variant a point, the Pareto frontier a line, frontier points
//! labelled.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::coord::combinators::{BindKeyPoints, IntoLogRange};
use plotters::prelude::*;

use super::{
    Chart, FONT, FRONTIER_COLOR, POINT_COLOR, TIED_COLOR, draw_caption, drawing, size_range,
    size_ticks, tradeoff_stem,
};
use crate::present::analysis;
use crate::results::rows::Row;
use crate::util::units::{Unit, human_bytes, trim};

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
        let tied: Vec<&analysis::Point> = analysis::pareto(&points)
            .into_iter()
            .filter(|p| !frontier.iter().any(|f| std::ptr::eq(*f, *p)))
            .collect();
        let x_range = size_range(points.iter().map(|p| p.size));
        let max_ns = points.iter().map(|p| p.ci_ns.1.max(p.mean_ns)).fold(0.0, f64::max);
        let measured_unit = analysis::unit_of(self.measurement);
        let (unit, unit_name) = measured_unit.scale(max_ns);
        let y_max = (max_ns / unit * 1.15).max(f64::MIN_POSITIVE);
        let kind = if self.measurement.starts_with("criterion:") {
            "criterion, mean per iteration"
        } else if measured_unit == Unit::Instructions {
            "whole binary, counted under Cachegrind"
        } else {
            "whole binary, mean per run"
        };
        let title = format!("Size versus runtime: {}", self.measurement);
        let mut chart = drawing(
            ChartBuilder::on(root)
                .caption(title, (FONT, 28))
                .margin(20)
                .x_label_area_size(60)
                .y_label_area_size(90)
                .build_cartesian_2d(
                    x_range.clone().log_scale().with_key_points(size_ticks(&x_range)),
                    0.0..y_max,
                ),
        )?;
        let x_format = |v: &f64| human_bytes(*v);
        let y_format = |v: &f64| trim(*v);
        drawing(
            chart
                .configure_mesh()
                .x_desc("binary size (log scale)")
                .y_desc(format!("runtime ({kind}, {unit_name}); whiskers: 95% CI"))
                .x_label_formatter(&x_format)
                .y_label_formatter(&y_format)
                .label_style((FONT, 16))
                .axis_desc_style((FONT, 18))
                .draw(),
        )?;
        drawing(chart.draw_series(points.iter().map(|p| {
            ErrorBar::new_vertical(
                p.size as f64,
                p.ci_ns.0 / unit,
                p.mean_ns / unit,
                p.ci_ns.1 / unit,
                POINT_COLOR.mix(0.6),
                8,
            )
        })))?
        .label(format!("variant ({} measured)", points.len()))
        .legend(|(x, y)| Circle::new((x + 10, y), 4, POINT_COLOR.filled()));
        drawing(
            chart.draw_series(
                points.iter().map(|p| {
                    Circle::new((p.size as f64, p.mean_ns / unit), 4, POINT_COLOR.filled())
                }),
            ),
        )?;
        drawing(chart.draw_series(LineSeries::new(
            frontier.iter().map(|p| (p.size as f64, p.mean_ns / unit)),
            FRONTIER_COLOR.stroke_width(2),
        )))?
        .label("Pareto frontier (no variant is both smaller and faster)")
        .legend(|(x, y)| {
            PathElement::new(vec![(x, y), (x + 20, y)], FRONTIER_COLOR.stroke_width(2))
        });
        if !tied.is_empty() {
            // Off the frontier by means, but not dominated once the intervals are respected.
            drawing(chart.draw_series(tied.iter().map(|p| {
                Circle::new((p.size as f64, p.mean_ns / unit), 7, TIED_COLOR.stroke_width(1))
            })))?
            .label("also not dominated within the 95% intervals (a tie)")
            .legend(|(x, y)| Circle::new((x + 10, y), 6, TIED_COLOR.stroke_width(1)));
        }
        // Each frontier point: a ring and its variant id.
        // Labels alternate above and below, so neighbours on the frontier do not overprint.
        drawing(chart.draw_series(frontier.iter().enumerate().map(|(i, p)| {
            EmptyElement::at((p.size as f64, p.mean_ns / unit))
                + Circle::new((0, 0), 7, FRONTIER_COLOR.stroke_width(2))
                + Text::new(
                    p.row.variant.clone(),
                    (8, if i % 2 == 0 { -22 } else { 8 }),
                    (FONT, 14).into_font(),
                )
        })))?;
        drawing(
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .label_font((FONT, 16))
                .draw(),
        )?;
        draw_caption(root, self.caption)
    }
}

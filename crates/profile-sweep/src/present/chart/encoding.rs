//! How a scatter chart shows two of a variant's settings: colour for the first profile axis
//! that varies among the points (opt-level when it does), marker shape for the next (lto when
//! both vary), each with its legend entries. The build axes besides the profile (target,
//! features, PGO, BOLT, ...) count as one more setting after the five profile axes.

use plotters::coord::CoordTranslate;
use plotters::prelude::*;

use crate::plan::settings::Axis;
use crate::results::analysis::{self, Point, distinct};
use crate::results::rows::Row;

/// Colours for the values of the colour axis, in order (red is kept for the frontier); the
/// HTML report colours its points with the same.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(23, 190, 207),
];
/// Marker shapes for the values of the shape axis, in order.
const SHAPES: usize = 5;
/// Legend markers of the shape axis are drawn in this neutral colour.
const NEUTRAL: RGBColor = RGBColor(70, 70, 70);

/// A setting a chart can encode: one profile axis, or the build axes besides the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setting {
    /// One of the five profile axes.
    Profile(Axis),
    /// How the variant is built besides its profile, as one value (`PGO, then llvm-bolt`).
    Build,
}

impl Setting {
    /// The row's value of this setting.
    fn value(self, row: &Row) -> String {
        match self {
            Setting::Profile(axis) => row.axis_value(axis),
            Setting::Build => analysis::build_label(row),
        }
    }

    /// The legend's name for it.
    fn key(self) -> &'static str {
        match self {
            Setting::Profile(axis) => axis.key(),
            Setting::Build => "build",
        }
    }
}

/// The settings a chart encodes and the values each one takes among its points.
#[derive(Debug, Clone, Default)]
pub struct Encoding {
    color: Option<(Setting, Vec<String>)>,
    shape: Option<(Setting, Vec<String>)>,
}

impl Encoding {
    /// Colour by the first setting whose values differ among `points`, shape by the second.
    pub fn of(points: &[Point<'_>]) -> Encoding {
        let settings = Axis::ALL.into_iter().map(Setting::Profile).chain([Setting::Build]);
        let mut varying = settings.filter_map(|setting| {
            let mut values = distinct(points.iter().map(|p| setting.value(p.row)));
            values.sort_by(|a, b| natural(a).cmp(&natural(b)));
            (values.len() > 1).then_some((setting, values))
        });
        Encoding { color: varying.next(), shape: varying.next() }
    }

    /// The colour of `row`'s point.
    pub fn color(&self, row: &Row) -> RGBColor {
        match &self.color {
            Some((setting, values)) => PALETTE[index(values, &setting.value(row)) % PALETTE.len()],
            None => PALETTE[0],
        }
    }

    /// The outline of `row`'s marker, in pixels around its point (fill it with its colour).
    pub fn marker(&self, row: &Row) -> Vec<(i32, i32)> {
        let shape = match &self.shape {
            Some((setting, values)) => index(values, &setting.value(row)) % SHAPES,
            None => 0,
        };
        outline(shape, (0, 0))
    }

    /// The legend's lines for the colours, then the shapes, as [`Encoding::legend`] draws them.
    pub fn legend_labels(&self) -> Vec<String> {
        [&self.color, &self.shape]
            .into_iter()
            .flatten()
            .flat_map(|(setting, values)| values.iter().map(move |v| label(setting, v)))
            .collect()
    }

    /// Adds one legend entry per colour and per shape (as empty series of `chart`).
    pub fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
        &self,
        chart: &mut ChartContext<'a, DB, CT>,
    ) -> Result<(), String> {
        let empty = || std::iter::empty::<Circle<CT::From, i32>>();
        if let Some((setting, values)) = &self.color {
            for (i, value) in values.iter().enumerate() {
                let color = PALETTE[i % PALETTE.len()];
                chart
                    .draw_series(empty())
                    .map_err(|e| e.to_string())?
                    .label(label(setting, value))
                    .legend(move |(x, y)| Circle::new((x + 10, y), 5, color.filled()));
            }
        }
        if let Some((setting, values)) = &self.shape {
            for (i, value) in values.iter().enumerate() {
                chart
                    .draw_series(empty())
                    .map_err(|e| e.to_string())?
                    .label(label(setting, value))
                    .legend(move |(x, y)| {
                        Polygon::new(outline(i % SHAPES, (x + 10, y)), NEUTRAL.filled())
                    });
            }
        }
        Ok(())
    }
}

/// One legend line: `opt-level = 3`.
fn label(setting: &Setting, value: &str) -> String {
    format!("{} = {value}", setting.key())
}

/// Where `value` is among `values` (0 if absent).
fn index(values: &[String], value: &str) -> usize {
    values.iter().position(|v| v == value).unwrap_or(0)
}

/// Numbers first in numeric order (0, 1, 2, 3, 16, 256), then words in alphabetical order.
fn natural(value: &str) -> (u8, u64, &str) {
    match value.parse::<u64>() {
        Ok(n) => (0, n, ""),
        Err(_) => (1, 0, value),
    }
}

/// The outline of marker `shape` (circle, triangle, square, cross, diamond) centred on
/// `(x, y)`, in pixels.
fn outline(shape: usize, (x, y): (i32, i32)) -> Vec<(i32, i32)> {
    let at = |points: &[(i32, i32)]| points.iter().map(|(dx, dy)| (x + dx, y + dy)).collect();
    match shape {
        0 => (0..12)
            .map(|i| {
                let angle = f64::from(i) * std::f64::consts::TAU / 12.0;
                (x + (5.5 * angle.cos()).round() as i32, y + (5.5 * angle.sin()).round() as i32)
            })
            .collect(),
        1 => at(&[(0, -7), (6, 5), (-6, 5)]),
        2 => at(&[(-5, -5), (5, -5), (5, 5), (-5, 5)]),
        3 => at(&[
            (-2, -6),
            (2, -6),
            (2, -2),
            (6, -2),
            (6, 2),
            (2, 2),
            (2, 6),
            (-2, 6),
            (-2, 2),
            (-6, 2),
            (-6, -2),
            (-2, -2),
        ]),
        _ => at(&[(0, -7), (6, 0), (0, 7), (-6, 0)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_in_natural_order() {
        let mut values = vec!["z", "3", "s", "0", "256", "16"];
        values.sort_by_key(|v| natural(v));
        assert_eq!(values, ["0", "3", "16", "256", "s", "z"]);
    }

    #[test]
    fn colour_and_shape_go_to_the_first_two_axes_that_vary() {
        let row = |opt: &str, lto: &str, panic: &str| Row {
            opt_level: opt.into(),
            lto: lto.into(),
            panic: panic.into(),
            ..Row::default()
        };
        let rows = [row("3", "fat", "abort"), row("3", "thin", "unwind")];
        let points: Vec<Point> = rows
            .iter()
            .map(|row| Point { row, size: 1, mean_ns: 1.0, ci_ns: (1.0, 1.0) })
            .collect();
        let encoding = Encoding::of(&points);
        let color = Some(Setting::Profile(Axis::Lto));
        assert_eq!(encoding.color.as_ref().map(|c| c.0), color, "opt-level is fixed");
        assert_eq!(encoding.shape.as_ref().map(|s| s.0), Some(Setting::Profile(Axis::Panic)));
        assert_ne!(encoding.color(&rows[0]), encoding.color(&rows[1]));
    }

    #[test]
    fn the_build_axes_are_the_setting_after_the_profile_axes() {
        let row = |opt: &str, pgo: Option<bool>, post_build: Option<&str>| Row {
            opt_level: opt.into(),
            pgo,
            post_build: post_build.map(String::from),
            ..Row::default()
        };
        let rows = [
            row("3", None, None),
            row("s", Some(true), None),
            row("s", Some(true), Some("llvm-bolt")),
        ];
        let points: Vec<Point> = rows
            .iter()
            .map(|row| Point { row, size: 1, mean_ns: 1.0, ci_ns: (1.0, 1.0) })
            .collect();
        let encoding = Encoding::of(&points);
        assert_eq!(encoding.color.as_ref().map(|c| c.0), Some(Setting::Profile(Axis::OptLevel)));
        let (setting, values) = encoding.shape.clone().unwrap();
        assert_eq!(setting, Setting::Build);
        assert_eq!(values, ["PGO", "PGO, then llvm-bolt", "plain"]);
    }
}

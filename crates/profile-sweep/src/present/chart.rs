//! Charts of a results CSV, drawn with plotters as SVG and PNG: the size-versus-runtime
//! trade-off with its Pareto frontier (one per measurement, or sizes alone), the ladder of a
//! ladder sweep, and the effect of each swept axis of a matrix sweep.
//!
//! Every chart is drawn from the rows alone, so the `plot` command reproduces the files a sweep
//! wrote. Text is rendered with a font compiled into the binary (DejaVu Sans, from the `dejavu`
//! crate), so PNGs need no system fonts or fontconfig.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Once;

use anyhow::{Context, Result, anyhow};
use plotters::coord::Shift;
use plotters::coord::combinators::{BindKeyPoints, IntoLogRange, WithKeyPoints};
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;

use crate::plan::settings::Axis;
use crate::present::analysis;
use crate::results::rows::Row;
use crate::util::units::{Unit, human_bytes, trim};

/// Width and height of every chart, in pixels.
const SIZE: (u32, u32) = (1200, 800);
const FONT: &str = "sans-serif";
const POINT_COLOR: RGBColor = RGBColor(31, 119, 180);
/// Rings around points tied with the frontier.
const TIED_COLOR: RGBColor = RGBColor(230, 140, 30);
const FRONTIER_COLOR: RGBColor = RGBColor(214, 39, 40);
/// Width of one category on categorical x axes, in axis units (category `i` is centred on
/// `i * SLOT`; plotters formats integer axes, so categories live on an integer axis).
const SLOT: i32 = 100;

/// The x range and label positions of `n` categories.
fn categories(n: usize) -> WithKeyPoints<RangedCoordi32> {
    let n = n.max(1) as i32;
    (-SLOT / 2..n * SLOT - SLOT / 2).with_key_points((0..n).map(|i| i * SLOT).collect())
}

/// Category `i` shifted by `fraction` of a slot.
fn at(i: usize, fraction: f64) -> i32 {
    i as i32 * SLOT + (fraction * SLOT as f64).round() as i32
}

/// The category index of an axis position.
fn category(x: i32) -> usize {
    ((x + SLOT / 2).max(0) / SLOT) as usize
}

/// A chart that can draw itself on any plotters backend.
trait Chart {
    /// The file name without extension, e.g. `tradeoff-convert-200k`.
    fn stem(&self) -> String;
    /// Draws on `root`, which is [`SIZE`] pixels.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>;
}

/// Writes every chart the rows call for into `dir`, as `.svg` and `.png`; returns the SVG
/// paths in the order the report shows them.
pub fn write_charts(rows: &[Row], dir: &Path) -> Result<Vec<PathBuf>> {
    register_font();
    let caption = caption(rows);
    let mut written = Vec::new();
    let measurements = analysis::measurements(rows);
    if measurements.is_empty() {
        written.push(write(
            &BarsChart {
                rows,
                measurement: None,
                stem: "sizes",
                per: "variant (no runtime measured yet)",
                caption: &caption,
            },
            dir,
        )?);
    }
    let size_rows = analysis::size_rows(rows);
    if size_rows.iter().all(|r| r.size_bytes.is_none()) {
        // A library swept through its benches: no size to chart or trade runtime against; the
        // report ranks its runtimes instead.
        return Ok(written);
    }
    for measurement in &measurements {
        written.push(write(&TradeOffChart { rows, measurement, caption: &caption }, dir)?);
    }
    if size_rows.iter().any(|r| r.step.is_some()) {
        let measurement = measurements.first().copied();
        written.push(write(
            &BarsChart { rows, measurement, stem: "ladder", per: "ladder step", caption: &caption },
            dir,
        )?);
    } else {
        for axis in Axis::ALL {
            let mut values: Vec<String> = size_rows.iter().map(|r| r.axis_value(axis)).collect();
            values.sort();
            values.dedup();
            if values.len() > 1 {
                written.push(write(
                    &EffectChart {
                        rows,
                        axis,
                        measurement: measurements.first().copied(),
                        caption: &caption,
                    },
                    dir,
                )?);
            }
        }
    }
    Ok(written)
}

/// The file name of the trade-off chart of `measurement` (without extension).
pub fn tradeoff_stem(measurement: &str) -> String {
    let slug: String = measurement
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    format!("tradeoff-{slug}")
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is valid TrueType shipped by the dejavu crate; failure would be a build defect.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
    });
}

fn write(chart: &impl Chart, dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let svg = dir.join(format!("{}.svg", chart.stem()));
    let png = dir.join(format!("{}.png", chart.stem()));
    {
        let root = SVGBackend::new(&svg, SIZE).into_drawing_area();
        chart.draw(&root)?;
        root.present().map_err(|e| anyhow!("cannot write {}: {e}", svg.display()))?;
    }
    {
        let root = BitMapBackend::new(&png, SIZE).into_drawing_area();
        chart.draw(&root)?;
        root.present().map_err(|e| anyhow!("cannot write {}: {e}", png.display()))?;
    }
    Ok(svg)
}

/// Turns a plotters error (whose type depends on the backend) into an anyhow error.
fn drawing<T, E: std::fmt::Display>(result: Result<T, E>) -> Result<T> {
    result.map_err(|e| anyhow!("drawing failed: {e}"))
}

/// "sweep `default`: json2csv (bin json2csv), rustc 1.95.0, 2026-11-21".
fn caption(rows: &[Row]) -> String {
    let Some(first) = rows.first() else { return String::new() };
    let rustc = first.rustc.split(" (").next().unwrap_or(&first.rustc);
    let date = rows
        .iter()
        .map(|r| r.finished_at.get(..10).unwrap_or(&r.finished_at))
        .max()
        .unwrap_or_default();
    format!("sweep `{}`: {} (bin {}), {rustc}, {date}", first.sweep, first.package, first.bin)
}

/// Tick positions for a log size axis over `range`: 1-2-5 steps, or denser steps when the
/// range is too narrow to show three of those.
pub fn size_ticks(range: &Range<f64>) -> Vec<f64> {
    let within = |mantissas: &[f64]| -> Vec<f64> {
        let (low, high) =
            (range.start.max(1.0).log10().floor() as i32, range.end.max(1.0).log10().ceil() as i32);
        (low..=high)
            .flat_map(|exp| mantissas.iter().map(move |m| m * 10f64.powi(exp)))
            .filter(|v| range.contains(v))
            .collect()
    };
    let coarse = within(&[1.0, 2.0, 5.0]);
    if coarse.len() >= 3 {
        coarse
    } else {
        within(&[1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
    }
}

/// A log range around `sizes` with some margin.
fn size_range(sizes: impl Iterator<Item = u64>) -> Range<f64> {
    let (min, max) =
        sizes.fold((f64::INFINITY, 0.0f64), |(lo, hi), s| (lo.min(s as f64), hi.max(s as f64)));
    if min.is_finite() { min / 1.15..max * 1.15 } else { 1.0..10.0 }
}

/// The size-versus-runtime chart of one measurement.
struct TradeOffChart<'a> {
    rows: &'a [Row],
    measurement: &'a str,
    caption: &'a str,
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

/// The caption line at the bottom left: sweep, crate, toolchain, date.
fn draw_caption<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, caption: &str) -> Result<()> {
    let style = TextStyle::from((FONT, 15).into_font()).color(&RGBColor(90, 90, 90));
    drawing(root.draw_text(caption, &style, (20, SIZE.1 as i32 - 22)))
}

/// A row's name in category charts: its ladder step, else its variant id.
fn label(row: &Row) -> String {
    row.step.clone().unwrap_or_else(|| row.variant.clone())
}

/// A chart over `labels` as categories (rotated when there are many) and values from 0 to a
/// little above `top`, with its axes drawn.
fn category_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    labels: &[&str],
    top: f64,
    format: &dyn Fn(f64) -> String,
) -> Result<ChartContext<'a, DB, Cartesian2d<WithKeyPoints<RangedCoordi32>, RangedCoordf64>>> {
    let many = labels.len() > 6;
    let mut chart = drawing(
        ChartBuilder::on(area)
            .caption(title, (FONT, 22))
            .margin(15)
            .x_label_area_size(if many { 110 } else { 40 })
            .y_label_area_size(90)
            .build_cartesian_2d(categories(labels.len()), 0.0..top.max(f64::MIN_POSITIVE) * 1.15),
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
    let mut chart = category_axes(area, title, y_desc, &labels, top, &format)?;
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
struct BarsChart<'a> {
    rows: &'a [Row],
    measurement: Option<&'a str>,
    stem: &'static str,
    /// What one bar is, for the title: "ladder step".
    per: &'static str,
    caption: &'a str,
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

/// Runtime bars with 95% CI whiskers for the given size rows' variants (0 where not measured).
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
    let title = format!("Runtime per step: {measurement} (mean, 95% CI)");
    bar_panel(area, &title, &format!("runtime ({unit_name})"), &bars, Some(&whiskers), trim)
}

/// A matrix sweep: size (and runtime) of every variant, grouped by one axis's values.
struct EffectChart<'a> {
    rows: &'a [Row],
    axis: Axis,
    measurement: Option<&'a str>,
    caption: &'a str,
}

impl Chart for EffectChart<'_> {
    fn stem(&self) -> String {
        format!("effect-{}", self.axis.key())
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        drawing(root.fill(&WHITE))?;
        let (body, _) = root.split_vertically(SIZE.1 - 30);
        let sizes: Vec<(String, f64)> = analysis::size_rows(self.rows)
            .iter()
            .filter_map(|r| Some((r.axis_value(self.axis), r.size_bytes? as f64)))
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
            strip_panel(&body, &size_title, "size", &sizes, 1.0, human_bytes)?;
        } else {
            let (top, bottom) = body.split_vertically((SIZE.1 - 30) / 2);
            strip_panel(&top, &size_title, "size", &sizes, 1.0, human_bytes)?;
            let max = runtimes.iter().map(|r| r.1).fold(0.0, f64::max);
            let measured_unit = analysis::unit_of(self.measurement.unwrap_or_default());
            let (unit, unit_name) = measured_unit.scale(max);
            let title = format!("Runtime by {key}: {}", self.measurement.unwrap_or_default());
            strip_panel(&bottom, &title, &format!("runtime ({unit_name})"), &runtimes, unit, trim)?;
        }
        draw_caption(root, self.caption)
    }
}

/// Dots grouped by category (in first-seen order, spread sideways so they do not hide each
/// other), with each group's median marked by a bar.
fn strip_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    values: &[(String, f64)],
    unit: f64,
    format: impl Fn(f64) -> String,
) -> Result<()> {
    let mut groups: Vec<(String, Vec<f64>)> = Vec::new();
    for (category, value) in values {
        match groups.iter_mut().find(|(c, _)| c == category) {
            Some((_, members)) => members.push(value / unit),
            None => groups.push((category.clone(), vec![value / unit])),
        }
    }
    let top = groups.iter().flat_map(|(_, v)| v).copied().fold(0.0, f64::max);
    let labels: Vec<&str> = groups.iter().map(|(category, _)| category.as_str()).collect();
    let mut chart = category_axes(area, title, y_desc, &labels, top, &format)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_ticks_are_readable() {
        assert_eq!(size_ticks(&(150_000.0..1_200_000.0)), [200_000.0, 500_000.0, 1_000_000.0]);
        assert_eq!(
            size_ticks(&(333_000.0..771_000.0)),
            [400_000.0, 500_000.0, 600_000.0, 700_000.0]
        );
    }

    fn fixture_rows() -> Vec<Row> {
        // A real default sweep (the seed ladder on json2csv), as the sweep wrote it.
        let bytes = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ladder-results.csv"),
        )
        .unwrap();
        crate::results::rows::read_rows(&bytes).unwrap()
    }

    #[test]
    fn charts_label_the_frontier_and_decode_as_png() {
        let dir = tempfile::tempdir().unwrap();
        let rows = fixture_rows();
        let svgs = write_charts(&rows, dir.path()).unwrap();
        let names: Vec<String> =
            svgs.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(
            names,
            ["tradeoff-convert-200k.svg", "tradeoff-criterion-json2csv-convert.svg", "ladder.svg"]
        );
        let svg = std::fs::read_to_string(&svgs[0]).unwrap();
        let points = analysis::points(&rows, "convert-200k");
        let frontier = analysis::frontier_by_means(&points);
        assert!(!frontier.is_empty());
        for point in &frontier {
            assert!(svg.contains(&point.row.variant), "{} is not labelled", point.row.variant);
        }
        assert!(
            svg.contains("Pareto frontier") && svg.contains("KB"),
            "legend and readable size ticks"
        );
        for svg in &svgs {
            let png = image::open(svg.with_extension("png")).unwrap();
            assert_eq!((png.width(), png.height()), SIZE);
        }
    }

    #[test]
    fn sizes_alone_still_make_a_chart() {
        let dir = tempfile::tempdir().unwrap();
        let rows: Vec<Row> = fixture_rows()
            .into_iter()
            .filter(|r| r.measurement.is_none())
            .map(|r| Row { step: None, ..r })
            .collect();
        let svgs = write_charts(&rows, dir.path()).unwrap();
        let names: Vec<String> =
            svgs.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        // Sizes, and the axes the variants differ in (as a matrix would).
        assert_eq!(
            names,
            [
                "sizes.svg",
                "effect-opt-level.svg",
                "effect-lto.svg",
                "effect-codegen-units.svg",
                "effect-panic.svg",
                "effect-strip.svg"
            ]
        );
        assert!(std::fs::read_to_string(&svgs[0]).unwrap().contains("no runtime measured yet"));
    }

    #[test]
    fn chart_names_are_file_names() {
        assert_eq!(
            tradeoff_stem("criterion:json2csv/convert"),
            "tradeoff-criterion-json2csv-convert"
        );
        assert_eq!(tradeoff_stem("convert-200k"), "tradeoff-convert-200k");
    }
}

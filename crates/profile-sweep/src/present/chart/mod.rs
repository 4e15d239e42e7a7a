//! Charts of a sweep's results, drawn with plotters as SVG and PNG: the size-versus-runtime
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
use plotters::prelude::*;

use crate::plan::settings::Axis;
use crate::results::analysis;
use crate::results::rows::Row;

mod bars;
mod effect;
mod encoding;
pub mod labels;
pub mod tradeoff;

use bars::{BarsChart, RuntimeChart};
use effect::EffectChart;
pub use encoding::PALETTE;
use tradeoff::{RebuildChart, TradeOffChart};

/// Width and height of every chart, in pixels.
const SIZE: (u32, u32) = (1200, 800);
const FONT: &str = "sans-serif";
const POINT_COLOR: RGBColor = RGBColor(31, 119, 180);
/// Rings around points tied with the frontier.
const TIED_COLOR: RGBColor = RGBColor(230, 140, 30);
const FRONTIER_COLOR: RGBColor = RGBColor(214, 39, 40);

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
        // A library swept through its benches: no size to chart or trade runtime against, so
        // its runtimes per variant (the report ranks them).
        for measurement in &measurements {
            written.push(write(&RuntimeChart { rows, measurement, caption: &caption }, dir)?);
        }
        return Ok(written);
    }
    for measurement in &measurements {
        written.push(write(&TradeOffChart { rows, measurement, caption: &caption }, dir)?);
        if analysis::points(rows, measurement).iter().any(|p| p.row.rebuild_seconds.is_some()) {
            written.push(write(&RebuildChart { rows, measurement, caption: &caption }, dir)?);
        }
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

/// What a chart calls the values of `measurement`: "runtime" for times, "instructions" for
/// counts, which are not times and have no interval.
fn value_name(measurement: &str) -> &'static str {
    analysis::unit_of(measurement).noun()
}

/// The file name of the trade-off chart of `measurement` (without extension).
pub fn tradeoff_stem(measurement: &str) -> String {
    format!("tradeoff-{}", slug(measurement))
}

/// The file name of the rebuild-versus-runtime chart of `measurement` (without extension).
pub fn rebuild_stem(measurement: &str) -> String {
    format!("rebuild-{}", slug(measurement))
}

/// The file name of the runtime-per-variant chart of `measurement` (a library's).
pub fn runtime_stem(measurement: &str) -> String {
    format!("runtime-{}", slug(measurement))
}

/// `measurement` as a file name part: anything but letters, digits, `-` and `_` becomes `-`.
fn slug(measurement: &str) -> String {
    measurement
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect()
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

/// The caption line at the bottom left: sweep, crate, toolchain, date.
fn draw_caption<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, caption: &str) -> Result<()> {
    let style = TextStyle::from((FONT, 15).into_font()).color(&RGBColor(90, 90, 90));
    drawing(root.draw_text(caption, &style, (20, SIZE.1 as i32 - 22)))
}

/// A row's name in category charts: its ladder step, else its variant id.
fn label(row: &Row) -> String {
    row.step.clone().unwrap_or_else(|| row.variant.clone())
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
        crate::results::rows::read_legacy(Path::new("ladder-results.csv"), &bytes).unwrap()
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

    /// The frontier labels of a drawn SVG: text, x and y of each `<text>` whose content is a
    /// variant id of `ids`.
    fn labels_in(svg: &str, ids: &[&str]) -> Vec<(String, i32, i32)> {
        let attribute = |tag: &str, name: &str| -> i32 {
            let start = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            tag[start..].split('"').next().unwrap().parse().unwrap()
        };
        svg.split("<text")
            .skip(1)
            .filter_map(|element| {
                let (tag, rest) = element.split_once('>')?;
                let text = rest.split("</text>").next()?.trim();
                ids.contains(&text)
                    .then(|| (text.to_owned(), attribute(tag, "x"), attribute(tag, "y")))
            })
            .collect()
    }

    #[test]
    fn frontier_labels_of_the_full_matrix_neither_overlap_nor_leave_the_plot() {
        register_font();
        let csv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../results/full");
        let rows = crate::results::layout::load(&csv).unwrap();
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            let chart = TradeOffChart { rows: &rows, measurement: "convert-50k", caption: "" };
            chart.draw(&root).unwrap();
            root.present().unwrap();
        }
        let points = analysis::points(&rows, "convert-50k");
        let ids: Vec<&str> =
            analysis::frontier_by_means(&points).iter().map(|p| p.row.variant.as_str()).collect();
        let labels = labels_in(&svg, &ids);
        assert_eq!(labels.len(), ids.len(), "every frontier point is labelled once: {labels:?}");
        // The plot: inside the margins (20 px), the tick-label areas (90 px left, 60 px below)
        // and the title.
        let plot = labels::Rect { x: 110, y: 40, w: SIZE.0 as i32 - 130, h: SIZE.1 as i32 - 120 };
        let boxes: Vec<labels::Rect> = labels
            .iter()
            .map(|(text, x, y)| {
                let (w, h) = tradeoff::label_size(text);
                labels::Rect { x: *x, y: *y, w, h }
            })
            .collect();
        for (i, a) in boxes.iter().enumerate() {
            assert!(a.inside(&plot), "{} at {a:?} is outside the plot", labels[i].0);
            for (j, b) in boxes.iter().enumerate().skip(i + 1) {
                assert!(!a.intersects(b), "{} and {} overlap", labels[i].0, labels[j].0);
            }
        }
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

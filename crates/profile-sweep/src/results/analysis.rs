//! What the rows say: size-versus-runtime points per measurement, their Pareto frontier, and
//! the two recommendations the report makes. Pure functions of the CSV rows; charts and the
//! report only format what this module computes.

use crate::plan::build_env::EnvSetting;
use crate::plan::measurement::MeasurementName;
use crate::results::rows::{Row, Status};
use crate::util::units::Unit;

/// One variant as a point of the trade-off: size and runtime of one measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Point<'a> {
    /// The row this point comes from.
    pub row: &'a Row,
    /// Bytes that ship: the binary, plus the toolchain's shared libraries when it loads them
    /// (a `-C prefer-dynamic` build); what a user pays for, so what the trade-off weighs.
    pub size: u64,
    /// Mean runtime in nanoseconds.
    pub mean_ns: f64,
    /// The confidence interval of the mean, in nanoseconds.
    pub ci_ns: (f64, f64),
}

/// What the numbers of `measurement` count: instructions for `instructions:<run>`, estimated
/// cycles for `cycles:<run>`, else time.
pub fn unit_of(measurement: &str) -> Unit {
    MeasurementName::parse(measurement).unit
}

/// Whether a bench target measured `measurement` (criterion, divan, gungraun, libtest), not a
/// whole-binary run.
pub fn is_bench(measurement: &str) -> bool {
    MeasurementName::parse(measurement).is_bench()
}

/// The runtime measurements present in `rows`, in order of first appearance; whole-binary
/// runs come before benchmarks, since they measure what ships. Rebuild timings are not
/// runtimes: [`rebuild_measurements`] lists them.
pub fn measurements(rows: &[Row]) -> Vec<&str> {
    let runtime = |name: &&str| !MeasurementName::parse(name).is_rebuild();
    // A measurement no variant took (every row skipped: no Valgrind, or run under Wine) has
    // nothing to chart; the report lists the skips.
    let taken = |name: &&str| {
        rows.iter().any(|r| r.measurement.as_deref() == Some(*name) && r.status != Status::Skipped)
    };
    let names = rows.iter().filter_map(|r| r.measurement.as_deref());
    let mut names = distinct(names.filter(runtime).filter(taken));
    names.sort_by_key(|name| is_bench(name));
    names
}

/// The rebuild timings present in `rows` (`rebuild:<file>`, `test-rebuild:<file>`), in order
/// of first appearance.
pub fn rebuild_measurements(rows: &[Row]) -> Vec<&str> {
    let rebuild = |name: &&str| MeasurementName::parse(name).is_rebuild();
    distinct(rows.iter().filter_map(|r| r.measurement.as_deref()).filter(rebuild))
}

/// The values in order of first appearance, each once.
pub fn distinct<T: PartialEq>(values: impl Iterator<Item = T>) -> Vec<T> {
    let mut seen = Vec::new();
    for value in values {
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    seen
}

/// The size rows (one per variant), in CSV order.
pub fn size_rows(rows: &[Row]) -> Vec<&Row> {
    rows.iter().filter(|r| r.measurement.is_none()).collect()
}

/// Whether a runtime row measured a build with another panic strategy than its variant's (a
/// criterion bench of a `panic = "abort"` variant: cargo builds benches with unwinding).
pub fn measured_other_panic(row: &Row) -> bool {
    row.panic_effective.as_ref().is_some_and(|effective| *effective != row.panic)
}

/// The measured points of `measurement`: rows that are `ok`, have both a size and a mean, and
/// measured the variant's own panic strategy (see [`measured_other_panic`]).
///
/// In a file merged from shards (rows with `reference_ratio`), runtimes from different machines
/// are put on one scale, the first shard's: each point is its `reference_ratio` times the
/// reference variant's runtime there (the first row with a ratio), its interval scaled alike.
pub fn points<'a>(rows: &'a [Row], measurement: &str) -> Vec<Point<'a>> {
    let reference_ns = normalising_reference(rows, measurement);
    let wrong_output = output_mismatches(rows, measurement);
    let counted = unit_of(measurement).is_count();
    rows.iter()
        .filter(|r| {
            r.measurement.as_deref() == Some(measurement)
                && r.status == Status::Ok
                && !measured_other_panic(r)
                && !wrong_output.iter().any(|w| w.variant == r.variant)
        })
        .filter_map(|row| {
            let mean_ns = row.mean_ns?;
            let scale = shard_scale(reference_ns, row);
            let (low, high) = (
                row.ci_low_ns.unwrap_or(mean_ns) * scale,
                row.ci_high_ns.unwrap_or(mean_ns) * scale,
            );
            // A count repeats to within a few instructions (the loader's work varies a little
            // with the environment): counts closer than that are ties, not wins.
            let slack = if counted { mean_ns * COUNT_TOLERANCE } else { 0.0 };
            Some(Point {
                row,
                size: shipped_size(row)?,
                mean_ns: mean_ns * scale,
                ci_ns: (low - slack, high + slack),
            })
        })
        .collect()
}

/// The whole-binary run a measurement belongs to: `convert` for `instructions:convert`.
pub fn run_of(measurement: &str) -> &str {
    MeasurementName::parse(measurement).run().unwrap_or(measurement)
}

/// The rows of the run behind `measurement` whose output differs from the first variant's
/// (the first row with an output hash): they did something else, so their numbers are left
/// out of the frontier and the recommendations.
pub fn output_mismatches<'a>(rows: &'a [Row], measurement: &str) -> Vec<&'a Row> {
    let run = run_of(measurement);
    let of_run = || rows.iter().filter(move |r| r.measurement.as_deref() == Some(run));
    let Some(first) = of_run().find_map(|r| r.stdout_sha256.as_deref()) else {
        return Vec::new();
    };
    of_run().filter(|r| r.stdout_sha256.as_deref().is_some_and(|sha| sha != first)).collect()
}

/// The first variant whose output the others are checked against, for `measurement`.
pub fn output_reference<'a>(rows: &'a [Row], measurement: &str) -> Option<&'a Row> {
    let run = run_of(measurement);
    rows.iter().find(|r| r.measurement.as_deref() == Some(run) && r.stdout_sha256.is_some())
}

/// How close two instruction counts may be and still be a tie, relative: repeated counts of one
/// executable differed by 10 in 3.1 billion here.
pub const COUNT_TOLERANCE: f64 = 1e-6;

/// The bytes a row's variant ships: `shipped_bytes` when measured (it counts the shared
/// libraries from the toolchain a `-C prefer-dynamic` binary needs), else the binary's size.
pub fn shipped_size(row: &Row) -> Option<u64> {
    row.shipped_bytes.or(row.size_bytes)
}

/// The build axes besides the profile that a row's variant was built with, as a user would
/// reproduce them (`--target x86_64-unknown-linux-musl`, `RUSTFLAGS="-C target-cpu=native"`,
/// `PGO`, `then llvm-bolt`); empty for a plain build.
pub fn build_axes(row: &Row) -> Vec<String> {
    let mut axes = Vec::new();
    if let Some(toolchain) = &row.toolchain {
        axes.push(format!("cargo +{toolchain}"));
    }
    if row.build_std == Some(true) {
        axes.push(crate::plan::build_env::BUILD_STD_FLAGS.join(" "));
    }
    // The id names the target only when the sweep gave one (else it is the host's).
    let target_fragment =
        EnvSetting::Target(Some(row.target.clone())).id_fragment().unwrap_or_default();
    if row.build_std == Some(true) || row.variant.contains(&format!("-{target_fragment}")) {
        axes.push(format!("--target {}", row.target));
    }
    if let Some(features) = &row.features {
        axes.push(format!("--features {features}"));
    }
    // The rustflags axis and the nightly axes' -Z flags, as one variable.
    let mut flags: Vec<String> = row.rustflags.iter().cloned().collect();
    flags.extend(row.build_env().nightly_flags());
    if !flags.is_empty() {
        axes.push(format!("RUSTFLAGS=\"{}\"", flags.join(" ")));
    }
    match row.target_cpu.as_deref() {
        Some("native") => axes.push(format!(
            "-C target-cpu=native (code for the CPU it was built on, {}: it may not run on another)",
            row.cpu_model.as_deref().unwrap_or("unrecorded")
        )),
        Some(cpu) => axes.push(format!("-C target-cpu={cpu}")),
        None => {}
    }
    if let Some(linker) = &row.linker {
        axes.push(format!("linker {linker}"));
    }
    if row.pgo == Some(true) {
        axes.push("PGO".to_owned());
    }
    if let Some(step) = &row.post_build {
        axes.push(format!("then {step}"));
    }
    axes
}

/// The build axes of a row as one value, for charts and filters: `plain`, or what
/// [`build_axes`] lists (`PGO, then llvm-bolt`).
pub fn build_label(row: &Row) -> String {
    let axes = build_axes(row);
    if axes.is_empty() { "plain".to_owned() } else { axes.join(", ") }
}

/// The successful runtime rows of `measurement` that have no size (a library swept through its
/// benches), fastest first: with nothing to trade runtime against, a ranking is all there is.
pub fn sizeless_ranking<'a>(rows: &'a [Row], measurement: &str) -> Vec<&'a Row> {
    let mut ranked: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            r.measurement.as_deref() == Some(measurement)
                && r.status == Status::Ok
                && r.size_bytes.is_none()
                && !measured_other_panic(r)
        })
        .filter(|r| r.mean_ns.is_some())
        .collect();
    ranked.sort_by(|a, b| {
        a.mean_ns
            .unwrap_or_default()
            .total_cmp(&b.mean_ns.unwrap_or_default())
            .then(a.variant.cmp(&b.variant))
    });
    ranked
}

/// The factor that puts `row`'s runtime on the first shard's scale in a merged file, given
/// that shard's reference runtime (see [`points`]); 1 for a file of one machine.
fn shard_scale(reference_ns: Option<f64>, row: &Row) -> f64 {
    match (reference_ns, row.reference_ratio, row.mean_ns) {
        (Some(reference), Some(ratio), Some(mean)) if mean > 0.0 => reference * ratio / mean,
        _ => 1.0,
    }
}

/// `row`'s mean by `measurement` on the scale [`points`] puts it on (the first shard's, in a
/// merged file).
pub fn scaled_mean(rows: &[Row], row: &Row, measurement: &str) -> Option<f64> {
    Some(row.mean_ns? * shard_scale(normalising_reference(rows, measurement), row))
}

/// In a merged file, the first shard's reference runtime of `measurement`, which every other
/// runtime is expressed against; `None` for a file of one machine.
pub fn normalising_reference(rows: &[Row], measurement: &str) -> Option<f64> {
    rows.iter()
        .find(|r| r.measurement.as_deref() == Some(measurement) && r.reference_ratio.is_some())
        .and_then(|r| r.mean_ns)
}

/// Whether `a` is certainly no slower than `b`: its whole interval at or below `b`'s (for exact
/// counts, a count no larger). Overlapping intervals decide nothing.
pub fn certainly_no_slower(a: &Point, b: &Point) -> bool {
    a.ci_ns.1 <= b.ci_ns.0
}

/// Whether two points' intervals overlap: neither is certainly faster than the other.
pub fn tied(a: &Point, b: &Point) -> bool {
    a.ci_ns.0 <= b.ci_ns.1 && b.ci_ns.0 <= a.ci_ns.1
}

/// The Pareto set under uncertainty: the points no other point beats for certain, that is no
/// larger and certainly no slower (intervals apart, or exact counts), strictly better in one.
/// A point whose interval overlaps a smaller point's stays: the difference is within noise.
/// Sorted by size, then runtime, then variant id.
pub fn pareto<'a, 'b>(points: &'b [Point<'a>]) -> Vec<&'b Point<'a>> {
    let dominates = |a: &Point, b: &Point| {
        a.size <= b.size && certainly_no_slower(a, b) && (a.size < b.size || a.ci_ns.1 < b.ci_ns.0)
    };
    sorted(points.iter().filter(|p| !points.iter().any(|q| dominates(q, p))).collect())
}

/// The frontier by means alone, as if every mean were exact: the staircase a chart draws. A
/// subset of [`pareto`].
pub fn frontier_by_means<'a, 'b>(points: &'b [Point<'a>]) -> Vec<&'b Point<'a>> {
    let dominates = |a: &Point, b: &Point| {
        a.size <= b.size && a.mean_ns <= b.mean_ns && (a.size < b.size || a.mean_ns < b.mean_ns)
    };
    sorted(points.iter().filter(|p| !points.iter().any(|q| dominates(q, p))).collect())
}

/// Points sorted by size, then runtime, then variant id.
fn sorted<'a, 'b>(mut points: Vec<&'b Point<'a>>) -> Vec<&'b Point<'a>> {
    points.sort_by(|a, b| {
        a.size
            .cmp(&b.size)
            .then(a.mean_ns.total_cmp(&b.mean_ns))
            .then(a.row.variant.cmp(&b.row.variant))
    });
    points
}

/// How far from the best a recommendation may be: 10%.
pub const TOLERANCE: f64 = 0.10;

/// A recommendation: the variant picked, and the ones the measurements cannot tell apart from
/// it on the criterion that decided (the smaller of those is picked).
#[derive(Debug, Clone, PartialEq)]
pub struct Pick<'p, 'a> {
    /// The variant recommended.
    pub chosen: &'p Point<'a>,
    /// Statistically tied candidates, smallest first; empty when the pick is clear.
    pub tied: Vec<&'p Point<'a>>,
}

/// The smallest variant whose runtime is within [`TOLERANCE`] of the fastest. A variant whose
/// mean misses the band but whose interval reaches into it is tied with the band's edge: it
/// may qualify, and the smaller is picked. Of equal sizes wholly inside the band, the faster
/// mean is picked, with no tie.
pub fn smallest_near_fastest<'a, 'b>(points: &'b [Point<'a>]) -> Option<Pick<'b, 'a>> {
    let fastest = points.iter().map(|p| p.mean_ns).min_by(f64::total_cmp)?;
    let band = fastest * (1.0 + TOLERANCE);
    let by_size =
        |a: &&Point, b: &&Point| a.size.cmp(&b.size).then(a.mean_ns.total_cmp(&b.mean_ns));
    let by_means = points.iter().filter(|p| p.mean_ns <= band).min_by(by_size)?;
    let mut candidates: Vec<&Point> =
        points.iter().filter(|p| p.ci_ns.0 <= band && p.size <= by_means.size).collect();
    candidates.sort_by(by_size);
    let chosen = candidates[0];
    // A candidate of the chosen one's size is no tie when both lie wholly inside the band (exact
    // counts do): either is the smallest within it.
    let inside = |p: &Point| p.ci_ns.1 <= band;
    let open = |p: &&Point| !(p.size == chosen.size && inside(p) && inside(chosen));
    let others = candidates.into_iter().filter(|p| !std::ptr::eq(*p, chosen));
    Some(Pick { chosen, tied: others.filter(open).collect() })
}

/// The fastest variant whose size is within [`TOLERANCE`] of the smallest. Candidates whose
/// intervals overlap the fastest one's are tied with it, and the smallest of them is picked.
pub fn fastest_near_smallest<'a, 'b>(points: &'b [Point<'a>]) -> Option<Pick<'b, 'a>> {
    let smallest = points.iter().map(|p| p.size).min()?;
    let near: Vec<&Point> =
        points.iter().filter(|p| p.size as f64 <= smallest as f64 * (1.0 + TOLERANCE)).collect();
    let fastest =
        near.iter().min_by(|a, b| a.mean_ns.total_cmp(&b.mean_ns).then(a.size.cmp(&b.size)))?;
    let mut candidates: Vec<&Point> = near.iter().copied().filter(|p| tied(p, fastest)).collect();
    candidates.sort_by(|a, b| a.size.cmp(&b.size).then(a.mean_ns.total_cmp(&b.mean_ns)));
    let chosen = candidates[0];
    let tied = candidates.into_iter().filter(|p| !std::ptr::eq(*p, chosen)).collect();
    Some(Pick { chosen, tied })
}

/// The fastest variant by mean; among the variants whose intervals overlap its interval (ties),
/// the smallest.
pub fn fastest_of_ties<'a, 'b>(points: &'b [Point<'a>]) -> Option<Pick<'b, 'a>> {
    let fastest =
        points.iter().min_by(|a, b| a.mean_ns.total_cmp(&b.mean_ns).then(a.size.cmp(&b.size)))?;
    let mut candidates: Vec<&Point> = points.iter().filter(|p| tied(p, fastest)).collect();
    candidates.sort_by(|a, b| a.size.cmp(&b.size).then(a.mean_ns.total_cmp(&b.mean_ns)));
    let chosen = candidates[0];
    let tied = candidates.into_iter().filter(|p| !std::ptr::eq(*p, chosen)).collect();
    Some(Pick { chosen, tied })
}

/// The candidates of [`smallest_near_fastest`], best first: every point whose interval reaches
/// into the band within [`TOLERANCE`] of the fastest mean, smallest first.
pub fn ranked_near_fastest<'a, 'b>(points: &'b [Point<'a>]) -> Vec<&'b Point<'a>> {
    let Some(fastest) = points.iter().map(|p| p.mean_ns).min_by(f64::total_cmp) else {
        return Vec::new();
    };
    let band = fastest * (1.0 + TOLERANCE);
    let mut ranked: Vec<&Point> = points.iter().filter(|p| p.ci_ns.0 <= band).collect();
    ranked.sort_by(|a, b| a.size.cmp(&b.size).then(a.mean_ns.total_cmp(&b.mean_ns)));
    ranked
}

/// The candidates of [`fastest_near_smallest`], best first: every point within [`TOLERANCE`]
/// of the smallest size, fastest mean first.
pub fn ranked_near_smallest<'a, 'b>(points: &'b [Point<'a>]) -> Vec<&'b Point<'a>> {
    let Some(smallest) = points.iter().map(|p| p.size).min() else { return Vec::new() };
    let limit = smallest as f64 * (1.0 + TOLERANCE);
    let mut ranked: Vec<&Point> = points.iter().filter(|p| p.size as f64 <= limit).collect();
    ranked.sort_by(|a, b| a.mean_ns.total_cmp(&b.mean_ns).then(a.size.cmp(&b.size)));
    ranked
}

/// `new` relative to `old` in percent, e.g. `-21.5`.
pub fn change_percent(old: f64, new: f64) -> f64 {
    (new / old - 1.0) * 100.0
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::results::rows::tests::row;

    /// A timed row of measurement `run` with an interval of ±1.
    pub(crate) fn timed(variant: &str, size: u64, mean: f64) -> Row {
        Row {
            measurement: Some("run".into()),
            mean_ns: Some(mean),
            ci_low_ns: Some(mean - 1.0),
            ci_high_ns: Some(mean + 1.0),
            ..row(variant, size)
        }
    }

    #[test]
    fn sizeless_runtimes_are_ranked_fastest_first() {
        let rows = [
            Row { size_bytes: None, ..timed("slow", 0, 30.0) },
            Row { size_bytes: None, ..timed("fast", 0, 10.0) },
            timed("sized", 5, 1.0),
            Row { size_bytes: None, status: Status::RunFailed, ..timed("failed", 0, 1.0) },
        ];
        let ranked: Vec<&str> =
            sizeless_ranking(&rows, "run").iter().map(|r| r.variant.as_str()).collect();
        assert_eq!(ranked, ["fast", "slow"]);
    }

    #[test]
    fn merged_runtimes_are_put_on_the_first_shards_scale() {
        // Shard 1 measured the reference at 100 ns; shard 2, a machine twice as slow, at 200 ns
        // and variant b at 300 ns: 1.5 times the reference, so 150 ns on shard 1's scale.
        let rows = [
            Row { reference_ratio: Some(1.0), ..timed("ref", 10, 100.0) },
            Row {
                reference_ratio: Some(1.5),
                ci_low_ns: Some(290.0),
                ci_high_ns: Some(310.0),
                ..timed("b", 20, 300.0)
            },
        ];
        let scaled: Vec<(f64, (f64, f64))> =
            points(&rows, "run").iter().map(|p| (p.mean_ns, p.ci_ns)).collect();
        assert_eq!(scaled, [(100.0, (99.0, 101.0)), (150.0, (145.0, 155.0))]);
        assert_eq!(normalising_reference(&rows, "run"), Some(100.0));
        assert_eq!(scaled_mean(&rows, &rows[1], "run"), Some(150.0), "what reports print");
        assert_eq!(
            normalising_reference(&[timed("a", 1, 5.0)], "run"),
            None,
            "one machine: raw runtimes"
        );
        assert_eq!(points(&[timed("a", 1, 5.0)], "run")[0].mean_ns, 5.0);
    }

    fn frontier_ids(rows: &[Row]) -> Vec<&str> {
        let points = points(rows, "run");
        pareto(&points).iter().map(|p| p.row.variant.as_str()).collect()
    }

    #[test]
    fn the_frontier_keeps_only_undominated_points_sorted_by_size() {
        let rows = [
            timed("big-fast", 900, 10.0),
            timed("small-slow", 300, 50.0),
            timed("middle", 500, 20.0),
            timed("dominated", 600, 30.0),
        ];
        assert_eq!(frontier_ids(&rows), ["small-slow", "middle", "big-fast"]);
    }

    #[test]
    fn ties_single_points_and_duplicates() {
        assert_eq!(frontier_ids(&[timed("only", 100, 1.0)]), ["only"]);
        // Equal in both: neither beats the other, both stay.
        assert_eq!(frontier_ids(&[timed("b", 100, 1.0), timed("a", 100, 1.0)]), ["a", "b"]);
        // Equal size, one certainly slower (intervals apart): the slower one is beaten.
        assert_eq!(frontier_ids(&[timed("fast", 100, 1.0), timed("slow", 100, 5.0)]), ["fast"]);
        // A duplicate of a dominated point is dominated too.
        assert_eq!(
            frontier_ids(&[
                timed("best", 100, 1.0),
                timed("worse", 200, 5.0),
                timed("worse-again", 200, 5.0)
            ]),
            ["best"]
        );
        assert_eq!(frontier_ids(&[]), Vec::<&str>::new());
    }

    /// A row with an exact value (an instruction count): an interval of zero width.
    fn counted(variant: &str, size: u64, count: f64) -> Row {
        Row { ci_low_ns: Some(count), ci_high_ns: Some(count), ..timed(variant, size, count) }
    }

    #[test]
    fn overlapping_intervals_dominate_nothing() {
        // `big` looks faster by its mean, but its interval overlaps `small`'s: both stay.
        let noisy = |v: &str, size, mean: f64, half: f64| Row {
            ci_low_ns: Some(mean - half),
            ci_high_ns: Some(mean + half),
            ..timed(v, size, mean)
        };
        let rows = [noisy("small", 300, 110.0, 20.0), noisy("big", 900, 100.0, 15.0)];
        assert_eq!(frontier_ids(&rows), ["small", "big"]);
        let points = points(&rows, "run");
        let by_means: Vec<&str> =
            frontier_by_means(&points).iter().map(|p| p.row.variant.as_str()).collect();
        assert_eq!(by_means, ["small", "big"]);
        // Apart, the faster larger one no longer rests on noise, and neither is dominated;
        // a slower and larger one is.
        let rows = [
            noisy("small", 300, 150.0, 5.0),
            noisy("big", 900, 100.0, 5.0),
            noisy("worse", 950, 160.0, 5.0),
        ];
        assert_eq!(frontier_ids(&rows), ["small", "big"]);
    }

    #[test]
    fn exact_counts_decide_without_intervals() {
        let rows = [
            counted("small", 300, 1000.0),
            counted("big", 900, 1000.0),
            counted("slow", 200, 1001.0),
        ];
        assert_eq!(frontier_ids(&rows), ["slow", "small"], "equal count, larger: dominated");
        let points = points(&rows, "run");
        let pick = fastest_near_smallest(&points).unwrap();
        assert_eq!(pick.chosen.row.variant, "slow", "only it is within 10% of the smallest size");
        assert!(pick.tied.is_empty(), "exact counts leave nothing tied");
        let pick = smallest_near_fastest(&points).unwrap();
        assert_eq!((pick.chosen.row.variant.as_str(), pick.tied.len()), ("slow", 0));
        // Counts a few instructions apart (in a billion) are a tie, not a win.
        let count = |v: &str, size, n: f64| Row {
            measurement: Some("instructions:run".into()),
            unit: Some("instructions".into()),
            ..counted(v, size, n)
        };
        let rows = [count("a", 100, 1e9), count("b", 99, 1e9 + 5.0)];
        let ids: Vec<&str> = pareto(&super::points(&rows, "instructions:run"))
            .iter()
            .map(|p| p.row.variant.as_str())
            .collect();
        assert_eq!(ids, ["b", "a"], "b is smaller, a is not certainly faster than b, nor b than a");
    }

    #[test]
    fn a_variant_of_the_same_size_inside_the_band_is_no_tie() {
        let count = |v: &str, size, n: f64| Row {
            measurement: Some("instructions:run".into()),
            unit: Some("instructions".into()),
            ..counted(v, size, n)
        };
        // Both 300 B and certainly inside the band (exact counts): the fewer instructions win.
        let rows =
            [count("mixed", 300, 1000.0), count("reverse", 300, 1001.0), count("big", 900, 950.0)];
        let points = points(&rows, "instructions:run");
        let pick = smallest_near_fastest(&points).unwrap();
        assert_eq!((pick.chosen.row.variant.as_str(), pick.tied.len()), ("mixed", 0));
        // With intervals that reach past the band's edge, the same size stays a tie.
        let wide = |v: &str, mean: f64| Row {
            ci_low_ns: Some(mean - 20.0),
            ci_high_ns: Some(mean + 20.0),
            ..timed(v, 300, mean)
        };
        let rows = [wide("a", 100.0), wide("b", 101.0), timed("fast-big", 900, 95.0)];
        let points = super::points(&rows, "run");
        let pick = smallest_near_fastest(&points).unwrap();
        assert_eq!((pick.chosen.row.variant.as_str(), pick.tied.len()), ("a", 1));
    }

    #[test]
    fn tied_candidates_are_listed_and_the_smaller_is_picked() {
        // Both within 10% of the smallest size; `fast-ish` has the lower mean but its interval
        // overlaps `lean`'s: a tie, and the smaller profile is picked.
        let rows = [
            Row { ci_low_ns: Some(90.0), ci_high_ns: Some(110.0), ..timed("fast-ish", 105, 100.0) },
            Row { ci_low_ns: Some(95.0), ci_high_ns: Some(115.0), ..timed("lean", 100, 105.0) },
            timed("fast-big", 500, 50.0),
        ];
        let points = points(&rows, "run");
        let pick = fastest_near_smallest(&points).unwrap();
        assert_eq!(pick.chosen.row.variant, "lean");
        assert_eq!(
            pick.tied.iter().map(|p| p.row.variant.as_str()).collect::<Vec<_>>(),
            ["fast-ish"]
        );
        // Within 10% of the fastest (50): only fast-big by its mean; nothing smaller reaches 55.
        let pick = smallest_near_fastest(&points).unwrap();
        assert_eq!((pick.chosen.row.variant.as_str(), pick.tied.len()), ("fast-big", 0));
        // A smaller variant whose interval reaches the band is tied with it, and picked.
        let reaching =
            Row { ci_low_ns: Some(54.0), ci_high_ns: Some(70.0), ..timed("reaching", 200, 62.0) };
        let rows = [rows[2].clone(), reaching];
        let reaching_points = super::points(&rows, "run");
        let pick = smallest_near_fastest(&reaching_points).unwrap();
        assert_eq!(pick.chosen.row.variant, "reaching");
        assert_eq!(
            pick.tied.iter().map(|p| p.row.variant.as_str()).collect::<Vec<_>>(),
            ["fast-big"]
        );
    }

    #[test]
    fn a_variant_with_other_output_is_left_out_of_its_runs_measurements() {
        let output = |variant: &str, size, mean, sha: &str| Row {
            stdout_sha256: Some(sha.into()),
            ..timed(variant, size, mean)
        };
        let count =
            Row { measurement: Some("instructions:run".into()), ..counted("differs", 100, 10.0) };
        let rows = [
            output("first", 300, 50.0, "aa"),
            output("same", 200, 40.0, "aa"),
            output("differs", 100, 10.0, "bb"),
            count,
        ];
        assert_eq!(frontier_ids(&rows), ["same"]);
        let mismatches: Vec<&str> = output_mismatches(&rows, "instructions:run")
            .iter()
            .map(|r| r.variant.as_str())
            .collect();
        assert_eq!(mismatches, ["differs"]);
        assert!(points(&rows, "instructions:run").is_empty(), "its count is left out too");
        assert_eq!(output_reference(&rows, "run").unwrap().variant, "first");
    }

    #[test]
    fn failed_rows_and_other_measurements_are_not_points() {
        let failed = Row { status: Status::RunFailed, ..timed("failed", 1, 1.0) };
        let other = Row { measurement: Some("other".into()), ..timed("other", 1, 1.0) };
        let other_panic = Row {
            panic: "abort".into(),
            panic_effective: Some("unwind".into()),
            ..timed("bench-of-abort", 1, 1.0)
        };
        let rows = [failed, other, row("size-only", 1), other_panic, timed("ok", 5, 5.0)];
        assert_eq!(frontier_ids(&rows), ["ok"]);
    }

    #[test]
    fn recommendations_allow_ten_percent() {
        let rows = [
            timed("fastest", 1000, 100.0),
            timed("near-fast", 700, 109.0),
            timed("smallest", 400, 300.0),
            timed("near-small", 430, 200.0),
        ];
        let points = points(&rows, "run");
        assert_eq!(smallest_near_fastest(&points).unwrap().chosen.row.variant, "near-fast");
        assert_eq!(fastest_near_smallest(&points).unwrap().chosen.row.variant, "near-small");
        assert_eq!(smallest_near_fastest(&[]), None);
    }

    #[test]
    fn whole_binary_measurements_come_first() {
        let rows = [
            Row { measurement: Some("criterion:g/f".into()), ..row("a", 1) },
            timed("a", 1, 1.0),
            row("a", 1),
        ];
        assert_eq!(measurements(&rows), ["run", "criterion:g/f"]);
        assert_eq!(change_percent(200.0, 150.0), -25.0);
    }
}

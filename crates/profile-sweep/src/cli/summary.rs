//! The summary a finished sweep prints: sizes, runtimes with intervals, noise and where the
//! files are.

use crate::plan::measurement::MeasurementName;
use crate::results::analysis;
use crate::results::rows::{Row, Status};
use crate::sweep::SweepSummary;
use crate::util::units::{Unit, human_bytes, thousands};

/// Prints what a sweep measured, where its files are and what it cost.
pub fn print_summary(report: &SweepSummary) {
    print_verdict(report);
    let size_rows: Vec<&Row> = report.rows.iter().filter(|r| r.measurement.is_none()).collect();
    let first_size = size_rows.iter().find_map(|r| r.size_bytes);
    let label = |row: &Row| row.step.clone().unwrap_or_else(|| row.variant.clone());
    let label_width =
        size_rows.iter().map(|r| label(r).len()).max().unwrap_or(0).max("variant".len());
    println!(
        "{:label_width$}  {:>12}  {:>8}  {:>8}  {:>8}  status",
        "variant", "size (B)", "vs first", "build", "rebuild"
    );
    for row in &size_rows {
        let size = row.size_bytes.map(thousands).unwrap_or_default();
        let change = match (row.size_bytes, first_size) {
            (Some(size), Some(first)) if size != first => {
                format!("{:+.1}%", (size as f64 / first as f64 - 1.0) * 100.0)
            }
            _ => String::new(),
        };
        let seconds = |s: Option<f64>| s.map(|s| format!("{s:.1} s")).unwrap_or_default();
        let (build, rebuild) = (seconds(row.build_seconds), seconds(row.rebuild_seconds));
        let status = match (&row.status, &row.identical_to) {
            (Status::Ok, Some(twin)) => format!("ok, identical to {twin}"),
            (status, _) => status.to_string(),
        };
        println!(
            "{:label_width$}  {size:>12}  {change:>8}  {build:>8}  {rebuild:>8}  {status}",
            label(row)
        );
    }
    let runtime_rows = report.rows.iter().filter(|r| r.measurement.is_some());
    for name in analysis::measurements(&report.rows) {
        let unit = analysis::unit_of(name);
        let parsed = MeasurementName::parse(name);
        let what = match (parsed.is_bench(), unit) {
            (true, Unit::Nanoseconds) => {
                format!("{}; mean and 95% confidence interval", parsed.describe())
            }
            (false, Unit::Nanoseconds) => {
                "whole binary, per run; mean and 95% confidence interval".to_owned()
            }
            _ => parsed.describe().to_owned(),
        };
        println!("\n{name} ({what}; panic strategy in effect)");
        for row in runtime_rows.clone().filter(|r| r.measurement.as_deref() == Some(name)) {
            let value = match (row.status, row.mean_ns, row.ci_low_ns, row.ci_high_ns) {
                (Status::Ok, Some(count), _, _) if unit.is_count() => {
                    format!("{:>16}", thousands(count as u64))
                }
                (Status::Ok, Some(mean), Some(low), Some(high)) => {
                    let (mean, low, high) =
                        (unit.format(mean), unit.format(low), unit.format(high));
                    format!("{mean:>10}  [{low} .. {high}]")
                }
                _ => format!("{}: {}", row.status, row.note.as_deref().unwrap_or("")),
            };
            let panic = row.panic_effective.as_deref().unwrap_or("?");
            let noise = row.noise.as_deref().map(|n| format!("  NOISY: {n}")).unwrap_or_default();
            println!("{:label_width$}  {value}  {panic}{noise}", label(row));
        }
    }
    print_noise(&report.rows);
    println!("results: {}", report.results_dir.display());
    let names: Vec<String> = report
        .outputs
        .iter()
        .filter_map(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    println!("charts and report, next to it: {}", names.join(", "));
    println!(
        "cache: {} of {} variants from earlier runs (no build, no measurement); --force re-measures",
        report.cached, report.variants
    );
    let memory = report
        .harness_peak_rss_bytes
        .map_or_else(|| "not reported by the kernel".to_owned(), |b| human_bytes(b as f64));
    println!(
        "disk: peak {} in build directories and kept files; harness memory: peak {memory}",
        human_bytes(report.peak_disk_bytes as f64)
    );
    let overhead = report.wall_seconds - report.child_seconds;
    println!(
        "time: {:.1} s in all, {:.1} s in cargo and measured processes, {overhead:.1} s ({:.1}%) in the harness itself",
        report.wall_seconds,
        report.child_seconds,
        overhead / report.wall_seconds * 100.0
    );
}

/// Says which timings are noise and what to do about it.
fn print_noise(rows: &[Row]) {
    let noisy: Vec<&Row> = rows.iter().filter(|r| r.noise.is_some()).collect();
    let timed = rows
        .iter()
        .filter(|r| r.status == Status::Ok && r.unit.is_none() && r.mean_ns.is_some())
        .count();
    if noisy.is_empty() {
        return;
    }
    let count = |flag: &str| {
        noisy.iter().filter(|r| r.noise.as_deref().is_some_and(|n| n.contains(flag))).count()
    };
    println!(
        "\nnoise: {} of {timed} timings are not to be trusted ({} with a 95% interval over 3% of the mean, {} with outlying runs, {} measured while other processes wanted every CPU).",
        noisy.len(),
        count("wide-interval"),
        count("outliers"),
        count("busy")
    );
    let paired = noisy.iter().any(|r| r.wall_ratio.is_some());
    if paired {
        println!(
            "  These runs were timed in rounds with the baseline: the verdict judges their paired ratios, from which a slow moment of the machine cancels (on CPU time when it was busy). To narrow them further, raise `runs` or `retime-seconds`; the report treats overlapping intervals as ties."
        );
    } else {
        println!(
            "  What to do: measure on a quiet machine; raise `runs`, set `remeasure-noisy` or use `measure-order = \"interleaved\"` in the sweep file (timed in rounds, paired with the baseline); or rank on the instruction counts (`instructions:<run>`), which load does not move. The report treats overlapping intervals as ties."
        );
    }
}

/// The last `--message-format json` line: where the results are and the verdict, as the
/// report gives it.
pub fn print_finished_message(report: &SweepSummary) -> anyhow::Result<()> {
    use crate::results::messages::{self, Message, VerdictMessage};
    let rows =
        crate::results::layout::load(&report.results_dir).unwrap_or_else(|_| report.rows.clone());
    let verdict = crate::present::verdict::verdict(&rows).map(|v| VerdictMessage {
        variant: v.chosen.variant.clone(),
        profile: crate::present::snippet::profile_snippet(v.chosen, "release")
            .unwrap_or_else(|e| format!("# cannot write this variant's profile: {e}\n")),
        against: v.against(&rows),
        standing: v.standing(&rows),
    });
    messages::print(&Message::SweepFinished {
        results_dir: report.results_dir.display().to_string(),
        variants: report.variants,
        cached: report.cached,
        verdict,
    })
}

/// The verdict first, as the report gives it, from the whole results file (rows of earlier
/// runs included).
fn print_verdict(report: &SweepSummary) {
    let rows =
        crate::results::layout::load(&report.results_dir).unwrap_or_else(|_| report.rows.clone());
    let Some(verdict) = crate::present::verdict::verdict(&rows) else { return };
    println!(
        "verdict: paste the profile of `{}` (report.md, \"Verdict\"): {}",
        verdict.chosen.variant,
        verdict.against(&rows)
    );
    println!("  {}.\n", verdict.standing(&rows));
}

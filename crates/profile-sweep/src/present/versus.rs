//! A variant's time against the baseline's, from the paired ratios a results file holds
//! (`wall_ratio`, `cpu_ratio` and their intervals; measured in rounds with the baseline): which clock
//! a verdict rests on, points for the pick rule on the paired intervals, and how well the
//! instruction counts agree with the time.

use crate::measure::paired::Ratio;
use crate::results::analysis::{self, Point, TOLERANCE};
use crate::results::rows::{Row, measured};

/// Which time of a whole-binary run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Wall time, spawn to exit: what a user waits, and what a busy machine moves most.
    Wall,
    /// CPU time (user + system): what the program itself spent; a busy machine moves it far
    /// less (measured: two CPU hogs moved wall time 4.6-6x and CPU time 2%), but it leaves out
    /// waiting for I/O.
    Cpu,
}

impl Clock {
    /// `wall time` or `CPU time`.
    pub fn name(self) -> &'static str {
        match self {
            Clock::Wall => "wall time",
            Clock::Cpu => "CPU time",
        }
    }
}

/// The clock a verdict on run `run` rests on: CPU time when a row of the run was flagged
/// `busy` (the machine ran more than it has cores while timing) and CPU time was paired (a
/// program shorter than the kernel's accounting tick has none), else wall time.
pub fn clock_for(rows: &[Row], run: &str) -> Clock {
    let of_run = || rows.iter().filter(|r| r.measurement.as_deref() == Some(run));
    let busy =
        of_run().any(|r| r.noise.as_deref().is_some_and(|n| n.split(';').any(|f| f == "busy")));
    let cpu_paired = of_run().any(|r| r.cpu_ratio.is_some());
    if busy && cpu_paired { Clock::Cpu } else { Clock::Wall }
}

/// A row's paired ratio on `clock`, if it was paired.
pub fn ratio(row: &Row, clock: Clock) -> Option<Ratio> {
    let (ratio, low, high) = match clock {
        Clock::Wall => (row.wall_ratio?, row.wall_ratio_low?, row.wall_ratio_high?),
        Clock::Cpu => (row.cpu_ratio?, row.cpu_ratio_low?, row.cpu_ratio_high?),
    };
    Some(Ratio { pairs: row.samples.unwrap_or_default() as usize, ratio, low, high })
}

/// `variant`'s paired ratio of run `run` on `clock`.
pub fn ratio_of(rows: &[Row], variant: &str, run: &str, clock: Clock) -> Option<Ratio> {
    ratio(measured(rows, variant, run)?, clock)
}

/// The points of run `run` with each mean and interval taken from its paired ratio on `clock`
/// (in units of the baseline's time), so the pick rule decides on the paired intervals; `None`
/// unless every point was paired.
pub fn paired_points<'a>(rows: &'a [Row], run: &str, clock: Clock) -> Option<Vec<Point<'a>>> {
    let points = analysis::points(rows, run);
    if points.is_empty() {
        return None;
    }
    points
        .into_iter()
        .map(|p| {
            let r = ratio(p.row, clock)?;
            Some(Point { mean_ns: r.ratio, ci_ns: (r.low, r.high), ..p })
        })
        .collect()
}

/// Whether a count ratio to the baseline lies more than [`TOLERANCE`] outside the interval of
/// the paired time ratio: the count and the time disagree.
pub fn count_apart(count: f64, time: &Ratio) -> bool {
    count < time.low / (1.0 + TOLERANCE) || count > time.high * (1.0 + TOLERANCE)
}

/// How well instruction counts agree with a paired time, against the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement<'a> {
    /// The clock compared.
    pub clock: Clock,
    /// Variants with both a count ratio and a paired ratio (the baseline left out).
    pub compared: usize,
    /// Variants whose count ratio lies more than [`TOLERANCE`] outside their time interval.
    pub apart: Vec<(&'a str, f64, Ratio)>,
    /// The largest gap between a count ratio and a time ratio: variant, count ratio, time.
    pub widest: Option<(&'a str, f64, Ratio)>,
}

/// Count ratios against time ratios for every paired variant of `counted`'s run; `None`
/// without a baseline count or any paired variant.
pub fn agreement<'a>(
    rows: &'a [Row],
    counted: &str,
    run: &str,
    baseline: &str,
    clock: Clock,
) -> Option<Agreement<'a>> {
    let base = measured(rows, baseline, counted)?.mean_ns?;
    let mut pairs = Vec::new();
    for row in rows.iter().filter(|r| r.measurement.as_deref() == Some(counted)) {
        if row.variant == baseline || row.status != crate::results::rows::Status::Ok {
            continue;
        }
        let (Some(count), Some(time)) = (row.mean_ns, ratio_of(rows, &row.variant, run, clock))
        else {
            continue;
        };
        pairs.push((row.variant.as_str(), count / base, time));
    }
    let gap = |(_, c, t): &(&str, f64, Ratio)| (t.ratio / c).ln().abs();
    let widest = pairs.iter().copied().max_by(|a, b| gap(a).total_cmp(&gap(b)));
    let apart = pairs.iter().copied().filter(|(_, c, t)| count_apart(*c, t)).collect();
    (!pairs.is_empty()).then_some(Agreement { clock, compared: pairs.len(), apart, widest })
}

impl Agreement<'_> {
    /// One sentence for the report.
    pub fn describe(&self, counted: &str) -> String {
        let clock = self.clock.name();
        let counts = match analysis::unit_of(counted) {
            crate::util::units::Unit::Cycles => "Estimated cycles",
            _ => "Instruction counts",
        };
        let mut text = if self.apart.is_empty() {
            format!(
                "{counts} and paired {clock} agree: for all {} variants compared with the baseline, the count ratio lies within {}% of the {clock} interval",
                self.compared,
                TOLERANCE * 100.0
            )
        } else {
            let names: Vec<String> = self.apart.iter().map(|(v, ..)| format!("`{v}`")).collect();
            format!(
                "{counts} and paired {clock} disagree for {} of {} variants ({}): there the count ratio lies more than {}% outside the {clock} interval, so `{counted}` does not stand for time",
                self.apart.len(),
                self.compared,
                names.join(", "),
                TOLERANCE * 100.0
            )
        };
        if let Some((variant, count, time)) = self.widest {
            text.push_str(&format!(
                "; the widest gap: `{variant}`, {count:.3}x the baseline's count against {} by {clock}",
                time.describe()
            ));
        }
        text + "."
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::rows::tests::row;

    fn run(variant: &str, size: u64, ratio: f64, noise: &str) -> Row {
        Row {
            measurement: Some("run".into()),
            mean_ns: Some(1e6 * ratio),
            ci_low_ns: Some(0.5e6),
            ci_high_ns: Some(3e6),
            noise: Some(noise.into()),
            cpu_ratio: Some(ratio),
            cpu_ratio_low: Some(ratio * 0.99),
            cpu_ratio_high: Some(ratio * 1.01),
            ..row(variant, size)
        }
    }

    fn count(variant: &str, size: u64, n: f64) -> Row {
        Row { measurement: Some("instructions:run".into()), mean_ns: Some(n), ..row(variant, size) }
    }

    #[test]
    fn a_busy_run_rests_on_cpu_time_and_its_paired_intervals() {
        let rows = vec![
            row("base", 100),
            row("small", 80),
            run("base", 100, 1.0, "busy"),
            run("small", 80, 1.05, "wide-interval;busy"),
        ];
        assert_eq!(clock_for(&rows, "run"), Clock::Cpu);
        assert_eq!(clock_for(&rows[..2], "run"), Clock::Wall);
        let points = paired_points(&rows, "run", Clock::Cpu).unwrap();
        assert_eq!(points[1].ci_ns, (1.05 * 0.99, 1.05 * 1.01));
        assert_eq!(paired_points(&rows, "run", Clock::Wall), None, "not paired on wall time");
        // Unpaired, the wide wall intervals overlap; paired, `small` is 5% slower, in the band.
        let pick = analysis::smallest_near_fastest(&points).unwrap();
        assert_eq!((pick.chosen.row.variant.as_str(), pick.tied.len()), ("small", 0));
    }

    #[test]
    fn counts_that_a_paired_time_contradicts_are_apart() {
        let rows = vec![
            row("base", 100),
            row("a", 90),
            row("b", 80),
            run("base", 100, 1.0, ""),
            run("a", 90, 0.95, ""),
            run("b", 80, 1.5, ""),
            count("base", 100, 1000.0),
            count("a", 90, 960.0),
            count("b", 80, 1010.0),
        ];
        let agreement = agreement(&rows, "instructions:run", "run", "base", Clock::Cpu).unwrap();
        assert_eq!(agreement.compared, 2);
        assert_eq!(agreement.apart.iter().map(|a| a.0).collect::<Vec<_>>(), ["b"]);
        assert_eq!(agreement.widest.unwrap().0, "b");
        let text = agreement.describe("instructions:run");
        assert!(text.contains("disagree for 1 of 2 variants (`b`)"), "{text}");
        assert!(text.contains("1.010x the baseline's count against 1.500x"), "{text}");
        let cycles = agreement.describe("cycles:run");
        assert!(cycles.starts_with("Estimated cycles and paired CPU time disagree"), "{cycles}");
    }
}

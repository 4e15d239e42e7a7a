//! The one answer a report leads with: which variant to paste, by a stated rule, on which
//! measurement it rests, against which baseline, and whether it is settled or tentative (and
//! why). Pure: the report and the terminal summary only format what this returns.
//!
//! The rule ("balanced"): the smallest variant whose speed is within [`TOLERANCE`] of the
//! fastest ([`analysis::smallest_near_fastest`]). Speed is judged by instruction counts where
//! the sweep has them (exact, and unmoved by the machine's load; but a count is not a time, so
//! the paired time of the same run is said beside it, and a disagreement leaves the verdict
//! tentative), else by the first whole-program run: on its paired ratios to the baseline where
//! it has them (`versus`: CPU time when the machine was busy, else wall time), else on its
//! wall time; else by the first criterion bench. A sweep that measured no speed gets the
//! smallest variant, and says so.

use crate::measure::paired::{Direction, Ratio};
use crate::plan::measurement::MeasurementName;
use crate::plan::spec::Goal;
use crate::present::versus::{self, Clock};
use crate::results::analysis::{self, Point, TOLERANCE};
use crate::results::rows::{Row, Status};
use crate::util::units::{Unit, thousands};

/// The report's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict<'a> {
    /// The variant to paste.
    pub chosen: &'a Row,
    /// What the choice weighs (the sweep's `goal`).
    pub goal: Goal,
    /// The measurement the choice rests on; `None` when the sweep measured no speed.
    pub measurement: Option<String>,
    /// The variant every change is said against: the one built with the profile the crate
    /// ships today (the `baseline` column; a ladder's first step in older files), else none.
    pub baseline: Option<&'a Row>,
    /// Variants the measurement cannot tell apart from the chosen one on the deciding value.
    pub tied: Vec<&'a Row>,
    /// The clock of the paired time ratios to the baseline, when the run was paired.
    pub clock: Option<Clock>,
    /// `None` when settled, else why it is tentative.
    pub tentative: Option<String>,
}

/// The verdict of `rows`, `None` when no variant built.
pub fn verdict(rows: &[Row]) -> Option<Verdict<'_>> {
    let sizes = built(rows);
    let goal = goal_of(rows);
    // The variant marked as the profile shipped today; in files from before that column, a
    // ladder's first step (it adds nothing to the inherited profile).
    let marked = sizes.iter().copied().find(|r| r.baseline == Some(true));
    let baseline = marked.or_else(|| sizes.iter().copied().find(|r| r.step.is_some()));
    let Some(measurement) = deciding_measurement(rows) else {
        let chosen = sizes.iter().copied().min_by_key(|r| analysis::shipped_size(r))?;
        let why = if analysis::measurements(rows).is_empty() {
            "speed was not measured: add a [[run]] with your program's workload (`init` writes one, commented) to weigh size against speed"
        } else {
            "no speed measurement succeeded (every run and bench failed; their rows say why), so this is the smallest variant, on size alone"
        };
        return Some(Verdict {
            chosen,
            goal,
            measurement: None,
            baseline,
            tied: Vec::new(),
            clock: None,
            tentative: Some(why.to_owned()),
        });
    };
    let run = run_of(&measurement);
    let clock = run.map(|run| versus::clock_for(rows, run));
    let counted = analysis::unit_of(&measurement) == Unit::Instructions;
    // A timed run decides on its paired intervals where every variant has them.
    let paired = match (run, clock) {
        (Some(run), Some(clock)) if !counted => versus::paired_points(rows, run, clock),
        _ => None,
    };
    let is_paired = paired.is_some();
    let points = paired.unwrap_or_else(|| analysis::points(rows, &measurement));
    let pick = match goal {
        Goal::Balanced => analysis::smallest_near_fastest(&points)?,
        Goal::Size => analysis::fastest_near_smallest(&points)?,
        Goal::Speed => analysis::fastest_of_ties(&points)?,
    };
    let tied: Vec<&Row> = pick.tied.iter().map(|p| p.row).collect();
    let chosen = pick.chosen.row;
    let paired_run =
        |c: &Clock| run.and_then(|run| versus::ratio_of(rows, &chosen.variant, run, *c));
    let clock = clock.filter(|c| paired_run(c).is_some());
    let measurement = Some(measurement);
    let mut verdict = Verdict { chosen, goal, measurement, baseline, tied, clock, tentative: None };
    verdict.tentative = verdict.why_tentative(rows, pick.chosen, is_paired);
    Some(verdict)
}

/// The goal the rows were swept with (`balanced` in files from before the `goal` column).
fn goal_of(rows: &[Row]) -> Goal {
    rows.iter().find_map(|r| r.goal.as_deref()).and_then(Goal::parse).unwrap_or_default()
}

/// The whole-binary run behind a measurement: itself, or the run a count (instructions,
/// estimated cycles) counted; `None` for a benchmark.
pub fn run_of(measurement: &str) -> Option<&str> {
    MeasurementName::parse(measurement).run()
}

/// The size rows of the variants that built and have a size.
fn built(rows: &[Row]) -> Vec<&Row> {
    let ok = |r: &&Row| r.status == Status::Ok && analysis::shipped_size(r).is_some();
    analysis::size_rows(rows).into_iter().filter(ok).collect()
}

/// Instruction counts first, then the first whole-program wall time, then benchmarks; only
/// measurements that at least one variant took successfully.
fn deciding_measurement(rows: &[Row]) -> Option<String> {
    let succeeded = |m: &&str| {
        rows.iter().any(|r| {
            r.measurement.as_deref() == Some(*m) && r.status == Status::Ok && r.mean_ns.is_some()
        })
    };
    let measurements: Vec<&str> =
        analysis::measurements(rows).into_iter().filter(succeeded).collect();
    let counted = measurements.iter().find(|m| analysis::unit_of(m) == Unit::Instructions);
    let wall =
        measurements.iter().find(|m| !analysis::is_bench(m) && !analysis::unit_of(m).is_count());
    counted.or(wall).or(measurements.first()).map(|m| (*m).to_owned())
}

impl Verdict<'_> {
    /// Why the pick is not settled: ties on the deciding value, counts that the time of the
    /// same run contradicts, or (unpaired) noisy wall timings under it.
    fn why_tentative(&self, rows: &[Row], chosen: &Point, paired: bool) -> Option<String> {
        let measurement = self.measurement.as_deref()?;
        if !self.tied.is_empty() {
            let names: Vec<String> = self.tied.iter().map(|r| format!("`{}`", r.variant)).collect();
            let how = if paired { "paired ratio intervals" } else { "intervals" };
            let overlap = match self.goal {
                Goal::Balanced => format!("overlap the {}% band", TOLERANCE * 100.0),
                Goal::Size | Goal::Speed => "overlap the fastest one's".to_owned(),
            };
            return Some(format!(
                "tied with {} on `{measurement}` (their {how} {overlap}), so the smallest is picked",
                names.join(", "),
            ));
        }
        if analysis::unit_of(measurement) == Unit::Instructions {
            return self.time_disagrees(rows, measurement).or_else(|| {
                self.clock
                    .is_none()
                    .then(|| wall_disagrees(rows, measurement, chosen.row, self.goal))?
            });
        }
        if paired {
            return None;
        }
        chosen.row.noise.as_deref().filter(|n| !n.is_empty()).map(|noise| format!(
            "its `{measurement}` timing is flagged `{noise}`: time it in rounds with the baseline (measure-order = \"interleaved\"), measure on a quieter machine, or add instruction counts (Valgrind), which load does not move"
        ))
    }

    /// Where counts chose a variant whose paired time against the baseline lies more than
    /// [`TOLERANCE`] away from its count ratio, interval and all.
    fn time_disagrees(&self, rows: &[Row], counted: &str) -> Option<String> {
        let (clock, baseline, run) = (self.clock?, self.baseline?, wall_of(counted)?);
        let time = versus::ratio_of(rows, &self.chosen.variant, run, clock)?;
        let count = mean_of(rows, &self.chosen.variant, counted)?
            / mean_of(rows, &baseline.variant, counted)?;
        versus::count_apart(count, &time).then(|| format!(
            "by `{counted}` it runs {} the baseline's instructions, but its paired {} is {} the baseline's: a count is not a time, and here they disagree by more than {}%",
            times(count), clock.name(), time.describe(), TOLERANCE * 100.0
        ))
    }
}

/// Where counts chose a variant the wall time of the same run puts outside the band (its
/// whole interval above the fastest wall mean plus [`TOLERANCE`]): a count is not a time
/// (cache misses, SIMD width, waiting), so the two measurements disagree and neither settles it.
/// With `goal = "size"` the fastest is that of the variants the goal weighs (within
/// [`TOLERANCE`] of the smallest size), as the pick's.
fn wall_disagrees(rows: &[Row], counted: &str, chosen: &Row, goal: Goal) -> Option<String> {
    let wall = wall_of(counted)?;
    let mut points = analysis::points(rows, wall);
    if goal == Goal::Size {
        let smallest = points.iter().map(|p| p.size).min()?;
        points.retain(|p| p.size as f64 <= smallest as f64 * (1.0 + TOLERANCE));
    }
    let fastest = points.iter().map(|p| p.mean_ns).min_by(f64::total_cmp)?;
    let mine = points.iter().find(|p| p.row.variant == chosen.variant)?;
    let band = fastest * (1.0 + TOLERANCE);
    (mine.ci_ns.0 > band).then(|| {
        format!(
            "by `{counted}` it is within {}% of the fastest, but by wall time `{wall}` it is {:.2}x the fastest with its whole 95% interval outside that band: a count is not a time, and here they disagree; time it on a quiet machine before trusting either",
            TOLERANCE * 100.0,
            mine.mean_ns / fastest
        )
    })
}

impl Verdict<'_> {
    /// "Settled: it rests on ..." or "Tentative: why", for the report and the summary.
    pub fn standing(&self, rows: &[Row]) -> String {
        match &self.tentative {
            None => format!("Settled: {}", self.rests_on(rows)),
            Some(why) => format!("Tentative: {why}"),
        }
    }

    /// Size, speed and rebuild of the chosen variant, against the baseline where there is one.
    pub fn against(&self, rows: &[Row]) -> String {
        let (chosen, baseline) = (self.chosen, self.baseline);
        let size = analysis::shipped_size(chosen).unwrap_or_default();
        let mut parts = vec![format!("{} B", thousands(size))];
        if let Some(base) = baseline.and_then(analysis::shipped_size) {
            parts[0].push_str(&format!(
                " ({:+.1}% against the baseline)",
                analysis::change_percent(base as f64, size as f64)
            ));
        }
        if let Some(m) = &self.measurement {
            let value = mean_of(rows, &chosen.variant, m);
            let base = baseline.and_then(|b| mean_of(rows, &b.variant, m));
            let counted = analysis::unit_of(m) == Unit::Instructions;
            if let (Some(value), true) = (value, counted || self.clock.is_none()) {
                let what = if counted { " instructions" } else { "" };
                let ratio = base
                    .map(|b| format!(" ({} the baseline's)", times(value / b)))
                    .unwrap_or_default();
                parts.push(format!("{}{what}{ratio} by `{m}`", analysis::unit_of(m).exact(value)));
            }
            if let Some((clock, run, time)) = self.paired_time(rows) {
                parts.push(format!(
                    "{} {} the baseline's by `{run}` (paired)",
                    clock.name(),
                    time.describe()
                ));
            }
        }
        if let Some(rebuild) = chosen.rebuild_seconds {
            let base = baseline.and_then(|b| b.rebuild_seconds);
            let base = base.map(|b| format!(" (baseline {b:.1} s)")).unwrap_or_default();
            parts.push(format!("rebuild after an edit {rebuild:.1} s{base}"));
        }
        parts.join(", ")
    }

    /// How the instruction counts the verdict rests on, and the estimated cycles of the same
    /// run, agree with its paired time over every variant (see `versus::agreement`); empty
    /// unless it rests on counts of a paired run.
    pub fn agreement(&self, rows: &[Row]) -> Vec<String> {
        let (Some(m), Some(clock), Some(baseline)) =
            (self.measurement.as_deref(), self.clock, self.baseline)
        else {
            return Vec::new();
        };
        let Some(run) = wall_of(m) else { return Vec::new() };
        // The instruction counts, then the estimated cycles of the same run.
        let cycles = crate::measure::instructions::cycles_measurement_name(run);
        [m, cycles.as_str()]
            .into_iter()
            .filter_map(|counted| {
                Some(
                    versus::agreement(rows, counted, run, &baseline.variant, clock)?
                        .describe(counted),
                )
            })
            .collect()
    }

    /// The rule that chose, for the report: `the smallest variant within 10% of the fastest by
    /// `run``.
    pub fn rule(&self) -> String {
        let Some(m) = &self.measurement else {
            return "the smallest variant (no successful speed measurement)".to_owned();
        };
        let percent = TOLERANCE * 100.0;
        match self.goal {
            Goal::Balanced => {
                format!("the smallest variant within {percent}% of the fastest by `{m}`")
            }
            Goal::Size => format!(
                "goal = \"size\": the fastest by `{m}` of the variants within {percent}% of the smallest size"
            ),
            Goal::Speed => format!(
                "goal = \"speed\": the fastest variant by `{m}`, the smallest of those tied with it"
            ),
        }
    }

    /// Why no other variant is tied with the chosen one, by the goal's rule.
    fn untied(&self) -> String {
        match self.goal {
            Goal::Balanced => format!(
                "no smaller variant's 95% interval reaches within {}% of the fastest",
                TOLERANCE * 100.0
            ),
            Goal::Size | Goal::Speed => {
                "no smaller candidate's 95% interval overlaps the fastest one's".to_owned()
            }
        }
    }

    /// The chosen variant's paired time against the baseline: clock, run and ratio.
    fn paired_time(&self, rows: &[Row]) -> Option<(Clock, &str, Ratio)> {
        let (clock, run) = (self.clock?, run_of(self.measurement.as_deref()?)?);
        Some((clock, run, versus::ratio_of(rows, &self.chosen.variant, run, clock)?))
    }

    /// What a settled verdict rests on, with the time beside a count.
    fn rests_on(&self, rows: &[Row]) -> String {
        let Some(m) = &self.measurement else { return String::new() };
        let why_clock = |clock: Clock| match clock {
            Clock::Cpu => {
                "CPU time, since the machine was busy while it was timed (wall time moved with its load)"
            }
            Clock::Wall => "wall time (the machine was not flagged busy)",
        };
        if analysis::unit_of(m) != Unit::Instructions {
            return match self.clock {
                Some(clock) => format!(
                    "it rests on `{m}`, timed in rounds with the baseline and judged on the paired ratios of its {}: {}",
                    why_clock(clock),
                    self.untied()
                ),
                None => format!(
                    "it rests on `{m}`: {}, and its timing is not flagged noisy",
                    self.untied()
                ),
            };
        }
        let mut text = format!(
            "it rests on `{m}`, exact counts that load does not move (a count is not a time: it leaves out cache misses and waiting)"
        );
        if let Some((clock, run, time)) = self.paired_time(rows) {
            let change = match time.change() {
                Direction::Faster => "faster than the baseline",
                Direction::Slower => "slower than the baseline",
                Direction::Tie => "a tie with the baseline",
            };
            text.push_str(&format!(
                "; timed in rounds with the baseline, its {} of `{run}` was {} the baseline's ({change}), which agrees with the counts",
                why_clock(clock),
                time.describe()
            ));
            return text;
        }
        let wall = wall_of(m);
        let timed = |variant: &str, wall: &str| crate::results::rows::measured(rows, variant, wall);
        let pair = wall.zip(self.baseline).and_then(|(wall, base)| {
            Some((wall, timed(&self.chosen.variant, wall)?, timed(&base.variant, wall)?))
        });
        if let Some((wall, chosen, base)) = pair {
            let interval = |r: &Row| Some((r.mean_ns?, r.ci_low_ns?, r.ci_high_ns?));
            let (Some((a, a_low, a_high)), Some((b, b_low, b_high))) =
                (interval(chosen), interval(base))
            else {
                return text;
            };
            let apart = a_high < b_low || b_high < a_low;
            let tie =
                if apart { "95% intervals apart" } else { "a tie: the 95% intervals overlap" };
            text.push_str(&format!(
                "; the wall time of `{wall}` was {} the baseline's ({tie})",
                times(a / b)
            ));
        }
        text
    }
}

/// A ratio as `0.961x`, or with two significant digits when small (`0.000041x`).
fn times(ratio: f64) -> String {
    if ratio >= 0.1 {
        format!("{ratio:.3}x")
    } else {
        let digits = (-ratio.log10().floor()) as usize + 1;
        format!("{ratio:.digits$}x")
    }
}

/// `variant`'s mean of `measurement`, if it measured it, on the first shard's scale in a
/// file merged from shards.
pub fn mean_of(rows: &[Row], variant: &str, measurement: &str) -> Option<f64> {
    let row = crate::results::rows::measured(rows, variant, measurement)?;
    analysis::scaled_mean(rows, row, measurement)
}

/// The wall-time measurement of the run an instruction count belongs to.
pub fn wall_of(measurement: &str) -> Option<&str> {
    let name = MeasurementName::parse(measurement);
    name.run().filter(|_| name.unit == Unit::Instructions)
}

/// The alternatives beside the verdict: the smallest variant, the fastest by the deciding
/// measurement, the verdict's rule among builds for the baseline CPU when the chosen one names
/// a `target-cpu`, and the fastest to rebuild after an edit, among variants for the chosen
/// one's target; in that order.
pub fn alternatives<'a>(rows: &'a [Row], verdict: &Verdict<'a>) -> Vec<(&'static str, &'a Row)> {
    let sizes: Vec<&Row> =
        built(rows).into_iter().filter(|r| r.target == verdict.chosen.target).collect();
    let mut found = Vec::new();
    if let Some(smallest) = sizes.iter().copied().min_by_key(|r| analysis::shipped_size(r)) {
        found.push(("smallest", smallest));
    }
    if let Some(measurement) = &verdict.measurement {
        let points = analysis::points(rows, measurement);
        let fastest =
            points.iter().min_by(|a, b| a.mean_ns.total_cmp(&b.mean_ns).then(a.size.cmp(&b.size)));
        if let Some(fastest) = fastest {
            found.push(("fastest", fastest.row));
        }
    }
    if let (Some(_), Some(measurement)) = (&verdict.chosen.target_cpu, &verdict.measurement) {
        // The same rule among the builds for the target's baseline CPU, which run on any.
        let points = analysis::points(rows, measurement);
        let portable: Vec<Point> =
            points.into_iter().filter(|p| p.row.target_cpu.is_none()).collect();
        let pick = match verdict.goal {
            Goal::Balanced => analysis::smallest_near_fastest(&portable),
            Goal::Size => analysis::fastest_near_smallest(&portable),
            Goal::Speed => analysis::fastest_of_ties(&portable),
        };
        if let Some(pick) = pick {
            found.push(("portable (no target-cpu)", pick.chosen.row));
        }
    }
    let rebuilt = sizes.iter().copied().filter(|r| r.rebuild_seconds.is_some());
    if let Some(quickest) = rebuilt.min_by(|a, b| {
        a.rebuild_seconds.unwrap_or_default().total_cmp(&b.rebuild_seconds.unwrap_or_default())
    }) {
        found.push(("fastest to rebuild", quickest));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::rows::tests::row;

    /// A measurement row of `variant`, whose size row says `size` bytes.
    fn timed(variant: &str, size: u64, measurement: &str, mean: f64, noise: &str) -> Row {
        Row {
            measurement: Some(measurement.into()),
            mean_ns: Some(mean),
            ci_low_ns: Some(mean),
            ci_high_ns: Some(mean),
            noise: Some(noise.into()),
            ..row(variant, size)
        }
    }

    #[test]
    fn counts_decide_and_settle_a_clear_pick() {
        let rows = vec![
            Row { step: Some("default".into()), ..row("base", 100) },
            Row { step: Some("+ small".into()), ..row("small", 60) },
            Row { step: Some("+ tiny".into()), ..row("tiny", 50) },
            timed("base", 100, "run", 1.0e6, "busy"),
            timed("small", 60, "run", 1.0e6, "busy"),
            timed("tiny", 50, "run", 2.0e6, "busy"),
            timed("base", 100, "instructions:run", 1000.0, ""),
            timed("small", 60, "instructions:run", 1050.0, ""),
            timed("tiny", 50, "instructions:run", 2000.0, ""),
        ];
        let verdict = verdict(&rows).unwrap();
        assert_eq!(verdict.chosen.variant, "small");
        assert_eq!(verdict.measurement.as_deref(), Some("instructions:run"));
        assert_eq!(verdict.baseline.unwrap().variant, "base");
        assert_eq!(verdict.tentative, None, "counts are exact: noisy wall times do not matter");
        let alternatives = alternatives(&rows, &verdict);
        let names: Vec<(&str, &str)> =
            alternatives.iter().map(|(what, r)| (*what, r.variant.as_str())).collect();
        assert_eq!(names, [("smallest", "tiny"), ("fastest", "base")], "none was rebuilt");
    }

    /// A paired run row: wall times that load made overlap, CPU ratios apart.
    fn paired(variant: &str, size: u64, ratio: f64) -> Row {
        Row {
            measurement: Some("run".into()),
            mean_ns: Some(1e6 * ratio),
            ci_low_ns: Some(0.5e6),
            ci_high_ns: Some(4e6),
            noise: Some("wide-interval;busy".into()),
            cpu_ratio: Some(ratio),
            cpu_ratio_low: Some(ratio * 0.98),
            cpu_ratio_high: Some(ratio * 1.02),
            ..row(variant, size)
        }
    }

    #[test]
    fn a_busy_paired_run_settles_and_each_goal_applies_its_rule() {
        let rows = |goal: &str| {
            let goal = Some(goal.to_owned());
            vec![
                Row { baseline: Some(true), goal: goal.clone(), ..row("base", 100) },
                Row { goal: goal.clone(), ..row("mid", 80) },
                Row { goal, ..row("tiny", 50) },
                paired("base", 100, 1.0),
                paired("mid", 80, 0.9),
                paired("tiny", 50, 1.3),
            ]
        };
        let chosen = |goal: &str| {
            let rows = rows(goal);
            let verdict = verdict(&rows).unwrap();
            assert_eq!(verdict.tentative, None, "{goal}: paired CPU ratios are apart");
            assert_eq!(verdict.clock, Some(Clock::Cpu), "the run was busy");
            (verdict.chosen.variant.clone(), verdict.against(&rows), verdict.rule())
        };
        let (balanced, against, rule) = chosen("balanced");
        assert_eq!(balanced, "mid");
        assert!(against.contains("CPU time 0.900x [0.882, 0.918] the baseline's"), "{against}");
        assert!(rule.starts_with("the smallest variant within 10%"), "{rule}");
        assert_eq!(chosen("size").0, "tiny");
        assert_eq!(chosen("speed").0, "mid");
        assert_eq!(
            chosen("speed").2,
            "goal = \"speed\": the fastest variant by `run`, the smallest of those tied with it"
        );
    }

    #[test]
    fn a_matrix_says_its_changes_against_the_marked_baseline() {
        let rows = vec![
            row("small", 60),
            Row { baseline: Some(true), ..row("shipped", 100) },
            timed("small", 60, "instructions:run", 1000.0, ""),
            timed("shipped", 100, "instructions:run", 1000.0, ""),
        ];
        let verdict = verdict(&rows).unwrap();
        assert_eq!(verdict.baseline.unwrap().variant, "shipped");
        assert!(verdict.against(&rows).starts_with("60 B (-40.0% against the baseline)"));
    }

    #[test]
    fn counts_that_wall_time_contradicts_leave_it_tentative() {
        let rows = vec![
            row("base", 100),
            row("small", 60),
            timed("base", 100, "run", 1.0e6, ""),
            timed("small", 60, "run", 1.5e6, ""),
            timed("base", 100, "instructions:run", 1000.0, ""),
            timed("small", 60, "instructions:run", 1005.0, ""),
        ];
        let verdict = verdict(&rows).unwrap();
        assert_eq!(verdict.chosen.variant, "small");
        let why = verdict.tentative.unwrap();
        assert!(
            why.contains("1.50x the fastest") && why.contains("a count is not a time"),
            "{why}"
        );
        assert_eq!(
            (times(0.961), times(0.0000412), times(0.05)),
            ("0.961x".into(), "0.000041x".into(), "0.050x".into())
        );
    }

    #[test]
    fn with_goal_size_the_wall_time_is_weighed_among_the_variants_near_the_smallest() {
        let size = |r: Row| Row { goal: Some("size".into()), ..r };
        let rows: Vec<Row> = vec![
            row("fast", 600),
            row("small", 100),
            row("smaller", 99),
            timed("fast", 600, "run", 1.0e6, ""),
            timed("small", 100, "run", 1.5e6, ""),
            timed("smaller", 99, "run", 1.52e6, ""),
            timed("fast", 600, "instructions:run", 900.0, ""),
            timed("small", 100, "instructions:run", 1000.0, ""),
            timed("smaller", 99, "instructions:run", 1010.0, ""),
        ]
        .into_iter()
        .map(size)
        .collect();
        let verdict = verdict(&rows).unwrap();
        assert_eq!(verdict.chosen.variant, "small", "the fastest count near the smallest size");
        assert_eq!(verdict.tentative, None, "the large fast variant is not what the goal weighs");
    }

    #[test]
    fn noisy_wall_times_leave_it_tentative_and_no_run_says_so() {
        let rows = vec![
            row("a", 100),
            row("b", 60),
            timed("a", 100, "run", 1.0e6, ""),
            timed("b", 60, "run", 1.05e6, "wide-interval"),
        ];
        let verdict = verdict(&rows).unwrap();
        assert_eq!(verdict.chosen.variant, "b");
        assert!(verdict.tentative.unwrap().contains("flagged `wide-interval`"));
        let sizes_only = vec![row("a", 100), row("b", 60)];
        let verdict = super::verdict(&sizes_only).unwrap();
        assert_eq!((verdict.chosen.variant.as_str(), verdict.measurement), ("b", None));
        assert!(verdict.tentative.unwrap().contains("speed was not measured"));
    }

    #[test]
    fn runs_that_all_failed_still_give_the_smallest_and_say_why() {
        let failed = |variant: &str| Row {
            status: Status::RunFailed,
            mean_ns: None,
            ..timed(variant, 100, "run", 1.0e6, "")
        };
        let rows = vec![row("a", 100), row("b", 60), failed("a"), failed("b")];
        let verdict = verdict(&rows).expect("a verdict although no run succeeded");
        assert_eq!((verdict.chosen.variant.as_str(), verdict.measurement), ("b", None));
        assert!(verdict.tentative.unwrap().contains("no speed measurement succeeded"));
    }
}

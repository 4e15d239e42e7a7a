//! The top of the report: the verdict ([`crate::present::verdict`]) as one profile to paste, with
//! its size, speed and rebuild time against the baseline, what it rests on, and the alternatives
//! (smallest, fastest, fastest to rebuild) in one table.

use std::fmt::{self, Write};

use super::measurement_section::show;
use crate::plan::measurement::MeasurementName;
use crate::present::markdown::{Align, Table};
use crate::present::snippet;
use crate::present::verdict::{self, Verdict};
use crate::present::versus;
use crate::results::analysis;
use crate::results::rows::Row;
use crate::util::units::thousands;

/// Writes the "Verdict" section, or nothing when no variant built.
pub(super) fn verdict_section(out: &mut String, rows: &[Row]) -> fmt::Result {
    if analysis::measurements(rows).is_empty() && !analysis::rebuild_measurements(rows).is_empty() {
        return writeln!(
            out,
            "## Verdict\n\nThese results time the inner loop and no runtime: the verdict is the fastest rebuild, under **Inner loop** below (the smallest binary is not what an edit-build loop asks for).\n"
        );
    }
    let Some(verdict) = verdict::verdict(rows) else { return Ok(()) };
    writeln!(out, "## Verdict\n")?;
    writeln!(out, "Paste this ({}):\n", verdict.rule())?;
    let profile = snippet::profile_to_paste(verdict.chosen);
    let snippet = snippet::profile_snippet(verdict.chosen, profile)
        .unwrap_or_else(|e| format!("# cannot write this variant's profile: {e}\n"));
    writeln!(out, "```toml\n{snippet}```\n")?;
    writeln!(
        out,
        "- `{}`{}: {}",
        verdict.chosen.variant,
        step(verdict.chosen),
        verdict.against(rows)
    )?;
    writeln!(out, "- {}.", verdict.standing(rows))?;
    if let Some(cpu) = &verdict.chosen.target_cpu {
        writeln!(
            out,
            "- Built with `-C target-cpu={cpu}`: it needs a CPU with every feature that level enables and stops with an illegal instruction on an older one. Ship it only where every machine has one; otherwise take the portable alternative below."
        )?;
    }
    for agreement in verdict.agreement(rows) {
        writeln!(out, "- {agreement}")?;
    }
    match verdict.baseline {
        Some(baseline) => writeln!(
            out,
            "- Baseline: `{}`{}, built with the profile the crate ships today; every change above is against it.",
            baseline.variant,
            step(baseline)
        )?,
        None => writeln!(
            out,
            "- No baseline: no variant of these results was built with the profile the crate ships today (grid sweeps of this version add it; searches and older results lack it)."
        )?,
    }
    writeln!(out)?;
    alternatives_table(out, rows, &verdict)
}

fn step(row: &Row) -> String {
    row.step.as_ref().map(|s| format!(" ({s})")).unwrap_or_default()
}

/// One table of the alternatives: the smallest, the fastest, the fastest to rebuild.
fn alternatives_table(out: &mut String, rows: &[Row], verdict: &Verdict) -> fmt::Result {
    let alternatives = verdict::alternatives(rows, verdict);
    if alternatives.is_empty() {
        return Ok(());
    }
    let speed = verdict.measurement.clone();
    let mut header =
        vec![("alternative", Align::Left), ("variant", Align::Left), ("size", Align::Right)];
    let speed_header = speed.as_ref().map(|m| format!("`{m}`"));
    if let Some(h) = &speed_header {
        header.push((h.as_str(), Align::Right));
    }
    let paired = verdict.clock.zip(speed.as_deref().and_then(verdict::run_of));
    let paired_header =
        paired.map(|(clock, run)| format!("{} of `{run}` vs baseline", clock.name()));
    if let Some(h) = &paired_header {
        header.push((h.as_str(), Align::Right));
    }
    header.push(("rebuild", Align::Right));
    let mut table = Table::new(&header);
    for (what, row) in alternatives {
        let mut cells = vec![
            what.to_owned(),
            format!("`{}`", row.variant),
            format!("{} B", thousands(analysis::shipped_size(row).unwrap_or_default())),
        ];
        if let Some(m) = &speed {
            cells.push(
                verdict::mean_of(rows, &row.variant, m).map(|v| show(m, v)).unwrap_or_default(),
            );
        }
        if let Some((clock, run)) = paired {
            let ratio = versus::ratio_of(rows, &row.variant, run, clock);
            cells.push(ratio.map(|r| r.describe()).unwrap_or_default());
        }
        cells.push(row.rebuild_seconds.map(|s| format!("{s:.1} s")).unwrap_or_default());
        table.row(cells);
    }
    writeln!(out, "{table}")
}

/// The timings that sampled the machine's load: whole-binary runs and bench harnesses, not
/// counts, and not files from before the load columns.
fn load_timed(rows: &[Row]) -> Vec<&Row> {
    rows.iter()
        .filter(|r| r.measurement.is_some() && r.unit.is_none() && r.runnable_max.is_some())
        .collect()
}

/// The report header's line on load: the most runnable processes seen while timing, and how
/// many timings were flagged; `None` where no timing recorded the load (counts only, or files
/// from before the column).
pub(super) fn load_line(rows: &[Row]) -> Option<String> {
    let timed = load_timed(rows);
    let most = timed.iter().filter_map(|r| r.runnable_max).max()?;
    let flagged = |flag: &str| {
        timed.iter().filter(|r| r.noise.as_deref().is_some_and(|n| n.contains(flag))).count()
    };
    let noisy = timed.iter().filter(|r| r.noise.as_deref().is_some_and(|n| !n.is_empty())).count();
    Some(format!(
        "- load while timing: at most {most} runnable processes in a sample (the harness included); {} of {} timings flagged `busy` (no CPU free in half their samples), {noisy} flagged for any noise",
        flagged("busy"),
        timed.len()
    ))
}

/// The report header's line on what else ran while timing: the CPUs other processes kept busy
/// (`others_cpus`), on average over the timings (timed rebuilds included) and at the most; `None`
/// where no timing recorded the load. Rebuilds linked by mold are said apart: mold forks, and
/// its child finishes after the link returns, unwaited, so its CPU time counts as another's.
pub(super) fn others_line(rows: &[Row]) -> Option<String> {
    // Timed rebuilds record what else ran but not the runnable processes (their own are many).
    let rebuild =
        |r: &&Row| r.measurement.as_deref().is_some_and(|m| MeasurementName::parse(m).is_rebuild());
    let (mold, rebuilds): (Vec<&Row>, Vec<&Row>) = rows
        .iter()
        .filter(rebuild)
        .filter(|r| r.others_cpus.is_some())
        .partition(|r| r.linker.as_deref() == Some("mold"));
    let timed: Vec<&Row> = load_timed(rows).into_iter().chain(rebuilds).collect();
    let mold = summed_others(&mold).map(|(mean, most, _, n)| {
        format!(
            "; the {n} rebuilds linked by mold add mold's own child, which the link does not wait for: {mean:.2} on average, at most {most:.2}"
        )
    });
    let Some((mean, most, busiest, recorded)) = summed_others(&timed) else {
        let first = match (timed.is_empty(), &mold) {
            (true, None) => return None,
            (true, Some(_)) => "- what else ran while timing: no other timing recorded".to_owned(),
            (false, _) => "- what else ran while timing: not recorded (timings too short for `/proc/stat`'s 10 ms ticks to tell within 0.1 CPUs, or results from before the `others_cpus` column of 2026-12-01)".to_owned(),
        };
        return Some(first + mold.as_deref().unwrap_or_default());
    };
    let unrecorded = match timed.len() - recorded {
        0 => String::new(),
        n => format!("; {n} timing(s) too short to tell or from before the column"),
    };
    Some(format!(
        "- what else ran while timing: other processes kept {mean:.2} CPUs busy on average over {recorded} timings, at most {most:.2} (`{}` `{}`), each within ±0.1, from `/proc/stat` less the sweep's own CPU time{unrecorded}{}",
        busiest.variant,
        busiest.measurement.as_deref().unwrap_or_default(),
        mold.as_deref().unwrap_or_default(),
    ))
}

/// The mean and the most of `timed`'s recorded `others_cpus` (each at least 0), the row of the
/// most, and how many recorded it; `None` when none did.
fn summed_others<'r>(timed: &[&'r Row]) -> Option<(f64, f64, &'r Row, usize)> {
    let recorded: Vec<(&Row, f64)> =
        timed.iter().filter_map(|r| Some((*r, r.others_cpus?))).collect();
    let (busiest, most) = recorded.iter().max_by(|a, b| a.1.total_cmp(&b.1))?;
    let mean = recorded.iter().map(|(_, cpus)| cpus).sum::<f64>() / recorded.len() as f64;
    Some((mean.max(0.0), most.max(0.0), busiest, recorded.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::rows::tests::row;

    #[test]
    fn the_load_line_counts_timings_not_counts() {
        let timed = |noise: Option<&str>, runnable| Row {
            measurement: Some("run".into()),
            noise: noise.map(String::from),
            runnable_max: Some(runnable),
            ..row("a", 1)
        };
        let count = Row { unit: Some("instructions".into()), ..timed(None, 9) };
        assert_eq!(load_line(&[row("a", 1), count.clone()]), None, "no timing, no line");
        let line =
            load_line(&[timed(Some("busy"), 3), timed(Some("outliers"), 2), timed(None, 1), count])
                .unwrap();
        assert!(line.contains("at most 3 runnable"), "{line}");
        assert!(line.contains("1 of 3 timings flagged `busy`"), "{line}");
        assert!(line.contains("2 flagged for any noise"), "{line}");
    }

    #[test]
    fn the_others_line_averages_what_else_ran_over_the_timings() {
        let timed = |variant: &str, others: Option<f64>| Row {
            measurement: Some("run".into()),
            runnable_max: Some(1),
            others_cpus: others,
            ..row(variant, 1)
        };
        let count = Row { unit: Some("instructions".into()), ..timed("c", Some(9.0)) };
        assert_eq!(others_line(&[row("a", 1), count.clone()]), None, "no timing, no line");
        let old = others_line(&[timed("a", None)]).unwrap();
        assert!(old.contains("not recorded"), "{old}");
        let line =
            others_line(&[timed("a", Some(0.02)), timed("b", Some(0.5)), timed("c", None), count])
                .unwrap();
        assert!(line.contains("kept 0.26 CPUs busy on average over 2 timings"), "{line}");
        assert!(line.contains("at most 0.50 (`b` `run`)"), "{line}");
        assert!(line.contains("1 timing(s) too short to tell"), "{line}");
        let quiet = others_line(&[timed("a", Some(-0.01)), timed("b", Some(0.0))]).unwrap();
        assert!(quiet.contains("kept 0.00 CPUs") && quiet.contains("at most 0.00"), "{quiet}");
    }

    #[test]
    fn the_others_line_counts_timed_rebuilds_too() {
        let rebuild = |others: Option<f64>| Row {
            measurement: Some("rebuild:src/main.rs".into()),
            others_cpus: others,
            ..row("a", 1)
        };
        assert_eq!(others_line(&[rebuild(None)]), None, "nothing recorded, no line");
        let line = others_line(&[rebuild(Some(0.1)), rebuild(Some(0.3))]).unwrap();
        assert!(line.contains("kept 0.20 CPUs busy on average over 2 timings"), "{line}");
        assert!(line.contains("at most 0.30 (`a` `rebuild:src/main.rs`)"), "{line}");
        assert!(!line.contains("mold"), "{line}");
        // mold's own child outlives the link: said apart, not as load.
        let mold = |others| Row { linker: Some("mold".into()), ..rebuild(Some(others)) };
        let line = others_line(&[rebuild(Some(0.0)), mold(0.4), mold(0.6)]).unwrap();
        assert!(line.contains("kept 0.00 CPUs busy on average over 1 timings"), "{line}");
        assert!(line.contains("the 2 rebuilds linked by mold add mold's own child"), "{line}");
        assert!(line.ends_with("0.50 on average, at most 0.60"), "{line}");
        let line = others_line(&[mold(0.4)]).unwrap();
        assert!(
            line.starts_with(
                "- what else ran while timing: no other timing recorded; the 1 rebuilds"
            ),
            "{line}"
        );
    }
}

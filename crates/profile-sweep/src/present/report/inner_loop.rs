//! The report's inner-loop section: for each timed edit (`rebuild:<file>`, and the test build's
//! `test-rebuild:<file>`), the variants by mean rebuild time with its interval, the fastest and
//! the variants tied with it (their intervals overlap), and the profile to paste as
//! `[profile.dev]`; then which setting bought how much per edit.

use std::fmt::{self, Write};

use crate::plan::measurement::MeasurementName;
use crate::present::knobs::knobs;
use crate::present::markdown::{Align, Table};
use crate::present::snippet;
use crate::results::analysis;
use crate::results::rows::{Row, Status};
use crate::util::units::human_bytes;

/// One variant's rebuild timing, in seconds.
struct Timed<'a> {
    row: &'a Row,
    mean: f64,
    low: f64,
    high: f64,
}

/// The fastest rebuild of `timed` (sorted by mean) and the indices of those tied with it.
fn fastest_and_tied(timed: &[Timed<'_>]) -> Vec<usize> {
    let Some(first) = timed.first() else { return Vec::new() };
    (1..timed.len()).filter(|&i| timed[i].low <= first.high).collect()
}

/// Writes the section, or nothing when no rebuild was timed.
pub(super) fn inner_loop_section(out: &mut String, rows: &[Row]) -> fmt::Result {
    let measurements = analysis::rebuild_measurements(rows);
    if measurements.is_empty() {
        return Ok(());
    }
    writeln!(out, "## Inner loop: rebuild after an edit\n")?;
    writeln!(
        out,
        "Each edit touches the file: its modification time changes, its content does not. Cargo rebuilds the crate and everything after it; with incremental compilation (the dev profile's) rustc then reuses its work for the unchanged content, so an incremental rebuild here is the floor of a real edit (cargo's checks, rustc's incremental pass, the link), and the linker's share of it shows most.\n"
    )?;
    for measurement in measurements {
        let name = MeasurementName::parse(measurement);
        writeln!(out, "### `{measurement}` ({})\n", name.describe())?;
        let mut timed: Vec<Timed<'_>> = rows
            .iter()
            .filter(|r| r.measurement.as_deref() == Some(measurement) && r.status == Status::Ok)
            .filter_map(|row| {
                let seconds = |ns: Option<f64>| ns.map(|ns| ns / 1e9);
                Some(Timed {
                    row,
                    mean: seconds(row.mean_ns)?,
                    low: seconds(row.ci_low_ns)?,
                    high: seconds(row.ci_high_ns)?,
                })
            })
            .collect();
        timed.sort_by(|a, b| a.mean.total_cmp(&b.mean));
        let tied = fastest_and_tied(&timed);
        let mut table = Table::new(&[
            ("variant", Align::Left),
            ("rebuild, mean [95% CI]", Align::Right),
            ("rebuilds", Align::Right),
            ("peak memory", Align::Right),
            ("", Align::Left),
        ]);
        for (i, t) in timed.iter().enumerate() {
            let mark = match i {
                0 => "fastest",
                _ if tied.contains(&i) => "tied with the fastest",
                _ => "",
            };
            table.row(vec![
                format!("`{}`", t.row.variant),
                format!("{:.2} s [{:.2} .. {:.2}]", t.mean, t.low, t.high),
                t.row.samples.map(|n| n.to_string()).unwrap_or_default(),
                t.row.peak_rss_bytes.map(|b| human_bytes(b as f64)).unwrap_or_default(),
                mark.to_owned(),
            ]);
        }
        for row in rows
            .iter()
            .filter(|r| r.measurement.as_deref() == Some(measurement) && r.status != Status::Ok)
        {
            let note = row.note.as_deref().unwrap_or("");
            table.row(vec![
                format!("`{}`", row.variant),
                String::new(),
                String::new(),
                String::new(),
                format!("{}: {note}", row.status),
            ]);
        }
        writeln!(out, "{table}")?;
        verdict(out, &timed, &tied)?;
    }
    knobs_table(out, rows)
}

/// Which setting bought how much per edit (see [`knobs`]), or nothing when no setting varies
/// between variants that were both timed.
fn knobs_table(out: &mut String, rows: &[Row]) -> fmt::Result {
    let knobs = knobs(rows);
    if knobs.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "### Which setting bought how much per edit
"
    )?;
    writeln!(
        out,
        "Each value of a setting that varies, against its most common value, over every pair of variants that differ in that setting alone: how many pairs rebuilt faster, tied (the intervals overlap) or slower with it, and the change of the mean rebuild (median, and the range over the pairs).\n"
    )?;
    let mut table = Table::new(&[
        ("setting", Align::Left),
        ("against", Align::Left),
        ("edit", Align::Left),
        ("pairs", Align::Right),
        ("faster / tied / slower", Align::Right),
        ("change per edit: median [range]", Align::Right),
        ("ratio", Align::Right),
    ]);
    let said = |key: &str, value: &str| match value {
        "" => format!("`{key}` unset"),
        _ => format!("`{key} = {value}`"),
    };
    for knob in &knobs {
        let (median, least, most) = knob.change;
        table.row(vec![
            said(knob.key, &knob.value),
            said(knob.key, &knob.reference),
            format!("`{}`", knob.measurement),
            knob.pairs.to_string(),
            format!("{} / {} / {}", knob.faster, knob.tied, knob.slower),
            format!("{} s [{} .. {}]", signed(median), signed(least), signed(most)),
            format!("{:.2}x .. {:.2}x", knob.ratio.0, knob.ratio.1),
        ]);
    }
    writeln!(out, "{table}")
}

/// Which variant rebuilds fastest, what it saves against the shipped profile where the
/// intervals are apart, and its profile to paste.
fn verdict(out: &mut String, timed: &[Timed<'_>], tied: &[usize]) -> fmt::Result {
    let Some(fastest) = timed.first() else {
        return writeln!(out, "No variant rebuilt: no inner-loop verdict.\n");
    };
    let ties: Vec<String> = tied.iter().map(|&i| format!("`{}`", timed[i].row.variant)).collect();
    write!(
        out,
        "**Fastest inner loop:** `{}`, {:.2} s per edit",
        fastest.row.variant, fastest.mean
    )?;
    match ties.is_empty() {
        true => writeln!(out, ", apart from every other variant's interval.")?,
        false => writeln!(out, "; tied (intervals overlap) with {}.", ties.join(", "))?,
    }
    if fastest.row.baseline == Some(true) {
        return writeln!(out, "It is the profile you ship: keep it.\n");
    }
    let shipped = timed.iter().find(|t| t.row.baseline == Some(true));
    if let Some(shipped) = shipped {
        match shipped.low > fastest.high {
            true => writeln!(
                out,
                "Against the shipped profile (`{}`, {:.2} s) it saves {:.2} s per edit ({:.1}x).",
                shipped.row.variant,
                shipped.mean,
                shipped.mean - fastest.mean,
                shipped.mean / fastest.mean
            )?,
            false => {
                return writeln!(
                    out,
                    "The shipped profile (`{}`, {:.2} s) is tied with it: keep it, no variant rebuilds faster beyond the noise.\n",
                    shipped.row.variant, shipped.mean
                );
            }
        }
    }
    if let Ok(text) = snippet::profile_snippet(fastest.row, "dev") {
        writeln!(out, "\nFor the inner loop, in `Cargo.toml`:\n\n```toml\n{text}```\n")?;
    }
    // What is not a profile key goes into the workspace's `.cargo/config.toml`.
    if let Some(lines) = fastest.row.build_env().config_lines("dev") {
        writeln!(
            out,
            "And in `.cargo/config.toml` (what a profile cannot say):\n\n```toml\n{lines}```\n"
        )?;
    }
    Ok(())
}

/// Seconds with their sign, two decimals; a change that rounds to nothing is `0.00`.
pub(super) fn signed(seconds: f64) -> String {
    match format!("{seconds:+.2}").as_str() {
        "-0.00" | "+0.00" => "0.00".to_owned(),
        text => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::rows::tests::row;

    fn rebuilt(variant: &str, seconds: [f64; 3], shipped: bool) -> Row {
        let ns = |s: f64| Some(s * 1e9);
        Row {
            measurement: Some("rebuild:src/main.rs".into()),
            mean_ns: ns(seconds[1]),
            ci_low_ns: ns(seconds[0]),
            ci_high_ns: ns(seconds[2]),
            samples: Some(3),
            baseline: Some(shipped),
            ..row(variant, 1)
        }
    }

    fn section(rows: &[Row]) -> String {
        let mut out = String::new();
        inner_loop_section(&mut out, rows).unwrap();
        out
    }

    #[test]
    fn changes_keep_their_sign_and_a_rounded_zero_has_none() {
        assert_eq!(
            (signed(-0.001), signed(0.126), signed(-1.5)),
            ("0.00".into(), "+0.13".into(), "-1.50".into())
        );
    }

    #[test]
    fn a_faster_loop_is_pasted_only_when_its_interval_is_apart_from_the_shipped_one() {
        let apart = section(&[
            rebuilt("fat", [9.0, 10.0, 11.0], true),
            rebuilt("thin", [0.4, 0.5, 0.6], false),
        ]);
        assert!(
            apart.contains("**Fastest inner loop:** `thin`, 0.50 s per edit, apart"),
            "{apart}"
        );
        assert!(apart.contains("it saves 9.50 s per edit (20.0x)"), "{apart}");
        assert!(apart.contains("[profile.dev]"), "{apart}");
        let tied =
            section(&[rebuilt("a", [0.3, 0.6, 0.9], true), rebuilt("b", [0.4, 0.5, 0.6], false)]);
        assert!(tied.contains("tied (intervals overlap) with `a`"), "{tied}");
        assert!(
            tied.contains("keep it, no variant rebuilds faster") && !tied.contains("[profile.dev]"),
            "{tied}"
        );
        let shipped =
            section(&[rebuilt("a", [0.1, 0.2, 0.3], true), rebuilt("b", [1.0, 2.0, 3.0], false)]);
        assert!(shipped.contains("It is the profile you ship: keep it."), "{shipped}");
        assert_eq!(section(&[row("a", 1)]), "", "no rebuild rows, no section");
    }
}

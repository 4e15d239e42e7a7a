//! `compare`: the size and runtime change of each variant between two results files (two
//! toolchains, two commits), and whether any change is a regression beyond a threshold.

use std::fmt::Write;

use serde::Serialize;

use crate::present::markdown::{Align, Table};
use crate::results::analysis::{self, change_percent};
use crate::results::rows::{Row, Status};
use crate::util::units::{Unit, thousands};

/// How much worse a value may get before it counts as a regression, in percent; `None` means
/// report only.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Thresholds {
    /// Largest allowed size increase.
    pub size_percent: Option<f64>,
    /// Largest allowed runtime increase (a regression also needs the confidence intervals to
    /// be apart, so noise alone never fails a build).
    pub time_percent: Option<f64>,
}

/// One value of one variant in both files.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueChange {
    /// The variant id.
    pub variant: String,
    /// `None` for the size; the measurement name for a runtime.
    pub measurement: Option<String>,
    /// What `old` and `new` count: `bytes`, `ns` or `instructions`.
    pub unit: &'static str,
    /// Old value (bytes or ns).
    pub old: f64,
    /// New value (bytes or ns).
    pub new: f64,
    /// `new` relative to `old`, in percent.
    pub percent: f64,
    /// Whether this change exceeds its threshold.
    pub regression: bool,
}

/// Everything two files have in common, and what only one of them has. Serialised as the JSON
/// of `compare --format json` (with `schema` and `regression` beside these fields).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Comparison {
    /// Per variant: its size, then its runtimes, in the new file's order.
    pub changes: Vec<ValueChange>,
    /// `variant` or `variant measurement` keys only the old file has (with an ok status).
    pub only_old: Vec<String>,
    /// Keys only the new file has.
    pub only_new: Vec<String>,
}

impl Comparison {
    /// Whether any change is a regression.
    pub fn has_regression(&self) -> bool {
        self.changes.iter().any(|c| c.regression)
    }
}

fn key(row: &Row) -> String {
    match &row.measurement {
        None => row.variant.clone(),
        Some(m) => format!("{} {m}", row.variant),
    }
}

/// The value a row contributes: its size, or its mean runtime with its confidence interval.
fn value(row: &Row) -> Option<(f64, (f64, f64))> {
    if row.status != Status::Ok {
        return None;
    }
    match row.measurement {
        None => row.size_bytes.map(|s| (s as f64, (s as f64, s as f64))),
        Some(_) => {
            row.mean_ns.map(|m| (m, (row.ci_low_ns.unwrap_or(m), row.ci_high_ns.unwrap_or(m))))
        }
    }
}

/// Compares `old` with `new`, matching rows by variant id and measurement.
pub fn compare(old: &[Row], new: &[Row], thresholds: Thresholds) -> Comparison {
    let mut comparison = Comparison::default();
    for row in new {
        let Some((new_value, new_ci)) = value(row) else { continue };
        let Some(old_row) = old.iter().find(|o| key(o) == key(row)) else {
            comparison.only_new.push(key(row));
            continue;
        };
        let Some((old_value, old_ci)) = value(old_row) else { continue };
        let percent = change_percent(old_value, new_value);
        let regression = match row.measurement {
            None => thresholds.size_percent.is_some_and(|t| percent > t),
            Some(_) => thresholds.time_percent.is_some_and(|t| percent > t && new_ci.0 > old_ci.1),
        };
        let unit = match row.measurement.as_deref().map(analysis::unit_of) {
            None => "bytes",
            Some(Unit::Instructions) => "instructions",
            Some(Unit::Cycles) => "estimated cycles",
            Some(Unit::Nanoseconds) => "ns",
        };
        comparison.changes.push(ValueChange {
            variant: row.variant.clone(),
            measurement: row.measurement.clone(),
            unit,
            old: old_value,
            new: new_value,
            percent,
            regression,
        });
    }
    comparison.only_old = old
        .iter()
        .filter(|o| value(o).is_some() && !new.iter().any(|n| key(n) == key(o)))
        .map(key)
        .collect();
    comparison
}

/// The version of the JSON `to_json` writes; raised when a field changes meaning or goes.
pub const JSON_SCHEMA: u32 = 1;

/// `comparison` as one JSON object: `schema`, `regression`, `changes` (each with `variant`,
/// `measurement` (null for the size), `unit`, `old`, `new`, `percent`, `regression`),
/// `only_old` and `only_new`.
pub fn to_json(comparison: &Comparison) -> String {
    #[derive(Serialize)]
    struct Document<'a> {
        schema: u32,
        regression: bool,
        #[serde(flatten)]
        comparison: &'a Comparison,
    }
    let document =
        Document { schema: JSON_SCHEMA, regression: comparison.has_regression(), comparison };
    serde_json::to_string_pretty(&document).expect("plain data serialises")
}

/// `comparison` as a Markdown table (for a pull-request comment or a step summary).
pub fn to_markdown(comparison: &Comparison) -> String {
    let mut table = Table::new(&[
        ("variant", Align::Left),
        ("value", Align::Left),
        ("old", Align::Right),
        ("new", Align::Right),
        ("change", Align::Right),
        ("", Align::Left),
    ]);
    for change in &comparison.changes {
        let show = |v: f64| match change.unit {
            "bytes" => format!("{} B", thousands(v as u64)),
            "instructions" | "estimated cycles" => thousands(v as u64),
            _ => Unit::Nanoseconds.format(v),
        };
        table.row(vec![
            format!("`{}`", change.variant),
            change.measurement.clone().unwrap_or_else(|| "size".to_owned()),
            show(change.old),
            show(change.new),
            format!("{:+.1}%", change.percent),
            if change.regression { "**regression**".to_owned() } else { String::new() },
        ]);
    }
    let mut out = format!("{table}");
    for (which, keys) in [("old", &comparison.only_old), ("new", &comparison.only_new)] {
        if !keys.is_empty() {
            let _ = write!(out, "\nOnly in the {which} file: {}\n", keys.join(", "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::rows::tests::row;

    fn timed(variant: &str, mean: f64) -> Row {
        Row {
            measurement: Some("run".into()),
            mean_ns: Some(mean),
            ci_low_ns: Some(mean * 0.98),
            ci_high_ns: Some(mean * 1.02),
            ..row(variant, 100)
        }
    }

    #[test]
    fn json_and_markdown_say_the_same_changes() {
        let old = [row("a", 1000), timed("a", 100.0)];
        let new = [row("a", 1100), timed("a", 130.0)];
        let comparison =
            compare(&old, &new, Thresholds { size_percent: Some(5.0), time_percent: None });
        let json: serde_json::Value = serde_json::from_str(&to_json(&comparison)).unwrap();
        assert_eq!((json["schema"].as_u64(), json["regression"].as_bool()), (Some(1), Some(true)));
        assert_eq!(json["changes"][0]["unit"], "bytes");
        assert_eq!(json["changes"][1]["measurement"], "run");
        assert_eq!(json["changes"][1]["unit"], "ns");
        let markdown = to_markdown(&comparison);
        assert!(
            markdown.contains("| `a` | size | 1,000 B | 1,100 B | +10.0% | **regression** |"),
            "{markdown}"
        );
    }

    #[test]
    fn size_and_runtime_regressions_need_their_threshold() {
        let old = [row("a", 1000), timed("a", 100.0), row("gone", 5)];
        let new = [row("a", 1100), timed("a", 120.0), row("added", 5)];
        let report = compare(&old, &new, Thresholds::default());
        assert!(!report.has_regression(), "without thresholds nothing fails");
        assert_eq!(report.changes.len(), 2);
        assert!((report.changes[0].percent - 10.0).abs() < 1e-9);
        assert_eq!(
            (report.only_old.clone(), report.only_new.clone()),
            (vec!["gone".to_owned()], vec!["added".to_owned()])
        );
        assert!(
            compare(&old, &new, Thresholds { size_percent: Some(5.0), time_percent: None })
                .has_regression()
        );
        assert!(
            !compare(&old, &new, Thresholds { size_percent: Some(10.5), time_percent: None })
                .has_regression()
        );
        assert!(
            compare(&old, &new, Thresholds { size_percent: None, time_percent: Some(10.0) })
                .has_regression()
        );
    }

    #[test]
    fn overlapping_confidence_intervals_are_not_a_runtime_regression() {
        let (old, new) = ([timed("a", 100.0)], [timed("a", 103.0)]);
        let thresholds = Thresholds { size_percent: None, time_percent: Some(1.0) };
        assert!(
            !compare(&old, &new, thresholds).has_regression(),
            "3% slower but within the noise"
        );
    }
}

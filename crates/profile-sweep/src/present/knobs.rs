//! Which setting bought how many seconds per edit: for every setting that varies between a
//! sweep's variants (a profile key or a build axis), each value against the most common one,
//! over every pair of variants that differ in that setting alone, per timed edit: how often the
//! value rebuilt faster, tied or slower (by the rebuild intervals), and by how much. Pure, from
//! the rows alone.

use std::collections::HashMap;

use crate::measure::stats::spread;
use crate::present::variant_settings::{pairs_differing_in, settings_of};
use crate::results::analysis::{distinct, rebuild_measurements, size_rows};
use crate::results::rows::{Row, Status};

/// One setting's value against the reference value, on one timed edit.
#[derive(Debug, Clone, PartialEq)]
pub struct Knob<'a> {
    /// The setting's key (`linker`, `debug`, `opt-level`).
    pub key: &'static str,
    /// Its value, as the CSV spells it (`""`: left unset, the inherited or default value).
    pub value: String,
    /// The value it is compared with: the most common one among the variants.
    pub reference: String,
    /// The timed edit (`rebuild:<file>`, `test-rebuild:<file>`).
    pub measurement: &'a str,
    /// Pairs with both rebuilds timed, and how many of them were faster, tied and slower with
    /// the value (tied: the intervals overlap).
    pub pairs: usize,
    /// Pairs where the value rebuilt faster, intervals apart.
    pub faster: usize,
    /// Pairs whose intervals overlap.
    pub tied: usize,
    /// Pairs where the value rebuilt slower, intervals apart.
    pub slower: usize,
    /// The change of the mean rebuild in seconds (value minus reference): median, smallest,
    /// largest.
    pub change: (f64, f64, f64),
    /// The ratio of the means (value over reference): smallest, largest.
    pub ratio: (f64, f64),
}

/// A rebuild's mean and interval, in seconds.
type Timing = (f64, f64, f64);

/// Every setting value's effect on every timed edit, settings in the order of
/// [`settings_of`], values in order of first appearance, then edits in the CSV's order.
pub fn knobs(rows: &[Row]) -> Vec<Knob<'_>> {
    let edits = rebuild_measurements(rows);
    let mut timed: HashMap<(&str, &str), Timing> = HashMap::new();
    for row in rows.iter().filter(|r| r.status == Status::Ok) {
        let (Some(edit), Some(mean), Some(low), Some(high)) =
            (row.measurement.as_deref(), row.mean_ns, row.ci_low_ns, row.ci_high_ns)
        else {
            continue;
        };
        timed.insert((row.variant.as_str(), edit), (mean / 1e9, low / 1e9, high / 1e9));
    }
    let variants = size_rows(rows);
    let Some(first) = variants.first() else { return Vec::new() };
    let mut knobs = Vec::new();
    for (key, _) in settings_of(first) {
        let values = distinct(variants.iter().map(|r| value_of(r, key)));
        let count = |v: &String| variants.iter().filter(|r| value_of(r, key) == *v).count();
        let most = values.iter().map(count).max().unwrap_or(0);
        let Some(reference) = values.iter().find(|v| count(v) == most) else { continue };
        for (value, pairs) in pairs_differing_in(&variants, key, reference) {
            for edit in &edits {
                let timings: Vec<(Timing, Timing)> = pairs
                    .iter()
                    .filter_map(|(v, r)| {
                        let timing = |row: &Row| timed.get(&(row.variant.as_str(), *edit)).copied();
                        Some((timing(v)?, timing(r)?))
                    })
                    .collect();
                if let Some(knob) = compare(key, &value, reference, edit, &timings) {
                    knobs.push(knob);
                }
            }
        }
    }
    knobs
}

/// A row's value of setting `key`, as [`settings_of`] gives it.
fn value_of(row: &Row, key: &str) -> String {
    settings_of(row).into_iter().find(|(k, _)| *k == key).map(|(_, v)| v).unwrap_or_default()
}

/// The knob of `key = value` on `edit` from its pairs' timings (value's, reference's); `None`
/// without pairs.
fn compare<'a>(
    key: &'static str,
    value: &str,
    reference: &str,
    edit: &'a str,
    timings: &[(Timing, Timing)],
) -> Option<Knob<'a>> {
    let changes: Vec<f64> = timings.iter().map(|(x, y)| x.0 - y.0).collect();
    let ratios: Vec<f64> = timings.iter().map(|(x, y)| x.0 / y.0).collect();
    let (_, fewest, most) = spread(&ratios)?;
    let faster = timings.iter().filter(|(x, y)| x.2 < y.1).count();
    let slower = timings.iter().filter(|(x, y)| x.1 > y.2).count();
    Some(Knob {
        key,
        value: value.to_owned(),
        reference: reference.to_owned(),
        measurement: edit,
        pairs: timings.len(),
        faster,
        tied: timings.len() - faster - slower,
        slower,
        change: spread(&changes)?,
        ratio: (fewest, most),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::rows::tests::row;

    fn variant(id: &str, linker: Option<&str>, debug: &str) -> Row {
        Row { linker: linker.map(String::from), debug: Some(debug.into()), ..row(id, 1000) }
    }

    fn rebuilt(id: &str, seconds: [f64; 3]) -> Row {
        Row {
            measurement: Some("rebuild:src/main.rs".into()),
            mean_ns: Some(seconds[1] * 1e9),
            ci_low_ns: Some(seconds[0] * 1e9),
            ci_high_ns: Some(seconds[2] * 1e9),
            ..row(id, 1000)
        }
    }

    #[test]
    fn each_value_is_compared_with_the_most_common_over_pairs_differing_in_it_alone() {
        let rows = vec![
            variant("full", None, "full"),
            variant("full-bfd", Some("bfd"), "full"),
            variant("lines", None, "line-tables-only"),
            variant("lines-bfd", Some("bfd"), "line-tables-only"),
            variant("none", None, "none"),
            rebuilt("full", [0.7, 0.74, 0.78]),
            rebuilt("full-bfd", [1.8, 1.87, 1.95]),
            rebuilt("lines", [0.65, 0.68, 0.72]),
            rebuilt("lines-bfd", [1.4, 1.44, 1.5]),
            rebuilt("none", [0.5, 0.55, 0.6]),
        ];
        let knobs = knobs(&rows);
        let bfd = knobs.iter().find(|k| k.key == "linker").unwrap();
        assert_eq!((bfd.value.as_str(), bfd.reference.as_str()), ("bfd", ""));
        assert_eq!((bfd.pairs, bfd.faster, bfd.tied, bfd.slower), (2, 0, 0, 2));
        assert!((bfd.change.1 - 0.76).abs() < 1e-9 && (bfd.change.2 - 1.13).abs() < 1e-9);
        let debug: Vec<&Knob> = knobs.iter().filter(|k| k.key == "debug").collect();
        assert_eq!(debug.len(), 2, "two values against full: {debug:?}");
        assert_eq!(debug[0].reference, "full", "the first of the most common");
        let lines = debug[0];
        assert_eq!(
            (lines.value.as_str(), lines.faster, lines.tied, lines.pairs),
            ("line-tables-only", 1, 1, 2)
        );
        assert_eq!((debug[1].value.as_str(), debug[1].faster, debug[1].pairs), ("none", 1, 1));
        assert!(
            knobs.iter().all(|k| k.key != "opt-level"),
            "settings that never vary are left out"
        );
    }
}

//! Which settings mattered for this crate: the effect of each axis value of a matrix sweep,
//! over every pair of measured variants that differ only in it. Pure, from the rows alone.

use crate::measure::stats::spread;
use crate::plan::settings::Axis;
use crate::present::variant_settings::pairs_differing_in;
use crate::results::analysis::{points, size_rows};
use crate::results::rows::Row;

/// What changing one setting did: over every pair of variants that differ only in it, the ratio
/// of the value's variant to the reference value's.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    /// The axis.
    pub axis: Axis,
    /// The value, as the CSV spells it.
    pub value: String,
    /// The value it is compared with: the first variant's.
    pub reference: String,
    /// How many pairs were measured.
    pub pairs: usize,
    /// Size ratio: median, smallest, largest.
    pub size: (f64, f64, f64),
    /// Ratio of `measurement`'s means, when both variants of some pair have one: median,
    /// smallest, largest.
    pub runtime: Option<(f64, f64, f64)>,
}

/// The effect of every value of every swept axis of a matrix sweep, against the first
/// variant's value, on size and on `measurement`; empty for a ladder.
pub fn axis_effects(rows: &[Row], measurement: &str) -> Vec<Effect> {
    let sizes: Vec<&Row> = size_rows(rows)
        .into_iter()
        .filter(|r| r.step.is_none() && r.size_bytes.is_some())
        .collect();
    let Some(first) = sizes.first() else { return Vec::new() };
    let points = points(rows, measurement);
    let mean_of =
        |variant: &str| points.iter().find(|p| p.row.variant == variant).map(|p| p.mean_ns);
    let mut effects = Vec::new();
    for axis in Axis::ALL {
        let reference = first.axis_value(axis);
        for (value, pairs) in pairs_differing_in(&sizes, axis.key(), &reference) {
            let size_ratios: Vec<f64> = pairs
                .iter()
                .map(|(r, q)| r.size_bytes.unwrap_or(0) as f64 / q.size_bytes.unwrap_or(1) as f64)
                .collect();
            let runtime_ratios: Vec<f64> = pairs
                .iter()
                .filter_map(|(r, q)| Some(mean_of(&r.variant)? / mean_of(&q.variant)?))
                .collect();
            effects.push(Effect {
                axis,
                value,
                reference: reference.clone(),
                pairs: pairs.len(),
                size: spread(&size_ratios).expect("at least one pair"),
                runtime: spread(&runtime_ratios),
            });
        }
    }
    effects
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::analysis::tests::timed;

    #[test]
    fn effects_compare_pairs_that_differ_in_one_setting() {
        // A matrix variant: its size row and its timed row.
        let variant = |id: &str, panic: &str, strip: &str, size, mean| {
            let timed = Row {
                panic: panic.into(),
                strip: strip.into(),
                step: None,
                ..timed(id, size, mean)
            };
            [Row { measurement: None, ..timed.clone() }, timed]
        };
        let rows: Vec<Row> = [
            variant("a-unwind", "unwind", "none", 1000, 100.0),
            variant("a-abort", "abort", "none", 950, 90.0),
            variant("b-unwind", "unwind", "symbols", 800, 100.0),
            variant("b-abort", "abort", "symbols", 780, 110.0),
        ]
        .concat();
        let effects = axis_effects(&rows, "run");
        let panic = effects.iter().find(|e| e.axis == Axis::Panic).unwrap();
        assert_eq!(
            (panic.value.as_str(), panic.reference.as_str(), panic.pairs),
            ("abort", "unwind", 2)
        );
        assert!(
            (panic.size.1 - 0.95).abs() < 1e-9 && (panic.size.2 - 0.975).abs() < 1e-9,
            "{panic:?}"
        );
        let (_, low, high) = panic.runtime.unwrap();
        assert!((low - 0.9).abs() < 1e-9 && (high - 1.1).abs() < 1e-9);
        let ladder: Vec<Row> =
            rows.iter().map(|r| Row { step: Some("s".into()), ..r.clone() }).collect();
        assert!(axis_effects(&ladder, "run").is_empty(), "a ladder has no pairs to compare");
    }
}

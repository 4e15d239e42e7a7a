//! Paired comparison: a variant and the baseline timed in the same rounds (one run of each per
//! round, in an order shuffled per round), so a slow moment of a shared machine lands on both
//! sides of a pair. The variant's speed is the ratio of its time to the baseline's, estimated
//! from the per-round ratios; load that lasts longer than a round cancels out of each ratio.
//!
//! The interval is log-normal: the logarithms of the per-round ratios are averaged and given a
//! Student's t interval, then exponentiated (the geometric mean ratio and its 95% interval).
//! Pure arithmetic; knows nothing of processes.

use crate::measure::stats::t_975;

/// A variant's time as a ratio to the baseline's, from rounds that timed both.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratio {
    /// How many rounds timed both.
    pub pairs: usize,
    /// Geometric mean of the per-round ratios (below 1: faster than the baseline).
    pub ratio: f64,
    /// Lower end of its 95% interval.
    pub low: f64,
    /// Upper end of its 95% interval.
    pub high: f64,
}

/// How a variant's time compares with the baseline's, judged on a ratio's interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The whole interval is below 1.
    Faster,
    /// The whole interval is above 1.
    Slower,
    /// The interval holds 1: the rounds cannot tell them apart.
    Tie,
}

impl Ratio {
    /// Faster, slower or a tie, on the 95% interval.
    pub fn change(&self) -> Direction {
        if self.high < 1.0 {
            Direction::Faster
        } else if self.low > 1.0 {
            Direction::Slower
        } else {
            Direction::Tie
        }
    }

    /// `1.031x [1.012, 1.050]`.
    pub fn describe(&self) -> String {
        format!("{:.3}x [{:.3}, {:.3}]", self.ratio, self.low, self.high)
    }
}

/// The ratio of `variant`'s times to `baseline`'s, sample `i` of one paired with sample `i` of
/// the other (the same round); `None` without two positive pairs.
pub fn ratio(variant: &[f64], baseline: &[f64]) -> Option<Ratio> {
    let logs: Vec<f64> = variant
        .iter()
        .zip(baseline)
        .filter(|(v, b)| **v > 0.0 && **b > 0.0 && v.is_finite() && b.is_finite())
        .map(|(v, b)| (v / b).ln())
        .collect();
    if logs.len() < 2 {
        return None;
    }
    let n = logs.len() as f64;
    let mean = logs.iter().sum::<f64>() / n;
    let variance = logs.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let half = t_975(logs.len() - 1) * variance.sqrt() / n.sqrt();
    Some(Ratio {
        pairs: logs.len(),
        ratio: mean.exp(),
        low: (mean - half).exp(),
        high: (mean + half).exp(),
    })
}

/// Which subjects still need rounds to tell where they stand, from their ratios to the
/// baseline: those whose interval holds the edge of the band within `band` (relative) of the
/// fastest ratio, and those tied with the fastest (with the fastest itself). A subject without a
/// ratio is left alone.
pub fn undecided(ratios: &[Option<Ratio>], band: f64) -> Vec<bool> {
    let fastest = ratios.iter().flatten().min_by(|a, b| a.ratio.total_cmp(&b.ratio));
    let Some(fastest) = fastest.copied() else { return vec![false; ratios.len()] };
    let edge = fastest.ratio * (1.0 + band);
    let tied = |r: &Ratio| r.low <= fastest.high && fastest.low <= r.high;
    let mut undecided: Vec<bool> = ratios
        .iter()
        .map(|r| r.is_some_and(|r| (r.low <= edge && edge <= r.high) || (r != fastest && tied(&r))))
        .collect();
    if let Some(i) = ratios.iter().position(|r| *r == Some(fastest)) {
        let others_tied = ratios.iter().flatten().any(|r| *r != fastest && tied(r));
        undecided[i] |= others_tied;
    }
    undecided
}

/// The order of `count` subjects in round `round`: a permutation that differs per round and is
/// the same on every run of the sweep, so no subject always runs right after another.
pub fn round_order(count: usize, round: u32) -> Vec<usize> {
    let mut order: Vec<usize> = (0..count).collect();
    let mut rng = demo_input::Rng::new(0x9a1e_d000 ^ u64::from(round));
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i as u64 + 1) as usize);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn load_shared_by_a_pair_cancels() {
        // The machine's speed swings 5x between rounds; the variant is always 10% slower.
        let load = [1.0, 5.0, 2.0, 4.5, 1.2, 3.0, 1.0, 2.5];
        let baseline: Vec<f64> = load.iter().map(|l| 100.0 * l).collect();
        let variant: Vec<f64> = load.iter().map(|l| 110.0 * l).collect();
        let r = ratio(&variant, &baseline).unwrap();
        assert!((r.ratio - 1.1).abs() < 1e-9 && (r.high - r.low) < 1e-9, "{r:?}");
        assert_eq!((r.pairs, r.change()), (8, Direction::Slower));
        assert_eq!(r.describe(), "1.100x [1.100, 1.100]");
    }

    #[test]
    fn a_tie_holds_one_and_too_few_pairs_give_nothing() {
        let r = ratio(&[99.0, 101.0, 100.0, 102.0], &[100.0, 100.0, 101.0, 100.0]).unwrap();
        assert_eq!(r.change(), Direction::Tie);
        assert_eq!(ratio(&[1.0], &[1.0]), None);
        assert_eq!(ratio(&[1.0, 0.0, f64::NAN], &[1.0, 2.0, 3.0]), None);
    }

    #[test]
    fn every_round_has_its_own_order_of_every_subject() {
        let orders: Vec<Vec<usize>> = (0..20).map(|round| round_order(5, round)).collect();
        for order in &orders {
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, [0, 1, 2, 3, 4]);
        }
        assert!(orders.windows(2).any(|w| w[0] != w[1]), "the order changes between rounds");
        assert_eq!(round_order(5, 3), round_order(5, 3), "and is the same on every run");
    }

    #[test]
    fn only_comparisons_that_can_still_change_need_rounds() {
        let r = |ratio: f64, half: f64| {
            Some(Ratio { pairs: 10, ratio, low: ratio - half, high: ratio + half })
        };
        // Band edge at 0.9 x 1.1 = 0.99.
        let ratios =
            [r(0.9, 0.01), r(0.95, 0.01), r(1.0, 0.02), r(2.0, 0.1), None, r(0.905, 0.001)];
        let undecided = undecided(&ratios, 0.10);
        // The fastest and the one tied with it; the one astride the edge; not the clearly
        // inside (0.95), the far slower one, or the unpaired one.
        assert_eq!(undecided, [true, false, true, false, false, true]);
        assert_eq!(super::undecided(&[r(1.0, 0.01), r(2.0, 0.01)], 0.1), [false, false]);
    }

    /// A/A: one program timed as two subjects, on a machine whose load drifts and bursts. Its
    /// ratio's interval must hold 1.0 in at least 19 of 20 repetitions.
    #[test]
    fn an_a_a_comparison_is_a_tie_in_19_of_20_repetitions() {
        let mut rng = demo_input::Rng::new(7);
        let mut uniform = move || rng.below(1_000_000) as f64 / 1_000_000.0;
        let mut ties = 0;
        for _ in 0..20 {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            let mut load = 1.0;
            for _ in 0..10 {
                // Load drifts between rounds and bursts (a compile starting) now and then.
                load = (load * (0.8 + 0.4 * uniform())).clamp(1.0, 6.0);
                if uniform() < 0.15 {
                    load *= 3.0;
                }
                a.push(100.0 * load * (1.0 + 0.03 * (uniform() - 0.5)));
                b.push(100.0 * load * (1.0 + 0.03 * (uniform() - 0.5)));
            }
            ties += usize::from(ratio(&a, &b).unwrap().change() == Direction::Tie);
        }
        assert!(ties >= 19, "{ties} of 20 A/A comparisons were ties");
    }

    proptest! {
        #[test]
        fn scaling_both_sides_alike_changes_nothing(
            times in proptest::collection::vec((1.0f64..1e9, 1.0f64..1e9), 2..30),
            scale in 0.01f64..100.0,
        ) {
            let (v, b): (Vec<f64>, Vec<f64>) = times.iter().copied().unzip();
            let plain = ratio(&v, &b).unwrap();
            let vs: Vec<f64> = v.iter().map(|x| x * scale).collect();
            let bs: Vec<f64> = b.iter().map(|x| x * scale).collect();
            let scaled = ratio(&vs, &bs).unwrap();
            prop_assert!((plain.ratio / scaled.ratio - 1.0).abs() < 1e-9);
            prop_assert!(plain.low <= plain.ratio && plain.ratio <= plain.high);
            let swapped = ratio(&b, &v).unwrap();
            prop_assert!((swapped.ratio * plain.ratio - 1.0).abs() < 1e-9);
        }
    }
}

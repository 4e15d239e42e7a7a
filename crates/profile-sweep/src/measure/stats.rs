//! Summary statistics of repeated timings: mean, spread, percentiles and a 95% confidence
//! interval of the mean (Student's t). Pure arithmetic; knows nothing of processes or files.

/// What a set of samples says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Number of samples.
    pub samples: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// 50th percentile.
    pub median: f64,
    /// Smallest sample.
    pub min: f64,
    /// Largest sample.
    pub max: f64,
    /// Sample standard deviation (n - 1 in the denominator).
    pub std_dev: f64,
    /// Lower end of the 95% confidence interval of the mean.
    pub ci_low: f64,
    /// Upper end of the 95% confidence interval of the mean.
    pub ci_high: f64,
}

impl Summary {
    /// An exact value (a count): one sample, no spread, an interval of zero width.
    pub fn exact(value: f64) -> Summary {
        Summary {
            samples: 1,
            mean: value,
            median: value,
            min: value,
            max: value,
            std_dev: 0.0,
            ci_low: value,
            ci_high: value,
        }
    }
}

/// Summarises at least two samples; `None` for fewer (no spread can be estimated). The
/// interval of non-negative samples stops at zero.
pub fn summarize(samples: &[f64]) -> Option<Summary> {
    if samples.len() < 2 || samples.iter().any(|s| !s.is_finite()) {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    let mean = sorted.iter().sum::<f64>() / n;
    let variance = sorted.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let std_dev = variance.sqrt();
    let half_width = t_975(sorted.len() - 1) * std_dev / n.sqrt();
    Some(Summary {
        samples: sorted.len(),
        mean,
        median: percentile(&sorted, 50.0),
        min: sorted[0],
        max: sorted[sorted.len() - 1],
        std_dev,
        // The mean of values that cannot be negative (times) cannot be either: few noisy
        // samples make a t interval that would reach below zero.
        ci_low: if sorted[0] >= 0.0 { (mean - half_width).max(0.0) } else { mean - half_width },
        ci_high: mean + half_width,
    })
}

/// Median, smallest and largest of `values`, in any order; `None` for none.
pub fn spread(values: &[f64]) -> Option<(f64, f64, f64)> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (first, last) = (*sorted.first()?, *sorted.last()?);
    Some((percentile(&sorted, 50.0), first, last))
}

/// The `p`-th percentile (0 to 100) of sorted samples, interpolating linearly between ranks.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = (p / 100.0).clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64)
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom (two-sided 95%).
pub(crate) fn t_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    // Beyond the table, interpolate linearly in 1/df between published points.
    const TAIL: [(f64, f64); 4] = [(30.0, 2.042), (40.0, 2.021), (60.0, 2.000), (120.0, 1.980)];
    if (1..=30).contains(&df) {
        return TABLE[df - 1];
    }
    let df = df.max(1) as f64;
    for pair in TAIL.windows(2) {
        let ((d0, t0), (d1, t1)) = (pair[0], pair[1]);
        if df <= d1 {
            let w = (1.0 / d0 - 1.0 / df) / (1.0 / d0 - 1.0 / d1);
            return t0 + (t1 - t0) * w;
        }
    }
    let w = (1.0 / 120.0 - 1.0 / df) * 120.0;
    1.980 + (1.960 - 1.980) * w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-3
    }

    #[test]
    fn known_data() {
        // Mean 5, sample variance 32/7, t(7) = 2.365.
        let s = summarize(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!((s.samples, s.min, s.max), (8, 2.0, 9.0));
        assert!(close(s.mean, 5.0));
        assert!(close(s.median, 4.5));
        assert!(close(s.std_dev, (32.0f64 / 7.0).sqrt()));
        let half = 2.365 * (32.0f64 / 7.0).sqrt() / 8f64.sqrt();
        assert!(close(s.ci_low, 5.0 - half) && close(s.ci_high, 5.0 + half));
    }

    #[test]
    fn the_interval_of_times_stops_at_zero_and_of_signed_values_does_not() {
        // Mean 4, sd 5.196, t(2) = 4.303: the t interval would start at -8.9.
        let times = summarize(&[1.0, 1.0, 10.0]).unwrap();
        assert_eq!(times.ci_low, 0.0);
        assert!(close(times.ci_high, 4.0 + 4.303 * 27f64.sqrt() / 3f64.sqrt()));
        let signed = summarize(&[-1.0, 1.0, 10.0]).unwrap();
        assert!(signed.ci_low < 0.0, "{signed:?}");
    }

    #[test]
    fn percentiles_interpolate_between_ranks() {
        let sorted = [10.0, 20.0, 30.0, 40.0];
        assert!(close(percentile(&sorted, 0.0), 10.0));
        assert!(close(percentile(&sorted, 50.0), 25.0));
        assert!(close(percentile(&sorted, 90.0), 37.0));
        assert!(close(percentile(&sorted, 100.0), 40.0));
    }

    #[test]
    fn identical_samples_have_a_zero_width_interval() {
        let s = summarize(&[3.0, 3.0, 3.0]).unwrap();
        assert_eq!((s.std_dev, s.ci_low, s.ci_high), (0.0, 3.0, 3.0));
    }

    #[test]
    fn too_few_or_invalid_samples_give_nothing() {
        assert_eq!(summarize(&[1.0]), None);
        assert_eq!(summarize(&[1.0, f64::NAN]), None);
    }

    #[test]
    fn t_quantiles_fall_towards_the_normal_one() {
        assert!(close(t_975(1), 12.706) && close(t_975(30), 2.042));
        assert!(close(t_975(40), 2.021) && close(t_975(120), 1.980));
        assert!(t_975(50) < 2.021 && t_975(50) > 2.000);
        assert!(t_975(100_000) > 1.960 && t_975(100_000) < 1.961);
    }
}

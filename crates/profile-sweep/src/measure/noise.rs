//! Is a timing to be trusted? A wide confidence interval, outlying runs (hyperfine's modified
//! z-score test) or other processes competing for the CPUs while it ran make it noise, and the
//! row says so instead of letting a lucky or unlucky moment decide a recommendation.

use crate::measure::stats::{Summary, percentile};

/// An interval half-width over this share of the mean is too wide to rank on.
pub const MAX_HALF_WIDTH: f64 = 0.03;

/// A run whose modified z-score is over this is an outlier (Iglewicz and Hoaglin; hyperfine).
const OUTLIER_Z: f64 = 3.5;

/// Why a measurement is noisy; empty when it looks clean.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Noise {
    /// The interval's half-width over [`MAX_HALF_WIDTH`] of the mean, in percent.
    pub wide_interval: Option<u32>,
    /// How many runs are outliers.
    pub outliers: usize,
    /// The most other runnable processes seen while it ran, when that left no CPU free.
    pub busy: Option<u32>,
}

impl Noise {
    /// Judges a timing from its samples and summary, and the machine's load while it ran.
    pub fn assess(samples: &[f64], summary: &Summary, load: &Load) -> Noise {
        let half_width = (summary.ci_high - summary.mean) / summary.mean;
        Noise {
            wide_interval: (half_width > MAX_HALF_WIDTH)
                .then(|| (half_width * 100.0).ceil() as u32),
            outliers: outliers(samples),
            busy: load.busy().then_some(load.others_max),
        }
    }

    /// Whether anything is wrong.
    pub fn is_noisy(&self) -> bool {
        self.wide_interval.is_some() || self.outliers > 0 || self.busy.is_some()
    }

    /// The `noise` column: `wide-interval;outliers;busy`, the ones that apply.
    pub fn flags(&self) -> Option<String> {
        let flags: Vec<&str> = [
            self.wide_interval.map(|_| "wide-interval"),
            (self.outliers > 0).then_some("outliers"),
            self.busy.map(|_| "busy"),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!flags.is_empty()).then(|| flags.join(";"))
    }

    /// What a person reads: what was wrong, in one clause.
    pub fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(percent) = self.wide_interval {
            let limit = MAX_HALF_WIDTH * 100.0;
            parts.push(format!("95% interval ±{percent}% (over {limit:.0}%)"));
        }
        if self.outliers > 0 {
            parts.push(format!("{} outlying run(s)", self.outliers));
        }
        if let Some(others) = self.busy {
            parts.push(format!("{others} other process(es) wanted the CPUs"));
        }
        (!parts.is_empty()).then(|| format!("noisy: {}", parts.join(", ")))
    }
}

/// Runs whose modified z-score, |0.6745 (x - median) / MAD|, is over [`OUTLIER_Z`].
fn outliers(samples: &[f64]) -> usize {
    if samples.len() < 3 {
        return 0;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let median = percentile(&sorted, 50.0);
    let mut deviations: Vec<f64> = sorted.iter().map(|x| (x - median).abs()).collect();
    deviations.sort_by(f64::total_cmp);
    let mad = percentile(&deviations, 50.0);
    if mad == 0.0 {
        return 0;
    }
    samples.iter().filter(|x| (0.6745 * (*x - median) / mad).abs() > OUTLIER_Z).count()
}

/// How busy the machine was while a measurement ran, sampled around each run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Load {
    /// CPUs this process may use.
    pub cpus: u32,
    /// Samples taken.
    pub samples: u32,
    /// Of them, samples at which other processes wanted every CPU.
    pub crowded: u32,
    /// The most runnable processes seen, besides the harness itself.
    pub others_max: u32,
}

impl Load {
    /// A load record for a machine with `cpus` CPUs.
    pub fn new(cpus: u32) -> Load {
        Load { cpus, ..Load::default() }
    }

    /// The CPUs this process may run on.
    pub fn available_cpus() -> u32 {
        std::thread::available_parallelism().map_or(1, |n| n.get() as u32)
    }

    /// Takes one sample: the runnable processes now, from `/proc/loadavg`, less the harness
    /// itself (which is running as it reads). Machines without the file record nothing.
    pub fn sample(&mut self) {
        let Some(runnable) = runnable_now() else { return };
        let others = runnable.saturating_sub(1);
        self.samples += 1;
        self.others_max = self.others_max.max(others);
        if others >= self.cpus {
            self.crowded += 1;
        }
    }

    /// Whether the measured program had to share: at least half the samples left no CPU free.
    pub fn busy(&self) -> bool {
        self.samples > 0 && self.crowded * 2 >= self.samples
    }

    /// The `runnable_max` column: the most runnable processes seen, the harness included.
    pub fn runnable_max(&self) -> Option<u32> {
        (self.samples > 0).then_some(self.others_max + 1)
    }
}

/// Runnable scheduling entities now: the `R` of `R/T`, the fourth field of `/proc/loadavg`.
fn runnable_now() -> Option<u32> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().nth(3)?.split('/').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::stats::summarize;

    #[test]
    fn a_tight_quiet_timing_is_clean() {
        let samples = [100.0, 101.0, 99.5, 100.5, 100.2];
        let summary = summarize(&samples).unwrap();
        let noise = Noise::assess(&samples, &summary, &Load::new(2));
        assert_eq!(noise, Noise::default());
        assert_eq!(noise.flags(), None);
        assert_eq!(noise.describe(), None);
    }

    #[test]
    fn wide_intervals_outliers_and_a_crowded_machine_are_flagged() {
        let samples = [100.0, 100.5, 99.8, 100.2, 100.1, 99.9, 100.3, 160.0];
        let summary = summarize(&samples).unwrap();
        let crowded = Load { cpus: 2, samples: 4, crowded: 3, others_max: 2 };
        let noise = Noise::assess(&samples, &summary, &crowded);
        assert_eq!(noise.outliers, 1);
        assert!(noise.wide_interval.is_some(), "{summary:?}");
        assert_eq!(noise.busy, Some(2));
        assert_eq!(noise.flags().as_deref(), Some("wide-interval;outliers;busy"));
        let text = noise.describe().unwrap();
        assert!(text.starts_with("noisy: 95% interval ±") && text.contains("1 outlying run"));
    }

    #[test]
    fn one_crowded_sample_in_many_is_not_busy() {
        let load = Load { cpus: 2, samples: 10, crowded: 1, others_max: 3 };
        assert!(!load.busy());
        assert_eq!(load.runnable_max(), Some(4));
        assert_eq!(Load::new(2).runnable_max(), None, "no samples, no claim");
    }

    #[test]
    fn this_machine_reports_runnable_processes() {
        let mut load = Load::new(Load::available_cpus());
        load.sample();
        if std::path::Path::new("/proc/loadavg").exists() {
            assert_eq!(load.samples, 1);
            assert!(load.runnable_max().unwrap() >= 1);
        }
    }
}

//! Is a timing to be trusted? A wide confidence interval, outlying runs (hyperfine's modified
//! z-score test) or other processes competing for the CPUs while it ran make it noise, and the
//! row says so instead of letting a lucky or unlucky moment decide a recommendation.

use std::time::Duration;

use crate::measure::stats::{Summary, percentile};
use crate::util::platform;

/// An interval half-width over this share of the mean is too wide to rank on.
pub const MAX_HALF_WIDTH: f64 = 0.03;

/// The most `others_cpus` may be off by (in CPUs): a measurement too short for `/proc/stat`'s
/// ticks to tell within this records none.
pub const OTHERS_CPUS_RESOLUTION: f64 = 0.1;

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
    /// CPU times at the first sample that could read them.
    first: Option<CpuClock>,
    /// CPU times at the last sample that could read them.
    last: Option<CpuClock>,
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
    /// itself (which is running as it reads), and the machine's and the sweep's CPU times.
    /// Machines without the files record nothing.
    pub fn sample(&mut self) {
        let clock = CpuClock::now();
        self.first = self.first.or(clock);
        self.last = clock.or(self.last);
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

    /// The `others_cpus` column: the CPUs other processes kept busy on average from the first
    /// sample to the last, to two decimals; `None` without two readings, or when they are too
    /// close for `/proc/stat`'s ticks to tell within [`OTHERS_CPUS_RESOLUTION`].
    pub fn others_cpus(&self) -> Option<f64> {
        let tick = Duration::from_nanos(1_000_000_000 / platform::clock_ticks_per_second()?);
        others_cpus(self.first?, self.last?, tick * self.cpus.max(1))
    }
}

/// The CPU times one sample reads: the whole machine's busy time and the sweep's own (this
/// process and every child it has waited for: the measured programs), with the wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CpuClock {
    at: std::time::Instant,
    machine_busy: Duration,
    own: Duration,
}

impl CpuClock {
    /// Reads them now; `None` where the machine does not say (no `/proc/stat`).
    fn now() -> Option<CpuClock> {
        let machine_busy = machine_busy()?;
        let own = platform::own_cpu_time()?;
        Some(CpuClock { at: std::time::Instant::now(), machine_busy, own })
    }
}

/// Other processes' busy CPUs on average between two readings: the machine's busy time less
/// our own, over the wall time between them, to two decimals. Each CPU's counter is read to a
/// tick either way, so the figure is off by at most `uncertainty` (a tick per CPU) over the wall
/// time; `None` when that is over [`OTHERS_CPUS_RESOLUTION`].
fn others_cpus(first: CpuClock, last: CpuClock, uncertainty: Duration) -> Option<f64> {
    let wall = last.at.checked_duration_since(first.at)?.as_secs_f64();
    if wall <= 0.0 || uncertainty.as_secs_f64() / wall > OTHERS_CPUS_RESOLUTION {
        return None;
    }
    let busy = last.machine_busy.saturating_sub(first.machine_busy).as_secs_f64();
    let own = last.own.saturating_sub(first.own).as_secs_f64();
    Some(((busy - own) / wall * 100.0).round() / 100.0)
}

/// The whole machine's busy CPU time since boot, every CPU's summed: the user, nice, system,
/// irq and softirq times of `/proc/stat`'s `cpu` line (idle, iowait and steal left out).
fn machine_busy() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let ticks = busy_ticks(text.lines().next()?)?;
    let hz = platform::clock_ticks_per_second()?;
    Some(Duration::from_nanos(ticks.saturating_mul(1_000_000_000) / hz))
}

/// The busy ticks of `/proc/stat`'s aggregate line: `cpu user nice system idle iowait irq
/// softirq steal ...`.
fn busy_ticks(line: &str) -> Option<u64> {
    let mut fields = line.split_whitespace();
    if fields.next()? != "cpu" {
        return None;
    }
    let ticks: Vec<u64> = fields.map(|f| f.parse().ok()).collect::<Option<_>>()?;
    let busy = [0, 1, 2, 5, 6].iter().map(|&i| ticks.get(i).copied().unwrap_or(0)).sum();
    Some(busy)
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
        let crowded = Load { cpus: 2, samples: 4, crowded: 3, others_max: 2, ..Load::default() };
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
        let load = Load { cpus: 2, samples: 10, crowded: 1, others_max: 3, ..Load::default() };
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

    #[test]
    fn busy_ticks_sum_user_nice_system_irq_and_softirq() {
        assert_eq!(busy_ticks("cpu  90209 3 7156 49219 226 5 82 75 0 0"), Some(97455));
        assert_eq!(busy_ticks("cpu  10 20 30"), Some(60), "older kernels have fewer fields");
        assert_eq!(busy_ticks("cpu0 1 2 3 4 5 6 7 8"), None, "one CPU's line, not the sum");
        assert_eq!(busy_ticks("cpu  1 x 3"), None);
    }

    #[test]
    fn others_cpus_is_the_machines_busy_time_less_ours_over_the_wall_time() {
        let at = std::time::Instant::now();
        let clock = |after: f64, busy: f64, own: f64| CpuClock {
            at: at + Duration::from_secs_f64(after),
            machine_busy: Duration::from_secs_f64(busy),
            own: Duration::from_secs_f64(own),
        };
        let first = clock(0.0, 100.0, 3.0);
        let ticks = Duration::from_millis(20);
        assert_eq!(others_cpus(first, clock(2.0, 103.0, 4.0), ticks), Some(1.0));
        assert_eq!(others_cpus(first, clock(0.5, 100.6, 3.58), ticks), Some(0.04));
        assert_eq!(others_cpus(first, first, ticks), None, "no wall time, no claim");
        let short = clock(0.1, 100.02, 3.02);
        assert_eq!(others_cpus(first, short, ticks), None, "20 ms either way in 0.1 s: no claim");
        assert_eq!(Load::new(2).others_cpus(), None, "no samples, no claim");
    }

    #[test]
    fn a_process_spinning_beside_the_measurement_shows_in_others_cpus() {
        if !std::path::Path::new("/proc/stat").exists() {
            return;
        }
        let mut load = Load::new(Load::available_cpus());
        load.sample();
        let mut spinner = std::process::Command::new("sh")
            .args(["-c", "while :; do :; done"])
            .spawn()
            .expect("sh runs");
        std::thread::sleep(Duration::from_millis(1500));
        // Read before the spinner is reaped: a child we have not waited for is not ours yet.
        load.sample();
        spinner.kill().expect("kill the spinner");
        spinner.wait().expect("reap the spinner");
        let others = load.others_cpus().expect("two readings");
        assert!(others > 0.3, "a spinning shell kept {others} CPUs busy");
    }
}

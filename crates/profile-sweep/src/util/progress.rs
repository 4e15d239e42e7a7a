//! Telling the user where the sweep is: an indicatif bar on a terminal, one plain line per
//! variant otherwise (a pipe, a log file, or `CI` set).

use std::cell::RefCell;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// Progress output for one sweep.
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
    /// What happens to each variant: "building", "measuring".
    phase: &'static str,
    /// When the current variant started, and the estimate of what is left.
    clock: RefCell<(Instant, Eta)>,
}

impl Progress {
    /// A bar when stderr is a terminal and `CI` is unset, plain lines otherwise; `phase` says
    /// what happens to each of the `total` variants ("building").
    pub fn new(total: usize, phase: &'static str) -> Progress {
        let interactive = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let bar = interactive.then(|| {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {wide_msg}",
                )
                .expect("valid template"),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        let clock = RefCell::new((Instant::now(), Eta::new(total)));
        Progress { bar, total, phase, clock }
    }

    /// Variant number `index` (0-based) starts its phase.
    pub fn start(&self, index: usize, variant: &str) {
        let left = {
            let mut clock = self.clock.borrow_mut();
            clock.0 = Instant::now();
            clock.1.describe()
        };
        match &self.bar {
            Some(bar) => bar.set_message(format!("{} {variant}; {left}", self.phase)),
            None => eprintln!("[{}/{}] {} {variant}", index + 1, self.total, self.phase),
        }
    }

    /// Variant number `index` is done; `summary` says how it went. `worked` is false when
    /// nothing was built or measured (a cached variant), which says nothing about the time
    /// the others take.
    pub fn finish_variant(&self, index: usize, summary: &str, worked: bool) {
        let left = {
            let mut clock = self.clock.borrow_mut();
            let took = clock.0.elapsed();
            clock.1.record(took, worked);
            clock.1.describe()
        };
        let line = format!("[{}/{}] {summary} ({left})", index + 1, self.total);
        match &self.bar {
            Some(bar) => {
                bar.println(line);
                bar.inc(1);
            }
            None => eprintln!("{line}"),
        }
    }
}

/// The time left in a phase, estimated from the variants finished so far: each variant left is
/// expected to take the mean time of the finished ones. Cached variants are instant and say
/// nothing about the others, so they are not counted. Nothing is said before one variant has
/// done work: "estimating".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Eta {
    /// Variants in the phase.
    total: usize,
    finished: usize,
    /// Variants that did work, and the time they took.
    spent: (u32, Duration),
}

impl Eta {
    /// An estimate for a phase of `total` variants.
    pub fn new(total: usize) -> Eta {
        Eta { total, ..Eta::default() }
    }

    /// Counts the next variant as finished after `took`; `worked` is false for a cached one.
    pub fn record(&mut self, took: Duration, worked: bool) {
        self.finished += 1;
        if worked {
            self.spent.0 += 1;
            self.spent.1 += took;
        }
    }

    /// The time left, `None` until one variant has done work.
    pub fn remaining(&self) -> Option<Duration> {
        let (count, time) = self.spent;
        let mean = (count > 0).then(|| time.as_secs_f64() / f64::from(count))?;
        let left = self.total.saturating_sub(self.finished) as f64;
        Some(Duration::from_secs_f64(mean * left))
    }

    /// `about 3 min left`, `estimating the time left`, or `done`.
    pub fn describe(&self) -> String {
        match self.remaining() {
            _ if self.finished >= self.total => "done".to_owned(),
            None => "estimating the time left".to_owned(),
            Some(left) if left < Duration::from_secs(90) => {
                format!("about {} s left", left.as_secs().max(1))
            }
            Some(left) => format!("about {} min left", (left.as_secs() + 30) / 60),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A grid as the schedule runs it: builds of 9 to 11 s, every third group of three from
    /// the cache. Once half the variants are done, the estimate is never more than 2x off the
    /// time really left.
    #[test]
    fn the_estimate_is_within_2x_once_half_is_done() {
        let secs = Duration::from_secs;
        let mut steps = Vec::new();
        for group in 0..8u64 {
            let cached = group % 3 == 2;
            for took in [secs(9 + group % 2), secs(10), secs(11)] {
                steps.push(if cached { (Duration::ZERO, false) } else { (took, true) });
            }
        }
        let total = steps.len();
        let mut eta = Eta::new(total);
        assert_eq!(eta.describe(), "estimating the time left");
        for (done, &(took, worked)) in steps.iter().enumerate() {
            eta.record(took, worked);
            let actual: Duration = steps[done + 1..].iter().map(|s| s.0).sum();
            if done + 1 >= total / 2 && actual > Duration::ZERO {
                let estimate = eta.remaining().unwrap().as_secs_f64();
                let ratio = estimate / actual.as_secs_f64();
                assert!((0.5..=2.0).contains(&ratio), "after {} of {total}: {ratio}", done + 1);
            }
        }
        assert_eq!(eta.describe(), "done");
    }

    #[test]
    fn cached_variants_leave_it_estimating_and_are_not_counted() {
        let mut eta = Eta::new(4);
        eta.record(Duration::ZERO, false);
        assert_eq!(eta.remaining(), None);
        eta.record(Duration::from_secs(120), true);
        assert_eq!(eta.remaining(), Some(Duration::from_secs(240)));
        assert_eq!(eta.describe(), "about 4 min left");
    }
}

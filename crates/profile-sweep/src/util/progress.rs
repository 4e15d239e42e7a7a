//! Telling the user where the sweep is: an indicatif bar on a terminal, one plain line per
//! variant otherwise (a pipe, a log file, or `CI` set).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// Progress output for one sweep.
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
    /// What happens to each variant: "building", "measuring".
    phase: &'static str,
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
                    "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {wide_msg} ETA {eta}",
                )
                .expect("valid template"),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress { bar, total, phase }
    }

    /// Variant number `index` (0-based) starts its phase.
    pub fn start(&self, index: usize, variant: &str) {
        match &self.bar {
            Some(bar) => bar.set_message(format!("{} {variant}", self.phase)),
            None => eprintln!("[{}/{}] {} {variant}", index + 1, self.total, self.phase),
        }
    }

    /// Variant number `index` is done; `summary` says how it went.
    pub fn finish_variant(&self, index: usize, summary: &str) {
        match &self.bar {
            Some(bar) => {
                bar.println(format!("[{}/{}] {summary}", index + 1, self.total));
                bar.inc(1);
            }
            None => eprintln!("[{}/{}] {summary}", index + 1, self.total),
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

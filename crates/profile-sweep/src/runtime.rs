//! Whole-binary timing: run a built executable with fixed argv and stdin, warm up, then time
//! repeated runs (wall clock, spawn to exit) and read peak RSS from the kernel's rusage.
//!
//! A run that exits non-zero, is killed by a signal or exceeds its timeout makes the whole
//! measurement fail, keeping the first lines of its stderr.

use std::fs::File;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::build::first_error_lines;
use crate::stats::{self, Summary};

/// How to run the executable: a validated `[[run]]` of a sweep file.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSpec {
    /// The measurement's name, written to the `measurement` column.
    pub name: String,
    /// Arguments after the program name; never passed through a shell.
    pub args: Vec<String>,
    /// Working directory of each run.
    pub cwd: PathBuf,
    /// Untimed runs before the timed ones.
    pub warmup: u32,
    /// Timed runs (at least 2).
    pub runs: u32,
    /// A run taking longer is killed and the measurement fails.
    pub timeout: Duration,
}

/// A successful measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// Wall time per run, in nanoseconds.
    pub wall_ns: Summary,
    /// The largest resident set size of any run, in bytes.
    pub peak_rss_bytes: u64,
}

/// What measuring gave.
#[derive(Debug, Clone, PartialEq)]
pub enum RunOutcome {
    /// Every run succeeded.
    Measured(Timing),
    /// A run failed; the measurement is void.
    Failed {
        /// Why, e.g. `exited with status 1` or `timed out after 60 s`.
        reason: String,
        /// The first lines of that run's stderr.
        stderr: String,
    },
}

/// Runs `executable` per `spec`, with `stdin` (a file) or no input.
pub fn measure(executable: &Path, spec: &RunSpec, stdin: Option<&Path>) -> Result<RunOutcome> {
    let mut samples = Vec::with_capacity(spec.runs as usize);
    let mut peak_rss_bytes = 0;
    for index in 0..spec.warmup + spec.runs {
        match run_once(executable, spec, stdin)? {
            Ok((elapsed, rss)) => {
                if index >= spec.warmup {
                    samples.push(elapsed.as_nanos() as f64);
                }
                peak_rss_bytes = peak_rss_bytes.max(rss);
            }
            Err(failure) => return Ok(failure),
        }
    }
    let wall_ns = stats::summarize(&samples).context("fewer than two timed runs")?;
    Ok(RunOutcome::Measured(Timing { wall_ns, peak_rss_bytes }))
}

/// One run: its wall time and peak RSS, or why it failed.
fn run_once(executable: &Path, spec: &RunSpec, stdin: Option<&Path>) -> Result<Result<(Duration, u64), RunOutcome>> {
    let mut stderr = tempfile::tempfile().context("cannot create a file for the run's stderr")?;
    let input = match stdin {
        Some(path) => Stdio::from(File::open(path).with_context(|| format!("cannot open {}", path.display()))?),
        None => Stdio::null(),
    };
    let mut command = Command::new(executable);
    command.args(&spec.args).current_dir(&spec.cwd).stdin(input).stdout(Stdio::null()).stderr(stderr.try_clone()?);

    let started = Instant::now();
    let child = command.spawn().with_context(|| format!("cannot run {}", executable.display()))?;
    let pid = child.id() as libc::pid_t;
    let watchdog = Watchdog::start(pid, spec.timeout);
    // Wait for the exit without reaping, so the pid cannot be reused while the watchdog may
    // still signal it; then stop the watchdog; then reap, collecting rusage.
    // SAFETY: plain system calls on our own child; the structs are zero-initialised out-params.
    let (status, elapsed, rusage) = unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        while libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, libc::WEXITED | libc::WNOWAIT) != 0 {
            let error = std::io::Error::last_os_error();
            if error.kind() != std::io::ErrorKind::Interrupted {
                return Err(error).context("waiting for the run");
            }
        }
        let elapsed = started.elapsed();
        let timed_out = watchdog.stop();
        let mut status = 0;
        let mut rusage: libc::rusage = std::mem::zeroed();
        libc::wait4(pid, &mut status, 0, &mut rusage);
        if timed_out {
            return Ok(Err(failure(format!("timed out after {} s", spec.timeout.as_secs_f64()), &mut stderr)));
        }
        (status, elapsed, rusage)
    };
    if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
        // ru_maxrss is in KiB on Linux.
        Ok(Ok((elapsed, rusage.ru_maxrss.max(0) as u64 * 1024)))
    } else if libc::WIFSIGNALED(status) {
        Ok(Err(failure(format!("killed by signal {}", libc::WTERMSIG(status)), &mut stderr)))
    } else {
        Ok(Err(failure(format!("exited with status {}", libc::WEXITSTATUS(status)), &mut stderr)))
    }
}

fn failure(reason: String, stderr: &mut File) -> RunOutcome {
    let mut text = String::new();
    let _ = stderr.rewind().and_then(|_| stderr.read_to_string(&mut text));
    RunOutcome::Failed { reason, stderr: first_error_lines(&text) }
}

/// Kills a run that outlives its timeout.
struct Watchdog {
    state: Arc<(Mutex<(bool, bool)>, Condvar)>,
    thread: std::thread::JoinHandle<()>,
}

impl Watchdog {
    fn start(pid: libc::pid_t, timeout: Duration) -> Watchdog {
        // (the run has exited, the watchdog killed it)
        let state = Arc::new((Mutex::new((false, false)), Condvar::new()));
        let shared = Arc::clone(&state);
        let thread = std::thread::spawn(move || {
            let (lock, exited) = &*shared;
            let guard = lock.lock().expect("watchdog lock");
            let (mut guard, _) = exited.wait_timeout_while(guard, timeout, |(done, _)| !*done).expect("watchdog lock");
            if !guard.0 {
                // SAFETY: the child is not reaped yet (see run_once), so the pid is still ours.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                guard.1 = true;
            }
        });
        Watchdog { state, thread }
    }

    /// Tells the watchdog the run exited; returns whether it had killed it.
    fn stop(self) -> bool {
        let (lock, exited) = &*self.state;
        lock.lock().expect("watchdog lock").0 = true;
        exited.notify_all();
        let _ = self.thread.join();
        lock.lock().expect("watchdog lock").1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(args: &[&str], runs: u32, timeout: Duration) -> RunSpec {
        RunSpec {
            name: "t".into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            cwd: std::env::temp_dir(),
            warmup: 1,
            runs,
            timeout,
        }
    }

    #[test]
    fn times_successful_runs_and_reads_peak_rss() {
        let outcome = measure(Path::new("/bin/sh"), &spec(&["-c", "exit 0"], 3, Duration::from_secs(30)), None).unwrap();
        let RunOutcome::Measured(timing) = outcome else { panic!("{outcome:?}") };
        assert_eq!(timing.wall_ns.samples, 3);
        assert!(timing.wall_ns.min > 0.0 && timing.wall_ns.min <= timing.wall_ns.max);
        assert!(timing.peak_rss_bytes > 100 * 1024, "a shell needs more than 100 KiB");
    }

    #[test]
    fn stdin_is_fed_from_the_file() {
        let mut input = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut input, b"expected").unwrap();
        let check = spec(&["-c", "read line; test \"$line\" = expected"], 2, Duration::from_secs(30));
        assert!(matches!(measure(Path::new("/bin/sh"), &check, Some(input.path())).unwrap(), RunOutcome::Measured(_)));
        assert!(matches!(measure(Path::new("/bin/sh"), &check, None).unwrap(), RunOutcome::Failed { .. }));
    }

    #[test]
    fn a_failing_run_keeps_its_reason_and_stderr() {
        let outcome = measure(Path::new("/bin/sh"), &spec(&["-c", "echo 'error: no input' >&2; exit 3"], 2, Duration::from_secs(30)), None).unwrap();
        assert_eq!(outcome, RunOutcome::Failed { reason: "exited with status 3".into(), stderr: "error: no input".into() });
    }

    #[test]
    fn a_run_past_its_timeout_is_killed() {
        let started = Instant::now();
        let outcome = measure(Path::new("/bin/sh"), &spec(&["-c", "sleep 30"], 2, Duration::from_millis(200)), None).unwrap();
        assert!(matches!(&outcome, RunOutcome::Failed { reason, .. } if reason == "timed out after 0.2 s"), "{outcome:?}");
        assert!(started.elapsed() < Duration::from_secs(20));
    }
}

//! Whole-binary timing: run a built executable with fixed argv and stdin, warm up, then time
//! repeated runs (wall clock, spawn to exit) and read peak RSS and CPU time from the kernel's
//! rusage. The machine's load is sampled around every run and the timing judged for noise
//! ([`crate::measure::noise`]); the first run's stdout is hashed, to check that variants agree.
//!
//! A run that exits non-zero, is killed by a signal or exceeds its timeout makes the whole
//! measurement fail, keeping the first lines of its stderr.

// Timing needs the Unix process API; elsewhere `run_to_exit` says so, and what only it uses
// goes unused.
#![cfg_attr(not(unix), allow(unused_imports, dead_code))]

use std::fs::File;
use std::io::{Read, Seek};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::measure::noise::{Load, Noise};
use crate::measure::paired::{self, Ratio};
use crate::measure::stats::{self, Summary};
use crate::plan::measures::RunSpec;
use crate::util::child_output::first_error_lines;
use crate::util::hash::sha256_hex;
use crate::util::interrupt;

/// A successful measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// Wall time per run, in nanoseconds.
    pub wall_ns: Summary,
    /// The largest resident set size of any run, in bytes.
    pub peak_rss_bytes: u64,
    /// Mean user CPU time per timed run, in nanoseconds.
    pub user_ns: f64,
    /// Mean system CPU time per timed run, in nanoseconds.
    pub sys_ns: f64,
    /// Why the wall times may not be trusted, if they may not.
    pub noise: Noise,
    /// The most runnable processes seen while it ran, the harness included.
    pub runnable_max: Option<u32>,
    /// The CPUs other processes kept busy on average while it ran ([`Load::others_cpus`]).
    pub others_cpus: Option<f64>,
    /// sha256 of the first run's stdout, when the spec checks output.
    pub stdout_sha256: Option<String>,
    /// Its time against the baseline's, when both were timed in the same rounds.
    pub paired: Option<Paired>,
}

/// A variant's time against the baseline's from rounds that timed both
/// ([`crate::measure::paired`]): wall time, and CPU time (user + system), which load moves far
/// less.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paired {
    /// Wall time ratio.
    pub wall: Ratio,
    /// CPU time ratio; `None` when the kernel reported no CPU time for some runs (a program
    /// shorter than its accounting tick).
    pub cpu: Option<Ratio>,
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

/// Runs the subject's executable per its spec, with its stdin (a file) or no input, and its
/// library path as `LD_LIBRARY_PATH` when it loads libraries from there. Also returns the wall time of every
/// process run, warm-ups included.
pub fn measure(subject: Subject<'_>) -> Result<(RunOutcome, Duration)> {
    let spec = subject.spec;
    let mut sampler = Sampler::new(subject);
    for _ in 0..spec.warmup + spec.runs {
        if !sampler.run_once()? {
            break;
        }
    }
    sampler.finish()
}

/// What one measurement runs: an executable, how, on what.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The executable.
    pub executable: &'a Path,
    /// Its argv, working directory, counts and timeout.
    pub spec: &'a RunSpec,
    /// Its stdin file, if any.
    pub stdin: Option<&'a Path>,
    /// `LD_LIBRARY_PATH` it needs, if any.
    pub library_path: Option<&'a Path>,
    /// The program it runs under (Wine, for a Windows executable), if any.
    pub runner: Option<&'a Path>,
}

/// One measurement in progress, one run at a time, so runs of several executables can be
/// interleaved (`measure-order = "interleaved"`): warm-ups first, then the timed runs.
#[derive(Debug)]
pub struct Sampler<'a> {
    subject: Subject<'a>,
    /// Runs done, warm-ups included.
    done: u32,
    /// Timed runs added beyond the spec's (targeted re-runs).
    extra: u32,
    samples: Vec<f64>,
    /// CPU time (user + system) of each timed run, in nanoseconds.
    cpu_samples: Vec<f64>,
    user: Duration,
    sys: Duration,
    peak_rss_bytes: u64,
    in_processes: Duration,
    stdout_sha256: Option<String>,
    load: Load,
    failed: Option<RunOutcome>,
}

impl<'a> Sampler<'a> {
    /// A measurement of `subject` with no run done.
    pub fn new(subject: Subject<'a>) -> Sampler<'a> {
        Sampler {
            samples: Vec::with_capacity(subject.spec.runs as usize),
            cpu_samples: Vec::with_capacity(subject.spec.runs as usize),
            subject,
            done: 0,
            extra: 0,
            user: Duration::ZERO,
            sys: Duration::ZERO,
            peak_rss_bytes: 0,
            in_processes: Duration::ZERO,
            stdout_sha256: None,
            load: Load::new(Load::available_cpus()),
            failed: None,
        }
    }

    /// Whether the next run is a warm-up.
    pub fn warming_up(&self) -> bool {
        self.done < self.subject.spec.warmup
    }

    /// Does the next run (warm-up or timed); `false` once a run failed or all are done.
    pub fn run_once(&mut self) -> Result<bool> {
        let spec = self.subject.spec;
        if self.failed.is_some() || self.done >= spec.warmup + spec.runs + self.extra {
            return Ok(false);
        }
        let mut command =
            crate::host::windows::command_for(self.subject.executable, self.subject.runner);
        command.args(&spec.args).current_dir(&spec.cwd);
        set_library_path(&mut command, self.subject.library_path);
        // The first run's output is hashed; before the timed runs when there is a warm-up.
        let hash_stdout = self.done == 0 && spec.check_output;
        self.load.sample();
        let stdout = if hash_stdout { Stdout::Hash } else { Stdout::Discard };
        let exit = run_to_exit(&mut command, self.subject.stdin, spec.timeout, stdout)?;
        self.load.sample();
        self.in_processes += exit.elapsed;
        if exit.exit != Exit::Success {
            let reason = exit.exit.to_string();
            self.failed = Some(RunOutcome::Failed { reason, stderr: exit.stderr });
            return Ok(false);
        }
        self.stdout_sha256 = self.stdout_sha256.take().or(exit.stdout_sha256);
        if !self.warming_up() {
            self.samples.push(exit.elapsed.as_nanos() as f64);
            self.cpu_samples.push((exit.user + exit.sys).as_nanos() as f64);
            self.user += exit.user;
            self.sys += exit.sys;
        }
        self.peak_rss_bytes = self.peak_rss_bytes.max(exit.peak_rss_bytes);
        self.done += 1;
        Ok(true)
    }

    /// Allows one more timed run than the spec asks for (a targeted re-run).
    pub fn add_run(&mut self) {
        self.extra += 1;
    }

    /// Whether other processes wanted every CPU during at least half its runs so far.
    pub fn busy(&self) -> bool {
        self.load.busy()
    }

    /// This measurement against `baseline`'s, run for run; `None` unless both have at least
    /// two timed runs.
    pub fn paired_with(&self, baseline: &Sampler<'_>) -> Option<Paired> {
        let cpu_counted = |s: &Sampler<'_>| s.cpu_samples.iter().all(|&ns| ns > 0.0);
        let cpu = (cpu_counted(self) && cpu_counted(baseline))
            .then(|| paired::ratio(&self.cpu_samples, &baseline.cpu_samples))
            .flatten();
        Some(Paired { wall: paired::ratio(&self.samples, &baseline.samples)?, cpu })
    }

    /// The outcome, and the wall time of every process run.
    pub fn finish(self) -> Result<(RunOutcome, Duration)> {
        if let Some(failed) = self.failed {
            return Ok((failed, self.in_processes));
        }
        let wall_ns = stats::summarize(&self.samples).context("fewer than two timed runs")?;
        let runs = self.samples.len() as f64;
        let timing = Timing {
            noise: Noise::assess(&self.samples, &wall_ns, &self.load),
            wall_ns,
            peak_rss_bytes: self.peak_rss_bytes,
            user_ns: (self.user.as_nanos() as f64 / runs).round(),
            sys_ns: (self.sys.as_nanos() as f64 / runs).round(),
            runnable_max: self.load.runnable_max(),
            others_cpus: self.load.others_cpus(),
            stdout_sha256: self.stdout_sha256,
            paired: None,
        };
        Ok((RunOutcome::Measured(timing), self.in_processes))
    }
}

/// Sets `LD_LIBRARY_PATH` to `dir` (only), for an executable that loads shared libraries from
/// there (a `-C prefer-dynamic` build's `libstd-*.so`); leaves the environment alone for `None`.
pub fn set_library_path(command: &mut Command, dir: Option<&Path>) {
    if let Some(dir) = dir {
        command.env("LD_LIBRARY_PATH", dir);
    }
}

/// How a measured process ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Exit {
    /// Exit status 0.
    Success,
    /// Another exit status.
    Status(i32),
    /// Killed by a signal (not ours).
    Signal(i32),
    /// Killed by us after the timeout.
    TimedOut(Duration),
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exit::Success => write!(f, "exited with status 0"),
            Exit::Status(code) => write!(f, "exited with status {code}"),
            Exit::Signal(signal) => write!(f, "killed by signal {signal}"),
            Exit::TimedOut(timeout) => write!(f, "timed out after {} s", timeout.as_secs_f64()),
        }
    }
}

/// One finished process.
#[derive(Debug)]
pub struct ProcessExit {
    /// How it ended.
    pub exit: Exit,
    /// Wall time from spawn to exit.
    pub elapsed: Duration,
    /// Its peak resident set size, in bytes.
    pub peak_rss_bytes: u64,
    /// User CPU time.
    pub user: Duration,
    /// System CPU time.
    pub sys: Duration,
    /// The first lines of its stderr (see [`first_error_lines`]).
    pub stderr: String,
    /// sha256 of its stdout, when asked for.
    pub stdout_sha256: Option<String>,
    /// Its stdout, when asked for.
    pub stdout: Option<String>,
}

/// What becomes of a measured process's stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stdout {
    /// Discarded.
    Discard,
    /// Kept in a temporary file and hashed ([`ProcessExit::stdout_sha256`]).
    Hash,
    /// Kept as text ([`ProcessExit::stdout`]): a bench harness's table.
    Keep,
}

/// Runs `command` to its end in a process group of its own (so a signal to the sweep stops
/// it), with `stdin` from a file or none, stdout as `stdout` says, and a timeout.
#[cfg(unix)]
pub fn run_to_exit(
    command: &mut Command,
    stdin: Option<&Path>,
    timeout: Duration,
    stdout_use: Stdout,
) -> Result<ProcessExit> {
    let mut stderr =
        tempfile::tempfile().context("cannot create a file for the process's stderr")?;
    let stdout = if stdout_use != Stdout::Discard {
        Some(tempfile::tempfile().context("cannot create a file for the process's stdout")?)
    } else {
        None
    };
    let stdout_stdio = match &stdout {
        Some(file) => Stdio::from(file.try_clone()?),
        None => Stdio::null(),
    };
    let input = match stdin {
        Some(path) => Stdio::from(
            File::open(path).with_context(|| format!("cannot open {}", path.display()))?,
        ),
        None => Stdio::null(),
    };
    command.stdin(input).stdout(stdout_stdio).stderr(stderr.try_clone()?);
    crate::util::platform::own_process_group(command);
    // A measured program (or Valgrind) outliving a `kill -9`ed sweep would hold its executable
    // busy ("Text file busy" on the next build) and load the machine.
    crate::util::platform::die_with_parent(command);

    let started = Instant::now();
    let child = command
        .spawn()
        .with_context(|| format!("cannot run {}", command.get_program().to_string_lossy()))?;
    let pid = child.id() as libc::pid_t;
    interrupt::set_child_group(pid);
    let watchdog = Watchdog::start(pid, timeout);
    // Wait for the exit without reaping, so the pid cannot be reused while the watchdog may
    // still signal it; then stop the watchdog; then reap, collecting rusage.
    // SAFETY: plain system calls on our own child; the structs are zero-initialised out-params.
    let (status, elapsed, rusage, timed_out) = unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        while libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, libc::WEXITED | libc::WNOWAIT)
            != 0
        {
            let error = std::io::Error::last_os_error();
            if error.kind() != std::io::ErrorKind::Interrupted {
                return Err(error).context("waiting for a measured process");
            }
        }
        let elapsed = started.elapsed();
        let timed_out = watchdog.stop();
        interrupt::set_child_group(0);
        let mut status = 0;
        let mut rusage: libc::rusage = std::mem::zeroed();
        libc::wait4(pid, &mut status, 0, &mut rusage);
        (status, elapsed, rusage, timed_out)
    };
    let exit = if timed_out {
        Exit::TimedOut(timeout)
    } else if libc::WIFSIGNALED(status) {
        Exit::Signal(libc::WTERMSIG(status))
    } else if libc::WEXITSTATUS(status) == 0 {
        Exit::Success
    } else {
        Exit::Status(libc::WEXITSTATUS(status))
    };
    let mut text = String::new();
    if exit != Exit::Success {
        let _ = stderr.rewind().and_then(|_| stderr.read_to_string(&mut text));
    }
    let mut bytes = Vec::new();
    if let Some(mut file) = stdout {
        file.rewind()?;
        file.read_to_end(&mut bytes)?;
    }
    let stdout_sha256 = (stdout_use == Stdout::Hash).then(|| sha256_hex(&bytes));
    let stdout = (stdout_use == Stdout::Keep).then(|| String::from_utf8_lossy(&bytes).into_owned());
    Ok(ProcessExit {
        exit,
        elapsed,
        peak_rss_bytes: crate::util::platform::max_rss_bytes(rusage.ru_maxrss).unwrap_or(0),
        user: timeval(rusage.ru_utime),
        sys: timeval(rusage.ru_stime),
        stderr: first_error_lines(&text),
        stdout_sha256,
        stdout,
    })
}

/// Not supported on this platform yet: timing a run needs the Unix process API (CPU time and
/// peak memory from `wait4`, process groups for the timeout and Ctrl-C).
#[cfg(not(unix))]
pub fn run_to_exit(
    command: &mut Command,
    _stdin: Option<&Path>,
    _timeout: Duration,
    _stdout_use: Stdout,
) -> Result<ProcessExit> {
    anyhow::bail!(
        "running {} is not supported on this platform yet: timed runs, instruction counts and criterion benches need the Unix process API; sizes and build times are measured",
        command.get_program().to_string_lossy()
    )
}

/// A kernel `timeval` as a duration.
#[cfg(unix)]
fn timeval(time: libc::timeval) -> Duration {
    Duration::from_secs(time.tv_sec.max(0) as u64)
        + Duration::from_micros(time.tv_usec.max(0) as u64)
}

/// Kills a run that outlives its timeout.
#[cfg(unix)]
struct Watchdog {
    state: Arc<(Mutex<(bool, bool)>, Condvar)>,
    thread: std::thread::JoinHandle<()>,
}

#[cfg(unix)]
impl Watchdog {
    fn start(pid: libc::pid_t, timeout: Duration) -> Watchdog {
        // (the run has exited, the watchdog killed it)
        let state = Arc::new((Mutex::new((false, false)), Condvar::new()));
        let shared = Arc::clone(&state);
        let thread = std::thread::spawn(move || {
            let (lock, exited) = &*shared;
            let guard = lock.lock().expect("watchdog lock");
            let (mut guard, _) = exited
                .wait_timeout_while(guard, timeout, |(done, _)| !*done)
                .expect("watchdog lock");
            if !guard.0 {
                // SAFETY: the child is not reaped yet (see run_to_exit), so the pid is still ours.
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

    /// [`super::measure`] of a subject with no runner.
    fn measure(
        executable: &Path,
        spec: &RunSpec,
        stdin: Option<&Path>,
        library_path: Option<&Path>,
    ) -> Result<(RunOutcome, Duration)> {
        super::measure(Subject { executable, spec, stdin, library_path, runner: None })
    }

    fn spec(args: &[&str], runs: u32, timeout: Duration) -> RunSpec {
        RunSpec {
            name: "t".into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            cwd: std::env::temp_dir(),
            warmup: 1,
            runs,
            timeout,
            check_output: true,
            instructions: None,
            remeasure_noisy: 0,
            retime: Duration::ZERO,
        }
    }

    #[test]
    fn times_successful_runs_and_reads_peak_rss() {
        let outcome = measure(
            Path::new("/bin/sh"),
            &spec(&["-c", "exit 0"], 3, Duration::from_secs(30)),
            None,
            None,
        )
        .unwrap()
        .0;
        let RunOutcome::Measured(timing) = outcome else { panic!("{outcome:?}") };
        assert_eq!(timing.wall_ns.samples, 3);
        assert!(timing.wall_ns.min > 0.0 && timing.wall_ns.min <= timing.wall_ns.max);
        assert!(timing.peak_rss_bytes > 100 * 1024, "a shell needs more than 100 KiB");
    }

    #[test]
    fn stdin_is_fed_from_the_file() {
        let mut input = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut input, b"expected").unwrap();
        let check =
            spec(&["-c", "read line; test \"$line\" = expected"], 2, Duration::from_secs(30));
        assert!(matches!(
            measure(Path::new("/bin/sh"), &check, Some(input.path()), None).unwrap().0,
            RunOutcome::Measured(_)
        ));
        assert!(matches!(
            measure(Path::new("/bin/sh"), &check, None, None).unwrap().0,
            RunOutcome::Failed { .. }
        ));
    }

    #[test]
    fn a_failing_run_keeps_its_reason_and_stderr() {
        let outcome = measure(
            Path::new("/bin/sh"),
            &spec(&["-c", "echo 'error: no input' >&2; exit 3"], 2, Duration::from_secs(30)),
            None,
            None,
        )
        .unwrap()
        .0;
        assert_eq!(
            outcome,
            RunOutcome::Failed {
                reason: "exited with status 3".into(),
                stderr: "error: no input".into()
            }
        );
    }

    #[test]
    fn a_run_past_its_timeout_is_killed() {
        let started = Instant::now();
        let outcome = measure(
            Path::new("/bin/sh"),
            &spec(&["-c", "sleep 30"], 2, Duration::from_millis(200)),
            None,
            None,
        )
        .unwrap()
        .0;
        assert!(
            matches!(&outcome, RunOutcome::Failed { reason, .. } if reason == "timed out after 0.2 s"),
            "{outcome:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(20));
    }
}

//! Instruction counts: the program run once more under Valgrind's Cachegrind
//! (`--cache-sim=no`), which counts every instruction it executes. A count does not move with
//! the machine's load, so it can rank variants on a busy machine where wall time cannot; but
//! it is not time: cache misses, branch mispredictions and the cost of each instruction are not
//! in it.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::measure::runtime::{Exit, run_to_exit, set_library_path};
use crate::plan::measures::RunSpec;

/// How much longer than a plain run a run under Cachegrind may take before it is killed
/// (measured here: about 20x).
const SLOWDOWN_ALLOWED: u32 = 100;

/// The `measurement` column of the instruction count of run `run`.
pub fn measurement_name(run: &str) -> String {
    format!("{PREFIX}{run}")
}

/// What instruction-count measurements are called: `instructions:<run>`.
pub const PREFIX: &str = "instructions:";

/// The `unit` column of an instruction count.
pub const UNIT: &str = "instructions";

/// What counting gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountOutcome {
    /// Instructions executed by the program (its own process; children are not followed).
    Counted(u64),
    /// The run failed under Valgrind.
    Failed {
        /// Why.
        reason: String,
        /// The first lines of its stderr.
        stderr: String,
    },
}

/// `valgrind --version`, or why it cannot be run (with the install command).
pub fn valgrind_version() -> Result<String, String> {
    let missing = "Valgrind is not installed: apt-get install valgrind (or your system's package)";
    let output = Command::new("valgrind").arg("--version").output().map_err(|_| missing)?;
    if !output.status.success() {
        return Err(missing.to_owned());
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Runs `executable` once per `spec` under Cachegrind and reads the count. Also returns the
/// wall time it took.
pub fn count(
    executable: &Path,
    spec: &RunSpec,
    stdin: Option<&Path>,
    library_path: Option<&Path>,
    log: &Path,
) -> Result<(CountOutcome, Duration)> {
    if let Some(dir) = log.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut command = Command::new("valgrind");
    command
        .arg("--tool=cachegrind")
        .arg("--cache-sim=no")
        .arg("--cachegrind-out-file=/dev/null")
        .arg(format!("--log-file={}", log.display()))
        .arg(executable)
        .args(&spec.args)
        .current_dir(&spec.cwd);
    set_library_path(&mut command, library_path);
    let exit = run_to_exit(&mut command, stdin, spec.timeout * SLOWDOWN_ALLOWED, false)?;
    if exit.exit != Exit::Success {
        let outcome = CountOutcome::Failed {
            reason: format!("under Valgrind, {}", exit.exit),
            stderr: exit.stderr,
        };
        return Ok((outcome, exit.elapsed));
    }
    let text = std::fs::read_to_string(log).context("cannot read Valgrind's log")?;
    crate::util::files::remove_file(log)?;
    let outcome = match instructions_in(&text) {
        Some(count) => CountOutcome::Counted(count),
        None => CountOutcome::Failed {
            reason: "Valgrind's log has no `I refs` line".to_owned(),
            stderr: text.lines().take(20).collect::<Vec<_>>().join("\n"),
        },
    };
    Ok((outcome, exit.elapsed))
}

/// The count of Cachegrind's summary line `==PID== I   refs:      457,654,768`.
fn instructions_in(log: &str) -> Option<u64> {
    let line = log.lines().find(|l| l.contains("I   refs:"))?;
    let digits: String =
        line.split("I   refs:").nth(1)?.chars().filter(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_line_is_read() {
        let log = "==1== Command: /bin/true\n==1== \n==1== I   refs:      457,654,768\n";
        assert_eq!(instructions_in(log), Some(457_654_768));
        assert_eq!(instructions_in("==1== no summary\n"), None);
        assert_eq!(measurement_name("convert-200k"), "instructions:convert-200k");
    }

    #[test]
    #[ignore = "needs Valgrind: `cargo xtask test` installs it"]
    fn counts_are_exact_and_repeatable() {
        assert!(
            valgrind_version().is_ok(),
            "Valgrind is not installed: `cargo xtask test` installs it"
        );
        let spec = RunSpec {
            name: "t".into(),
            args: vec!["-c".into(), "i=0; while [ $i -lt 200 ]; do i=$((i+1)); done".into()],
            cwd: std::env::temp_dir(),
            warmup: 0,
            runs: 2,
            timeout: Duration::from_secs(30),
            check_output: false,
            instructions: Some(true),
            remeasure_noisy: 0,
        };
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("logs/cachegrind.log");
        let first = count(Path::new("/bin/sh"), &spec, None, None, &log).unwrap().0;
        let second = count(Path::new("/bin/sh"), &spec, None, None, &log).unwrap().0;
        assert!(!log.exists(), "the log is read and removed");
        let CountOutcome::Counted(n) = first else { panic!("{first:?}") };
        assert!(n > 100_000, "a shell loop runs many instructions: {n}");
        assert_eq!(first, second, "the same program and input count the same");
    }
}

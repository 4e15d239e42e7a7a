//! Instruction counts and estimated cycles: the program run once more under Valgrind's
//! Cachegrind, which counts every instruction it executes and simulates the caches. A count
//! does not move with the machine's load, so it can rank variants on a busy machine where wall
//! time cannot; but it is not time: cache misses, branch mispredictions and the cost of each
//! instruction are not in it.
//!
//! Estimated cycles put the cache misses back, as gungraun (iai-callgrind) does: L1 hits + 5 x
//! last-level hits + 35 x RAM accesses, on a fixed simulated cache (32 KiB 8-way L1 for code and
//! for data, an 8 MiB 16-way last level, 64-byte lines) rather than the host's, so the estimate
//! is the same on every machine. Branch mispredictions and instruction costs are still not in
//! it. The cache simulation made a run about 3x slower than counting alone (10.7 s against
//! 3.5 s for json2csv on 200,000 records here).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::host::tool::Tool;
use crate::measure::runtime::{Exit, Stdout, run_to_exit, set_library_path};
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

/// The `measurement` column of the estimated cycles of run `run`.
pub fn cycles_measurement_name(run: &str) -> String {
    format!("{CYCLES_PREFIX}{run}")
}

/// What estimated-cycle measurements are called: `cycles:<run>`.
pub const CYCLES_PREFIX: &str = "cycles:";

/// The `unit` column of estimated cycles.
pub const CYCLES_UNIT: &str = "estimated cycles";

/// Whether a `unit` column names an exact count (instructions or estimated cycles), not a time.
pub fn is_count_unit(unit: &str) -> bool {
    matches!(unit, UNIT | CYCLES_UNIT)
}

/// The simulated caches (size, associativity, line size), fixed so that an estimate does not
/// depend on the host's caches.
const CACHES: [&str; 3] = ["--I1=32768,8,64", "--D1=32768,8,64", "--LL=8388608,16,64"];

/// What Cachegrind counted in one run (the program's own process; children are not followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Instructions executed.
    pub instructions: u64,
    /// L1 hits + 5 x last-level hits + 35 x RAM accesses, on the simulated caches; `None` when
    /// the caches were not simulated.
    pub estimated_cycles: Option<u64>,
}

/// What counting gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountOutcome {
    /// The counts of the run.
    Counted(Counts),
    /// Valgrind cannot run this build's code: it stopped on an instruction it does not know
    /// (SIGILL), such as the AVX-512 that `-C target-cpu=x86-64-v4` (or `native` on a CPU with
    /// it) enables; the program itself ran.
    Unsupported {
        /// What to say.
        reason: String,
    },
    /// The run failed under Valgrind.
    Failed {
        /// Why.
        reason: String,
        /// The first lines of its stderr.
        stderr: String,
    },
}

/// Valgrind as found here: its `--version`, or missing with the install command.
pub fn valgrind() -> Tool<String> {
    match Command::new("valgrind").arg("--version").output() {
        Ok(output) if output.status.success() => {
            Tool::Found(String::from_utf8_lossy(&output.stdout).trim().to_owned())
        }
        _ => Tool::missing(
            "Valgrind is not installed",
            "apt-get install valgrind (or your system's package)",
        ),
    }
}

/// Whether Cachegrind simulates the caches, for estimated cycles (about 3x the time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caches {
    /// Instructions and estimated cycles.
    Simulated,
    /// Instructions alone.
    NotSimulated,
}

/// Runs `executable` once per `spec` under Cachegrind and reads the count. Also returns the
/// wall time it took. With `per_function`, Cachegrind's output file (names left mangled, for
/// [`crate::measure::hot`]) is written there.
pub fn count(
    executable: &Path,
    spec: &RunSpec,
    stdin: Option<&Path>,
    library_path: Option<&Path>,
    log: &Path,
    per_function: Option<&Path>,
    caches: Caches,
) -> Result<(CountOutcome, Duration)> {
    if let Some(dir) = log.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut command = Command::new("valgrind");
    command
        .arg("--tool=cachegrind")
        .arg(match caches {
            Caches::Simulated => "--cache-sim=yes",
            Caches::NotSimulated => "--cache-sim=no",
        })
        .args(CACHES.iter().filter(|_| caches == Caches::Simulated))
        .arg(match per_function {
            Some(out) => format!("--cachegrind-out-file={}", out.display()),
            None => "--cachegrind-out-file=/dev/null".to_owned(),
        })
        .args(per_function.map(|_| "--demangle=no"))
        .arg(format!("--log-file={}", log.display()))
        .arg(executable)
        .args(&spec.args)
        .current_dir(&spec.cwd);
    set_library_path(&mut command, library_path);
    let exit = run_to_exit(&mut command, stdin, spec.timeout * SLOWDOWN_ALLOWED, Stdout::Discard)?;
    if exit.exit == Exit::Signal(libc::SIGILL) {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        crate::util::files::remove_file(log)?;
        let reason = format!(
            "not counted: Valgrind stops on an instruction it cannot decode in this build (SIGILL); Valgrind has no AVX-512, which -C target-cpu=x86-64-v4, and native on a CPU with it, enable (`{}`)",
            first_line_of(&text)
        );
        return Ok((CountOutcome::Unsupported { reason }, exit.elapsed));
    }
    if exit.exit != Exit::Success {
        let outcome = CountOutcome::Failed {
            reason: format!("under Valgrind, {}", exit.exit),
            stderr: exit.stderr,
        };
        return Ok((outcome, exit.elapsed));
    }
    let text = std::fs::read_to_string(log).context("cannot read Valgrind's log")?;
    crate::util::files::remove_file(log)?;
    let outcome = match counts_in(&text, caches) {
        Some(counts) => CountOutcome::Counted(counts),
        None => CountOutcome::Failed {
            reason: "Valgrind's log lacks a summary line (`I refs`, `D1  misses`, ...)".to_owned(),
            stderr: text.lines().take(20).collect::<Vec<_>>().join("\n"),
        },
    };
    Ok((outcome, exit.elapsed))
}

/// Valgrind's log line naming the instruction it could not decode (without its `==PID==`).
fn first_line_of(log: &str) -> &str {
    let unhandled = log.lines().find(|l| l.contains("unhandled instruction"));
    unhandled.map_or("no message", |l| l.rsplit("== ").next().unwrap_or(l).trim())
}

/// The first number on Cachegrind's summary line `label` (`==PID== I   refs:  457,654,768`;
/// for data lines, the total before the read and write parts).
fn summary_number(log: &str, label: &str) -> Option<u64> {
    let line = log.lines().find(|l| l.contains(label))?;
    let rest = line.split(label).nth(1)?.trim_start();
    let number: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == ',').collect();
    number.replace(',', "").parse().ok()
}

/// The instruction count and estimated cycles of Cachegrind's summary.
fn counts_in(log: &str, caches: Caches) -> Option<Counts> {
    let number = |label| summary_number(log, label);
    let instructions = number("I   refs:")?;
    if caches == Caches::NotSimulated {
        return Some(Counts { instructions, estimated_cycles: None });
    }
    let accesses = instructions + number("D   refs:")?;
    let l1_misses = number("I1  misses:")? + number("D1  misses:")?;
    let ram = number("LLi misses:")? + number("LLd misses:")?;
    let ll_hits = l1_misses.checked_sub(ram)?;
    let l1_hits = accesses.checked_sub(l1_misses)?;
    let estimated_cycles = Some(l1_hits + 5 * ll_hits + 35 * ram);
    Some(Counts { instructions, estimated_cycles })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cachegrind 3.19's summary of json2csv on 200,000 records.
    const LOG: &str = "==29732== I   refs:      1,722,939,145
==29732== I1  misses:            2,154
==29732== LLi misses:            2,132
==29732== I1  miss rate:          0.00%
==29732== 
==29732== D   refs:        786,998,155  (461,883,019 rd   + 325,115,136 wr)
==29732== D1  misses:        5,380,844  (  3,782,325 rd   +   1,598,519 wr)
==29732== LLd misses:        1,437,034  (     67,361 rd   +   1,369,673 wr)
==29732== LL misses:         1,439,166  (     69,493 rd   +   1,369,673 wr)
";

    #[test]
    fn the_summary_lines_are_read() {
        let counts = counts_in(LOG, Caches::Simulated).unwrap();
        assert_eq!(counts.instructions, 1_722_939_145);
        // RAM 2,132 + 1,437,034; LL hits 2,154 + 5,380,844 - RAM; L1 hits the other accesses.
        let (ram, l1_misses) = (1_439_166u64, 5_382_998u64);
        let l1_hits = 1_722_939_145 + 786_998_155 - l1_misses;
        assert_eq!(counts.estimated_cycles, Some(l1_hits + 5 * (l1_misses - ram) + 35 * ram));
        let alone = "==1== I   refs:      457,654,768\n";
        assert_eq!(counts_in(alone, Caches::Simulated), None, "no cache lines");
        let instructions = Counts { instructions: 457_654_768, estimated_cycles: None };
        assert_eq!(counts_in(alone, Caches::NotSimulated), Some(instructions));
        assert_eq!(measurement_name("convert-200k"), "instructions:convert-200k");
        assert_eq!(cycles_measurement_name("convert-200k"), "cycles:convert-200k");
    }

    #[test]
    #[ignore = "needs Valgrind: `cargo xtask test` installs it"]
    fn counts_are_exact_and_repeatable() {
        assert!(valgrind().is_found(), "Valgrind is not installed: `cargo xtask test` installs it");
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
            retime: Duration::ZERO,
        };
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("logs/cachegrind.log");
        let sh = Path::new("/bin/sh");
        let first = count(sh, &spec, None, None, &log, None, Caches::Simulated).unwrap().0;
        let out = dir.path().join("cachegrind.out");
        let second = count(sh, &spec, None, None, &log, Some(&out), Caches::Simulated).unwrap().0;
        let alone = count(sh, &spec, None, None, &log, None, Caches::NotSimulated).unwrap().0;
        assert!(!log.exists(), "the log is read and removed");
        let CountOutcome::Counted(n) = first else { panic!("{first:?}") };
        assert!(n.instructions > 100_000, "a shell loop runs many instructions: {n:?}");
        assert!(n.estimated_cycles > Some(n.instructions), "every access costs at least a cycle");
        assert_eq!(first, second, "the same program and input count the same");
        let instructions_alone = Counts { estimated_cycles: None, ..n };
        assert_eq!(alone, CountOutcome::Counted(instructions_alone), "the same count, no cycles");
        let per_function =
            crate::measure::hot::instructions_per_function(&std::fs::read_to_string(&out).unwrap())
                .unwrap();
        assert_eq!(
            per_function.values().sum::<u64>(),
            n.instructions,
            "every instruction is in a function"
        );
    }
}

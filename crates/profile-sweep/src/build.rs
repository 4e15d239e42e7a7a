//! Building one variant: `cargo build --profile sweep-<id>` for the binary, or
//! `cargo bench --no-run --profile sweep-<id>` for a bench target, timed, with the executable
//! located from cargo's JSON messages and the panic strategy rustc was really given read from
//! cargo's verbose output. A variant that differs from a built one only in `strip` is made by
//! relinking the final crate of that build: `cargo rustc --profile <built> -- -C strip=<value>`.
//! Knows nothing of sizes or CSV.

use std::io::{BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result};
use cargo_metadata::{Message, TargetKind};

use crate::interrupt;
use crate::settings::{Panic, Setting, Strip};

/// How many lines of cargo's error output a failed build keeps.
const ERROR_LINES: usize = 40;

/// One build to run.
#[derive(Debug, Clone, Copy)]
pub struct BuildRequest<'a> {
    /// The cargo to run (`$CARGO`).
    pub cargo: &'a Path,
    /// The workspace root manifest.
    pub manifest: &'a Path,
    /// The cargo profile, `sweep-<id>`.
    pub profile: &'a str,
    /// The package holding the target.
    pub package: &'a str,
    /// What to build.
    pub target: CargoTarget<'a>,
    /// Features to enable (the target's `required-features`).
    pub features: &'a [String],
    /// Instead of a plain build, recompile only the target itself with `-C strip=<value>` on
    /// top of `profile` (which must already be built, with every dependency).
    pub relink_strip: Option<Strip>,
}

/// A target of a package, by kind and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CargoTarget<'a> {
    /// A binary, built with `cargo build --bin`.
    Bin(&'a str),
    /// A bench target, compiled with `cargo bench --no-run --bench`.
    Bench(&'a str),
}

impl CargoTarget<'_> {
    fn name(&self) -> &str {
        match self {
            CargoTarget::Bin(name) | CargoTarget::Bench(name) => name,
        }
    }
}

/// What a build produced.
#[derive(Debug, Clone, PartialEq)]
pub enum BuildOutcome {
    /// The binary was built.
    Built {
        /// Where cargo put it (inside the target dir; copy it before the next build).
        executable: PathBuf,
        /// Wall time of the whole cargo command.
        seconds: f64,
        /// The panic strategy rustc compiled the target with; `None` if cargo's output did
        /// not show it.
        panic_effective: Option<Panic>,
    },
    /// Cargo or rustc failed.
    Failed {
        /// Wall time until it failed.
        seconds: f64,
        /// The first lines of the error output.
        errors: String,
    },
}

/// Runs the build. `Err` means cargo could not be run at all; a failing build is `Ok(Failed)`.
pub fn build(request: BuildRequest<'_>) -> Result<BuildOutcome> {
    let mut command = Command::new(request.cargo);
    match (request.target, request.relink_strip) {
        (CargoTarget::Bin(name), None) => command.args(["build", "--bin", name]),
        (CargoTarget::Bench(name), None) => command.args(["bench", "--no-run", "--bench", name]),
        // `cargo rustc` compiles a bench target exactly as `cargo bench` does (same flags, same
        // -C metadata), with the extra flag appended; it wins over the profile's own `-C strip`.
        (CargoTarget::Bin(name), Some(_)) => command.args(["rustc", "--bin", name]),
        (CargoTarget::Bench(name), Some(_)) => command.args(["rustc", "--bench", name]),
    };
    command
        .arg("--manifest-path")
        .arg(request.manifest)
        .args(["--profile", request.profile, "--package", request.package]);
    if !request.features.is_empty() {
        command.args(["--features", &request.features.join(",")]);
    }
    command
        // Verbose, to see the flags rustc really gets (the panic strategy of bench targets).
        .args(["--verbose", "--message-format=json-render-diagnostics", "--color", "never"]);
    if let Some(strip) = request.relink_strip {
        command.args(["--", "-C", &format!("strip={}", Setting::Strip(strip))]);
    }
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so a signal to us can stop cargo and every rustc under it.
        .process_group(0);
    #[cfg(target_os = "linux")]
    // SAFETY: prctl is async-signal-safe; it asks the kernel to stop cargo if we die (kill -9).
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
    let started = Instant::now();
    let mut child = command.spawn().with_context(|| format!("cannot run {}", request.cargo.display()))?;
    interrupt::set_child_group(child.id() as i32);

    let mut stderr = child.stderr.take().expect("piped");
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let kind = match request.target {
        CargoTarget::Bin(_) => TargetKind::Bin,
        CargoTarget::Bench(_) => TargetKind::Bench,
    };
    let mut executable = None;
    for message in Message::parse_stream(BufReader::new(child.stdout.take().expect("piped"))) {
        if let Ok(Message::CompilerArtifact(artifact)) = message
            && artifact.target.name == request.target.name()
            && artifact.target.kind.contains(&kind)
            && let Some(path) = artifact.executable
        {
            executable = Some(path.into_std_path_buf());
        }
    }
    let status = child.wait().context("waiting for cargo")?;
    interrupt::set_child_group(0);
    let seconds = started.elapsed().as_secs_f64();
    let stderr = stderr_reader.join().unwrap_or_default();

    Ok(match (status.success(), executable) {
        (true, Some(executable)) => BuildOutcome::Built { executable, seconds, panic_effective: panic_in_effect(&stderr, request.target) },
        (true, None) => BuildOutcome::Failed {
            seconds,
            errors: format!("cargo reported success but no executable for `{}`\n{}", request.target.name(), first_error_lines(&stderr)),
        },
        (false, _) => BuildOutcome::Failed { seconds, errors: first_error_lines(&stderr) },
    })
}

/// `cargo generate-lockfile` for the workspace of `manifest`: resolves the dependency versions
/// the builds will use, so they are known (and part of the cache key) before the first build.
pub fn generate_lockfile(cargo: &Path, manifest: &Path) -> Result<()> {
    let output = Command::new(cargo)
        .arg("generate-lockfile")
        .arg("--manifest-path")
        .arg(manifest)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {}", cargo.display()))?;
    if !output.status.success() {
        anyhow::bail!("`cargo generate-lockfile` failed:\n{}", first_error_lines(&String::from_utf8_lossy(&output.stderr)));
    }
    Ok(())
}

/// The panic strategy in the rustc command line that cargo's `--verbose` output shows for
/// `target`: a binary is compiled with `--crate-type bin`, a bench target with no crate type.
fn panic_in_effect(stderr: &str, target: CargoTarget<'_>) -> Option<Panic> {
    let crate_name = format!(" --crate-name {} ", target.name().replace('-', "_"));
    let command = stderr.lines().map(str::trim_start).find(|line| {
        line.starts_with("Running `")
            && line.contains(&crate_name)
            && match target {
                CargoTarget::Bin(_) => line.contains(" --crate-type bin "),
                CargoTarget::Bench(_) => !line.contains(" --crate-type "),
            }
    })?;
    Some(if command.contains(" -C panic=abort ") { Panic::Abort } else { Panic::Unwind })
}

/// The first `ERROR_LINES` (40) lines from the first `error` line on, or the last lines if none.
pub fn first_error_lines(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("error"))
        .unwrap_or(lines.len().saturating_sub(ERROR_LINES));
    lines[start..].iter().take(ERROR_LINES).copied().collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines_start_at_the_first_error() {
        let stderr = "   Compiling a v0.1.0\nwarning: unused\nerror: linking with `cc` failed\n  note: x\n";
        assert_eq!(first_error_lines(stderr), "error: linking with `cc` failed\n  note: x");
        let many: String = (0..100).map(|i| format!("line {i}\n")).collect();
        assert!(first_error_lines(&many).starts_with("line 60\n"));
    }

    #[test]
    fn the_panic_strategy_comes_from_the_targets_own_rustc_command() {
        // Shortened from `cargo bench --no-run --verbose` of a `panic = "abort"` profile.
        let stderr = concat!(
            "   Compiling my-tool v0.1.0\n",
            "     Running `rustc --crate-name my_tool --edition=2024 src/lib.rs --crate-type lib -C opt-level=3 -C panic=abort -C metadata=1`\n",
            "     Running `rustc --crate-name my_tool --edition=2024 src/main.rs --crate-type bin -C opt-level=3 -C panic=abort -C metadata=2`\n",
            "     Running `rustc --crate-name speed --edition=2024 benches/speed.rs --emit=dep-info,link -C opt-level=3 --cfg test -C metadata=3`\n",
        );
        assert_eq!(panic_in_effect(stderr, CargoTarget::Bin("my-tool")), Some(Panic::Abort));
        assert_eq!(panic_in_effect(stderr, CargoTarget::Bench("speed")), Some(Panic::Unwind));
        assert_eq!(panic_in_effect(stderr, CargoTarget::Bench("my-tool")), None, "a library is not a bench");
        assert_eq!(panic_in_effect("       Fresh my-tool v0.1.0\n", CargoTarget::Bin("my-tool")), None);
    }
}

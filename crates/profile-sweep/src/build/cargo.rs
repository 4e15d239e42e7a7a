//! Building one variant: `cargo build --profile sweep-<id>` for the binary, or
//! `cargo bench --no-run --profile sweep-<id>` for a bench target, timed, with the executable
//! located from cargo's JSON messages and the panic strategy rustc was really given read from
//! cargo's verbose output. A variant that differs from a built one only in `strip` is made by
//! relinking the final crate of that build: `cargo rustc --profile <built> -- -C strip=<value>`.
//! Knows nothing of sizes or CSV.

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result};
use cargo_metadata::{Message, TargetKind};

use crate::build::{ToolRun, run_tool};
use crate::host::toolchain::NamedToolchain;
use crate::plan::build_env::{BUILD_STD_FLAGS, BuildEnv, NO_DEFAULT_FEATURES};
use crate::plan::settings::{Panic, Setting, Strip};
use crate::util::child_output::first_error_lines;
use crate::util::{interrupt, platform};

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
    /// The arguments and environment of the variant's build axes.
    pub flags: &'a BuildFlags,
}

/// The cargo arguments and environment variables that carry a variant's build axes (toolchain,
/// build-std, target, rustflags); features go with the target's own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildFlags {
    /// Arguments for cargo, before any `--`.
    pub args: Vec<String>,
    /// Environment variables to set for cargo.
    pub vars: Vec<(String, String)>,
}

impl BuildFlags {
    /// The flags for `env`, built with `toolchain` (`None`: cargo's default) on a machine whose
    /// host triple is `host`. Rustflags are appended to those of `RUSTFLAGS` or
    /// `CARGO_ENCODED_RUSTFLAGS` when set, else passed as `build.rustflags`, which cargo merges
    /// with the workspace's own configuration. `steps` are rustflags of the profile-guided steps
    /// (see [`crate::build::profile_guided`]), appended last.
    pub fn for_env(
        env: &BuildEnv,
        toolchain: Option<&NamedToolchain>,
        host: &str,
        steps: &[String],
    ) -> BuildFlags {
        let mut flags = BuildFlags::default();
        if let Some(toolchain) = toolchain {
            // The proxies that cargo runs (rustc) would otherwise pick the toolchain `cargo
            // xtask` itself runs under.
            flags.vars.push(("RUSTUP_TOOLCHAIN".into(), toolchain.name.clone()));
            flags.vars.push(("RUSTC".into(), toolchain.rustc.to_string_lossy().into_owned()));
        }
        if env.build_std {
            flags.args.extend(BUILD_STD_FLAGS.map(String::from));
        }
        // build-std needs an explicit target, even the host's.
        if let Some(target) = env.target.as_deref().or(env.build_std.then_some(host)) {
            flags.args.extend(["--target".into(), target.to_owned()]);
        }
        if let Some(on) = env.incremental {
            // The variable overrides the profile's key, and CI runners often set it to 0.
            flags.vars.push(("CARGO_INCREMENTAL".into(), if on { "1" } else { "0" }.into()));
        }
        let mut extra = env.rustflag_args();
        extra.extend(steps.iter().cloned());
        if !extra.is_empty() {
            let inherited =
                match (std::env::var("CARGO_ENCODED_RUSTFLAGS"), std::env::var("RUSTFLAGS")) {
                    (Ok(encoded), _) => Some(
                        encoded
                            .split('\x1f')
                            .filter(|f| !f.is_empty())
                            .map(String::from)
                            .collect::<Vec<_>>(),
                    ),
                    (_, Ok(plain)) => Some(plain.split_whitespace().map(String::from).collect()),
                    _ => None,
                };
            match inherited {
                Some(mut all) => {
                    all.extend(extra.iter().map(|f| f.to_string()));
                    flags.vars.push(("CARGO_ENCODED_RUSTFLAGS".into(), all.join("\x1f")));
                }
                None => {
                    let list: toml_edit::Array = extra.iter().map(String::as_str).collect();
                    flags.args.extend(["--config".into(), format!("build.rustflags = {list}")]);
                }
            }
        }
        flags
    }
}

/// A target of a package, by kind and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CargoTarget<'a> {
    /// A binary, built with `cargo build --bin`.
    Bin(&'a str),
    /// A bench target, compiled with `cargo bench --no-run --bench`.
    Bench(&'a str),
    /// Every test target of the package, compiled with `cargo test --no-run` (the executable
    /// reported is the first test harness cargo built).
    Tests,
}

impl CargoTarget<'_> {
    /// Whether cargo's artifact `artifact` is this target's executable.
    fn is_built_by(&self, artifact: &cargo_metadata::Artifact) -> bool {
        match self {
            CargoTarget::Bin(name) => {
                artifact.target.name == *name && artifact.target.kind.contains(&TargetKind::Bin)
            }
            CargoTarget::Bench(name) => {
                artifact.target.name == *name && artifact.target.kind.contains(&TargetKind::Bench)
            }
            CargoTarget::Tests => artifact.profile.test,
        }
    }

    fn name(&self) -> &str {
        match self {
            CargoTarget::Bin(name) | CargoTarget::Bench(name) => name,
            CargoTarget::Tests => "tests",
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
        /// The rustc command line of the target, as cargo's `--verbose` output shows it.
        rustc_command: Option<String>,
        /// Peak resident set size of cargo and every rustc it ran (the largest one process
        /// reached, not their sum); `None` where the kernel does not say.
        peak_rss_bytes: Option<u64>,
    },
    /// Cargo or rustc failed.
    Failed {
        /// Wall time until it failed.
        seconds: f64,
        /// The first lines of the error output.
        errors: String,
    },
}

impl BuildOutcome {
    /// Wall time of the cargo command, built or not.
    pub fn seconds(&self) -> f64 {
        match self {
            BuildOutcome::Built { seconds, .. } | BuildOutcome::Failed { seconds, .. } => *seconds,
        }
    }

    /// The same outcome after `earlier` seconds of steps that came before it.
    pub fn after(mut self, earlier: f64) -> BuildOutcome {
        match &mut self {
            BuildOutcome::Built { seconds, .. } | BuildOutcome::Failed { seconds, .. } => {
                *seconds += earlier
            }
        }
        self
    }

    /// The same outcome, its errors (if it failed) saying they came from `step`.
    pub fn with_context(self, step: &str) -> BuildOutcome {
        match self {
            BuildOutcome::Failed { seconds, errors } => {
                BuildOutcome::Failed { seconds, errors: format!("{step} failed:\n{errors}") }
            }
            built => built,
        }
    }
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
        // Test builds are never relinked: a strip variant's tests build as its profile says.
        (CargoTarget::Tests, _) => command.args(["test", "--no-run"]),
    };
    command.arg("--manifest-path").arg(request.manifest).args([
        "--profile",
        request.profile,
        "--package",
        request.package,
    ]);
    let (no_defaults, features): (Vec<&String>, Vec<&String>) =
        request.features.iter().partition(|f| *f == NO_DEFAULT_FEATURES);
    if !no_defaults.is_empty() {
        command.arg("--no-default-features");
    }
    if !features.is_empty() {
        let features: Vec<&str> = features.iter().map(|f| f.as_str()).collect();
        command.args(["--features", &features.join(",")]);
    }
    command.args(&request.flags.args);
    for (name, value) in &request.flags.vars {
        command.env(name, value);
    }
    command
        // Verbose, to see the flags rustc really gets (the panic strategy of bench targets).
        .args(["--verbose", "--message-format=json-render-diagnostics", "--color", "never"]);
    if let Some(strip) = request.relink_strip.filter(|_| request.target != CargoTarget::Tests) {
        command.args(["--", "-C", &format!("strip={}", Setting::Strip(strip))]);
    }
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    // Its own process group, so a signal to us can stop cargo and every rustc under it; and
    // stopped if we die (kill -9).
    platform::own_process_group(&mut command);
    platform::die_with_parent(&mut command);
    let started = Instant::now();
    let mut child =
        command.spawn().with_context(|| format!("cannot run {}", request.cargo.display()))?;
    interrupt::set_child_group(child.id() as i32);

    let mut stderr = child.stderr.take().expect("piped");
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut executable = None;
    for message in Message::parse_stream(BufReader::new(child.stdout.take().expect("piped"))) {
        if let Ok(Message::CompilerArtifact(artifact)) = message
            && executable.is_none()
            && request.target.is_built_by(&artifact)
            && let Some(path) = artifact.executable
        {
            executable = Some(path.into_std_path_buf());
        }
    }
    let (status, peak_rss_bytes) =
        platform::wait_with_peak_rss(&mut child).context("waiting for cargo")?;
    interrupt::set_child_group(0);
    let seconds = started.elapsed().as_secs_f64();
    let stderr = stderr_reader.join().unwrap_or_default();

    Ok(match (status.success(), executable) {
        (true, Some(executable)) => {
            let rustc_command = rustc_command(&stderr, request.target);
            let panic_effective = rustc_command.as_deref().map(panic_of);
            BuildOutcome::Built {
                executable,
                seconds,
                panic_effective,
                rustc_command,
                peak_rss_bytes,
            }
        }
        (true, None) => BuildOutcome::Failed {
            seconds,
            errors: format!(
                "cargo reported success but no executable for `{}`\n{}",
                request.target.name(),
                first_error_lines(&stderr)
            ),
        },
        (false, _) => BuildOutcome::Failed { seconds, errors: first_error_lines(&stderr) },
    })
}

/// The wasm features rustc enables by default, as wasm-opt's flags.
const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-multivalue",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-sign-ext",
];

/// Runs `wasm-opt <level>` on the wasm file `file`, replacing it. Returns the seconds it took,
/// or the tool's error output.
pub fn wasm_opt(file: &Path, level: &str) -> Result<ToolRun> {
    let optimised = file.with_extension("wasm-opt.wasm");
    let step = run_tool(
        Command::new("wasm-opt")
            .arg(level)
            // A stripped module has no `target_features` section to tell wasm-opt which features
            // it uses: these are the ones rustc enables for wasm32 by default (since Rust 1.87).
            .args(WASM_FEATURES)
            .arg(file)
            .arg("-o")
            .arg(&optimised),
    )?;
    if step.is_ok() {
        std::fs::rename(&optimised, file)
            .with_context(|| format!("cannot replace {}", file.display()))?;
    }
    Ok(step)
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
        anyhow::bail!(
            "`cargo generate-lockfile` failed:\n{}",
            first_error_lines(&String::from_utf8_lossy(&output.stderr))
        );
    }
    Ok(())
}

/// The rustc command line that cargo's `--verbose` output shows for `target`: a binary is
/// compiled with `--crate-type bin`, a bench target with no crate type.
fn rustc_command(stderr: &str, target: CargoTarget<'_>) -> Option<String> {
    let crate_name = format!(" --crate-name {} ", target.name().replace('-', "_"));
    let command = stderr.lines().map(str::trim_start).find(|line| {
        line.starts_with("Running `")
            && line.contains(&crate_name)
            && match target {
                CargoTarget::Bin(_) => line.contains(" --crate-type bin "),
                CargoTarget::Bench(_) => !line.contains(" --crate-type "),
                // No one crate name to look for: the test build's command is not read.
                CargoTarget::Tests => false,
            }
    })?;
    Some(command.to_owned())
}

/// The panic strategy a rustc command line compiles with.
fn panic_of(rustc_command: &str) -> Panic {
    if rustc_command.contains(" -C panic=abort ") { Panic::Abort } else { Panic::Unwind }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_axes_become_cargo_arguments() {
        let host = "x86_64-unknown-linux-gnu";
        assert_eq!(
            BuildFlags::for_env(&BuildEnv::default(), None, host, &[]),
            BuildFlags::default()
        );
        let nightly = NamedToolchain {
            name: "nightly".into(),
            cargo: "/t/bin/cargo".into(),
            rustc: "/t/bin/rustc".into(),
            toolchain: crate::host::toolchain::Toolchain::parse(
                "rustc 1.97.0-nightly\nhost: x86_64-unknown-linux-gnu\n",
            )
            .unwrap(),
        };
        let env =
            BuildEnv { toolchain: Some("nightly".into()), build_std: true, ..BuildEnv::default() };
        let flags = BuildFlags::for_env(&env, Some(&nightly), host, &[]);
        assert_eq!(
            flags.args,
            [
                "-Z",
                "build-std=std,panic_abort",
                "-Z",
                "build-std-features=optimize_for_size",
                "--target",
                host
            ]
        );
        assert_eq!(
            flags.vars,
            [
                ("RUSTUP_TOOLCHAIN".to_owned(), "nightly".to_owned()),
                ("RUSTC".to_owned(), "/t/bin/rustc".to_owned())
            ]
        );
        if std::env::var_os("RUSTFLAGS").is_none()
            && std::env::var_os("CARGO_ENCODED_RUSTFLAGS").is_none()
        {
            let env = BuildEnv {
                rustflags: Some("-C prefer-dynamic".into()),
                target: Some("x86_64-unknown-linux-musl".into()),
                ..BuildEnv::default()
            };
            let flags = BuildFlags::for_env(&env, None, host, &[]);
            assert_eq!(
                flags.args,
                [
                    "--target",
                    "x86_64-unknown-linux-musl",
                    "--config",
                    r#"build.rustflags = ["-C", "prefer-dynamic"]"#
                ]
            );
        }
    }

    fn panic_in_effect(stderr: &str, target: CargoTarget<'_>) -> Option<Panic> {
        rustc_command(stderr, target).as_deref().map(panic_of)
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
        assert_eq!(
            panic_in_effect(stderr, CargoTarget::Bench("my-tool")),
            None,
            "a library is not a bench"
        );
        assert_eq!(
            panic_in_effect("       Fresh my-tool v0.1.0\n", CargoTarget::Bin("my-tool")),
            None
        );
    }
}

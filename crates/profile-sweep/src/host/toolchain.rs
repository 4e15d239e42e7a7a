//! Which compiler builds the variants: recorded in every row, since sizes change between releases.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::host::tool::{Missing, Tool};

/// The rustc that cargo will use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toolchain {
    /// `rustc -V`, e.g. `rustc 1.95.0 (59807616e 2026-04-14)`.
    pub version: String,
    /// The host target triple, e.g. `x86_64-unknown-linux-gnu`.
    pub host: String,
    /// All of `rustc -vV` (commit hash, LLVM version): what a cached result is keyed on.
    pub verbose: String,
}

impl Toolchain {
    /// Asks the rustc cargo would use (`$RUSTC`, else `rustc` on `PATH`), run from `dir` so a
    /// `rust-toolchain.toml` there applies as it does for cargo.
    pub fn detect(dir: &Path) -> Result<Toolchain> {
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let output = Command::new(&rustc)
            .arg("-vV")
            .current_dir(dir)
            .output()
            .with_context(|| format!("cannot run {}", rustc.to_string_lossy()))?;
        if !output.status.success() {
            bail!("`rustc -vV` failed: {}", String::from_utf8_lossy(&output.stderr).trim());
        }
        Toolchain::parse(&String::from_utf8_lossy(&output.stdout))
    }

    /// Parses the output of `rustc -vV`.
    pub fn parse(verbose_version: &str) -> Result<Toolchain> {
        let mut lines = verbose_version.lines();
        let version = lines
            .next()
            .filter(|l| l.starts_with("rustc "))
            .context("`rustc -vV` printed no version")?;
        let host =
            lines.find_map(|l| l.strip_prefix("host: ")).context("`rustc -vV` printed no host")?;
        Ok(Toolchain {
            version: version.trim().to_owned(),
            host: host.trim().to_owned(),
            verbose: verbose_version.to_owned(),
        })
    }
}

/// A toolchain a sweep names (`toolchain = "nightly"`), as rustup resolves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedToolchain {
    /// The name as written.
    pub name: String,
    /// Its cargo binary.
    pub cargo: PathBuf,
    /// Its rustc binary.
    pub rustc: PathBuf,
    /// What its rustc says of itself.
    pub toolchain: Toolchain,
}

impl NamedToolchain {
    /// Asks rustup for the toolchain `name`: found, or missing with the command that installs
    /// it.
    pub fn resolve(name: &str) -> Tool<NamedToolchain> {
        let install = format!("install it with `rustup toolchain install {name}`");
        let which = |tool: &str| {
            // RUSTUP_AUTO_INSTALL=0: never let a lookup download a toolchain.
            let mut which = Command::new("rustup");
            which.args(["which", "--toolchain", name, tool]).env("RUSTUP_AUTO_INSTALL", "0");
            stdout_of(&mut which).map(|path| PathBuf::from(path.trim())).map_err(|e| match e {
                QueryFailed::NotRun(e) => Missing {
                    why: format!("toolchain `{name}` needs rustup, which cannot be run ({e})"),
                    install: "install rustup (https://rustup.rs)".to_owned(),
                },
                QueryFailed::Refused(_) => Missing {
                    why: format!("toolchain `{name}` is not installed here"),
                    install: install.clone(),
                },
            })
        };
        let found = (|| {
            let (cargo, rustc) = (which("cargo")?, which("rustc")?);
            let broken = |why: String| Missing { why, install: format!("re{install}") };
            let verbose = stdout_of(Command::new(&rustc).arg("-vV"))
                .map_err(|e| broken(format!("toolchain `{name}`: `rustc -vV` failed: {e}")))?;
            let toolchain = Toolchain::parse(&verbose)
                .map_err(|e| broken(format!("toolchain `{name}`: {e}")))?;
            Ok(NamedToolchain { name: name.to_owned(), cargo, rustc, toolchain })
        })();
        match found {
            Ok(named) => Tool::Found(named),
            Err(missing) => Tool::Missing(missing),
        }
    }
}

/// Why a query of rustc (or rustup) gave no answer.
#[derive(Debug)]
pub enum QueryFailed {
    /// It could not be started.
    NotRun(std::io::Error),
    /// It exited unsuccessfully, or its answer says no: the first line of why.
    Refused(String),
}

impl std::fmt::Display for QueryFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QueryFailed::NotRun(e) => write!(f, "it cannot be run: {e}"),
            QueryFailed::Refused(why) => f.write_str(why),
        }
    }
}

/// Where the standard library of `target` lives for `rustc`: the directory whose `libstd-*.so`
/// a `-C prefer-dynamic` binary loads, or why rustc gave none (an unknown or uninstalled target).
pub fn target_libdir(rustc: &Path, target: &str) -> std::result::Result<PathBuf, QueryFailed> {
    let libdir =
        stdout_of(Command::new(rustc).args(["--print", "target-libdir", "--target", target]))?;
    Ok(PathBuf::from(libdir.trim()))
}

/// The target features rustc enables for code generated for `cpu` (`native`, `x86-64-v3`) on
/// `target`, or why rustc refused (an unknown CPU).
pub fn cpu_features(
    rustc: &Path,
    target: &str,
    cpu: &str,
) -> std::result::Result<Vec<String>, QueryFailed> {
    // rustc only warns about an unknown CPU, and builds for the baseline.
    let known =
        stdout_of(Command::new(rustc).args(["--print", "target-cpus", "--target", target]))?;
    if !known.lines().any(|l| l.split_whitespace().next() == Some(cpu)) {
        return Err(QueryFailed::Refused(format!("it is not a CPU of target {target}")));
    }
    let cpu = format!("target-cpu={cpu}");
    let cfg =
        stdout_of(Command::new(rustc).args(["--print", "cfg", "--target", target, "-C", &cpu]))?;
    Ok(cfg
        .lines()
        .filter_map(|l| l.strip_prefix("target_feature=\""))
        .map(|f| f.trim_end_matches('"').to_owned())
        .collect())
}

/// Whether `libdir` holds a standard library (the target is installed).
pub fn has_std(libdir: &Path) -> bool {
    std::fs::read_dir(libdir).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().starts_with("libstd-"))
    })
}

/// Whether the sysroot of `rustc` holds std's sources (the `rust-src` component), which
/// `-Z build-std` compiles.
pub fn has_rust_src(rustc: &Path) -> bool {
    stdout_of(Command::new(rustc).args(["--print", "sysroot"])).is_ok_and(|sysroot| {
        Path::new(sysroot.trim()).join("lib/rustlib/src/rust/library/std").is_dir()
    })
}

/// The directory of rustup's `llvm-tools` component for `rustc` on `host` (`llvm-profdata`,
/// `llvm-strip`, built from the LLVM rustc uses), if installed.
pub fn llvm_tools(rustc: &Path, host: &str) -> Option<PathBuf> {
    let sysroot = stdout_of(Command::new(rustc).args(["--print", "sysroot"])).ok()?;
    let bin = Path::new(sysroot.trim()).join("lib/rustlib").join(host).join("bin");
    let has = |tool: &str| bin.join(format!("{tool}{}", std::env::consts::EXE_SUFFIX)).is_file();
    (has("llvm-profdata") && has("llvm-strip")).then_some(bin)
}

/// Runs `command` for its standard output, or says why it gave none: it could not be run, or it
/// exited unsuccessfully (the first line of its standard error).
fn stdout_of(command: &mut Command) -> std::result::Result<String, QueryFailed> {
    let output = command.output().map_err(QueryFailed::NotRun)?;
    match output.status.success() {
        true => Ok(String::from_utf8_lossy(&output.stdout).into_owned()),
        false => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            Err(QueryFailed::Refused(stderr.trim().lines().next().unwrap_or_default().to_owned()))
        }
    }
}

/// `cargo -V` of the cargo given.
pub fn cargo_version(cargo: &Path, dir: &Path) -> Result<String> {
    let output = Command::new(cargo)
        .arg("-V")
        .current_dir(dir)
        .output()
        .with_context(|| format!("cannot run {}", cargo.display()))?;
    if !output.status.success() {
        bail!("`cargo -V` failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_verbose_version() {
        let text = "rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\n";
        let toolchain = Toolchain::parse(text).unwrap();
        assert_eq!(toolchain.version, "rustc 1.95.0 (59807616e 2026-04-14)");
        assert_eq!(toolchain.host, "x86_64-unknown-linux-gnu");
        assert!(Toolchain::parse("garbage").is_err());
    }
}

//! Which compiler builds the variants: recorded in every row, since sizes change between releases.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

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
        let version = lines.next().filter(|l| l.starts_with("rustc ")).context("`rustc -vV` printed no version")?;
        let host = lines.find_map(|l| l.strip_prefix("host: ")).context("`rustc -vV` printed no host")?;
        Ok(Toolchain { version: version.trim().to_owned(), host: host.trim().to_owned(), verbose: verbose_version.to_owned() })
    }
}

/// `cargo -V` of the cargo given.
pub fn cargo_version(cargo: &Path, dir: &Path) -> Result<String> {
    let output = Command::new(cargo).arg("-V").current_dir(dir).output().with_context(|| format!("cannot run {}", cargo.display()))?;
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

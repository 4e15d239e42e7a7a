//! `cargo xtask apply`: write a measured variant's settings into a Cargo.toml profile.

use std::path::PathBuf;
use std::process::ExitCode;

use profile_sweep::error::{InputError, SweepError};
use profile_sweep::present::apply;
use profile_sweep::results::rows;
use profile_sweep::util::files::write_atomic;

/// Write a variant's profile settings into a Cargo.toml, keeping its comments and formatting.
#[derive(Debug, clap::Args)]
pub struct Apply {
    /// The results file the variant was measured in.
    csv: PathBuf,
    /// The variant id (first column of the CSV), e.g. oz-fat-cgu1-abort-sym.
    variant: String,
    /// The Cargo.toml to change [default: this repository's]; profiles only count in a
    /// workspace's root manifest.
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
    /// The profile to write into.
    #[arg(long, default_value = "release")]
    profile: String,
    /// Show the diff and change nothing.
    #[arg(long)]
    dry_run: bool,
}

impl Apply {
    pub fn run(self) -> ExitCode {
        let manifest =
            self.manifest_path.clone().unwrap_or_else(|| crate::project_root().join("Cargo.toml"));
        match self.apply(&manifest) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => crate::fail(e, &format!("{} is unchanged", manifest.display())),
        }
    }

    fn apply(&self, manifest: &std::path::Path) -> Result<(), SweepError> {
        let rows = rows::load(&self.csv)?;
        let old = std::fs::read_to_string(manifest).map_err(|e| {
            InputError::in_file(manifest, format!("cannot read: {e}"))
                .with_fix("pass the Cargo.toml of your workspace root with --manifest-path")
        })?;
        let new = apply::apply(&rows, &self.csv, &self.variant, manifest, &old, &self.profile)?;
        if new == old {
            println!(
                "{} already has the settings of `{}` in [profile.{}]",
                manifest.display(),
                self.variant,
                self.profile
            );
            return Ok(());
        }
        print!("{}", apply::diff(manifest, &old, &new));
        if self.dry_run {
            println!("dry run: {} is unchanged", manifest.display());
        } else {
            write_atomic(manifest, new.as_bytes()).map_err(|e| {
                SweepError::Other(e.context(format!("cannot write {}", manifest.display())))
            })?;
            println!(
                "wrote the settings of `{}` into [profile.{}] of {}",
                self.variant,
                self.profile,
                manifest.display()
            );
        }
        Ok(())
    }
}

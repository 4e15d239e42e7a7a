//! `apply`: write a measured variant's settings into a Cargo.toml profile.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::Door;
use crate::error::{InputError, SweepError};
use crate::host::workspace::Workspace;
use crate::manifest::repair::Repair;
use crate::present::apply;
use crate::results::analysis;
use crate::results::{layout, rows};
use crate::util::files::write_atomic;

/// Write a variant's profile settings into a Cargo.toml, keeping its comments and formatting.
#[derive(Debug, clap::Args)]
pub struct Apply {
    /// The results directory the variant was measured in (or a results.csv of the first layout).
    results: PathBuf,
    /// The variant id (first column of variants.csv), e.g. oz-fat-cgu1-abort-sym.
    variant: String,
    /// The Cargo.toml to change [default: the current directory's workspace root]; profiles
    /// only count in a workspace's root manifest.
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
    /// The profile to write into [default: the one the variant was measured inheriting from:
    /// dev for a dev sweep's variants, else release].
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Show the diff and change nothing.
    #[arg(long)]
    dry_run: bool,
}

impl Apply {
    /// Applies the variant, or shows the diff with `--dry-run`.
    pub fn run(self, door: &Door) -> ExitCode {
        let manifest = match door.root_manifest(self.manifest_path.clone()) {
            Ok(manifest) => manifest,
            Err(e) => return crate::cli::fail(e, "nothing was changed"),
        };
        match self.apply(&manifest) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => crate::cli::fail(e, &format!("{} is unchanged", manifest.display())),
        }
    }

    fn apply(&self, manifest: &std::path::Path) -> Result<(), SweepError> {
        let rows = layout::load(&self.results)?;
        // A running sweep puts the file back as it was when it started: an edit now would be
        // taken for the user's own and mixed with the sweep's restore. A killed one's leftovers
        // go first. (A manifest cargo cannot read has no sweep on it: apply says what is wrong.)
        match crate::restore(manifest) {
            Ok(Repair::SweepRunning { pid, .. }) => {
                return Err(anyhow::anyhow!(
                    "a sweep (pid {pid}) is running on {}: apply once it has finished (or stop it with `kill {pid}`; it restores the file as it exits)",
                    manifest.display()
                )
                .into());
            }
            Ok(Repair::Recovered(recovery)) => eprintln!("profile-sweep: {recovery}"),
            Ok(Repair::Clean { .. }) | Err(_) => {}
        }
        self.refuse_another_workspaces_row(&rows, manifest)?;
        let old = std::fs::read_to_string(manifest).map_err(|e| {
            InputError::in_file(manifest, format!("cannot read: {e}"))
                .with_fix("pass the Cargo.toml of your workspace root with --manifest-path")
        })?;
        let measured = rows.iter().find(|r| r.variant == self.variant && r.measurement.is_none());
        let profile = match (&self.profile, measured) {
            (Some(name), _) => name.clone(),
            (None, Some(row)) => crate::present::snippet::profile_to_paste(row).to_owned(),
            (None, None) => "release".to_owned(),
        };
        let new = apply::apply(&rows, &self.results, &self.variant, manifest, &old, &profile)?;
        self.say_build_axes(&rows, &profile);
        if new == old {
            println!(
                "{} already has the settings of `{}` in [profile.{}]",
                manifest.display(),
                self.variant,
                profile
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
                profile,
                manifest.display()
            );
        }
        Ok(())
    }

    /// Refuses a variant of a package that is not in the workspace of `manifest`: its numbers
    /// were measured on another crate. (A manifest cargo cannot read is left to `apply`'s own
    /// error.)
    fn refuse_another_workspaces_row(
        &self,
        rows: &[rows::Row],
        manifest: &std::path::Path,
    ) -> Result<(), SweepError> {
        let Some(row) = rows.iter().find(|r| r.variant == self.variant) else { return Ok(()) };
        let Ok(workspace) = Workspace::load(&crate::cli::cargo(), manifest) else { return Ok(()) };
        if workspace.packages.iter().any(|p| p.name == row.package) {
            return Ok(());
        }
        Err(InputError::in_file(
            &self.results,
            format!(
                "`{}` was measured on package `{}`, which is not in the workspace of {}",
                self.variant,
                row.package,
                manifest.display()
            ),
        )
        .with_fix(
            "apply it to the workspace it was measured on (--manifest-path), or sweep this one",
        )
        .into())
    }

    /// Says how the variant was built besides its profile (a target, rustflags, PGO, BOLT, ...):
    /// the profile alone does not reproduce its numbers.
    fn say_build_axes(&self, rows: &[rows::Row], profile: &str) {
        let row = rows.iter().find(|r| r.variant == self.variant && r.measurement.is_none());
        let axes = row.map(analysis::build_axes).unwrap_or_default();
        if axes.is_empty() {
            return;
        }
        println!(
            "note: `{}` was measured when built with: {}. The profile alone does not reproduce that; build the same way (see the README's build axes; PGO and BOLT need their training too).",
            self.variant,
            axes.join("; ")
        );
        let lines = row.and_then(|r| r.build_env().config_lines(profile));
        if let Some(lines) = lines {
            print!(
                "and in the workspace's .cargo/config.toml (what a profile cannot say):\n{lines}"
            );
        }
    }
}

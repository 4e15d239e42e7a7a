//! `cargo xtask restore`: put back a manifest that a killed sweep left edited. Every command does
//! this for the repository's own manifest before anything else; this one does it for any workspace.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use profile_sweep::host::workspace::Workspace;
use profile_sweep::manifest::guard;

/// Restore a workspace's Cargo.toml after a sweep was killed (kill -9, crash, power loss).
#[derive(Debug, clap::Args)]
pub struct Restore {
    /// A Cargo.toml of the workspace to repair.
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
}

impl Restore {
    pub fn run(self) -> ExitCode {
        let manifest =
            self.manifest_path.unwrap_or_else(|| crate::project_root().join("Cargo.toml"));
        match recover_and_report(&manifest) {
            Ok(false) => {
                eprintln!("nothing to restore: no killed sweep left {} edited", manifest.display());
                ExitCode::SUCCESS
            }
            Ok(true) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        }
    }
}

/// Restores the workspace of `manifest` if a killed sweep left it edited, saying so on stderr.
/// Returns whether there was anything to do.
pub fn recover_and_report(manifest: &Path) -> Result<bool> {
    let workspace = Workspace::load(&crate::cargo(), manifest)?;
    let state_dir = guard::state_dir(&workspace.target_dir, &workspace.root_manifest);
    let recovery = guard::recover(&workspace.root_manifest, &state_dir)?;
    if let Some(recovery) = &recovery {
        eprintln!("profile-sweep: {recovery}");
    }
    Ok(recovery.is_some())
}

//! `restore`: put back a manifest that a killed sweep left edited. Every other command does this
//! for its door's manifest before anything else; this one does it for any workspace, and says
//! what it found.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::Door;
use crate::manifest::repair::Repair;

/// Restore a workspace's Cargo.toml after a sweep was killed (kill -9, crash, power loss).
#[derive(Debug, clap::Args)]
pub struct Restore {
    /// A Cargo.toml of the workspace to repair [default: the current directory's workspace].
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
}

impl Restore {
    /// Repairs the manifest and says what it found.
    pub fn run(self, door: &Door) -> ExitCode {
        let manifest = match door.manifest(self.manifest_path) {
            Ok(manifest) => manifest,
            Err(e) => return crate::cli::fail(e.into(), "nothing was changed"),
        };
        match crate::restore(&manifest) {
            Ok(repair) => {
                eprintln!("profile-sweep: {repair}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        }
    }
}

/// What every command does first: repairs the door's default manifest, saying so on stderr
/// only when it put something back. Outside a Cargo project there is nothing to repair.
pub fn repair_quietly(door: &Door) -> Result<()> {
    let Ok(manifest) = door.manifest(None) else { return Ok(()) };
    if let Repair::Recovered(recovery) = crate::restore(&manifest)? {
        eprintln!("profile-sweep: {recovery}");
    }
    Ok(())
}

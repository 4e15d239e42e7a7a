//! Putting back what a killed sweep left in a workspace's manifest: the one recovery that the
//! sweep itself, `restore` and every other command run first.

use std::fmt;
use std::path::PathBuf;

use anyhow::Result;

use crate::host::workspace::Workspace;
use crate::manifest::guard::{self, Recovery};

/// What a repair (see [`crate::restore`]) found, and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repair {
    /// A killed sweep had left the manifest edited; it is put back.
    Recovered(Recovery),
    /// A sweep is running on the manifest now: its profiles are in it, and it puts the file
    /// back itself when it ends.
    SweepRunning {
        /// The running sweep's process.
        pid: u32,
        /// The workspace's root manifest.
        manifest: PathBuf,
    },
    /// No sweep is running and none left anything behind.
    Clean {
        /// The workspace's root manifest.
        manifest: PathBuf,
    },
}

impl fmt::Display for Repair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Repair::Recovered(recovery) => write!(f, "{recovery}"),
            Repair::SweepRunning { pid, manifest } => write!(
                f,
                "a sweep (pid {pid}) is running on {}: its profiles are in the file until it ends, and it puts the file back byte for byte itself; to stop it early, `kill {pid}` (it restores the file as it exits)",
                manifest.display()
            ),
            Repair::Clean { manifest } => write!(
                f,
                "nothing to restore: no sweep is running on {} and none was killed leaving it edited",
                manifest.display()
            ),
        }
    }
}

/// Restores the workspace's root manifest if a sweep on it was killed, or says that one is
/// running (and leaves the file alone).
pub fn repair(workspace: &Workspace) -> Result<Repair> {
    let manifest = &workspace.root_manifest;
    let state_dir = guard::state_dir(&workspace.target_dir, manifest);
    if let Some(pid) = guard::running_sweep(&state_dir) {
        return Ok(Repair::SweepRunning { pid, manifest: manifest.clone() });
    }
    Ok(match guard::recover(manifest, &state_dir)? {
        Some(recovery) => Repair::Recovered(recovery),
        None => Repair::Clean { manifest: manifest.clone() },
    })
}

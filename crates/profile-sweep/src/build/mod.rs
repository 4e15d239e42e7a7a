//! Stage 4: building one variant with cargo, and the post-build steps ([`cargo`]); the tools of
//! the profile-guided steps, PGO and BOLT ([`profile_guided`]); running a tool ([`run_tool`]).

pub mod cargo;
pub mod profile_guided;

use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result};

use crate::util::child_output::first_error_lines;

/// A tool's run: its wall time, or why it failed.
pub type ToolRun = std::result::Result<f64, ToolFailed>;

/// A tool that ran and failed: the first lines of its error output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolFailed(pub String);

impl std::fmt::Display for ToolFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Runs a tool's `command` to its end with no stdin: its wall time, or the first lines of its
/// error output (stderr, then stdout).
pub fn run_tool(command: &mut Command) -> Result<ToolRun> {
    let started = Instant::now();
    let output = command
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {}", command.get_program().to_string_lossy()))?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(match output.status.success() {
        true => Ok(seconds),
        false => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let stdout = String::from_utf8_lossy(&output.stdout);
            Err(ToolFailed(first_error_lines(&format!("{stderr}{stdout}"))))
        }
    })
}

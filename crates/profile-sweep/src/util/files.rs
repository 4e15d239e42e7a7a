//! Writing files so that a crash at any instant leaves either the old or the new contents.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Replaces `path` with `bytes` atomically: a temporary file in the same directory, flushed to
/// disk, renamed over the target, keeping the target's permissions.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut file = tempfile::Builder::new()
        .prefix(".profile-sweep-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    // A full disk fails here: say which file could not be written, not only the temporary one
    // (which is removed, so the old file stays as it was).
    let writing = || format!("cannot write {} (it is unchanged)", path.display());
    file.write_all(bytes).with_context(writing)?;
    match fs::metadata(path) {
        Ok(metadata) => file.as_file().set_permissions(metadata.permissions())?,
        // A new file gets the usual rw-r--r--, not the temporary file's private rw-------.
        Err(_) => crate::util::platform::usual_file_permissions(file.as_file())?,
    }
    file.as_file().sync_all().with_context(writing)?;
    file.persist(path).with_context(|| format!("cannot write {}", path.display()))?;
    // Make the rename itself durable.
    if let Ok(dir) = fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Removes a file; one that does not exist is not an error.
pub fn remove_file(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Removes a directory tree; one that does not exist is not an error.
pub fn remove_dir(path: &Path) -> Result<()> {
    match fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

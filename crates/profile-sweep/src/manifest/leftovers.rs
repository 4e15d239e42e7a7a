//! What a sweep causes to exist or to change beside the manifest, and how it is undone with
//! proof: the `Cargo.lock` it had cargo resolve (`created`: removed only while it is still that
//! file) and a source file touched to time a rebuild (`touched`: its old mtime comes back unless
//! the file changed since). Both lists live in the guard's state directory
//! ([`crate::manifest::guard`]), written before the change, so a `kill -9` is covered.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};

use crate::util::files::{remove_file, write_atomic};
use crate::util::hash::{hex, sha256};

pub(crate) fn created_path(state_dir: &Path) -> PathBuf {
    state_dir.join("created")
}

pub(crate) fn touched_path(state_dir: &Path) -> PathBuf {
    state_dir.join("touched")
}

/// Removes the files a sweep recorded as its own creation, where it can prove they are (the
/// `Cargo.lock` beside `manifest`, with the sha256 and mtime it had when the sweep made it),
/// then the list. A file it cannot prove is the sweep's is kept, and said so.
pub(crate) fn remove_created(state_dir: &Path, manifest: &Path) -> Result<()> {
    let list = created_path(state_dir);
    let lock_file = manifest.with_file_name("Cargo.lock");
    if let Ok(text) = fs::read_to_string(&list) {
        for created in text.lines().filter_map(Created::parse) {
            let proven = created.path == lock_file
                && created
                    .proof
                    .as_ref()
                    .is_some_and(|p| FileProof::of(&created.path).ok() == Some(p.clone()));
            if proven {
                remove_file(&created.path)?;
            } else if created.path.exists() {
                eprintln!(
                    "note: kept {}: a sweep listed it as its own, but it cannot be shown to be the file that sweep made (it changed since, or is not the workspace's Cargo.lock)",
                    created.path.display()
                );
            }
        }
    }
    remove_file(&list)
}

/// A file a sweep caused to exist, and what it was when the sweep made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Created {
    pub(crate) path: PathBuf,
    pub(crate) proof: Option<FileProof>,
}

impl Created {
    /// One line of the `created` list: `sha256 TAB mtime_ns TAB path`, `-` for no proof yet.
    pub(crate) fn line(&self) -> String {
        let (sha, mtime) = match &self.proof {
            Some(p) => (p.sha256.clone(), p.mtime_ns.to_string()),
            None => ("-".to_owned(), "-".to_owned()),
        };
        format!("{sha}\t{mtime}\t{}\n", self.path.display())
    }

    /// Reads a line written by [`Created::line`]; anything else (an older format, a hostile
    /// file) proves nothing.
    pub(crate) fn parse(line: &str) -> Option<Created> {
        let mut fields = line.splitn(3, '\t');
        let (sha, mtime, path) = (fields.next()?, fields.next()?, fields.next()?);
        let proof = match (sha, mtime.parse()) {
            ("-", _) | (_, Err(_)) => None,
            (sha, Ok(mtime_ns)) => Some(FileProof { sha256: sha.to_owned(), mtime_ns }),
        };
        Some(Created { path: PathBuf::from(path), proof })
    }
}

/// What a file is: its contents' sha256 and its modification time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileProof {
    sha256: String,
    mtime_ns: u128,
}

impl FileProof {
    pub(crate) fn of(path: &Path) -> Result<FileProof> {
        let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let modified = fs::metadata(path)?.modified()?;
        Ok(FileProof { sha256: hex(&sha256(&bytes)), mtime_ns: nanos(modified) })
    }
}

pub(crate) fn nanos(time: SystemTime) -> u128 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

/// Runs `during` with `file`'s modification time set to now, and puts its old one back after.
/// Both times are recorded in `state_dir` first: after a `kill -9` the recovery puts the old
/// time back, unless the file was changed again since.
pub fn touching<T>(state_dir: &Path, file: &Path, during: impl FnOnce() -> T) -> Result<T> {
    let handle = fs::File::options()
        .append(true)
        .open(file)
        .with_context(|| format!("cannot open {} to touch it", file.display()))?;
    let original = handle.metadata()?.modified()?;
    let now = SystemTime::now();
    let record = format!("{}\t{}\t{}\n", nanos(original), nanos(now), file.display());
    write_atomic(&touched_path(state_dir), record.as_bytes())?;
    handle.set_modified(now)?;
    let outcome = during();
    handle
        .set_modified(original)
        .with_context(|| format!("cannot restore the time stamp of {}", file.display()))?;
    remove_file(&touched_path(state_dir))?;
    Ok(outcome)
}

/// Puts back the mtime of a file a killed sweep touched, if nothing touched it since.
pub(crate) fn put_back_touched(state_dir: &Path) -> Result<()> {
    let list = touched_path(state_dir);
    let Ok(text) = fs::read_to_string(&list) else { return Ok(()) };
    for line in text.lines() {
        let mut fields = line.splitn(3, '\t');
        let (Some(Ok(original)), Some(Ok(set)), Some(path)) = (
            fields.next().map(str::parse::<u64>),
            fields.next().map(str::parse::<u128>),
            fields.next(),
        ) else {
            continue;
        };
        let Ok(file) = fs::File::options().append(true).open(path) else { continue };
        if file.metadata().and_then(|m| m.modified()).is_ok_and(|m| nanos(m) == set) {
            file.set_modified(UNIX_EPOCH + Duration::from_nanos(original))
                .with_context(|| format!("cannot restore the time stamp of {path}"))?;
        }
    }
    remove_file(&list)
}

//! Keeping the user's `Cargo.toml` safe while sweep profiles are in it.
//!
//! Order of operations, so that no instant leaves the manifest unrecoverable:
//! 1. take the lock (`lock`, created exclusively; it records our pid and the manifest's mtime);
//! 2. write a backup of the manifest's bytes (`manifest.backup`, atomically, before any edit);
//! 3. record the sha256 of the text about to be written (`written`), then edit the manifest
//!    (atomically: write a temporary file, then rename);
//! 4. restore it from memory when the sweep ends, fails or is interrupted (the guard's `Drop`);
//!    after a `kill -9`, [`recover`] restores it from the backup on the next run of any command.
//!
//! The lock also refuses a second sweep on the same manifest while the first is alive. The one
//! file a sweep causes to exist next to the manifest (the `Cargo.lock` cargo would create) is
//! listed in `created` before it exists and claimed (sha256 and mtime) once it does; the restore
//! or the recovery removes it only if it is still that file: nothing is deleted that the sweep
//! cannot prove it made. A source file touched to time a rebuild is listed in `touched` (its old
//! and new mtime) first, so even after a `kill -9` its old mtime comes back.
//!
//! Only the `[profile.sweep-*]` tables the manifest did not have before the sweep are ever taken
//! out, and every other byte (BOM, CRLF) stays ([`crate::manifest::text`]).

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};

use crate::manifest::leftovers::{
    Created, FileProof, created_path, put_back_touched, remove_created,
};
use crate::util::files::{remove_file, write_atomic};
use crate::util::hash::{hex, sha256};

/// Owns the manifest while sweep profiles are in it; puts it back byte for byte when dropped.
#[derive(Debug)]
pub struct ManifestGuard {
    manifest: PathBuf,
    state_dir: PathBuf,
    original: Vec<u8>,
    modified: Option<SystemTime>,
    /// What the sweep last wrote into the manifest; `None` until it writes.
    written: Option<Vec<u8>>,
    /// Files that did not exist before the sweep and go when it ends, with the proof that
    /// they are the sweep's once they exist.
    created: Vec<Created>,
    released: bool,
}

/// What `recover` (run through [`crate::restore`]) did about a sweep that died without cleaning up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovery {
    /// The manifest still held sweep profiles and was restored from the backup.
    Restored {
        /// The manifest.
        manifest: PathBuf,
        /// The process that was sweeping.
        pid: Option<u32>,
    },
    /// The manifest was changed since (by the user?): its sweep profiles, if any, were removed
    /// and every other change kept; the backup is kept at `backup`.
    KeptChangedManifest {
        /// The manifest.
        manifest: PathBuf,
        /// Where the pre-sweep copy now is.
        backup: PathBuf,
    },
}

impl std::fmt::Display for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Recovery::Restored { manifest, pid } => write!(
                f,
                "restored {} from the backup written before an earlier sweep{} was killed; it is byte for byte as before that sweep",
                manifest.display(),
                pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
            ),
            Recovery::KeptChangedManifest { manifest, backup } => write!(
                f,
                "an earlier sweep was killed, and {} has changed since: its sweep profiles (if any) were removed and your other changes kept; the copy from before that sweep is at {}",
                manifest.display(),
                backup.display()
            ),
        }
    }
}

/// The directory holding the lock and backup for `manifest`, under the workspace's target dir.
pub fn state_dir(target_dir: &Path, manifest: &Path) -> PathBuf {
    let key = sha256(manifest.as_os_str().as_encoded_bytes());
    target_dir.join("profile-sweep").join(format!("guard-{}", hex(&key[..6])))
}

impl ManifestGuard {
    /// Takes the sweep lock on `manifest` (an absolute, symlink-free path), first recovering from
    /// a sweep that was killed. Fails, naming the process, if another sweep is running.
    pub fn acquire(manifest: &Path, state_dir: &Path) -> Result<(ManifestGuard, Option<Recovery>)> {
        let recovery = recover(manifest, state_dir)?;
        fs::create_dir_all(state_dir)
            .with_context(|| format!("cannot create {}", state_dir.display()))?;
        let metadata = fs::metadata(manifest)
            .with_context(|| format!("cannot read {}", manifest.display()))?;
        let modified = metadata.modified().ok();
        let me = Owner::current();
        let lock = format!(
            "pid={}\nstart={}\nmtime_ns={}\nmanifest={}\n",
            me.pid,
            me.start.unwrap_or_default(),
            modified.and_then(|m| m.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos()),
            manifest.display()
        );
        match fs::OpenOptions::new().write(true).create_new(true).open(lock_path(state_dir)) {
            Ok(mut file) => {
                std::io::Write::write_all(&mut file, lock.as_bytes())?;
                file.sync_all()?;
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                bail!(another_sweep(
                    manifest,
                    read_lock(state_dir).map(|l| l.owner.pid).unwrap_or(0)
                ));
            }
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot create the lock in {}", state_dir.display()));
            }
        }
        let original =
            fs::read(manifest).with_context(|| format!("cannot read {}", manifest.display()))?;
        let guard = ManifestGuard {
            manifest: manifest.to_owned(),
            state_dir: state_dir.to_owned(),
            original,
            modified,
            written: None,
            created: Vec::new(),
            released: false,
        };
        Ok((guard, recovery))
    }

    /// The manifest's bytes as they were when the guard was taken.
    pub fn original(&self) -> &[u8] {
        &self.original
    }

    /// Replaces the manifest's contents; the first call writes the backup before touching it.
    pub fn write(&mut self, text: &str) -> Result<()> {
        if self.written.is_none() {
            write_atomic(&backup_path(&self.state_dir), &self.original)?;
        }
        // The recovery puts the backup back over exactly these bytes: what the sweep wrote.
        let mut hashes = fs::read_to_string(written_path(&self.state_dir)).unwrap_or_default();
        hashes.push_str(&format!("{}\n", hex(&sha256(text.as_bytes()))));
        write_atomic(&written_path(&self.state_dir), hashes.as_bytes())?;
        self.written = Some(text.as_bytes().to_owned());
        write_atomic(&self.manifest, text.as_bytes())
    }

    /// Records that `path`, which does not exist yet, is the sweep's doing and goes when it
    /// ends. Call it before the file is created, so even a `kill -9` in between is covered;
    /// call [`ManifestGuard::claim_created`] once it exists. Only the `Cargo.lock` beside the
    /// manifest is ever removed.
    pub fn remove_on_restore(&mut self, path: &Path) -> Result<()> {
        self.created.push(Created { path: path.to_owned(), proof: None });
        self.write_created()
    }

    /// Records what `path` (listed by [`ManifestGuard::remove_on_restore`]) is now that the
    /// sweep has made it: the restore removes it only while it is still this file.
    pub fn claim_created(&mut self, path: &Path) -> Result<()> {
        let proof = FileProof::of(path)?;
        for created in self.created.iter_mut().filter(|c| c.path == path) {
            created.proof = Some(proof.clone());
        }
        self.write_created()
    }

    fn write_created(&self) -> Result<()> {
        let list: String = self.created.iter().map(Created::line).collect();
        write_atomic(&created_path(&self.state_dir), list.as_bytes())
    }

    /// Puts the original bytes (and modification time) back and releases the lock.
    pub fn restore(mut self) -> Result<()> {
        self.restore_in_place()
    }

    fn restore_in_place(&mut self) -> Result<()> {
        if self.released {
            return Ok(());
        }
        if let Some(written) = &self.written {
            // Untouched since the sweep wrote it: the original goes back as it was. Otherwise
            // someone edited it meanwhile, and only the sweep's profiles are taken out.
            let outcome = if fs::read(&self.manifest).ok().as_ref() == Some(written) {
                put_back(&self.manifest, &self.original, self.modified)?;
                PutBack::Restored
            } else {
                put_back_keeping_edits(&self.manifest, &self.original, self.modified)?
            };
            match outcome {
                PutBack::Restored => remove_file(&backup_path(&self.state_dir))?,
                outcome => {
                    let kept = keep_backup(&self.state_dir)?;
                    eprintln!(
                        "note: {} was edited while the sweep ran; {}; the copy from before the sweep is at {}",
                        self.manifest.display(),
                        match outcome {
                            PutBack::KeptEdits =>
                                "the sweep's profiles were removed and your edits kept",
                            _ =>
                                "it is not valid TOML any more, so it was left as it is (remove its [profile.sweep-*] tables by hand)",
                        },
                        kept.display()
                    );
                }
            }
        }
        remove_file(&written_path(&self.state_dir))?;
        remove_created(&self.state_dir, &self.manifest)?;
        remove_file(&lock_path(&self.state_dir))?;
        self.released = true;
        Ok(())
    }
}

impl Drop for ManifestGuard {
    fn drop(&mut self) {
        if let Err(e) = self.restore_in_place() {
            eprintln!(
                "error: could not restore {}: {e:#}\n  its original is at {}; copy it back by hand",
                self.manifest.display(),
                backup_path(&self.state_dir).display()
            );
        }
    }
}

/// The process of the sweep that holds the lock on the manifest of `state_dir`, while it runs.
pub fn running_sweep(state_dir: &Path) -> Option<u32> {
    read_lock(state_dir).filter(|lock| lock.owner.is_alive()).map(|lock| lock.owner.pid)
}

/// Why a second sweep on `manifest` cannot start while `pid` sweeps it.
pub fn another_sweep(manifest: &Path, pid: u32) -> String {
    format!(
        "another sweep (pid {pid}) is running on {}; wait for it to finish or stop it (kill {pid}), then try again",
        manifest.display()
    )
}

/// Restores `manifest` if a sweep on it was killed (`kill -9`, a crash, a power cut) and left
/// sweep profiles in it. Does nothing while the sweep that holds the lock is alive.
pub fn recover(manifest: &Path, state_dir: &Path) -> Result<Option<Recovery>> {
    let lock = read_lock(state_dir);
    if lock.as_ref().is_some_and(|l| l.owner.is_alive()) {
        return Ok(None);
    }
    put_back_touched(state_dir)?;
    let backup = backup_path(state_dir);
    let recovery = match fs::read(&backup) {
        Ok(saved) => {
            let current = fs::read(manifest).unwrap_or_default();
            let written = fs::read_to_string(written_path(state_dir)).unwrap_or_default();
            if current == saved {
                None
            } else if written.lines().any(|h| h == hex(&sha256(&current)))
                && only_sweep_tables_appended(&saved, &current)
            {
                put_back(manifest, &saved, lock.as_ref().and_then(|l| l.modified))?;
                Some(Recovery::Restored {
                    manifest: manifest.to_owned(),
                    pid: lock.as_ref().map(|l| l.owner.pid),
                })
            } else {
                match put_back_keeping_edits(
                    manifest,
                    &saved,
                    lock.as_ref().and_then(|l| l.modified),
                )? {
                    PutBack::Restored => Some(Recovery::Restored {
                        manifest: manifest.to_owned(),
                        pid: lock.as_ref().map(|l| l.owner.pid),
                    }),
                    PutBack::KeptEdits | PutBack::Left => Some(Recovery::KeptChangedManifest {
                        manifest: manifest.to_owned(),
                        backup: keep_backup(state_dir)?,
                    }),
                }
            }
        }
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", backup.display())),
    };
    remove_file(&backup)?;
    remove_file(&written_path(state_dir))?;
    remove_created(state_dir, manifest)?;
    remove_file(&lock_path(state_dir))?;
    Ok(recovery)
}

/// Whether `current` is `original` with nothing but `[profile.sweep-*]` tables (and the
/// banner) after it, as a sweep writes it: so putting `original` back only takes those tables
/// away, whatever a stale or hostile state directory holds. (`toml_edit` ends a last line that
/// had no newline with one.)
fn only_sweep_tables_appended(original: &[u8], current: &[u8]) -> bool {
    let Some(after) = current.strip_prefix(original) else { return false };
    let Ok(rest) = std::str::from_utf8(after) else { return false };
    let headers: Vec<&str> =
        rest.lines().map(str::trim_start).filter(|l| l.starts_with('[')).collect();
    !headers.is_empty() && headers.iter().all(|h| h.starts_with("[profile.sweep-"))
}

/// What [`put_back_keeping_edits`] did.
enum PutBack {
    /// The original bytes (and mtime) are back.
    Restored,
    /// Someone else changed the manifest too: the sweep profiles were removed, their changes kept.
    KeptEdits,
    /// The manifest is not valid TOML; it was left alone.
    Left,
}

/// Takes the sweep profiles out of `manifest`: if that gives `original`, puts the original bytes
/// and mtime back; if the user changed other things meanwhile, keeps their changes.
fn put_back_keeping_edits(
    manifest: &Path,
    original: &[u8],
    modified: Option<SystemTime>,
) -> Result<PutBack> {
    let current =
        fs::read(manifest).with_context(|| format!("cannot read {}", manifest.display()))?;
    let texts = std::str::from_utf8(&current).ok().zip(std::str::from_utf8(original).ok());
    let Some(without) = texts.and_then(|(current, original)| {
        crate::manifest::profiles::without_sweep_profiles(current, original)
    }) else {
        return Ok(PutBack::Left);
    };
    if without.as_bytes() == original {
        put_back(manifest, original, modified)?;
        Ok(PutBack::Restored)
    } else {
        if without.as_bytes() != current {
            write_atomic(manifest, without.as_bytes())?;
        }
        Ok(PutBack::KeptEdits)
    }
}

/// Moves the backup out of the way of the next sweep, where the user can find it.
fn keep_backup(state_dir: &Path) -> Result<PathBuf> {
    let backup = backup_path(state_dir);
    let kept = state_dir.with_file_name(format!("manifest-before-sweep-{}.toml", unix_seconds()));
    fs::rename(&backup, &kept).with_context(|| format!("cannot move {}", backup.display()))?;
    Ok(kept)
}

fn put_back(manifest: &Path, bytes: &[u8], modified: Option<SystemTime>) -> Result<()> {
    write_atomic(manifest, bytes)?;
    if let Some(modified) = modified {
        // Cargo fingerprints by mtime: give the file its old one so nothing rebuilds for it.
        let file = fs::File::options().write(true).open(manifest)?;
        file.set_modified(modified)
            .with_context(|| format!("cannot set the mtime of {}", manifest.display()))?;
    }
    Ok(())
}

fn lock_path(state_dir: &Path) -> PathBuf {
    state_dir.join("lock")
}

fn written_path(state_dir: &Path) -> PathBuf {
    state_dir.join("written")
}

fn backup_path(state_dir: &Path) -> PathBuf {
    state_dir.join("manifest.backup")
}

fn unix_seconds() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// A process, identified by pid and start time so a reused pid is not mistaken for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Owner {
    pid: u32,
    start: Option<u64>,
}

impl Owner {
    fn current() -> Owner {
        let pid = std::process::id();
        Owner { pid, start: process_start(pid) }
    }

    fn is_alive(&self) -> bool {
        match (process_start(self.pid), self.start) {
            (Some(now), Some(then)) => now == then,
            // No /proc: fall back to asking the kernel whether the pid exists.
            _ => crate::util::platform::process_exists(self.pid),
        }
    }
}

/// The start time of `pid` in clock ticks since boot (field 22 of `/proc/<pid>/stat`).
fn process_start(pid: u32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may contain spaces; fields after its closing ')' are plain.
    stat.rsplit_once(')')?.1.split_whitespace().nth(19)?.parse().ok()
}

struct Lock {
    owner: Owner,
    modified: Option<SystemTime>,
}

fn read_lock(state_dir: &Path) -> Option<Lock> {
    let text = fs::read_to_string(lock_path(state_dir)).ok()?;
    let field = |name: &str| text.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix('='));
    let pid = field("pid")?.parse().ok()?;
    let start = field("start").and_then(|s| s.parse().ok()).filter(|s| *s != 0);
    let modified = field("mtime_ns")
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|ns| *ns != 0)
        .map(|ns| UNIX_EPOCH + Duration::from_nanos(ns));
    Some(Lock { owner: Owner { pid, start }, modified })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGINAL: &str = "[workspace] # mine\nmembers = []\n";

    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("Cargo.toml");
        fs::write(&manifest, ORIGINAL).unwrap();
        let state = state_dir(&dir.path().join("target"), &manifest);
        (dir, manifest, state)
    }

    #[test]
    fn drop_restores_bytes_and_mtime_and_releases_the_lock() {
        let (_dir, manifest, state) = setup();
        let old = fs::File::open(&manifest).unwrap();
        old.set_modified(UNIX_EPOCH + Duration::from_secs(1_000_000)).unwrap_or(());
        let mtime = fs::metadata(&manifest).unwrap().modified().unwrap();
        {
            let (mut guard, recovery) = ManifestGuard::acquire(&manifest, &state).unwrap();
            assert_eq!(recovery, None);
            guard.write("[profile.sweep-x]\n").unwrap();
            assert_eq!(fs::read_to_string(&manifest).unwrap(), "[profile.sweep-x]\n");
            assert_eq!(fs::read_to_string(backup_path(&state)).unwrap(), ORIGINAL);
        }
        assert_eq!(fs::read_to_string(&manifest).unwrap(), ORIGINAL);
        assert_eq!(fs::metadata(&manifest).unwrap().modified().unwrap(), mtime);
        assert!(!lock_path(&state).exists() && !backup_path(&state).exists());
    }

    #[test]
    fn restore_after_a_panic() {
        let (_dir, manifest, state) = setup();
        let result = std::panic::catch_unwind(|| {
            let (mut guard, _) = ManifestGuard::acquire(&manifest, &state).unwrap();
            guard.write("[profile.sweep-x]\n").unwrap();
            panic!("a bug mid-sweep");
        });
        assert!(result.is_err());
        assert_eq!(fs::read_to_string(&manifest).unwrap(), ORIGINAL);
    }

    #[test]
    fn a_live_sweep_holds_the_lock() {
        let (_dir, manifest, state) = setup();
        let (_guard, _) = ManifestGuard::acquire(&manifest, &state).unwrap();
        let err = ManifestGuard::acquire(&manifest, &state).unwrap_err().to_string();
        assert!(err.contains(&format!("another sweep (pid {})", std::process::id())), "{err}");
        assert_eq!(
            recover(&manifest, &state).unwrap(),
            None,
            "recovery must not touch a live sweep"
        );
    }

    #[test]
    fn files_the_sweep_created_go_with_the_restore_and_with_the_recovery() {
        let (dir, manifest, state) = setup();
        let lockfile = dir.path().join("Cargo.lock");
        {
            let (mut guard, _) = ManifestGuard::acquire(&manifest, &state).unwrap();
            guard.write("[profile.sweep-x]\n").unwrap();
            guard.remove_on_restore(&lockfile).unwrap();
            fs::write(&lockfile, "# made by cargo\n").unwrap();
            guard.claim_created(&lockfile).unwrap();
        }
        assert!(!lockfile.exists(), "removed with the restore");
        assert!(!created_path(&state).exists());

        // After a kill -9 the list is all that is left to go by.
        let (mut guard, _) = ManifestGuard::acquire(&manifest, &state).unwrap();
        guard.write(&format!("{ORIGINAL}[profile.sweep-x]\n")).unwrap();
        guard.remove_on_restore(&lockfile).unwrap();
        fs::write(&lockfile, "# made by cargo\n").unwrap();
        guard.claim_created(&lockfile).unwrap();
        std::mem::forget(guard);
        fs::write(lock_path(&state), "pid=999999999\nstart=1\nmtime_ns=0\n").unwrap();
        assert!(recover(&manifest, &state).unwrap().is_some());
        assert!(!lockfile.exists(), "removed with the recovery");
        assert_eq!(fs::read_to_string(&manifest).unwrap(), ORIGINAL);
    }

    #[test]
    fn a_dead_sweeps_leftovers_are_restored() {
        let (_dir, manifest, state) = setup();
        fs::create_dir_all(&state).unwrap();
        // What a killed sweep leaves: a lock of a dead process, a backup, an edited manifest.
        fs::write(lock_path(&state), "pid=999999999\nstart=1\nmtime_ns=0\n").unwrap();
        fs::write(backup_path(&state), ORIGINAL).unwrap();
        fs::write(&manifest, format!("{ORIGINAL}\n[profile.sweep-o3]\ninherits = \"release\"\n"))
            .unwrap();
        let recovery = recover(&manifest, &state).unwrap();
        assert_eq!(
            recovery,
            Some(Recovery::Restored { manifest: manifest.clone(), pid: Some(999999999) })
        );
        assert_eq!(fs::read_to_string(&manifest).unwrap(), ORIGINAL);
        assert!(!lock_path(&state).exists() && !backup_path(&state).exists());
        // and the stale lock no longer blocks a new sweep
        assert!(ManifestGuard::acquire(&manifest, &state).is_ok());
    }

    #[test]
    fn a_hostile_backup_never_replaces_the_manifest() {
        let (_dir, manifest, state) = setup();
        let current = format!("{ORIGINAL}[dependencies]\nmine = \"1\"\n");
        fs::write(&manifest, &current).unwrap();
        fs::create_dir_all(&state).unwrap();
        // A state directory that claims the sweep wrote the current text, with another backup.
        fs::write(lock_path(&state), "pid=999999999\nstart=1\nmtime_ns=0\n").unwrap();
        fs::write(backup_path(&state), "[workspace]\nmembers = [\"evil\"]\n").unwrap();
        fs::write(written_path(&state), format!("{}\n", hex(&sha256(current.as_bytes())))).unwrap();
        let recovery = recover(&manifest, &state).unwrap();
        assert!(matches!(recovery, Some(Recovery::KeptChangedManifest { .. })), "{recovery:?}");
        assert_eq!(fs::read_to_string(&manifest).unwrap(), current);
    }

    #[test]
    fn a_manifest_changed_by_the_user_since_is_not_overwritten() {
        let (_dir, manifest, state) = setup();
        fs::create_dir_all(&state).unwrap();
        fs::write(backup_path(&state), ORIGINAL).unwrap();
        fs::write(&manifest, "[workspace] # edited by hand since\n").unwrap();
        let Some(Recovery::KeptChangedManifest { backup, .. }) =
            recover(&manifest, &state).unwrap()
        else {
            panic!("expected the manifest to be kept")
        };
        assert_eq!(fs::read_to_string(&manifest).unwrap(), "[workspace] # edited by hand since\n");
        assert_eq!(fs::read_to_string(backup).unwrap(), ORIGINAL);
    }

    #[test]
    fn edits_made_during_a_sweep_survive_its_restore() {
        let (_dir, manifest, state) = setup();
        let (mut guard, _) = ManifestGuard::acquire(&manifest, &state).unwrap();
        guard.write(&format!("{ORIGINAL}\n# profile-sweep: temporary\n[profile.sweep-o3]\ninherits = \"release\"\n")).unwrap();
        // The user adds a dependency while the sweep builds.
        let during = fs::read_to_string(&manifest).unwrap().replacen(
            "[workspace]",
            "[workspace]\n# added during the sweep",
            1,
        );
        fs::write(&manifest, during).unwrap();
        guard.restore().unwrap();
        let after = fs::read_to_string(&manifest).unwrap();
        assert!(after.contains("# added during the sweep"), "{after}");
        assert!(!after.contains("sweep-o3"), "{after}");
    }
}

#[cfg(test)]
#[path = "guard_props.rs"]
mod props;

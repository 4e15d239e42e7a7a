//! The guard's promise as a property: whatever the manifest (LF, CRLF or mixed endings, a BOM,
//! comments, dotted keys, inline tables, the user's own `sweep-*` profile, no final newline) and
//! wherever a `kill -9` stops the sweep (after each of the guard's writes), the recovery puts
//! back the manifest's bytes and mtime, the touched source's mtime, and deletes only the
//! `Cargo.lock` it can prove it made.

use std::fs;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;

use super::*;
use crate::manifest::leftovers::{nanos, touched_path};
use crate::manifest::profiles::{inherited_settings, with_sweep_profiles};
use crate::manifest::text::tests::join;
use crate::plan::spec::Sweep;
use crate::plan::variants::expand;

const SWEEP: &str = "package = \"p\"\n[[ladder]]\nstep = \"a\"\n[[ladder]]\nstep = \"b\"\nlto = true\nstrip = true\n";

/// Lines of a manifest: a root key or comment first, then tables in any order, each with a
/// comment or blank line or not; the property test joins them with random endings.
fn manifest_lines() -> impl Strategy<Value = Vec<&'static str>> {
    let top = prop::sample::select(vec![
        vec![],
        vec!["# a comment", ""],
        vec!["profile.test.opt-level = 1   # a dotted key"],
    ]);
    let tables = prop::sample::subsequence(
        vec![
            vec!["[workspace] # the root", "members = [\"a\"]   # trailing"],
            vec!["[profile.release]", "lto = \"thin\"", "\t "],
            vec!["# mine", "[profile.dev]", "opt-level = 1"],
            vec!["[profile.sweep-mine] # the user's own, from before", "inherits = \"release\""],
            vec!["[workspace.dependencies]", "x = { a = 1, b = \"two\" }", ""],
            vec![
                "[workspace.metadata]",
                "deps.serde = { version = \"1\", features = [\"derive\"] }",
            ],
        ],
        0..=6,
    )
    .prop_shuffle();
    (top, tables)
        .prop_map(|(top, tables)| top.into_iter().chain(tables.into_iter().flatten()).collect())
}

/// How far a sweep got before it was killed: after the lock, the backup, the manifest write,
/// listing the lock file, cargo creating it, claiming it, and touching a source file.
const STAGES: u8 = 7;

/// The sweep's edit of `text`, `None` where the text is no manifest a sweep would start on.
fn edited(text: &str) -> Option<String> {
    let sweep = Sweep::parse(Path::new("s.toml"), SWEEP.to_owned()).ok()?;
    let inherited = inherited_settings(Path::new("Cargo.toml"), text, &sweep).ok()?;
    let variants = expand(&sweep, inherited.settings).variants;
    with_sweep_profiles(Path::new("Cargo.toml"), text, &sweep, &inherited, &variants).ok()
}

/// Runs a sweep's writes up to `stage` on a manifest of `text`, then "kills" it: the guard is
/// forgotten and its lock names a dead process.
fn killed_at(dir: &Path, text: &str, edited: &str, stage: u8) {
    let manifest = dir.join("Cargo.toml");
    let state = state_dir(&dir.join("target"), &manifest);
    let (mut guard, _) = ManifestGuard::acquire(&manifest, &state).unwrap();
    let lock_file = dir.join("Cargo.lock");
    let source = dir.join("main.rs");
    let steps: [&dyn Fn(&mut ManifestGuard); 6] = [
        &|_| write_atomic(&backup_path(&state), text.as_bytes()).unwrap(),
        &|g| g.write(edited).unwrap(),
        &|g| g.remove_on_restore(&lock_file).unwrap(),
        &|_| fs::write(&lock_file, "# made by cargo\n").unwrap(),
        &|g| g.claim_created(&lock_file).unwrap(),
        &|_| {
            // Killed inside `touching`: the record is written and the new mtime set.
            let file = fs::File::options().append(true).open(&source).unwrap();
            let old = file.metadata().unwrap().modified().unwrap();
            let now = UNIX_EPOCH + Duration::from_secs(2_000_000);
            let record = format!("{}\t{}\t{}\n", nanos(old), nanos(now), source.display());
            write_atomic(&touched_path(&state), record.as_bytes()).unwrap();
            file.set_modified(now).unwrap();
        },
    ];
    for step in steps.iter().take(usize::from(stage)) {
        step(&mut guard);
    }
    std::mem::forget(guard);
    let lock = fs::read_to_string(lock_path(&state)).unwrap();
    let dead = lock.replacen(&format!("pid={}\n", std::process::id()), "pid=999999999\n", 1);
    fs::write(lock_path(&state), dead).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn a_killed_sweeps_manifest_comes_back_byte_for_byte(
        lines in manifest_lines(),
        endings in prop::collection::vec(prop::sample::select(vec!["\n", "\r\n"]), 1..4),
        bom in any::<bool>(),
        final_newline in any::<bool>(),
        stage in 0..STAGES,
    ) {
        let text = join(&lines, &endings, bom, final_newline);
        let Some(edited) = edited(&text) else { return Err(TestCaseError::reject("no manifest")) };
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("Cargo.toml");
        let source = dir.path().join("main.rs");
        fs::write(&manifest, &text).unwrap();
        fs::write(&source, "fn main() {}\n").unwrap();
        let then = UNIX_EPOCH + Duration::from_secs(1_000_000);
        for file in [&manifest, &source] {
            fs::File::options().append(true).open(file).unwrap().set_modified(then).unwrap();
        }

        killed_at(dir.path(), &text, &edited, stage);
        let state = state_dir(&dir.path().join("target"), &manifest);
        let recovery = recover(&manifest, &state).unwrap();

        prop_assert_eq!(fs::read(&manifest).unwrap(), text.as_bytes());
        prop_assert_eq!(fs::metadata(&manifest).unwrap().modified().unwrap(), then);
        prop_assert_eq!(fs::metadata(&source).unwrap().modified().unwrap(), then);
        let was_edited = stage >= 2 && edited != text;
        prop_assert_eq!(matches!(recovery, Some(Recovery::Restored { .. })), was_edited);
        // The lock file goes only once it was claimed; an unclaimed one is kept.
        prop_assert_eq!(dir.path().join("Cargo.lock").exists(), stage == 4);
        prop_assert!(ManifestGuard::acquire(&manifest, &state).is_ok(), "a new sweep can start");
    }
}

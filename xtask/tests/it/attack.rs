//! The attack suite: what a hostile or unlucky user does to their own files (a CRLF manifest
//! with a BOM, a `kill -9`, a stale state file in a shared target directory, odd profile names,
//! an `apply` during a sweep), and the promise checked each time: the manifest's bytes and
//! mtime, no file deleted that the tool did not make, the exit status and the message.

use std::fs;
use std::time::{Duration, UNIX_EPOCH};

use crate::fixture::{Fixture, signal, stderr, stdout};
use crate::interrupt::start_slow_sweep;

/// Rewrites the fixture's manifest as git checks it out on Windows (CRLF, with a BOM), with a
/// `[profile.sweep-mine]` of the user's own, and an old mtime; returns its bytes.
fn windows_manifest(fixture: &Fixture) -> Vec<u8> {
    let text = String::from_utf8(fixture.manifest_bytes()).unwrap();
    let text = format!(
        "\u{feff}{text}\n# my own profile, whatever its name\n[profile.sweep-mine]\ninherits = \"release\"\n"
    );
    let bytes = text.replace('\n', "\r\n").into_bytes();
    fs::write(fixture.manifest(), &bytes).unwrap();
    set_mtime(&fixture.manifest(), 1_000_000);
    bytes
}

fn set_mtime(path: &std::path::Path, seconds: u64) {
    let file = fs::File::options().append(true).open(path).unwrap();
    file.set_modified(UNIX_EPOCH + Duration::from_secs(seconds)).unwrap();
}

fn mtime(path: &std::path::Path) -> std::time::SystemTime {
    fs::metadata(path).unwrap().modified().unwrap()
}

/// Case 1 and 2 of the attack list: after a `kill -9`, the recovery puts a CRLF manifest with a
/// BOM back byte for byte, with its mtime, says it restored it (not that the user edited it),
/// and keeps the user's own `[profile.sweep-mine]`.
#[test]
fn a_crlf_manifest_with_a_bom_comes_back_byte_for_byte_after_kill_9() {
    let fixture = Fixture::new();
    let before = windows_manifest(&fixture);
    let then = mtime(&fixture.manifest());
    let mut child = start_slow_sweep(&fixture);
    signal(&child, libc::SIGKILL);
    child.wait().unwrap();
    assert_ne!(fixture.manifest_bytes(), before);

    let output = restore(&fixture);
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("profile-sweep: restored") && !err.contains("has changed"), "{err}");
    assert_eq!(fixture.manifest_bytes(), before, "CRLF, BOM and the user's sweep-mine stay");
    assert_eq!(mtime(&fixture.manifest()), then);
}

/// Case 4 and 7: a stale lock and a `created` list in the state directory (a cloned
/// repository or a shared target directory can carry them) make no command delete the paths
/// listed, nor a `Cargo.lock` the tool cannot prove it made.
#[test]
fn a_stale_state_file_deletes_nothing() {
    let fixture = Fixture::new();
    let victim = fixture.path("precious.txt");
    fs::write(&victim, "mine\n").unwrap();
    let state = state_dir_of(&fixture);
    fs::write(state.join("lock"), "pid=999999999\nstart=1\nmtime_ns=0\n").unwrap();
    let lock_beside = fixture.path("Cargo.lock");
    assert!(lock_beside.exists(), "the fixture has its own lock");
    // Old-style plain paths, new-style entries without proof or with a wrong one.
    let listed = [
        victim.display().to_string(),
        lock_beside.display().to_string(),
        format!("-\t-\t{}", victim.display()),
        format!("{}\t1\t{}", "0".repeat(64), lock_beside.display()),
        format!("-\t-\t{}", lock_beside.display()),
    ];
    fs::write(state.join("created"), listed.join("\n") + "\n").unwrap();
    let lock_bytes = fs::read(&lock_beside).unwrap();

    let restore = restore(&fixture);
    assert!(restore.status.success(), "{}", stderr(&restore));
    assert_eq!(fs::read_to_string(&victim).unwrap(), "mine\n", "a listed path is not deleted");
    assert_eq!(fs::read(&lock_beside).unwrap(), lock_bytes, "an unproven Cargo.lock is kept");
}

fn restore(fixture: &Fixture) -> std::process::Output {
    let mut command = fixture.xtask();
    command.arg("restore").arg("--manifest-path").arg(fixture.manifest());
    command.output().unwrap()
}

/// The guard directory of the fixture's manifest, found as a killed sweep leaves it (and
/// cleaned by a `restore`).
fn state_dir_of(fixture: &Fixture) -> std::path::PathBuf {
    let mut child = start_slow_sweep(fixture);
    signal(&child, libc::SIGKILL);
    child.wait().unwrap();
    let guards = fixture.path("target/profile-sweep");
    let state = fs::read_dir(&guards)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join("lock").exists())
        .expect("a killed sweep leaves its lock");
    assert!(restore(fixture).status.success());
    state
}

/// The results directory `apply` reads in these tests: a real sweep of two variants.
fn swept(fixture: &Fixture) -> std::path::PathBuf {
    let sweep = fixture.sweep_file("package = \"app\"\n[matrix]\nopt-level = [2, 3]\n");
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    fixture.path("out")
}

/// Case 3 and 6: `apply` changes only the lines it changes in a CRLF manifest with a BOM,
/// refuses names cargo rejects or profile-sweep reserves, and refuses while a sweep runs.
#[test]
fn apply_keeps_crlf_and_refuses_bad_names_and_running_sweeps() {
    let fixture = Fixture::new();
    let results = swept(&fixture);
    let before = windows_manifest(&fixture);
    let apply = |profile: &str| {
        let mut command = fixture.xtask();
        command.arg("apply").arg(&results).arg("o2-nolto-cgu16-unwind-dbg");
        command.arg("--manifest-path").arg(fixture.manifest()).arg("--profile").arg(profile);
        command.output().unwrap()
    };
    for bad in ["debug", "bad name]", "sweep-x", "", "cargo-thing"] {
        let output = apply(bad);
        assert_eq!(output.status.code(), Some(2), "--profile {bad:?}: {}", stderr(&output));
        assert!(stderr(&output).contains("the profile name"), "{}", stderr(&output));
        assert_eq!(fixture.manifest_bytes(), before);
    }

    let output = apply("release");
    assert!(output.status.success(), "{}", stderr(&output));
    let after = String::from_utf8(fixture.manifest_bytes()).unwrap();
    let before = String::from_utf8(before).unwrap();
    assert!(
        after.starts_with('\u{feff}') && !after.replace("\r\n", "").contains('\n'),
        "{after:?}"
    );
    let added = "opt-level = 2\r\npanic = \"unwind\"\r\nstrip = \"debuginfo\"\r\n";
    assert_eq!(after.replacen(added, "", 1), before, "only the new keys: {}", stdout(&output));

    let mut child = start_slow_sweep(&fixture);
    let during = apply("fast");
    signal(&child, libc::SIGTERM);
    child.wait().unwrap();
    assert!(!during.status.success());
    assert!(stderr(&during).contains("is running on"), "{}", stderr(&during));
    assert_eq!(String::from_utf8(fixture.manifest_bytes()).unwrap(), after);
}

/// Case 11: a `kill -9` of the sweep takes the measured program with it, so it neither loads
/// the machine nor keeps its executable busy for the next build.
#[test]
fn a_killed_sweep_leaves_no_measured_program_running() {
    let fixture = Fixture::new();
    // Not a path: pgrep must find the measured program only, not the sweep or cargo.
    let nanos = std::time::SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    let marker = format!("measured-run-{nanos}");
    let sweep = fixture.sweep_file(&format!(
        "package = \"app\"\n[matrix]\nopt-level = [1]\n[[run]]\nname = \"slow\"\nargs = [\"sleep\", \"60\", \"{marker}\"]\nwarmup = 0\nruns = 2\ninstructions = false\ncheck-output = false\ntimeout-seconds = 120\n"
    ));
    let mut child = fixture.sweep_command(&sweep).spawn().unwrap();
    let running = || {
        let pgrep = std::process::Command::new("pgrep").args(["-f", &marker]).output().unwrap();
        !pgrep.stdout.is_empty()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while !running() {
        assert!(std::time::Instant::now() < deadline, "the run never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    signal(&child, libc::SIGKILL);
    child.wait().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(!running(), "the measured program outlived the sweep");
    assert!(restore(&fixture).status.success());
}

/// Cases 5 and 10: results of another crate are never replaced or mixed in silently: a second
/// crate's sweep of the same name into the same directory, a merge over an existing results
/// file, a report that is not ours; `compare` of two crates and `apply` onto another workspace
/// are refused.
#[test]
fn earlier_results_and_other_crates_are_never_overwritten_or_mixed() {
    let fixture = Fixture::new();
    let results = swept(&fixture);
    let before = crate::fixture::results_bytes(&results);
    let exit = |mut command: std::process::Command| {
        let output = command.output().unwrap();
        (output.status.code(), stderr(&output))
    };

    // Another package under the same sweep name into the same directory.
    let timed =
        fixture.sweep_file("name = \"sweep\"\npackage = \"timed\"\n[matrix]\nopt-level = [2]\n");
    let (code, err) = exit(fixture.sweep_command(&timed));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("on package `app`") && err.contains("--out DIR"), "{err}");
    assert_eq!(crate::fixture::results_bytes(&results), before, "the app's rows are intact");

    // A report of the user's own where a sweep would write.
    fs::create_dir_all(fixture.path("mine")).unwrap();
    fs::write(fixture.path("mine/report.md"), "# My notes\n").unwrap();
    let (code, err) = exit(fixture.sweep_command_to(&timed, "mine"));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not written by profile-sweep"), "{err}");
    assert_eq!(fs::read_to_string(fixture.path("mine/report.md")).unwrap(), "# My notes\n");
    assert!(!fixture.path("mine/run.json").exists(), "refused before any build");

    // merge over an existing results file, even one of its own inputs.
    let mut merge = fixture.xtask();
    merge.arg("merge").arg("--out").arg(fixture.path("out")).arg(&results);
    let (code, err) = exit(merge);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(crate::fixture::results_bytes(&results), before);

    // compare two crates' results.
    let (code, err) = exit(fixture.sweep_command_to(&timed, "timed-out"));
    assert_eq!(code, Some(0), "{err}");
    let mut compare = fixture.xtask();
    compare.arg("compare").arg(&results).arg(fixture.path("timed-out"));
    let (code, err) = exit(compare);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not comparable"), "{err}");

    // apply the app's variant to a workspace without that package.
    let other = tempfile::tempdir().unwrap();
    fs::write(
        other.path().join("Cargo.toml"),
        "[package]\nname = \"other\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    fs::create_dir_all(other.path().join("src")).unwrap();
    fs::write(other.path().join("src/main.rs"), "fn main() {}\n").unwrap();
    let manifest = fs::read(other.path().join("Cargo.toml")).unwrap();
    let mut apply = fixture.xtask();
    apply.arg("apply").arg(&results).arg("o2-nolto-cgu16-unwind-dbg");
    apply.arg("--manifest-path").arg(other.path().join("Cargo.toml"));
    let (code, err) = exit(apply);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not in the workspace"), "{err}");
    assert_eq!(fs::read(other.path().join("Cargo.toml")).unwrap(), manifest);
}

/// Case 13: a sweep refused before it touched anything says so, instead of claiming to have
/// restored the manifest.
#[test]
fn a_refused_sweep_says_it_changed_nothing() {
    let fixture = Fixture::new();
    let mut first = start_slow_sweep(&fixture);
    let during = fixture.manifest_bytes();
    let sweep = fixture.path("second.toml");
    fs::write(&sweep, "package = \"app\"\n[matrix]\nopt-level = [2]\n").unwrap();
    let output = fixture.sweep_command_to(&sweep, "second").output().unwrap();
    signal(&first, libc::SIGTERM);
    first.wait().unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("another sweep (pid") && err.contains("no file was changed"), "{err}");
    assert!(!err.contains("is restored"), "{err}");
    assert_ne!(during, fixture.manifest_bytes(), "the first sweep's profiles were in it");
}

/// Case 13: a manifest cargo cannot read is bad input (exit 2), said once, and left alone.
#[test]
fn an_invalid_manifest_is_bad_input_said_once() {
    let fixture = Fixture::new();
    let broken =
        format!("{}\n[dependencies\n", String::from_utf8(fixture.manifest_bytes()).unwrap());
    fs::write(fixture.manifest(), &broken).unwrap();
    let sweep = fixture.sweep_file("package = \"app\"\n[matrix]\nopt-level = [2]\n");
    let output = fixture.sweep_command(&sweep).output().unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert_eq!(err.matches("unclosed table").count(), 1, "{err}");
    assert_eq!(fs::read_to_string(fixture.manifest()).unwrap(), broken);
}

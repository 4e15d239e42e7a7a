//! Signals in the middle of a real sweep: SIGINT and SIGTERM restore the manifest at once;
//! after SIGKILL the next command restores it from the backup.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::fixture::{Fixture, signal, stderr};

/// Starts a sweep whose builds sleep, and waits until the sweep profiles are in the manifest.
pub(crate) fn start_slow_sweep(fixture: &Fixture) -> Child {
    let sweep = fixture.sweep_file("package = \"app\"\n[matrix]\nopt-level = [1, 2, 3]\n");
    let child = fixture
        .sweep_command(&sweep)
        .env("FIXTURE_BUILD_SLEEP", "60")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    fixture.wait_for_sweep_profiles();
    // Let cargo get into the sleeping build script.
    std::thread::sleep(Duration::from_millis(500));
    child
}

fn interrupted_with(signal_number: libc::c_int) {
    let fixture = Fixture::new();
    let before = fixture.manifest_bytes();
    let child = start_slow_sweep(&fixture);
    // `restore` leaves a live sweep's profiles alone, and says whose they are.
    let output =
        fixture.xtask().arg("restore").arg("--manifest-path").arg(fixture.manifest()).output();
    let output = output.unwrap();
    let said = format!("a sweep (pid {}) is running on", child.id());
    assert!(output.status.success() && stderr(&output).contains(&said), "{}", stderr(&output));
    assert_ne!(fixture.manifest_bytes(), before, "the live sweep's profiles stay");
    let started = Instant::now();
    signal(&child, signal_number);
    let output = child.wait_with_output().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the sleeping build must be stopped, not awaited"
    );
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("interrupted after 0 of 3 variants: Cargo.toml is restored byte for byte"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fixture.manifest_bytes(), before);
}

#[test]
fn sigint_restores_the_manifest() {
    interrupted_with(libc::SIGINT);
}

#[test]
fn sigterm_restores_the_manifest() {
    interrupted_with(libc::SIGTERM);
}

#[test]
fn after_kill_9_the_next_command_restores_the_manifest() {
    let fixture = Fixture::new();
    let before = fixture.manifest_bytes();
    let mut child = start_slow_sweep(&fixture);
    signal(&child, libc::SIGKILL);
    child.wait().unwrap();
    assert_ne!(fixture.manifest_bytes(), before, "kill -9 gives no chance to clean up");

    // Any command repairs it first: here a sweep with a bad sweep file.
    let bad = fixture.path("bad.toml");
    std::fs::write(&bad, "package = 1\n").unwrap();
    let output = fixture.sweep_command(&bad).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("profile-sweep: restored")
            && err.contains("from the backup written before an earlier sweep (pid"),
        "{err}"
    );
    assert_eq!(fixture.manifest_bytes(), before);

    // And a second run has nothing left to do.
    let output = fixture
        .xtask()
        .arg("restore")
        .arg("--manifest-path")
        .arg(fixture.manifest())
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(stderr(&output).contains("nothing to restore"), "{}", stderr(&output));
}

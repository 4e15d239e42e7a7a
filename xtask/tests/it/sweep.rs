//! Real sweeps of the fixture: rows, sizes, restored manifest, failing variants.

use std::process::Command;

use crate::fixture::{Fixture, stderr};

#[test]
fn a_matrix_builds_every_variant_and_restores_the_manifest() {
    let fixture = Fixture::new();
    let before = fixture.manifest_bytes();
    let sweep = fixture.sweep_file("package = \"app\"\n[matrix]\nopt-level = [3, \"z\"]\nstrip = [false, true]\nexclude = [{ opt-level = \"z\", strip = false }]\n");
    let source = fixture.path("app/src/main.rs");
    let touched_before = std::fs::metadata(&source).unwrap().modified().unwrap();
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(fixture.manifest_bytes(), before, "Cargo.toml must come back byte for byte");

    let rows = fixture.result_records();
    let (variant, status, size, strip) = (
        fixture.column("variant"),
        fixture.column("status"),
        fixture.column("size_bytes"),
        fixture.column("strip"),
    );
    let ids: Vec<&str> = rows.iter().map(|r| &r[variant]).collect();
    assert_eq!(
        ids,
        [
            "o3-nolto-cgu16-unwind-dbg",
            "o3-nolto-cgu16-unwind-nostrip",
            "o3-nolto-cgu16-unwind-sym",
            "oz-nolto-cgu16-unwind-sym"
        ],
        "the baseline first, and the user's lto = \"off\" is inherited"
    );
    assert!(rows.iter().all(|r| &r[status] == "ok"));
    let sizes: Vec<u64> = rows.iter().map(|r| r[size].parse().unwrap()).collect();
    assert!(sizes[2] < sizes[1], "strip = symbols must be smaller than strip = none: {sizes:?}");
    assert_eq!(&rows[2][strip], "symbols");
    // Every variant is built plainly and timed rebuilding after an edit; the touched source
    // gets its time stamp back.
    let (rebuild, build) = (fixture.column("rebuild_seconds"), fixture.column("build_seconds"));
    let rebuilds: Vec<&str> = rows.iter().map(|r| &r[rebuild]).collect();
    assert!(rebuilds.iter().all(|s| s.parse::<f64>().unwrap() > 0.0), "{rebuilds:?}");
    assert!(rows.iter().all(|r| !r[build].is_empty()), "no variant is relinked by default");
    assert_eq!(std::fs::metadata(&source).unwrap().modified().unwrap(), touched_before);
    assert!(stderr(&output).contains("rebuilt after an edit in"), "{}", stderr(&output));
    // Each variant's build directory is pruned once measured; the binaries are kept.
    let target = fixture.path("target");
    assert!(!target.join("sweep-o3-nolto-cgu16-unwind-sym").exists());
    assert!(target.join("profile-sweep/sweep/bin/o3-nolto-cgu16-unwind-sym/app").exists());
}

#[test]
fn the_default_step_is_byte_identical_to_a_plain_release_build() {
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file("package = \"app\"\n[[ladder]]\nstep = \"default release\"\n[[ladder]]\nstep = \"+ abort\"\npanic = \"abort\"\n");
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let rows = fixture.result_records();
    let (sha, step) = (fixture.column("sha256"), fixture.column("step"));
    assert_eq!(&rows[0][step], "default release");

    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--release", "--package", "app", "--manifest-path"])
        .arg(fixture.manifest())
        .env("CARGO_TARGET_DIR", fixture.path("target"))
        .status()
        .unwrap();
    assert!(status.success());
    let plain = std::fs::read(fixture.path("target/release/app")).unwrap();
    let plain_sha: String = sha256_hex(&plain);
    assert_eq!(rows[0][sha], plain_sha, "the default step must be the release build users know");
    assert_ne!(rows[1][sha], plain_sha);
}

#[test]
fn a_failing_variant_is_recorded_and_the_sweep_goes_on() {
    let fixture = Fixture::new();
    let before = fixture.manifest_bytes();
    let sweep = fixture.sweep_file(
        "package = \"picky\"\nbin = \"picky\"\n[matrix]\npanic = [\"abort\", \"unwind\"]\n",
    );
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(fixture.manifest_bytes(), before);
    let rows = fixture.result_records();
    let (status, size) = (fixture.column("status"), fixture.column("size_bytes"));
    assert_eq!((&rows[0][status], &rows[0][size]), ("build-failed", ""));
    assert_eq!(&rows[1][status], "ok");
    let log =
        std::fs::read_to_string(fixture.path("out/logs/o3-nolto-cgu16-abort-dbg.log")).unwrap();
    assert!(log.contains("picky refuses to be built with panic = \"abort\""), "{log}");
    assert!(stderr(&output).contains("build-failed"));
}

#[test]
fn a_re_run_keeps_earlier_rows_and_replaces_re_measured_ones() {
    let fixture = Fixture::new();
    let first = fixture.sweep_file("package = \"app\"\n[matrix]\nopt-level = [1, 2]\n");
    assert!(fixture.sweep_command(&first).output().unwrap().status.success());
    let second = fixture.sweep_file("package = \"app\"\n[matrix]\nopt-level = [2, 3]\n");
    assert!(fixture.sweep_command(&second).output().unwrap().status.success());
    let variant = fixture.column("variant");
    let ids: Vec<String> = fixture.result_records().iter().map(|r| r[variant].to_owned()).collect();
    // The first matrix lacks the baseline (o3), so it came first; the second holds it.
    assert_eq!(
        ids,
        ["o3-nolto-cgu16-unwind-dbg", "o1-nolto-cgu16-unwind-dbg", "o2-nolto-cgu16-unwind-dbg"]
    );
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn an_error_mid_sweep_restores_the_manifest_and_keeps_finished_rows() {
    let fixture = Fixture::new();
    let before = fixture.manifest_bytes();
    // A file where the second variant's executable is to be kept: an I/O error mid-sweep.
    let blocked = fixture.path("target/profile-sweep/sweep/bin/o2-nolto-cgu16-unwind-dbg");
    std::fs::create_dir_all(blocked.parent().unwrap()).unwrap();
    std::fs::write(&blocked, "in the way").unwrap();
    let sweep = fixture.sweep_file("package = \"app\"\n[matrix]\nopt-level = [1, 2, 3]\n");
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("Cargo.toml is restored"), "{}", stderr(&output));
    assert_eq!(fixture.manifest_bytes(), before);
    let rows = fixture.result_records();
    assert_eq!(rows.len(), 1, "the variant that finished before the error keeps its row");
}

#[test]
fn a_binary_with_required_features_is_built_with_them() {
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file("package = \"picky\"\nbin = \"picky-featured\"\n[matrix]\nopt-level = [3]\n[[run]]\nname = \"say\"\nwarmup = 0\nruns = 2\ninstructions = false\n");
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let rows = fixture.result_records();
    let (status, note) = (fixture.column("status"), fixture.column("note"));
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| &r[status] == "ok"), "{rows:?}");
    assert_eq!(
        &rows[0][note],
        "built with --features extra (the required-features of picky-featured)"
    );
}

#[test]
fn a_workspace_without_a_lockfile_gets_none_left_behind_and_a_stable_cache() {
    let fixture = Fixture::new();
    std::fs::remove_file(fixture.path("Cargo.lock")).unwrap();
    let before = fixture.manifest_bytes();
    let sweep = fixture.sweep_file("package = \"app\"\n[matrix]\nopt-level = [3]\n");
    for cached in ["cache: 0 of 1", "cache: 1 of 1"] {
        let output = fixture.sweep_command(&sweep).output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(
            String::from_utf8_lossy(&output.stdout).contains(cached),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
        assert!(
            !fixture.path("Cargo.lock").exists(),
            "the Cargo.lock cargo made for the sweep is gone"
        );
        assert_eq!(fixture.manifest_bytes(), before);
    }
    let rows = fixture.result_records();
    assert_eq!(
        rows[0][fixture.column("cargo_lock_sha256")].len(),
        64,
        "the resolved lockfile is recorded"
    );
}

/// The variant built with the profile the crate ships today (the fixture's own
/// `[profile.release]`, `lto = "off"`) is marked in the CSV, and the report's verdict says its
/// changes against it.
#[test]
fn the_shipped_profile_is_the_marked_baseline() {
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file("package = \"app\"\n[matrix]\nopt-level = [2, 3]\n");
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let (variant, baseline) = (fixture.column("variant"), fixture.column("baseline"));
    let marked: Vec<String> = fixture
        .result_records()
        .iter()
        .filter(|r| &r[baseline] == "true")
        .map(|r| r[variant].to_owned())
        .collect();
    assert_eq!(marked, ["o3-nolto-cgu16-unwind-dbg"]);
    let report = std::fs::read_to_string(fixture.path("out/report.md")).unwrap();
    assert!(report.contains("- Baseline: `o3-nolto-cgu16-unwind-dbg`"), "{report}");
}

#[test]
fn json_messages_give_every_row_as_written_and_the_verdict_last() {
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file(concat!(
        "package = \"app\"\n[matrix]\nopt-level = [3, \"z\"]\n",
        "[[run]]\nname = \"greet\"\nargs = [\"world\"]\nwarmup = 0\nruns = 2\ninstructions = false\n",
    ));
    let output = fixture.sweep_command(&sweep).args(["--message-format", "json"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let messages: Vec<serde_json::Value> =
        stdout.lines().map(|l| serde_json::from_str(l).expect("every line is JSON")).collect();
    let (last, rows) = messages.split_last().unwrap();
    assert!(rows.iter().all(|m| m["reason"] == "row" && m["schema"] == 2), "{stdout}");
    let csv = fixture.result_records();
    assert_eq!(rows.len(), csv.len(), "one message per row of the results");
    let variant = fixture.column("variant");
    for (message, record) in rows.iter().zip(&csv) {
        assert_eq!(message["row"]["variant"], record[variant]);
    }
    assert_eq!(last["reason"], "sweep-finished");
    assert_eq!(last["variants"], 2);
    let chosen = last["verdict"]["variant"].as_str().unwrap();
    assert!(csv.iter().any(|r| &r[variant] == chosen), "{last}");
    assert!(last["verdict"]["profile"].as_str().unwrap().starts_with("[profile.release]"));
}

//! Sweeps that must not do work twice or lose any: the cache, resuming after `kill -9`, a results
//! file that survives being killed mid-write, and the lock against a second sweep.

use std::fs;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use profile_sweep::results::rows::Row;

use crate::fixture::{Fixture, signal, stderr, stdout};

/// Three variants of the fixture's `app` that differ in `strip`, each run twice.
const STRIP_SWEEP: &str = "package = \"app\"\n[matrix]\nstrip = [false, \"debuginfo\", true]\n[[run]]\nname = \"hello\"\nwarmup = 0\nruns = 2\n";

fn kill_9(child: &mut Child) {
    signal(child, libc::SIGKILL);
    child.wait().unwrap();
}

#[test]
fn a_finished_sweep_is_not_redone_until_a_source_changes() {
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file(STRIP_SWEEP);
    let run = |extra: &[&str]| {
        let output = fixture.sweep_command(&sweep).args(extra).output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    };
    assert!(run(&[]).contains("cache: 0 of 3 variants"));
    let files = results_files(&fixture);
    let report = fs::read(fixture.path("out/report.md")).unwrap();

    let again = run(&[]);
    assert!(again.contains("cache: 3 of 3 variants"), "{again}");
    assert_eq!(results_files(&fixture), files, "a cached re-run rewrites identical results");
    assert_eq!(fs::read(fixture.path("out/report.md")).unwrap(), report);

    let forced = run(&["--force"]);
    assert!(forced.contains("cache: 0 of 3 variants"), "{forced}");

    let main_rs = fixture.path("app/src/main.rs");
    let mut source = fs::read_to_string(&main_rs).unwrap();
    source.push_str("// one changed line\n");
    fs::write(&main_rs, source).unwrap();
    let changed = run(&[]);
    assert!(
        changed.contains("cache: 0 of 3 variants"),
        "a changed source file invalidates every variant built from it: {changed}"
    );
    assert!(run(&[]).contains("cache: 3 of 3 variants"));

    // The goal is the sweep file's, not the measurement's: cached rows take the new one.
    let goal = fixture.sweep_file(&format!("goal = \"size\"\n{STRIP_SWEEP}"));
    assert_eq!(goal, sweep, "the same sweep file");
    assert!(run(&[]).contains("cache: 3 of 3 variants"));
    let rows = profile_sweep::load_results(&fixture.path("out")).unwrap();
    let goals: Vec<Option<String>> = rows.into_iter().map(|r| r.goal).collect();
    assert!(!goals.is_empty() && goals.iter().all(|g| g.as_deref() == Some("size")), "{goals:?}");
}

/// Every strip variant is a plain build of its own profile: its own clean build time, no
/// relink note, and sizes in the order the strip values promise.
#[test]
fn strip_variants_are_built_plainly() {
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file(STRIP_SWEEP);
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let rows = profile_sweep::load_results(&fixture.path("out")).unwrap();
    let sizes: Vec<Row> = rows.into_iter().filter(|r| r.measurement.is_none()).collect();
    assert_eq!(sizes.len(), 3);
    for plain in &sizes {
        assert!(plain.build_seconds.is_some(), "a plain build measures its clean build");
        assert_eq!(plain.note, None, "a plain build is not relinked");
    }
    let sizes: Vec<Option<u64>> = sizes.iter().map(|r| r.size_bytes).collect();
    assert!(sizes[0] > sizes[1] && sizes[1] > sizes[2], "none > debuginfo > symbols: {sizes:?}");
}

/// Reads the results files, which must parse whenever they exist.
fn rows_now(fixture: &Fixture) -> Vec<Row> {
    match fixture.path("out/run.json").exists() {
        true => profile_sweep::results::layout::read_dir(&fixture.path("out"))
            .unwrap_or_else(|e| panic!("half-written results files: {e}")),
        false => Vec::new(),
    }
}

/// The bytes of the three results files in `out/`.
fn results_files(fixture: &Fixture) -> Vec<Vec<u8>> {
    ["run.json", "variants.csv", "measurements.csv"]
        .map(|f| fs::read(fixture.path("out").join(f)).unwrap())
        .to_vec()
}

#[test]
fn a_sweep_killed_mid_way_resumes_with_every_finished_row() {
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file("package = \"app\"\n[matrix]\nopt-level = [1, 2, 3]\n");
    // Variant o1 builds at once; o2's build sleeps until it is killed.
    let mut child = fixture
        .sweep_command(&sweep)
        .env("FIXTURE_BUILD_SLEEP", "120")
        .env("FIXTURE_BUILD_SLEEP_AT_OPT_LEVEL", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while rows_now(&fixture).is_empty() {
        assert!(Instant::now() < deadline, "the first variant never finished");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    kill_9(&mut child);
    let before = rows_now(&fixture);
    assert_eq!(
        before.iter().map(|r| r.variant.as_str()).collect::<Vec<_>>(),
        ["o1-nolto-cgu16-unwind-dbg"]
    );

    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("profile-sweep: restored"),
        "the killed sweep's manifest is repaired first: {}",
        stderr(&output)
    );
    assert!(stdout(&output).contains("cache: 1 of 3 variants"), "{}", stdout(&output));
    let after = rows_now(&fixture);
    assert_eq!(after.len(), 3);
    assert_eq!(after[0], before[0], "the finished row is kept as it was");
}

#[test]
fn a_results_file_killed_mid_write_is_still_valid() {
    let fixture = Fixture::new();
    let sweep = fixture
        .sweep_file("package = \"app\"\n[matrix]\nopt-level = [1, 2, 3]\nstrip = [false, true]\n");
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    // Earlier results worth keeping, and big enough (about 10 MB) that every rewrite takes a
    // while, so kills land inside writes.
    let template = rows_now(&fixture).remove(0);
    let earlier: Vec<Row> =
        (0..20_000).map(|i| Row { variant: format!("earlier-{i}"), ..template.clone() }).collect();
    profile_sweep::results::layout::write_dir(&fixture.path("out"), &earlier).unwrap();

    for delay_ms in [150, 400, 650, 900, 1150, 1400] {
        let mut child = fixture
            .sweep_command(&sweep)
            .arg("--force")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while started.elapsed() < Duration::from_millis(delay_ms) {
            rows_now(&fixture);
        }
        kill_9(&mut child);
        let rows = rows_now(&fixture);
        assert_eq!(
            rows.iter().filter(|r| r.variant.starts_with("earlier-")).count(),
            20_000,
            "killed after {delay_ms} ms"
        );
    }
    // Whatever the kills left, the next sweep restores the manifest and finishes.
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(rows_now(&fixture).len(), 20_007, "six variants and the baseline");
}

#[test]
fn a_second_sweep_on_the_same_workspace_is_refused_naming_the_first() {
    let fixture = Fixture::new();
    let before = fixture.manifest_bytes();
    let sweep = fixture.sweep_file("package = \"app\"\n[matrix]\nopt-level = [1]\n");
    let mut first = fixture
        .sweep_command(&sweep)
        .env("FIXTURE_BUILD_SLEEP", "120")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    fixture.wait_for_sweep_profiles();
    let second = fixture.sweep_command_to(&sweep, "out2").output().unwrap();
    assert_eq!(second.status.code(), Some(1), "{}", stderr(&second));
    assert!(
        stderr(&second).contains(&format!("another sweep (pid {}) is running on", first.id())),
        "{}",
        stderr(&second)
    );
    signal(&first, libc::SIGTERM);
    first.wait().unwrap();
    assert_eq!(fixture.manifest_bytes(), before);
}

/// Relinks are not plain builds (cargo hashes `strip` into every dependency's `-C metadata`):
/// `--relink-strip` is refused with the reason, before anything is built.
#[test]
fn relinking_is_refused_with_its_reason() {
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file(STRIP_SWEEP);
    let output = fixture.sweep_command(&sweep).arg("--relink-strip").output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--relink-strip: was removed"), "{}", stderr(&output));
    assert!(stderr(&output).contains("-C metadata"), "{}", stderr(&output));
    assert!(!fixture.path("out").exists(), "nothing was built or written");
}

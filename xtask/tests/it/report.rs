//! `plot`, `apply` and `compare` on a results file, as a user runs them: exit codes, files
//! written or left alone.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::fixture::{stderr, stdout};

/// A copy of a real default-sweep CSV in a temporary directory.
fn results_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("results.csv");
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../crates/profile-sweep/tests/fixtures/ladder-results.csv"),
        &csv,
    )
    .unwrap();
    (dir, csv)
}

fn xtask(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).env("CI", "true").output().unwrap()
}

#[test]
fn plot_draws_every_chart_and_the_report_from_the_csv_alone() {
    let (dir, csv) = results_copy();
    let output = xtask(&["plot".as_ref(), csv.as_os_str()]);
    assert!(output.status.success(), "{}", stderr(&output));
    for file in [
        "tradeoff-convert-200k.svg",
        "tradeoff-convert-200k.png",
        "ladder.svg",
        "ladder.png",
        "report.md",
    ] {
        assert!(dir.path().join(file).is_file(), "{file} missing; wrote:\n{}", stdout(&output));
    }
    let first = fs::read(dir.path().join("tradeoff-convert-200k.svg")).unwrap();
    let again = xtask(&["plot".as_ref(), csv.as_os_str()]);
    assert!(again.status.success());
    assert_eq!(
        fs::read(dir.path().join("tradeoff-convert-200k.svg")).unwrap(),
        first,
        "same CSV, same chart"
    );
}

#[test]
fn plot_refuses_a_broken_or_missing_csv_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("results.csv");
    fs::write(&csv, "sweep,variant,size_bytes\ndefault,a,10\n").unwrap();
    let output = xtask(&["plot".as_ref(), csv.as_os_str()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("missing: opt_level"), "{}", stderr(&output));
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    let output = xtask(&["plot".as_ref(), dir.path().join("nope.csv").as_os_str()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot read the results file"), "{}", stderr(&output));
}

#[test]
fn apply_shows_a_diff_and_changes_nothing_on_dry_run() {
    let (dir, csv) = results_copy();
    let manifest = dir.path().join("Cargo.toml");
    let text = "[package]\nname = \"mine\"\n\n[profile.release]\ndebug = 1 # keep line tables\n";
    fs::write(&manifest, text).unwrap();
    let args = |extra: &[&str]| {
        let mut args: Vec<std::ffi::OsString> = vec![
            "apply".into(),
            csv.clone().into(),
            "oz-fat-cgu1-abort-sym".into(),
            "--manifest-path".into(),
            manifest.clone().into(),
        ];
        args.extend(extra.iter().map(Into::into));
        args
    };
    let dry =
        Command::new(env!("CARGO_BIN_EXE_xtask")).args(args(&["--dry-run"])).output().unwrap();
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(stdout(&dry).contains("+opt-level = \"z\""), "{}", stdout(&dry));
    assert_eq!(fs::read_to_string(&manifest).unwrap(), text, "a dry run writes nothing");
    let real = Command::new(env!("CARGO_BIN_EXE_xtask")).args(args(&[])).output().unwrap();
    assert!(real.status.success(), "{}", stderr(&real));
    assert_eq!(
        fs::read_to_string(&manifest).unwrap(),
        "[package]\nname = \"mine\"\n\n[profile.release]\ndebug = 1 # keep line tables\nopt-level = \"z\"\nlto = \"fat\"\ncodegen-units = 1\npanic = \"abort\"\nstrip = \"symbols\"\n"
    );
    let unknown = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args([
            "apply".as_ref(),
            csv.as_os_str(),
            "o9".as_ref(),
            "--manifest-path".as_ref(),
            manifest.as_os_str(),
        ])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("no variant `o9`"), "{}", stderr(&unknown));
}

#[test]
fn compare_fails_only_on_a_regression_beyond_the_threshold() {
    let (dir, old) = results_copy();
    // The same sweep, with the "z" step 2% larger.
    let new = dir.path().join("new.csv");
    let text = fs::read_to_string(&old).unwrap().replace(",390976,", ",398796,");
    assert_ne!(text, fs::read_to_string(&old).unwrap());
    fs::write(&new, text).unwrap();
    let same = xtask(&[
        "compare".as_ref(),
        old.as_os_str(),
        old.as_os_str(),
        "--max-size-increase".as_ref(),
        "0".as_ref(),
    ]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    let loose = xtask(&[
        "compare".as_ref(),
        old.as_os_str(),
        new.as_os_str(),
        "--max-size-increase".as_ref(),
        "5".as_ref(),
    ]);
    assert_eq!(loose.status.code(), Some(0), "{}", stderr(&loose));
    assert!(stdout(&loose).contains("+2.0%"), "{}", stdout(&loose));
    let strict = xtask(&[
        "compare".as_ref(),
        old.as_os_str(),
        new.as_os_str(),
        "--max-size-increase".as_ref(),
        "1".as_ref(),
    ]);
    assert_eq!(strict.status.code(), Some(1), "{}", stdout(&strict));
    assert!(stdout(&strict).contains("REGRESSION"));
    let empty = dir.path().join("empty.csv");
    fs::write(&empty, "").unwrap();
    assert_eq!(
        xtask(&["compare".as_ref(), old.as_os_str(), empty.as_os_str()]).status.code(),
        Some(2)
    );
}

/// `convert` writes the current layout beside a first-layout file, number for number, leaves the
/// file as it was, and refuses to convert twice; the report drawn from either is the same.
#[test]
fn convert_writes_the_three_files_and_keeps_the_old_one() {
    let (dir, csv) = results_copy();
    let old = fs::read(&csv).unwrap();
    assert!(xtask(&["plot".as_ref(), csv.as_os_str()]).status.success());
    let report = fs::read(dir.path().join("report.md")).unwrap();
    let output = xtask(&["convert".as_ref(), dir.path().as_os_str()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("left as it was"), "{}", stdout(&output));
    assert_eq!(fs::read(&csv).unwrap(), old);
    let rows = profile_sweep::load_results(dir.path()).unwrap();
    let legacy = profile_sweep::load_results(&csv).unwrap();
    assert_eq!(rows.len(), legacy.len());
    assert!(legacy.iter().all(|r| rows.contains(r)), "every row, number for number");
    assert!(xtask(&["plot".as_ref(), dir.path().as_os_str()]).status.success());
    assert_eq!(fs::read(dir.path().join("report.md")).unwrap(), report);
    let again = xtask(&["convert".as_ref(), dir.path().as_os_str()]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stderr(&again).contains("already holds results"), "{}", stderr(&again));
}

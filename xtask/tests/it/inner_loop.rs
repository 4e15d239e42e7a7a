//! The inner loop: rebuilds timed after touching each named file, several times for an
//! interval, the test build too, every touched file's modification time put back.

use std::collections::HashMap;
use std::time::SystemTime;

use crate::fixture::Fixture;

fn mtime(fixture: &Fixture, file: &str) -> SystemTime {
    std::fs::metadata(fixture.path(file)).unwrap().modified().unwrap()
}

fn rows_of<'a>(
    rows: &'a [HashMap<String, String>],
    measurement: &str,
) -> Vec<&'a HashMap<String, String>> {
    rows.iter().filter(|r| r["measurement"] == measurement).collect()
}

#[test]
fn two_touched_files_are_timed_apart_with_intervals_and_their_mtimes_put_back() {
    let fixture = Fixture::new();
    let files = ["timed/src/lib.rs", "timed/src/main.rs"];
    let before: Vec<SystemTime> = files.iter().map(|f| mtime(&fixture, f)).collect();
    let rows = crate::axes::sweep(
        &fixture,
        concat!(
            "package = \"timed\"\n",
            "rebuild-touch = [\"timed/src/lib.rs\", \"timed/src/main.rs\"]\n",
            "rebuild-repeats = 3\n",
            "[matrix]\ncodegen-units = [1, 16]\n",
        ),
    );
    let after: Vec<SystemTime> = files.iter().map(|f| mtime(&fixture, f)).collect();
    assert_eq!(before, after, "every touched file's modification time is put back");
    for file in files {
        let timed = rows_of(&rows, &format!("rebuild:{file}"));
        assert_eq!(timed.len(), 2, "{file}: one row per variant: {rows:?}");
        for row in timed {
            assert_eq!(row["status"], "ok", "{}", row["note"]);
            assert_eq!(row["samples"], "3", "three rebuilds");
            let number = |c: &str| row[c].parse::<f64>().unwrap();
            assert!(0.0 <= number("ci_low_ns") && number("ci_low_ns") <= number("mean_ns"));
            assert!(number("mean_ns") <= number("ci_high_ns"));
            assert!(number("min_ns") > 1e6, "a rebuild takes more than a millisecond");
            assert!(
                number("peak_rss_bytes") > 1e6,
                "rustc's peak memory: {}",
                row["peak_rss_bytes"]
            );
        }
    }
    // The size row's rebuild_seconds is the first file's mean, to the millisecond.
    let size =
        rows.iter().find(|r| r["measurement"].is_empty() && r["codegen_units"] == "1").unwrap();
    let first = rows_of(&rows, "rebuild:timed/src/lib.rs")
        .into_iter()
        .find(|r| r["codegen_units"] == "1")
        .unwrap();
    let mean: f64 = first["mean_ns"].parse().unwrap();
    let seconds: f64 = size["rebuild_seconds"].parse().unwrap();
    assert!((seconds - mean / 1e9).abs() < 0.001, "{seconds} vs {mean}");
    let report = std::fs::read_to_string(fixture.path("out/report.md")).unwrap();
    assert!(report.contains("## Inner loop: rebuild after an edit"), "{report}");
    assert!(report.contains("### `rebuild:timed/src/main.rs`"), "{report}");
    assert!(report.contains("**Fastest inner loop:**"), "{report}");
}

#[test]
fn the_test_build_is_timed_after_the_same_touch() {
    let fixture = Fixture::new();
    let rows = crate::axes::sweep(
        &fixture,
        "package = \"app\"\nrebuild-repeats = 2\nrebuild-tests = true\n[matrix]\nopt-level = [1]\n",
    );
    let tests = rows_of(&rows, "test-rebuild:app/src/main.rs");
    assert_eq!(tests.len(), 2, "opt-level 1 and the shipped profile: {rows:?}");
    assert!(tests.iter().all(|r| r["status"] == "ok" && r["samples"] == "2"), "{tests:?}");
    assert_eq!(rows_of(&rows, "rebuild:app/src/main.rs").len(), 2);
}

#[test]
fn a_touched_file_outside_the_workspace_is_refused_before_any_build() {
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file(
        "package = \"app\"\nrebuild-touch = [\"app/src/missing.rs\"]\n[matrix]\nopt-level = [1]\n",
    );
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = crate::fixture::stderr(&output);
    assert!(
        err.contains(
            "sweep.toml:2:18: rebuild-touch \"app/src/missing.rs\" is not a file in the workspace"
        ),
        "{err}"
    );
    assert!(err.contains("fix: name an existing source file"), "{err}");
    assert!(!err.contains("building"), "nothing was built: {err}");
    assert!(!fixture.path("out/results.csv").exists(), "nothing was written");
}

#[test]
fn the_linker_is_an_axis_and_a_missing_one_is_skipped_with_its_install_command() {
    let fixture = Fixture::new();
    let rows = crate::axes::sweep(
        &fixture,
        "package = \"app\"\nrebuild-repeats = 2\n[matrix]\nlinker = [\"default\", \"bfd\", \"gold\", \"mold\", \"lld\"]\n",
    );
    let default = crate::axes::size_row(&rows, "o3-nolto-cgu16-unwind-dbg");
    let bfd = crate::axes::size_row(&rows, "o3-nolto-cgu16-unwind-dbg-ld-bfd");
    assert_eq!((default["linker"].as_str(), bfd["linker"].as_str()), ("", "bfd"));
    assert_eq!(bfd["status"], "ok", "{}", bfd["note"]);
    assert_ne!(default["sha256"], bfd["sha256"], "GNU ld links other bytes than rust-lld");
    let rebuilt = rows_of(&rows, "rebuild:app/src/main.rs");
    assert!(rebuilt.iter().any(|r| r["variant"].ends_with("-ld-bfd") && r["status"] == "ok"));
    for (linker, package) in [("gold", "binutils"), ("mold", "mold"), ("lld", "lld")] {
        let row = crate::axes::size_row(&rows, &format!("o3-nolto-cgu16-unwind-dbg-ld-{linker}"));
        let installed = std::process::Command::new(format!("ld.{linker}"))
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if installed {
            assert_eq!(row["status"], "ok", "{linker}: {}", row["note"]);
            assert_ne!(row["sha256"], default["sha256"], "{linker}");
        } else {
            assert_eq!(row["status"], "skipped", "{linker}");
            let install = format!("apt-get install {package}");
            assert!(row["note"].contains(&install), "{linker}: {}", row["note"]);
        }
    }
}

#[test]
fn init_writes_the_dev_preset_for_a_binary_and_refuses_it_for_a_library() {
    let fixture = Fixture::new();
    let init = |package: &str| {
        fixture
            .xtask()
            .args(["init", "--preset", "dev", "--package", package, "--output"])
            .arg(fixture.path(&format!("{package}-dev.toml")))
            .arg("--manifest-path")
            .arg(fixture.manifest())
            .output()
            .unwrap()
    };
    let app = init("app");
    assert!(app.status.success(), "{}", crate::fixture::stderr(&app));
    let text = std::fs::read_to_string(fixture.path("app-dev.toml")).unwrap();
    assert!(
        text.contains("inherits = \"dev\"\n") && text.contains("rebuild-tests = true\n"),
        "{text}"
    );
    assert!(text.contains("linker = [\"default\", \"bfd\", \"mold\"]"), "{text}");
    let said = format!("{}{}", crate::fixture::stdout(&app), crate::fixture::stderr(&app));
    assert!(said.contains("12 variants"), "{said}");
    let lib = init("quiet-lib");
    assert_eq!(lib.status.code(), Some(2));
    assert!(crate::fixture::stderr(&lib).contains("the dev preset times rebuilds of a binary"));
    assert!(!fixture.path("quiet-lib-dev.toml").exists());
}

#[test]
fn rebuild_keys_on_a_library_are_refused_before_any_build() {
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file(concat!(
        "package = \"quiet-lib\"\nrebuild-repeats = 3\n[matrix]\nopt-level = [1]\n",
        "[[bench]]\nbench = \"squares\"\n",
    ));
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = crate::fixture::stderr(&output);
    assert!(
        err.contains(
            "the rebuild-* keys time a binary's rebuilds, and package `quiet-lib` has none"
        ),
        "{err}"
    );
    assert!(!err.contains("building"), "nothing was built: {err}");
}

#[test]
fn apply_writes_a_dev_variant_into_profile_dev_and_says_its_linker() {
    let fixture = Fixture::new();
    let rows = crate::axes::sweep(
        &fixture,
        "package = \"app\"\ninherits = \"dev\"\nrebuild = false\n[matrix]\nopt-level = [1]\nlinker = [\"bfd\"]\n",
    );
    let variant = rows.iter().find(|r| r["linker"] == "bfd").unwrap()["variant"].clone();
    let before = fixture.manifest_bytes();
    let output = fixture
        .xtask()
        .args(["apply"])
        .arg(fixture.path("out/results.csv"))
        .arg(&variant)
        .arg("--manifest-path")
        .arg(fixture.manifest())
        .arg("--dry-run")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", crate::fixture::stderr(&output));
    let said = crate::fixture::stdout(&output);
    assert!(said.contains("+[profile.dev]\n+opt-level = 1\n"), "{said}");
    assert!(!said.contains("codegen-units"), "dev's default (256) is left unset: {said}");
    assert!(
        said.contains(
            r#"rustflags = ["-C", "linker-features=-lld", "-C", "link-arg=-fuse-ld=bfd"]"#
        ),
        "{said}"
    );
    assert_eq!(fixture.manifest_bytes(), before, "a dry run changes nothing");
}

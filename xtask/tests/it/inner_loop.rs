//! The inner loop: rebuilds timed after touching each named file, several times for an
//! interval, the test build too, every touched file's modification time put back.

use std::collections::HashMap;
use std::process::Command;
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

/// What `apply --dry-run` of `variant` from the fixture's results prints; it must succeed.
pub(crate) fn apply_dry_run(fixture: &Fixture, variant: &str) -> String {
    let output = fixture
        .xtask()
        .args(["apply"])
        .arg(fixture.path("out"))
        .arg(variant)
        .arg("--manifest-path")
        .arg(fixture.manifest())
        .arg("--dry-run")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", crate::fixture::stderr(&output));
    crate::fixture::stdout(&output)
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
    assert!(!fixture.path("out/run.json").exists(), "nothing was written");
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
        let installed = Command::new(format!("ld.{linker}"))
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
    assert!(said.contains("13 variants"), "twelve and dev as shipped: {said}");
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
    let said = apply_dry_run(&fixture, &variant);
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

#[test]
#[ignore = "needs a nightly toolchain and mold: `cargo xtask test` installs them"]
fn every_inner_loop_axis_is_swept_from_dev_or_skipped_with_its_install_command() {
    let fixture = Fixture::new();
    let rows = crate::axes::sweep(
        &fixture,
        concat!(
            "package = \"app\"\ninherits = \"dev\"\nrebuild-repeats = 3\n",
            "[[ladder]]\nstep = \"no debug info\"\ndebug = false\n",
            "[[ladder]]\nstep = \"line tables, unpacked\"\ndebug = \"line-tables-only\"\n",
            "split-debuginfo = \"unpacked\"\n",
            "[[ladder]]\nstep = \"not incremental\"\nincremental = false\n",
            "[[ladder]]\nstep = \"optimised dependencies\"\ndeps-opt-level = 1\n",
            "[[ladder]]\nstep = \"mold\"\nlinker = \"mold\"\n",
            "[[ladder]]\nstep = \"nightly flags\"\ntoolchain = \"nightly\"\nthreads = 2\n",
            "share-generics = false\n",
            "[[ladder]]\nstep = \"cranelift\"\ncodegen-backend = \"cranelift\"\n",
        ),
    );
    let step = |label: &str| {
        rows.iter()
            .find(|r| r["step"] == label && r["measurement"].is_empty())
            .unwrap_or_else(|| panic!("no size row for {label}: {rows:?}"))
    };
    let bytes = |label: &str, column: &str| step(label)[column].parse::<u64>().unwrap();
    let shipped = crate::axes::size_row(&rows, &rows[0]["variant"]);
    assert!(shipped["debug"].is_empty(), "the shipped profile keeps dev's debug info");
    assert!(shipped["debug_bytes"].parse::<u64>().unwrap() > 0, "dev has debug info");
    // The precompiled std keeps its own debug info; the crate's is gone.
    let full = shipped["debug_bytes"].parse::<u64>().unwrap();
    assert!(bytes("no debug info", "debug_bytes") < full, "debug = false drops the crate's");
    assert_eq!(step("no debug info")["debug"], "none");
    let lines = step("line tables, unpacked");
    assert_eq!(
        (lines["debug"].as_str(), lines["split_debuginfo"].as_str()),
        ("line-tables-only", "unpacked")
    );
    assert!(bytes("line tables, unpacked", "debug_bytes") > 0, "line tables are debug info");
    assert_eq!(step("not incremental")["incremental"], "false");
    assert_eq!(step("optimised dependencies")["deps_opt_level"], "1");
    let nightly = step("nightly flags");
    assert_eq!((nightly["threads"].as_str(), nightly["share_generics"].as_str()), ("2", "false"));
    let id = "-unwind-nostrip-nightly-ld-mold-debug-lines-split-unpacked-noincr-deps-o1-threads2-nosharegen";
    assert!(nightly["variant"].contains(id), "ids stay readable: {}", nightly["variant"]);
    for label in [
        "no debug info",
        "line tables, unpacked",
        "not incremental",
        "optimised dependencies",
        "mold",
        "nightly flags",
    ] {
        let row = step(label);
        assert_eq!(row["status"], "ok", "{label}: {}", row["note"]);
        let rebuilt = rows
            .iter()
            .find(|r| {
                r["variant"] == row["variant"] && r["measurement"] == "rebuild:app/src/main.rs"
            })
            .unwrap_or_else(|| panic!("{label}: no rebuild row"));
        assert_eq!(
            (rebuilt["status"].as_str(), rebuilt["samples"].as_str()),
            ("ok", "3"),
            "{label}"
        );
    }
    assert_ne!(step("no debug info")["sha256"], shipped["sha256"]);
    assert_ne!(step("mold")["sha256"], step("optimised dependencies")["sha256"]);
    let cranelift = step("cranelift");
    assert_eq!(cranelift["codegen_backend"], "cranelift");
    let has_backend = Command::new("rustc")
        .args(["+nightly", "-Zcodegen-backend=cranelift", "--print", "cfg"])
        .output()
        .is_ok_and(|o| o.status.success());
    if has_backend {
        assert_eq!(cranelift["status"], "ok", "{}", cranelift["note"]);
    } else {
        assert_eq!(cranelift["status"], "skipped");
        let install = "rustup component add rustc-codegen-cranelift-preview --toolchain nightly";
        assert!(cranelift["note"].contains(install), "{}", cranelift["note"]);
    }
    // apply pastes the profile keys and gives the config lines for what a profile cannot say.
    let said = apply_dry_run(&fixture, &nightly["variant"]);
    for line in [
        "+debug = \"line-tables-only\"\n",
        "+split-debuginfo = \"unpacked\"\n",
        "+incremental = false\n",
        "+package.\"*\".opt-level = 1\n",
        r#"rustflags = ["-C", "linker-features=-lld", "-C", "link-arg=-fuse-ld=mold", "-Z", "threads=2", "-Z", "share-generics=n"]"#,
    ] {
        assert!(said.contains(line), "{line:?} in {said}");
    }
}

//! Bad input is refused before any build, with file, line and fix, and nothing is modified.

use crate::fixture::{Fixture, stderr};

/// Runs a sweep that must be refused; returns its stderr after checking nothing was touched.
pub(crate) fn refused(fixture: &Fixture, sweep_text: &str) -> String {
    let before = fixture.manifest_bytes();
    let sweep = fixture.sweep_file(sweep_text);
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(fixture.manifest_bytes(), before);
    assert!(!fixture.path("out").exists(), "no results may be written");
    assert!(!fixture.path("target/profile-sweep").exists(), "nothing may be built");
    stderr(&output)
}

#[test]
fn unknown_package_lists_the_packages() {
    let fixture = Fixture::new();
    let err = refused(&fixture, "# sweep\npackage = \"ap\"\n[matrix]\nlto = [true]\n");
    assert!(err.contains("sweep.toml:2:11: no package `ap` in the workspace"), "{err}");
    assert!(
        err.contains("fix: use one of its packages: app, counted-lib, divan-lib, nightly-lib, old-bench, picky, quiet-lib, timed"),
        "{err}"
    );
}

#[test]
fn unknown_or_ambiguous_binary_lists_the_binaries() {
    let fixture = Fixture::new();
    let err = refused(&fixture, "package = \"picky\"\nbin = \"pick\"\n[matrix]\nlto = [true]\n");
    assert!(err.contains("sweep.toml:2:7: package `picky` has no binary `pick`"), "{err}");
    assert!(err.contains("binaries of `picky`: picky, picky-extra, picky-featured"), "{err}");
    let err = refused(&fixture, "package = \"picky\"\n[matrix]\nlto = [true]\n");
    assert!(err.contains("package `picky` has 3 binaries; say which to build"), "{err}");
}

#[test]
fn impossible_setting_names_line_column_and_fix() {
    let fixture = Fixture::new();
    let err = refused(&fixture, "package = \"app\"\n[matrix]\nopt-level = [2, 4]\n");
    assert!(err.contains("sweep.toml:3:17: invalid opt-level 4"), "{err}");
    assert!(err.contains(r#"fix: opt-level takes 0, 1, 2, 3, "s" or "z""#), "{err}");
    let err = refused(&fixture, "package = \"app\"\n[matrix]\nlto = [\"bogus\"]\n");
    assert!(err.contains("sweep.toml:3:8: invalid lto \"bogus\""), "{err}");
    let err = refused(&fixture, "package = \"app\"\n[matrix]\ncodegen-units = [0]\n");
    assert!(err.contains("sweep.toml:3:18: invalid codegen-units 0"), "{err}");
    let err = refused(&fixture, "package = \"app\"\n[matrix]\nstrip = true\n");
    assert!(
        err.contains("sweep.toml:3:9: invalid type: boolean `true`, expected a sequence"),
        "{err}"
    );
}

#[test]
fn unknown_key_and_missing_file_are_refused() {
    let fixture = Fixture::new();
    let err = refused(&fixture, "package = \"app\"\n[matrix]\nlto = [true]\ncgu = [1]\n");
    assert!(err.contains("sweep.toml:4:1: unknown field `cgu`"), "{err}");
    let output = fixture.sweep_command(&fixture.path("nope.toml")).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("nope.toml: cannot read sweep file"), "{}", stderr(&output));
}

#[test]
fn unknown_bench_target_lists_the_bench_targets() {
    let fixture = Fixture::new();
    let err = refused(
        &fixture,
        "package = \"timed\"\n[matrix]\nlto = [true]\n[[bench]]\nbench = \"spinn\"\n",
    );
    assert!(err.contains("sweep.toml:5:9: package `timed` has no bench target `spinn`"), "{err}");
    assert!(err.contains("fix: use one of the bench targets of `timed`: spin"), "{err}");
    let err = refused(
        &fixture,
        "package = \"app\"\n[matrix]\nlto = [true]\n[[bench]]\nbench = \"spin\"\n",
    );
    assert!(err.contains("`app` has no bench target; add one"), "{err}");
}

#[test]
fn build_axes_are_checked_before_any_build() {
    let fixture = Fixture::new();
    let err = refused(
        &fixture,
        "package = \"app\"\n[matrix]\ntarget = [\"host\", \"aarch64-unknown-linux-gnu\"]\n",
    );
    assert!(
        err.contains("sweep.toml:3:20: cannot build for target `aarch64-unknown-linux-gnu`"),
        "{err}"
    );
    assert!(err.contains("fix: the target's standard library is not installed: rustup target add aarch64-unknown-linux-gnu"), "{err}");
    let err =
        refused(&fixture, "package = \"app\"\n[matrix]\ntarget = [\"x86_64-unknown-bogus\"]\n");
    assert!(
        err.contains("cannot build for target `x86_64-unknown-bogus`")
            && err.contains("rustc --print target-list"),
        "{err}"
    );
    let err =
        refused(&fixture, "package = \"app\"\n[[ladder]]\nstep = \"opt\"\nwasm-opt = \"-Oz\"\n");
    assert!(
        err.contains(
            "sweep.toml:4:12: this step cannot be built: wasm-opt applies only to a wasm target"
        ),
        "{err}"
    );
    let err = refused(
        &fixture,
        "package = \"app\"\n[matrix]\nrustflags = [\"-C target-cpu=native\", \"-Ctarget-cpu=native\"]\n",
    );
    assert!(err.contains("would get the same variant id"), "{err}");
}

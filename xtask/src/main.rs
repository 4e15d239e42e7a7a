//! `cargo xtask`: this repository's door to the profile-sweep command line, whose defaults are
//! the repository's own manifest, `sweeps/default.toml` and (with `sweep --publish`)
//! `results/`; and `cargo xtask test`, the whole test suite with the tools it needs.

mod test;

use std::path::Path;
use std::process::ExitCode;

use profile_sweep::cli::{Door, main as cli_main};

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is in the repository");
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "test") {
        return test::run(root, &args[1..]);
    }
    if args.first().is_some_and(|a| ["-h", "--help", "help"].contains(&a.as_str())) {
        println!(
            "In this repository also: cargo xtask test   Install what the tool-dependent tests need (it says what, first), then run every test\n"
        );
    }
    cli_main(&Door::repository("cargo xtask", root))
}

//! `cargo xtask`: this repository's door to the profile-sweep command line, whose defaults are
//! the repository's own manifest, `sweeps/default.toml` and `results/`.

use std::path::Path;
use std::process::ExitCode;

use profile_sweep::cli::{Door, main as cli_main};

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is in the repository");
    cli_main(&Door::repository("cargo xtask", root))
}

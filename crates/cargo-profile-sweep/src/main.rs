//! `cargo profile-sweep`: the profile-sweep command line in any Cargo project, installed with
//! `cargo install --path crates/cargo-profile-sweep`. Cargo runs it as
//! `cargo-profile-sweep profile-sweep ARGS...`.

use std::process::ExitCode;

use profile_sweep::cli::{Door, main as cli_main};

fn main() -> ExitCode {
    cli_main(&Door::cargo_subcommand("profile-sweep"))
}

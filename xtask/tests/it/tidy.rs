//! Repository rules as tests (rust-analyzer's `tidy.rs`): documentation that must parse, no
//! leftover sweep profile, and a library that reads like its pipeline.

use std::fs;
use std::path::{Path, PathBuf};

use profile_sweep::plan::spec::{Plan, Sweep};

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The sweep file shown in the README must be one the tool accepts.
#[test]
fn readme_example_parses() {
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    let example = readme
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a toml block");
    let sweep = Sweep::parse(Path::new("README.md"), example.to_owned()).unwrap();
    assert_eq!(sweep.name, "mine");
    assert!(matches!(sweep.plan, Plan::Matrix { .. }));
}

/// The README's recipe for a user's own xtask is the one `lib.rs` documents, which its doctest
/// compiles.
#[test]
fn readme_xtask_recipe_is_the_doctested_one() {
    let call =
        r#"profile_sweep::cli::main(&profile_sweep::cli::Door::current_workspace("cargo xtask"))"#;
    for file in ["README.md", "crates/profile-sweep/src/lib.rs"] {
        let text = fs::read_to_string(repo().join(file)).unwrap();
        assert!(text.contains(call), "{file} shows the five-line xtask");
    }
}

/// Every shipped sweep file is valid and named after its file.
#[test]
fn shipped_sweeps_parse() {
    let mut count = 0;
    for entry in fs::read_dir(repo().join("sweeps")).unwrap() {
        let path = entry.unwrap().path();
        let sweep = Sweep::load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Some(sweep.name.as_str()), path.file_stem().and_then(|s| s.to_str()));
        count += 1;
    }
    assert!(count >= 4, "sweeps/ holds the shipped sweeps");
}

/// A sweep must never leave its profiles in the committed manifest.
#[test]
fn root_manifest_has_no_sweep_profile() {
    let manifest = fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    assert!(!manifest.contains("[profile.sweep-"));
}

fn library_sources() -> Vec<PathBuf> {
    let root = repo().join("crates/profile-sweep/src");
    let mut files: Vec<PathBuf> =
        walk(&root).into_iter().filter(|p| p.extension().is_some_and(|e| e == "rs")).collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { found.extend(walk(&path)) } else { found.push(path) }
    }
    found
}

/// Every module of the library says what it owns, in a `//!` comment at its top.
#[test]
fn every_library_module_has_a_module_doc() {
    let sources = library_sources();
    assert!(sources.len() > 30);
    let undocumented: Vec<&PathBuf> =
        sources.iter().filter(|p| !fs::read_to_string(p).unwrap().starts_with("//!")).collect();
    assert!(undocumented.is_empty(), "no //! module doc: {undocumented:?}");
}

/// No library file grows past what one reads in a sitting; split it by concern instead.
#[test]
fn library_files_stay_short() {
    const MAX_LINES: usize = 650;
    let long: Vec<(PathBuf, usize)> = library_sources()
        .into_iter()
        .map(|p| {
            let lines = fs::read_to_string(&p).unwrap().lines().count();
            (p, lines)
        })
        .filter(|(_, lines)| *lines > MAX_LINES)
        .collect();
    assert!(long.is_empty(), "over {MAX_LINES} lines: {long:?}");
}

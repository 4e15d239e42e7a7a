//! Repository rules as tests (rust-analyzer's `tidy.rs`): documentation that must parse, no
//! leftover sweep profile, and a library that reads like its pipeline.

use std::fs;
use std::path::{Path, PathBuf};

use profile_sweep::plan::spec::{Plan, Sweep};

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Every sweep file shown in the README and the guide is one the tool accepts.
#[test]
fn documented_sweep_files_parse() {
    let guide = repo().join("crates/profile-sweep/src/guide");
    let mut files = vec![repo().join("README.md")];
    files.extend(fs::read_dir(&guide).unwrap().map(|e| e.unwrap().path()));
    let mut parsed = Vec::new();
    for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "md")) {
        let text = fs::read_to_string(file).unwrap();
        for example in text.split("```toml\n").skip(1) {
            let example = example.split("```").next().unwrap();
            let sweep = Sweep::parse(file, example.to_owned()).unwrap_or_else(|e| panic!("{e}"));
            parsed.push(sweep);
        }
    }
    assert!(parsed.len() >= 2, "the README and the sweep-file reference show one each");
    assert!(parsed.iter().all(|s| s.name == "mine" && matches!(s.plan, Plan::Matrix { .. })));
}

/// The README stays a front door: at most 15 KB, "sweep your own crate" on its first screen.
#[test]
fn readme_is_a_front_door() {
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(
        readme.len() <= 15_000,
        "README.md is {} bytes; move detail to the guide",
        readme.len()
    );
    let first_screen: String = readme.lines().take(40).collect::<Vec<_>>().join("\n");
    assert!(first_screen.contains("## Sweep your own crate"), "{first_screen}");
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

/// Data flows one way: a stage's code (non-test) names only its own and earlier stages, as the
/// library's top doc lists them; `sweep` and `cli` drive them all, and `util` and `error` are
/// shared.
#[test]
fn no_stage_imports_a_later_one() {
    const STAGES: [&str; 7] =
        ["plan", "host", "manifest", "build", "measure", "results", "present"];
    let root = repo().join("crates/profile-sweep/src");
    let mut backwards = Vec::new();
    for file in library_sources() {
        let relative = file.strip_prefix(&root).unwrap();
        let stage = relative.components().next().unwrap().as_os_str().to_string_lossy();
        let Some(at) = STAGES.iter().position(|s| stage.trim_end_matches(".rs") == *s) else {
            continue;
        };
        if relative.to_string_lossy().ends_with("_tests.rs") {
            continue;
        }
        let text = fs::read_to_string(&file).unwrap();
        // Code under #[cfg(test)] may build fixtures from any stage.
        let code = text.split("#[cfg(test)]").next().unwrap();
        for later in &STAGES[at + 1..] {
            if code.contains(&format!("crate::{later}::")) {
                backwards.push(format!("{} names crate::{later}", relative.display()));
            }
        }
    }
    assert!(backwards.is_empty(), "a stage imports a later one: {backwards:#?}");
}

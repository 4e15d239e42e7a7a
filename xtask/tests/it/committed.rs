//! What is committed under results/ is the tool's output for its committed CSV: every chart and
//! report regenerated from the CSV alone must be byte-identical, and nothing else may be there.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use profile_sweep::report;

/// Every `results/<sweep>/` with a report, except the scratch directories the root
/// `.gitignore` lists (`/results/smoke/`: CI's smoke sweep writes there).
fn committed_result_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let gitignore = fs::read_to_string(root.join(".gitignore")).unwrap();
    let ignored: Vec<&str> = gitignore.lines().filter_map(|l| l.trim().strip_prefix("/results/")).map(|l| l.trim_end_matches('/')).collect();
    let mut dirs: Vec<PathBuf> = fs::read_dir(root.join("results"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("report.md").exists())
        .filter(|p| !ignored.iter().any(|name| p.file_name().is_some_and(|f| f == *name)))
        .collect();
    dirs.sort();
    dirs
}

fn file_names(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir).unwrap().map(|e| e.unwrap()).filter(|e| e.file_type().unwrap().is_file()).map(|e| e.file_name().to_string_lossy().into_owned()).collect()
}

#[test]
fn committed_charts_and_reports_are_regenerated_byte_for_byte_from_their_csv() {
    let dirs = committed_result_dirs();
    assert!(dirs.iter().any(|d| d.ends_with("default")), "results/default is committed: {dirs:?}");
    for dir in dirs {
        let scratch = tempfile::tempdir().unwrap();
        let csv = scratch.path().join("results.csv");
        fs::copy(dir.join("results.csv"), &csv).unwrap();
        report::write_outputs(&csv).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let regenerated = file_names(scratch.path());
        assert_eq!(file_names(&dir), regenerated, "{}: committed files other than the tool writes (stale charts?)", dir.display());
        for name in &regenerated {
            let (committed, fresh) = (fs::read(dir.join(name)).unwrap(), fs::read(scratch.path().join(name)).unwrap());
            assert!(
                committed == fresh,
                "{}/{name} differs from what `cargo xtask plot {}/results.csv` writes: regenerate it and commit the result",
                dir.display(),
                dir.display()
            );
        }
    }
}

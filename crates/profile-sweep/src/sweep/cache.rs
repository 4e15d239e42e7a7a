//! Remembering finished variants, so a re-run builds and measures only what is missing.
//!
//! A variant's entry is keyed by everything outside its source files that determines its rows:
//! the sweep's fingerprint ([`Fingerprint`]: toolchain, `Cargo.lock`, manifests, measurement
//! definitions, machine, ...) and the variant itself, with how it was built. The entry holds the
//! rows exactly as they were written and the sha256 of every workspace source file rustc read to
//! build the variant (from its dep-info files); a lookup re-hashes those files, so changing any
//! one of them is a miss. Entries live in `target/profile-sweep/<sweep>/cache/<key>.json`.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::measure::bloat::Breakdown;
use crate::plan::variants::Variant;
use crate::results::breakdown;
use crate::results::rows::{Row, read_legacy, to_csv};
use crate::util::files::write_atomic;
use crate::util::hash::{hex, sha256_of_file};

/// Bumped when the entry format or the meaning of a row changes.
const FORMAT: &str = "profile-sweep cache 2";

/// A sha256 over every labelled part of a sweep that decides its results, whatever the variant,
/// and one over the parts that decide only the results of PGO and BOLT variants (their
/// training), so a new training input re-measures those alone.
#[derive(Debug, Clone)]
pub struct Fingerprint {
    all: Sha256,
    trained: Sha256,
}

/// Adds one labelled part to `hasher`. The label and the length go in first, so parts can never
/// run into each other.
fn add_part(hasher: &mut Sha256, label: &str, bytes: &[u8]) {
    hasher.update((label.len() as u64).to_le_bytes());
    hasher.update(label.as_bytes());
    hasher.update((bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}

impl Fingerprint {
    /// A fingerprint of nothing yet but this tool's version and the entry format.
    pub fn new() -> Fingerprint {
        let mut fingerprint = Fingerprint { all: Sha256::new(), trained: Sha256::new() };
        fingerprint.add("format", FORMAT.as_bytes());
        fingerprint.add("profile-sweep", env!("CARGO_PKG_VERSION").as_bytes());
        fingerprint
    }

    /// Adds one part that decides every variant's results.
    pub fn add(&mut self, label: &str, bytes: &[u8]) {
        add_part(&mut self.all, label, bytes);
    }

    /// Adds one part that decides only the results of PGO and BOLT variants.
    pub fn add_for_trained(&mut self, label: &str, bytes: &[u8]) {
        add_part(&mut self.trained, label, bytes);
    }

    /// Adds a file's contents, or that it does not exist.
    pub fn add_file(&mut self, label: &str, path: &Path) -> Result<()> {
        self.add(label, &file_part(path)?);
        Ok(())
    }

    /// Adds a file's contents (or that it does not exist) that decide only the results of PGO
    /// and BOLT variants.
    pub fn add_file_for_trained(&mut self, label: &str, path: &Path) -> Result<()> {
        self.add_for_trained(label, &file_part(path)?);
        Ok(())
    }

    /// The key of `variant` built by `method` under this fingerprint.
    pub fn key(&self, variant: &Variant, method: Method) -> String {
        let mut hasher = self.all.clone();
        if variant.env.trained() {
            add_part(&mut hasher, "training", &self.trained.clone().finalize());
        }
        add_part(&mut hasher, "variant", format!("{variant:?}").as_bytes());
        add_part(&mut hasher, "method", format!("{method:?}").as_bytes());
        // The keys this version writes into the variant's profile besides the five axes: how
        // they are written can change with the tool (a named package's `strip` did) while the
        // variant stays the same. Left out when there are none, so older entries still hit.
        let keys = variant.env.profile_keys(variant.settings.strip);
        if !keys.is_empty() {
            let written: Vec<String> = keys.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            add_part(&mut hasher, "profile keys", written.join("\n").as_bytes());
        }
        hex(&hasher.finalize())
    }
}

/// A file's contents, or `<missing>`.
fn file_part(path: &Path) -> Result<Vec<u8>> {
    match fs::read(path) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(b"<missing>".to_vec()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint::new()
    }
}

/// How a variant's executables were produced; part of its key, since the rows differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A clean build in the variant's own profile (with a measured build time); the only one
    /// since strip relinks are gone, kept in the key so entries from before stay valid.
    Plain,
}

/// A source file and the sha256 of its contents when the variant was built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// Absolute path.
    pub path: PathBuf,
    /// sha256 of the contents, hex.
    pub sha256: String,
}

/// What an entry file holds.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    sources: Vec<SourceFile>,
    /// The variant's rows as CSV, so they come back byte for byte as they were written.
    rows_csv: String,
    /// Its `crates.csv` rows, as CSV.
    crates_csv: String,
    /// Its `functions.csv` rows, as CSV (empty in entries from before that file).
    #[serde(default)]
    functions_csv: String,
    /// Its `hot.csv` rows, as CSV (empty in entries from before that file, and where no run
    /// asks for them).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    hot_csv: String,
    /// sha256 of the CSVs: an entry whose numbers were altered (or damaged) since it was
    /// stored is a miss, not a result. Entries from before this field are misses too.
    #[serde(default)]
    sha256: String,
}

impl Entry {
    fn checksum(&self) -> String {
        let mut hasher = Sha256::new();
        for part in [&self.rows_csv, &self.crates_csv, &self.functions_csv] {
            hasher.update(part.len().to_le_bytes());
            hasher.update(part.as_bytes());
        }
        // Hashed only when present, so entries from before `hot.csv` keep their checksum.
        if !self.hot_csv.is_empty() {
            hasher.update(self.hot_csv.len().to_le_bytes());
            hasher.update(self.hot_csv.as_bytes());
        }
        hex(&hasher.finalize())
    }
}

/// The cache directory of one sweep.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// A cache in `dir` (created on the first store).
    pub fn new(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    /// The rows stored under `key`, if there is an entry and none of its source files changed.
    /// An unreadable entry is a miss: the variant is simply built again.
    pub fn lookup(&self, key: &str) -> Option<(Vec<Row>, Breakdown)> {
        let text = fs::read_to_string(self.entry_path(key)).ok()?;
        let entry: Entry = serde_json::from_str(&text).ok()?;
        if entry.sha256 != entry.checksum() {
            return None;
        }
        let unchanged = entry
            .sources
            .iter()
            .all(|source| sha256_of_file(&source.path).is_ok_and(|now| now == source.sha256));
        if !unchanged {
            return None;
        }
        let rows = read_legacy(&self.entry_path(key), entry.rows_csv.as_bytes())
            .ok()
            .filter(|rows| !rows.is_empty())?;
        let crates = breakdown::read(entry.crates_csv.as_bytes()).ok()?;
        let functions = breakdown::read(entry.functions_csv.as_bytes()).unwrap_or_default();
        let hot = if entry.hot_csv.is_empty() {
            Vec::new()
        } else {
            breakdown::read(entry.hot_csv.as_bytes()).ok()?
        };
        Some((rows, Breakdown { crates, functions, hot }))
    }

    /// Stores `rows` and `breakdown` under `key`, with the source files they were built from.
    pub fn store(
        &self,
        key: &str,
        sources: &[SourceFile],
        rows: &[Row],
        breakdown: &Breakdown,
    ) -> Result<()> {
        let rows_csv = String::from_utf8(to_csv(rows)?).context("rows are UTF-8")?;
        let csv = |bytes: Vec<u8>| String::from_utf8(bytes).context("rows are UTF-8");
        let crates_csv = csv(breakdown::to_csv(&breakdown.crates)?)?;
        let functions_csv = csv(breakdown::to_csv(&breakdown.functions)?)?;
        let hot_csv = match breakdown.hot.is_empty() {
            true => String::new(),
            false => csv(breakdown::to_csv(&breakdown.hot)?)?,
        };
        let mut entry = Entry {
            sources: sources.to_vec(),
            rows_csv,
            crates_csv,
            functions_csv,
            hot_csv,
            sha256: String::new(),
        };
        entry.sha256 = entry.checksum();
        write_atomic(&self.entry_path(key), serde_json::to_string_pretty(&entry)?.as_bytes())
    }

    fn entry_path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }
}

/// The source files rustc read to build everything in `profile_dir` (a variant's
/// `target/<profile>/`), from the dep-info (`.d`) files of its crates and build scripts, with
/// their hashes. Files under `ignored` (the target dir, cargo's registry, the toolchain) are left
/// out: `Cargo.lock` and the toolchain version already pin them.
pub fn sources_of(profile_dir: &Path, ignored: &[PathBuf]) -> Result<Vec<SourceFile>> {
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(profile_dir).max_depth(3) {
        let entry = entry.with_context(|| format!("cannot list {}", profile_dir.display()))?;
        let in_fingerprints = entry.path().components().any(|c| c.as_os_str() == ".fingerprint");
        if entry.file_type().is_file()
            && entry.path().extension().is_some_and(|e| e == "d")
            && !in_fingerprints
        {
            let text = fs::read_to_string(entry.path())
                .with_context(|| format!("cannot read {}", entry.path().display()))?;
            paths.extend(dep_info_paths(&text));
        }
    }
    paths.retain(|path| path.is_absolute() && !ignored.iter().any(|dir| path.starts_with(dir)));
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .map(|path| {
            Ok(SourceFile {
                sha256: sha256_of_file(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?,
                path,
            })
        })
        .collect()
}

/// The dependencies listed in a Makefile-style dep-info file: every `target: dep dep ...` line's
/// right-hand side, with `\ ` unescaped.
fn dep_info_paths(text: &str) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for line in text.lines() {
        // Comment lines carry env-var and checksum facts rustc adds; they are not paths.
        if line.starts_with('#') {
            continue;
        }
        let Some((_, deps)) = split_unescaped(line, ": ") else { continue };
        let mut current = String::new();
        let mut chars = deps.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.peek() == Some(&' ') => current.push(chars.next().expect("peeked")),
                ' ' => {
                    if !current.is_empty() {
                        paths.push(PathBuf::from(std::mem::take(&mut current)));
                    }
                }
                c => current.push(c),
            }
        }
        if !current.is_empty() {
            paths.push(PathBuf::from(current));
        }
    }
    paths
}

/// Splits at the first `separator` not preceded by a backslash.
fn split_unescaped<'a>(line: &'a str, separator: &str) -> Option<(&'a str, &'a str)> {
    let mut from = 0;
    while let Some(found) = line[from..].find(separator) {
        let at = from + found;
        if at == 0 || line.as_bytes()[at - 1] != b'\\' {
            return Some((&line[..at], &line[at + separator.len()..]));
        }
        from = at + 1;
    }
    line.strip_suffix(':').map(|target| (target, ""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::rows::tests::row;

    fn variant(id: &str) -> Variant {
        Variant::named(id)
    }

    #[test]
    fn dep_info_lists_every_dependency_with_escaped_spaces() {
        let text = "/t/p/app: /w/src/main.rs /w/my\\ dir/lib.rs\n\n/w/src/main.rs:\n/w/my\\ dir/lib.rs:\n\n# env-dep:CARGO_PKG_NAME=app\n";
        assert_eq!(
            dep_info_paths(text),
            [PathBuf::from("/w/src/main.rs"), PathBuf::from("/w/my dir/lib.rs")]
        );
    }

    #[test]
    fn keys_differ_by_every_part() {
        let mut a = Fingerprint::new();
        a.add("rustc", b"1.95");
        let mut b = Fingerprint::new();
        b.add("rustc", b"1.96");
        let v = variant("o3");
        assert_eq!(a.key(&v, Method::Plain), a.clone().key(&v, Method::Plain), "deterministic");
        assert_ne!(a.key(&v, Method::Plain), b.key(&v, Method::Plain));
        assert_ne!(a.key(&v, Method::Plain), a.key(&variant("oz"), Method::Plain));
        let mut split = Fingerprint::new();
        split.add("rustc", b"1.9");
        split.add("5", b"");
        assert_ne!(
            a.key(&v, Method::Plain),
            split.key(&v, Method::Plain),
            "parts cannot run into each other"
        );
    }

    #[test]
    fn the_training_keys_only_trained_variants() {
        let (mut one, mut other) = (Fingerprint::new(), Fingerprint::new());
        one.add_for_trained("trainings", b"records, seed 7");
        other.add_for_trained("trainings", b"records, seed 8");
        let plain = variant("o3");
        let mut trained = variant("o3-pgo");
        trained.env.pgo = true;
        assert_eq!(one.key(&plain, Method::Plain), other.key(&plain, Method::Plain));
        assert_ne!(one.key(&trained, Method::Plain), other.key(&trained, Method::Plain));
    }

    #[test]
    fn a_hit_until_a_source_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("main.rs");
        fs::write(&source, "fn main() {}").unwrap();
        let profile_dir = dir.path().join("target/p");
        fs::create_dir_all(profile_dir.join("deps")).unwrap();
        let registry = dir.path().join("registry/dep.rs");
        fs::write(
            profile_dir.join("deps/app-1.d"),
            format!(
                "{0}/app: {1} {2}\n",
                profile_dir.display(),
                source.display(),
                registry.display()
            ),
        )
        .unwrap();
        let sources = sources_of(&profile_dir, &[dir.path().join("registry")]).unwrap();
        assert_eq!(
            sources.iter().map(|s| s.path.as_path()).collect::<Vec<_>>(),
            [source.as_path()]
        );

        let cache = Cache::new(dir.path().join("cache"));
        let rows = vec![
            row("o3", 10),
            Row { measurement: Some("run".into()), mean_ns: Some(1.5e6), ..row("o3", 10) },
        ];
        assert_eq!(cache.lookup("k"), None);
        cache.store("k", &sources, &rows, &Breakdown::default()).unwrap();
        assert_eq!(cache.lookup("k"), Some((rows.clone(), Breakdown::default())));
        assert_eq!(cache.lookup("other"), None);
        let stored = fs::read_to_string(dir.path().join("cache/k.json")).unwrap();
        let altered = stored.replacen(&format!(",{},", rows[0].size_bytes.unwrap()), ",1,", 1);
        assert_ne!(altered, stored, "the size is in the entry");
        fs::write(dir.path().join("cache/k.json"), &altered).unwrap();
        assert_eq!(cache.lookup("k"), None, "an entry whose size was altered is a miss");
        fs::write(dir.path().join("cache/k.json"), &stored).unwrap();
        fs::write(&source, "fn main() { }").unwrap();
        assert_eq!(cache.lookup("k"), None, "a changed source is a miss");
        fs::write(&source, "fn main() {}").unwrap();
        assert_eq!(cache.lookup("k"), Some((rows, Breakdown::default())));
        fs::remove_file(&source).unwrap();
        assert_eq!(cache.lookup("k"), None, "a removed source is a miss");
    }
}

//! The breakdown files in a results directory: `crates.csv`, `functions.csv` and `hot.csv`,
//! one row per variant and crate (or function, or run and crate), as the measure stage makes
//! them; their names, headers, and how they are written (atomically, a variant's rows replaced
//! whole) and read.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;

use crate::measure::bloat::{Breakdown, CrateRow, FunctionRow};
use crate::measure::hot::HotRow;
use crate::util::files::write_atomic;

/// A row of a breakdown file, which belongs to one variant.
pub trait VariantRow: Serialize + serde::de::DeserializeOwned + Clone {
    /// The file's name in the results directory.
    const FILE: &'static str;
    /// The header of an empty file.
    const HEADER: &'static [&'static str];
    /// The variant the row belongs to.
    fn variant(&self) -> &str;
}

impl VariantRow for CrateRow {
    const FILE: &'static str = "crates.csv";
    const HEADER: &'static [&'static str] =
        &["sweep", "variant", "crate", "text_bytes", "functions", "symbols_from"];
    fn variant(&self) -> &str {
        &self.variant
    }
}

impl VariantRow for FunctionRow {
    const FILE: &'static str = "functions.csv";
    const HEADER: &'static [&'static str] =
        &["sweep", "variant", "crate", "function", "copies", "text_bytes", "symbols_from"];
    fn variant(&self) -> &str {
        &self.variant
    }
}

/// One breakdown file of a sweep (`crates.csv` or `functions.csv`), held in memory and
/// rewritten whole on every change.
#[derive(Debug)]
pub struct BreakdownFile<T> {
    path: PathBuf,
    rows: Vec<T>,
}

impl<T: VariantRow> BreakdownFile<T> {
    /// Opens the file in `dir`, keeping the rows already there (an unreadable file is an
    /// error, not overwritten).
    pub fn open(dir: &Path) -> Result<BreakdownFile<T>> {
        let path = dir.join(T::FILE);
        let rows = match std::fs::read(&path) {
            Ok(bytes) => read(&bytes)
                .with_context(|| format!("cannot read {}; move it aside", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        Ok(BreakdownFile { path, rows })
    }

    /// Replaces the rows of `variant` with `rows` and rewrites the file.
    pub fn replace(&mut self, variant: &str, rows: &[T]) -> Result<()> {
        self.replace_where(|r| r.variant() == variant, rows)
    }

    /// Replaces the rows `old` picks with `rows` and rewrites the file.
    pub fn replace_where(&mut self, old: impl Fn(&T) -> bool, rows: &[T]) -> Result<()> {
        self.rows.retain(|r| !old(r));
        self.rows.extend_from_slice(rows);
        write_atomic(&self.path, &to_csv(&self.rows)?)
    }

    /// Every row.
    pub fn rows_of_all(&self) -> Vec<T> {
        self.rows.clone()
    }

    /// The rows of `variant`.
    pub fn rows_of(&self, variant: &str) -> Vec<T> {
        self.rows.iter().filter(|r| r.variant() == variant).cloned().collect()
    }
}

/// Serialises breakdown rows with their header.
pub fn to_csv<T: VariantRow>(rows: &[T]) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.serialize(row)?;
    }
    if rows.is_empty() {
        writer.write_record(T::HEADER)?;
    }
    Ok(writer.into_inner().map_err(|e| e.into_error())?)
}

/// Parses a breakdown file.
pub fn read<T: VariantRow>(bytes: &[u8]) -> Result<Vec<T>> {
    csv::Reader::from_reader(bytes)
        .deserialize()
        .collect::<Result<_, _>>()
        .with_context(|| format!("malformed {}", T::FILE))
}

/// Reads the breakdown files in a results directory; empty where there are none.
pub fn load(dir: &Path) -> Result<Breakdown> {
    Ok(Breakdown { crates: load_one(dir)?, functions: load_one(dir)?, hot: load_one(dir)? })
}

fn load_one<T: VariantRow>(dir: &Path) -> Result<Vec<T>> {
    let path = dir.join(T::FILE);
    match std::fs::read(&path) {
        Ok(bytes) => read(&bytes).with_context(|| format!("in {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

impl VariantRow for HotRow {
    const FILE: &'static str = "hot.csv";
    const HEADER: &'static [&'static str] =
        &["sweep", "variant", "run", "crate", "instructions", "functions", "symbols_from"];
    fn variant(&self) -> &str {
        &self.variant
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_replaces_a_variants_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crates.csv");
        let row = |variant: &str, krate: &str, bytes| CrateRow {
            sweep: "s".into(),
            variant: variant.into(),
            krate: krate.into(),
            text_bytes: bytes,
            functions: 1,
            symbols_from: variant.into(),
        };
        let mut file = BreakdownFile::open(dir.path()).unwrap();
        file.replace("a", &[row("a", "std", 10), row("a", "core", 5)]).unwrap();
        file.replace("b", &[row("b", "std", 7)]).unwrap();
        file.replace("a", &[row("a", "std", 11)]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("sweep,variant,crate,text_bytes,functions,symbols_from\n"),
            "{text}"
        );
        assert_eq!(load(dir.path()).unwrap().crates, [row("b", "std", 7), row("a", "std", 11)]);
    }
}

//! Where the bytes go: machine code per crate, from an executable's symbol table (the question
//! `cargo bloat --crates` answers), and `crates.csv`, its file next to `results.csv`.
//!
//! A symbol's crate is the first path segment of its demangled name (for `<A as B>::f`, of `A`);
//! symbols that do not demangle as Rust (C code, the linker's) count as `[unknown]`. Aliases at
//! one address count once.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use object::{Object, ObjectSection, ObjectSymbol, SectionKind, SymbolKind};
use serde::{Deserialize, Serialize};

use crate::util::files::write_atomic;

/// The name under which code with no Rust crate is counted.
pub const UNKNOWN_CRATE: &str = "[unknown]";

/// One crate's share of one variant's machine code: a row of `crates.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrateRow {
    /// The sweep's name.
    pub sweep: String,
    /// The variant.
    pub variant: String,
    /// The crate, as symbol names spell it (`std`, `serde_json`), or `[unknown]`.
    #[serde(rename = "crate")]
    pub krate: String,
    /// Bytes of its functions in `.text`.
    pub text_bytes: u64,
    /// How many functions.
    pub functions: u64,
    /// The variant whose unstripped executable the symbols were read from: the variant itself,
    /// or (for a stripped one) a build that differs from it only in `strip`, whose code is the
    /// same.
    pub symbols_from: String,
}

/// A crate's code in one executable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateText {
    /// The crate name, or `[unknown]`.
    pub krate: String,
    /// Bytes of its functions.
    pub text_bytes: u64,
    /// How many functions.
    pub functions: u64,
}

/// Machine code per crate, largest first; `None` when the file has no symbol table to read
/// (stripped, or not an object file).
pub fn text_by_crate(bytes: &[u8]) -> Option<Vec<CrateText>> {
    let file = object::File::parse(bytes).ok()?;
    let text_sections: HashSet<_> =
        file.sections().filter(|s| s.kind() == SectionKind::Text).map(|s| s.index()).collect();
    let mut seen = HashSet::new();
    let mut by_crate: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for symbol in file.symbols() {
        let in_text = symbol.section_index().is_some_and(|index| text_sections.contains(&index));
        if symbol.kind() != SymbolKind::Text
            || !in_text
            || symbol.size() == 0
            || !seen.insert(symbol.address())
        {
            continue;
        }
        let krate = symbol.name().map_or_else(|_| UNKNOWN_CRATE.to_owned(), crate_of);
        let entry = by_crate.entry(krate).or_default();
        entry.0 += symbol.size();
        entry.1 += 1;
    }
    if by_crate.is_empty() {
        return None;
    }
    let mut crates: Vec<CrateText> = by_crate
        .into_iter()
        .map(|(krate, (text_bytes, functions))| CrateText { krate, text_bytes, functions })
        .collect();
    crates.sort_by(|a, b| b.text_bytes.cmp(&a.text_bytes).then_with(|| a.krate.cmp(&b.krate)));
    Some(crates)
}

/// The crate a (mangled) symbol name belongs to.
pub fn crate_of(symbol: &str) -> String {
    let Ok(demangled) = rustc_demangle::try_demangle(symbol) else {
        return UNKNOWN_CRATE.to_owned();
    };
    // `{:#}` leaves out the hash suffix.
    let text = format!("{demangled:#}");
    let path = text
        .trim_start_matches(['<', '&', '*', '(', '['])
        .trim_start_matches("mut ")
        .trim_start_matches("dyn ");
    let end = path.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(path.len());
    let krate = &path[..end];
    if krate.is_empty() || !path[end..].starts_with("::") {
        UNKNOWN_CRATE.to_owned()
    } else {
        krate.to_owned()
    }
}

/// `crates.csv` of one sweep, held in memory and rewritten whole on every change.
#[derive(Debug)]
pub struct CratesFile {
    path: PathBuf,
    rows: Vec<CrateRow>,
}

impl CratesFile {
    /// Opens `path`, keeping the rows already there (an unreadable file is an error, not
    /// overwritten).
    pub fn open(path: &Path) -> Result<CratesFile> {
        let rows = match std::fs::read(path) {
            Ok(bytes) => read(&bytes)
                .with_context(|| format!("cannot read {}; move it aside", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        Ok(CratesFile { path: path.to_owned(), rows })
    }

    /// Replaces the rows of `variant` with `rows` and rewrites the file.
    pub fn replace(&mut self, variant: &str, rows: &[CrateRow]) -> Result<()> {
        self.rows.retain(|r| r.variant != variant);
        self.rows.extend_from_slice(rows);
        write_atomic(&self.path, &to_csv(&self.rows)?)
    }
}

/// Serialises crate rows with their header.
pub fn to_csv(rows: &[CrateRow]) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.serialize(row)?;
    }
    if rows.is_empty() {
        writer.write_record([
            "sweep",
            "variant",
            "crate",
            "text_bytes",
            "functions",
            "symbols_from",
        ])?;
    }
    Ok(writer.into_inner().map_err(|e| e.into_error())?)
}

/// Parses a `crates.csv`.
pub fn read(bytes: &[u8]) -> Result<Vec<CrateRow>> {
    csv::Reader::from_reader(bytes)
        .deserialize()
        .collect::<Result<_, _>>()
        .context("malformed crates.csv")
}

/// Reads the `crates.csv` next to a results file; empty when there is none.
pub fn load_beside(results_csv: &Path) -> Result<Vec<CrateRow>> {
    let path = results_csv.with_file_name("crates.csv");
    match std::fs::read(&path) {
        Ok(bytes) => read(&bytes).with_context(|| format!("in {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crates_come_from_the_first_path_segment() {
        assert_eq!(crate_of("_ZN4core3fmt5write17h0123456789abcdefE"), "core");
        assert_eq!(crate_of("_ZN10serde_json2de10from_slice17h0123456789abcdefE"), "serde_json");
        // <alloc::vec::Vec<T> as core::ops::drop::Drop>::drop
        assert_eq!(
            crate_of(
                "_ZN70_$LT$alloc..vec..Vec$LT$T$C$A$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17h0123456789abcdefE"
            ),
            "alloc"
        );
        assert_eq!(crate_of("memcpy"), UNKNOWN_CRATE);
        assert_eq!(crate_of("_start"), UNKNOWN_CRATE);
    }

    #[test]
    fn this_test_binary_is_mostly_std_and_this_crate() {
        let me = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let crates = text_by_crate(&me).expect("test binaries keep their symbols");
        let names: Vec<&str> = crates.iter().map(|c| c.krate.as_str()).collect();
        assert!(
            names.contains(&"std") && names.contains(&"core") && names.contains(&"profile_sweep"),
            "{names:?}"
        );
        assert!(crates.windows(2).all(|w| w[0].text_bytes >= w[1].text_bytes), "largest first");
        let sections = crate::measure::binary::section_sizes(&me).unwrap();
        let total: u64 = crates.iter().map(|c| c.text_bytes).sum();
        assert!(
            total <= sections.text && total > sections.text / 2,
            "{total} of {}",
            sections.text
        );
        assert_eq!(text_by_crate(b"not an object"), None);
    }

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
        let mut file = CratesFile::open(&path).unwrap();
        file.replace("a", &[row("a", "std", 10), row("a", "core", 5)]).unwrap();
        file.replace("b", &[row("b", "std", 7)]).unwrap();
        file.replace("a", &[row("a", "std", 11)]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("sweep,variant,crate,text_bytes,functions,symbols_from\n"),
            "{text}"
        );
        assert_eq!(
            load_beside(&dir.path().join("results.csv")).unwrap(),
            [row("b", "std", 7), row("a", "std", 11)]
        );
    }
}

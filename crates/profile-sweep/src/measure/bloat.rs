//! Where the bytes go: machine code per crate and per function, from an executable's symbol
//! table (the questions `cargo bloat --crates` and `cargo bloat -n N` answer): the rows of
//! `crates.csv` and `functions.csv` (the results stage writes their files).
//!
//! A symbol's crate is the first path segment of its demangled name (for `<A as B>::f`, of `A`);
//! symbols that do not demangle as Rust (C code, the linker's) count as `[unknown]`. Aliases at
//! one address count once.

use std::collections::{BTreeMap, HashSet};

use object::{Object, ObjectSection, ObjectSymbol, SectionKind, SymbolKind};
use serde::{Deserialize, Serialize};

use crate::measure::hot::HotRow;
use crate::measure::wasm;

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

/// One function's code in one executable, its generic copies merged: a row of
/// `functions.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionRow {
    /// The sweep's name.
    pub sweep: String,
    /// The variant.
    pub variant: String,
    /// The crate it belongs to (as in `crates.csv`).
    #[serde(rename = "crate")]
    pub krate: String,
    /// The demangled path, without hash and with generic arguments left out, so that every
    /// copy of one generic function is one row (`core::ptr::drop_in_place`).
    pub function: String,
    /// How many copies (monomorphisations, or symbols of one name) it has.
    pub copies: u64,
    /// Bytes of all its copies in `.text`.
    pub text_bytes: u64,
    /// Where the symbols were read from (see [`CrateRow::symbols_from`]).
    pub symbols_from: String,
}

/// Where one variant's machine code goes, and where its runs spend their instructions: its
/// rows of `crates.csv`, `functions.csv` and `hot.csv`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Breakdown {
    /// Code per crate, largest first.
    pub crates: Vec<CrateRow>,
    /// The largest functions, largest first.
    pub functions: Vec<FunctionRow>,
    /// Instructions per crate of each run that asks for them (`hot-crates = true`).
    pub hot: Vec<HotRow>,
}

/// Machine code per crate and per function in an executable, both largest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    /// Per crate.
    pub crates: Vec<CrateText>,
    /// Per function (generic copies merged): crate, function, copies, bytes.
    pub functions: Vec<(String, String, u64, u64)>,
}

impl Analysis {
    /// The rows of `variant` of sweep `sweep`, with the `top` largest functions, the symbols
    /// read from `symbols_from`.
    pub fn rows(&self, sweep: &str, variant: &str, top: usize, symbols_from: &str) -> Breakdown {
        let crates = self
            .crates
            .iter()
            .map(|c| CrateRow {
                sweep: sweep.to_owned(),
                variant: variant.to_owned(),
                krate: c.krate.clone(),
                text_bytes: c.text_bytes,
                functions: c.functions,
                symbols_from: symbols_from.to_owned(),
            })
            .collect();
        let functions = self
            .functions
            .iter()
            .take(top)
            .map(|(krate, function, copies, text_bytes)| FunctionRow {
                sweep: sweep.to_owned(),
                variant: variant.to_owned(),
                krate: krate.clone(),
                function: function.clone(),
                copies: *copies,
                text_bytes: *text_bytes,
                symbols_from: symbols_from.to_owned(),
            })
            .collect();
        Breakdown { crates, functions, hot: Vec::new() }
    }
}

/// Machine code per crate and per function; `None` when the file has no symbol table (or, for
/// a WebAssembly module, no name section) to read: stripped, or not an executable.
pub fn analyse(bytes: &[u8]) -> Option<Analysis> {
    if wasm::is_wasm(bytes) {
        return summarise(wasm::functions(bytes)?);
    }
    let file = object::File::parse(bytes).ok()?;
    let text_sections: HashSet<_> =
        file.sections().filter(|s| s.kind() == SectionKind::Text).map(|s| s.index()).collect();
    let mut seen = HashSet::new();
    let functions = file.symbols().filter(|symbol| {
        let in_text = symbol.section_index().is_some_and(|index| text_sections.contains(&index));
        symbol.kind() == SymbolKind::Text
            && in_text
            && symbol.size() > 0
            && seen.insert(symbol.address())
    });
    summarise(functions.map(|s| (s.name().unwrap_or("").to_owned(), s.size())).collect())
}

/// Sums functions (symbol name, bytes) per crate and per merged function name.
fn summarise(functions: Vec<(String, u64)>) -> Option<Analysis> {
    let mut by_crate: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut by_function: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    for (name, size) in functions {
        let krate = crate_of(&name);
        let entry = by_crate.entry(krate.clone()).or_default();
        entry.0 += size;
        entry.1 += 1;
        let entry = by_function.entry((krate, function_of(&name))).or_default();
        entry.0 += size;
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
    let mut functions: Vec<(String, String, u64, u64)> = by_function
        .into_iter()
        .map(|((krate, function), (bytes, copies))| (krate, function, copies, bytes))
        .collect();
    functions.sort_by(|a, b| b.3.cmp(&a.3).then_with(|| a.1.cmp(&b.1)));
    Some(Analysis { crates, functions })
}

/// A function's name as `functions.csv` spells it: demangled without the hash, with generic
/// argument lists left out (`core::ptr::drop_in_place<T>` becomes `core::ptr::drop_in_place`)
/// so every copy of one generic function counts as one; a non-Rust symbol as it is.
pub fn function_of(symbol: &str) -> String {
    let Ok(demangled) = rustc_demangle::try_demangle(symbol) else { return symbol.to_owned() };
    without_generic_arguments(&format!("{demangled:#}"))
}

/// `path` without its generic argument lists: a `<...>` right after a name (legacy symbols,
/// `drop_in_place<T>`) or after `::` (v0 symbols' turbofish, `with_global::<F>`). A qualified
/// path stays (`<A as B>` at the start, `::<impl Trait for T>` inside), its own generic
/// arguments removed.
fn without_generic_arguments(path: &str) -> String {
    let chars: Vec<char> = path.chars().collect();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let after_name = out.chars().last().is_some_and(|p| p.is_alphanumeric() || p == '_');
        let turbofish = out.ends_with("::") && !rest_starts_with(&chars[i + 1..], "impl ");
        if c == '<' && (after_name || turbofish) {
            i = matching_close(&chars, i) + 1;
            if turbofish {
                out.truncate(out.len() - 2);
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

fn rest_starts_with(chars: &[char], prefix: &str) -> bool {
    prefix.chars().eq(chars.iter().copied().take(prefix.chars().count()))
}

/// The index of the `>` that closes the `<` at `open` (the last index if none does); the `>`
/// of a `->` closes nothing.
fn matching_close(chars: &[char], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, &c) in chars.iter().enumerate().skip(open) {
        match c {
            '>' if chars[i - 1] == '-' => {}
            '<' => depth += 1,
            '>' if depth == 1 => return i,
            '>' => depth -= 1,
            _ => {}
        }
    }
    chars.len() - 1
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
    fn generic_copies_are_one_function() {
        assert_eq!(
            without_generic_arguments("core::ptr::drop_in_place<serde_json::value::Value>"),
            "core::ptr::drop_in_place"
        );
        assert_eq!(
            without_generic_arguments("<alloc::vec::Vec<T,A> as core::ops::drop::Drop>::drop"),
            "<alloc::vec::Vec as core::ops::drop::Drop>::drop"
        );
        assert_eq!(
            without_generic_arguments(
                "<std::backtrace_rs::symbolize::gimli::Cache>::with_global::<std::x::{closure#1}>"
            ),
            "<std::backtrace_rs::symbolize::gimli::Cache>::with_global"
        );
        assert_eq!(
            without_generic_arguments(
                "serde::de::impls::<impl serde::de::Deserialize<'de> for u64>::deserialize::<D>"
            ),
            "serde::de::impls::<impl serde::de::Deserialize for u64>::deserialize"
        );
        assert_eq!(without_generic_arguments("a::call<fn() -> u32>::go"), "a::call::go");
        assert_eq!(function_of("_ZN4core3fmt5write17h0123456789abcdefE"), "core::fmt::write");
        assert_eq!(function_of("memcpy"), "memcpy");
    }

    #[test]
    fn this_test_binary_is_mostly_std_and_this_crate() {
        let me = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let analysis = analyse(&me).expect("test binaries keep their symbols");
        let crates = &analysis.crates;
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
        assert_eq!(analyse(b"not an object"), None);
        let merged: u64 = analysis.functions.iter().map(|f| f.3).sum();
        assert_eq!(merged, total, "functions add up to the crates");
        assert!(analysis.functions.iter().any(|f| f.1 == "core::ptr::drop_in_place" && f.2 > 1));
    }
}

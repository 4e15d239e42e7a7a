//! Where a run spends its instructions, per crate: Cachegrind's per-function counts (its output
//! file, names left mangled) mapped to crates as the size breakdown maps symbols
//! ([`bloat::crate_of`]), and `hot.csv`, their file in the results directory.
//!
//! Cachegrind can name a function only from the executable's symbol table, so a stripped
//! variant is counted again on a build of the same code with `strip = "none"`; the row's
//! `symbols_from` says which. Code with no Rust name (the C library's `memcpy`, the dynamic
//! loader) counts as [`bloat::UNKNOWN_CRATE`].

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::measure::bloat;

/// One crate's share of one run's instructions in one variant: a row of `hot.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotRow {
    /// The sweep's name.
    pub sweep: String,
    /// The variant.
    pub variant: String,
    /// The `[[run]]` counted.
    pub run: String,
    /// The crate, as symbol names spell it (`std`, `serde_json`), or `[unknown]`.
    #[serde(rename = "crate")]
    pub krate: String,
    /// Instructions executed in its functions (inlined code counts where it was inlined).
    pub instructions: u64,
    /// How many of its functions ran.
    pub functions: u64,
    /// The executable counted: the variant's own, or (for a stripped one) a build of the same
    /// code with `strip = "none"`.
    pub symbols_from: String,
}

/// Instructions (`Ir`) per function name in a Cachegrind output file, names as written there
/// (mangled when Cachegrind ran with `--demangle=no`). A function inlined into several files
/// is summed.
pub fn instructions_per_function(out: &str) -> Result<BTreeMap<String, u64>> {
    let events = out
        .lines()
        .find_map(|l| l.strip_prefix("events:"))
        .context("Cachegrind's output lacks its `events:` line")?;
    let Some(ir) = events.split_whitespace().position(|e| e == "Ir") else {
        bail!("Cachegrind's output does not count `Ir`: events {events}");
    };
    let mut counts = BTreeMap::new();
    let mut function: Option<&str> = None;
    for line in out.lines() {
        if let Some(name) = line.strip_prefix("fn=") {
            function = Some(name);
        } else if line.starts_with(|c: char| c.is_ascii_digit()) {
            let name = function.context("a count before any `fn=` line")?;
            // The line number, then one count per event (trailing zeros may be left out).
            let count = match line.split_whitespace().nth(1 + ir) {
                Some(n) => n.parse::<u64>().with_context(|| format!("bad count line {line:?}"))?,
                None => 0,
            };
            *counts.entry(name.to_owned()).or_insert(0) += count;
        }
    }
    Ok(counts)
}

/// Instructions and functions run per crate, most instructions first (ties by name).
pub fn per_crate(functions: &BTreeMap<String, u64>) -> Vec<(String, u64, u64)> {
    let mut crates: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (name, &count) in functions.iter().filter(|(_, n)| **n > 0) {
        let entry = crates.entry(bloat::crate_of(name)).or_default();
        entry.0 += count;
        entry.1 += 1;
    }
    let mut crates: Vec<_> = crates.into_iter().map(|(k, (n, f))| (k, n, f)).collect();
    crates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    crates
}

/// The share of a run's instructions the hot crates hold: the report names them, and
/// `mixed = true` gives them opt-level 3.
pub const HOT_SHARE: f64 = 0.9;

/// The fewest crates, most instructions first, that together hold at least `share` (0 to 1) of
/// the rows' instructions.
pub fn hot_set(rows: &[HotRow], share: f64) -> Vec<&HotRow> {
    let total: u64 = rows.iter().map(|r| r.instructions).sum();
    let mut sorted: Vec<&HotRow> = rows.iter().collect();
    sorted.sort_by(|a, b| b.instructions.cmp(&a.instructions).then_with(|| a.krate.cmp(&b.krate)));
    let mut held = 0u64;
    let mut hot = Vec::new();
    for row in sorted {
        if total == 0 || held as f64 >= share * total as f64 {
            break;
        }
        held += row.instructions;
        hot.push(row);
    }
    hot
}

/// The crates a profile's `package.<name>` override can reach: not the standard library's
/// (built once with the toolchain unless `build-std`) nor code without a Rust name.
pub fn overridable(krate: &str) -> bool {
    !["std", "core", "alloc", "panic_abort", "panic_unwind", bloat::UNKNOWN_CRATE].contains(&krate)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of Cachegrind 3.19's output with `--cache-sim=yes --demangle=no`.
    const OUT: &str = "desc: I1 cache:         32768 B, 64 B, 8-way associative
cmd: json2csv
events: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw
fl=/rustc/library/core/src/fmt/mod.rs
fn=_ZN4core3fmt5write17h0123456789abcdefE
128 20 1 1 2 0 0 0 0 0
134 3
fl=src/main.rs
fn=_ZN10serde_json2de10from_slice17h0123456789abcdefE
7 1000 0 0 5
fn=__memcpy_avx_unaligned_erms
0 500 0 0 0 0 0 0 0 0
fl=src/lib.rs
fn=_ZN4core3fmt5write17h0123456789abcdefE
9 7
fn=never_ran
1 0
summary: 1530 1 1 7 0 0 0 0 0
";

    #[test]
    fn counts_are_summed_per_function_and_crate() {
        let functions = instructions_per_function(OUT).unwrap();
        assert_eq!(functions["_ZN4core3fmt5write17h0123456789abcdefE"], 30);
        assert_eq!(functions["__memcpy_avx_unaligned_erms"], 500);
        assert_eq!(functions.values().sum::<u64>(), 1530, "the summary line's Ir");
        assert_eq!(
            per_crate(&functions),
            [
                ("serde_json".to_owned(), 1000, 1),
                (bloat::UNKNOWN_CRATE.to_owned(), 500, 1),
                ("core".to_owned(), 30, 1),
            ]
        );
        assert!(instructions_per_function("fn=a\n1 2\n").is_err(), "no events line");
        assert!(instructions_per_function("events: Dr\nfn=a\n1 2\n").is_err(), "no Ir");
        assert!(instructions_per_function("events: Ir\n1 2\n").is_err(), "no function");
    }

    #[test]
    fn the_hot_set_is_the_fewest_crates_holding_the_share() {
        let row = |krate: &str, instructions| HotRow {
            sweep: "s".into(),
            variant: "v".into(),
            run: "r".into(),
            krate: krate.into(),
            instructions,
            functions: 1,
            symbols_from: "v".into(),
        };
        let rows = [row("core", 5), row("serde_json", 60), row("json2csv", 30), row("csv", 5)];
        let names =
            |share| hot_set(&rows, share).iter().map(|r| r.krate.clone()).collect::<Vec<_>>();
        assert_eq!(names(0.9), ["serde_json", "json2csv"]);
        assert_eq!(names(0.5), ["serde_json"]);
        assert_eq!(names(0.95), ["serde_json", "json2csv", "core"], "ties by name");
        assert_eq!(names(0.96).len(), 4);
        assert!(hot_set(&[], 0.9).is_empty());
        assert!(overridable("serde_json") && !overridable("std") && !overridable("[unknown]"));
    }
}

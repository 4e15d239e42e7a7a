//! "Where the run spends its instructions": `hot.csv`'s instructions per crate, the crates that
//! hold 90% of them, and the package overrides that give those crates their own opt-level.

use std::fmt::{self, Write};

use crate::measure::hot::{self, HOT_SHARE, HotRow};
use crate::present::markdown::{Align, Table};
use crate::results::analysis::distinct;
use crate::util::units::thousands;

/// How many variants the table shows side by side.
const VARIANTS_SHOWN: usize = 6;

/// How many crates the table lists.
const CRATES_SHOWN: usize = 10;

/// One section per run with `hot.csv` rows.
pub fn hot_section(out: &mut String, hot: &[HotRow]) -> fmt::Result {
    for run in distinct(hot.iter().map(|r| r.run.clone())) {
        let of_run: Vec<&HotRow> = hot.iter().filter(|r| r.run == run).collect();
        run_section(out, &run, &of_run)?;
    }
    Ok(())
}

/// The table of one run: crates by instructions in its first variant, a column per variant.
fn run_section(out: &mut String, run: &str, rows: &[&HotRow]) -> fmt::Result {
    let variants = distinct(rows.iter().map(|r| r.variant.clone()));
    let of = |variant: &str| -> Vec<HotRow> {
        rows.iter().filter(|r| r.variant == variant).map(|r| (*r).clone()).collect()
    };
    let first = of(&variants[0]);
    let hot_set = hot::hot_set(&first, HOT_SHARE);
    writeln!(
        out,
        "\n## Where `{run}` spends its instructions\n\nInstructions per crate, counted by Cachegrind on an executable of each variant's code with symbols (`hot.csv` has every crate, variant and run; `symbols_from` says which executable). Code inlined into another crate's function counts there; `[unknown]` is code without a Rust name (the C library, the dynamic loader).\n"
    )?;
    let shown: Vec<&String> = variants.iter().take(VARIANTS_SHOWN).collect();
    let mut table = Table::new(&[("crate", Align::Left)]);
    for variant in &shown {
        table.column(format!("`{variant}`"), Align::Right);
    }
    // The first variant's crates, most instructions first, then any only the others ran.
    let names = distinct(first.iter().chain(rows.iter().copied()).map(|r| r.krate.clone()));
    for name in names.iter().take(CRATES_SHOWN) {
        let mut cells = vec![format!("`{name}`")];
        for variant in &shown {
            let all = of(variant);
            let total: u64 = all.iter().map(|r| r.instructions).sum();
            let mine = all.iter().find(|r| &r.krate == name).map_or(0, |r| r.instructions);
            cells.push(share_cell(mine, total));
        }
        table.row(cells);
    }
    write!(out, "{table}")?;
    if names.len() > CRATES_SHOWN {
        writeln!(out, "\n{} more crates ran fewer instructions.", names.len() - CRATES_SHOWN)?;
    }
    if variants.len() > VARIANTS_SHOWN {
        writeln!(out, "\n{} more variants are in `hot.csv`.", variants.len() - VARIANTS_SHOWN)?;
    }
    let names: Vec<String> = hot_set.iter().map(|r| format!("`{}`", r.krate)).collect();
    writeln!(
        out,
        "\nIn `{}`, {} {} {:.0}% of the instructions.",
        variants[0],
        names.join(", "),
        if names.len() == 1 { "holds" } else { "hold" },
        HOT_SHARE * 100.0
    )?;
    let overridable: Vec<String> = hot_set
        .iter()
        .filter(|r| hot::overridable(&r.krate))
        .map(|r| format!("{:?}", r.krate))
        .collect();
    if !overridable.is_empty() {
        writeln!(
            out,
            "To measure a profile that optimises them for speed and the rest for size, sweep `hot-packages = [{}]` with `hot-opt-level = [3]` and `opt-level = [\"z\"]`, or let a matrix propose it with `mixed = true` (crate names as symbols spell them: a package whose name has `-`, such as `csv-core`, keeps it there, and the sweep checks every name against Cargo.lock before it builds).",
            overridable.join(", ")
        )?;
    }
    Ok(())
}

/// `1,234,567 (45.2%)`.
fn share_cell(instructions: u64, total: u64) -> String {
    if total == 0 {
        return String::new();
    }
    let share = instructions as f64 / total as f64 * 100.0;
    format!("{} ({share:.1}%)", thousands(instructions))
}

//! divan benchmarks: divan has no machine-readable output (its issue 10), so this module reads
//! the table it prints, the one place that does:
//!
//! ```text
//! walk        fastest       │ slowest       │ median        │ mean          │ samples │ iters
//! ├─ bytes    506.8 ns      │ 904.1 ns      │ 509.2 ns      │ 548.4 ns      │ 10      │ 40
//! │           8.08 GB/s     │ 4.53 GB/s     │ 8.043 GB/s    │ 7.468 GB/s    │         │
//! ├─ squares                │               │               │               │         │
//! │  ╰─ 10    2.801 ns      │ 2.854 ns      │ 2.834 ns      │ 2.831 ns      │ 10      │ 5120
//! ```
//!
//! Columns are found by the header's names, so their order may change; the tree's depth comes
//! from the indent (three characters a level); a row without a name is a counter's throughput
//! and is skipped. Tested on the output of divan 0.1.11, 0.1.14, 0.1.17 and 0.1.21 (earlier
//! 0.1 versions print the same table but were not built here: their macros do not compile
//! the test bench).

use anyhow::{Context, Result, bail};

use crate::measure::bench::Reported;
use crate::plan::measures::BenchSpec;

/// The command line of one run: quiet colours, the sample count and time limit the sweep
/// file gives, and its filter.
pub fn arguments(spec: &BenchSpec) -> Vec<String> {
    let mut args: Vec<String> = vec!["--bench".into(), "--color".into(), "never".into()];
    args.extend(["--sample-count".into(), spec.sample_size.to_string()]);
    args.extend(["--max-time".into(), format!("{}", spec.measurement.as_secs_f64())]);
    args.extend(spec.filter.clone());
    args
}

/// The benchmarks of a divan table (every table in `stdout`), ids as tree paths from the bench
/// target's name: `walk/squares/10`. Values are divan's mean, fastest and slowest, in ns.
pub fn parse(stdout: &str) -> Result<Vec<Reported>> {
    let mut found = Vec::new();
    let mut table: Option<Table> = None;
    for (number, line) in stdout.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        if let Some(header) = Table::header(&chars) {
            table = Some(header);
            continue;
        }
        // Every row has column separators; a line without is not part of the table.
        if !line.contains('│') {
            table = None;
            continue;
        }
        let Some(table) = table.as_mut() else { continue };
        let parsed = table.row(&chars).with_context(|| {
            format!("divan's output, line {}, is not a table row: {line:?}", number + 1)
        })?;
        found.extend(parsed);
    }
    Ok(found)
}

/// A table being read: where the value columns start, their names, and the path so far.
struct Table {
    /// Character index where the first value column (`fastest`) starts.
    values_at: usize,
    /// Column names, in order.
    columns: Vec<String>,
    /// The names of the open tree nodes, root (the bench target) first.
    path: Vec<String>,
}

impl Table {
    /// A header line: a name, then `fastest │ slowest │ median │ mean │ samples │ iters`.
    fn header(chars: &[char]) -> Option<Table> {
        let line: String = chars.iter().collect();
        let fastest = line.find("fastest")?;
        if !line.contains('│') || !line.contains("mean") {
            return None;
        }
        let values_at = line[..fastest].chars().count();
        let columns = split_cells(&chars[values_at..]);
        let root = line[..fastest].trim().to_owned();
        Some(Table { values_at, columns, path: vec![root] })
    }

    /// A row: a tree node (a group, no values), a benchmark, or a counter's line (no name).
    fn row(&mut self, chars: &[char]) -> Result<Option<Reported>> {
        let split = self.values_at.min(chars.len());
        let (name_part, values) = chars.split_at(split);
        let indent = name_part.iter().position(|c| !is_tree_char(*c));
        let Some(indent) = indent else { return Ok(None) }; // a counter's throughput
        let name: String = name_part[indent..].iter().collect::<String>().trim().to_owned();
        let depth = indent / 3;
        if depth == 0 || indent % 3 != 0 {
            bail!("a name at column {indent}, not at a tree level");
        }
        self.path.truncate(depth);
        self.path.push(name);
        let cells = split_cells(values);
        if cells.iter().all(String::is_empty) {
            return Ok(None); // a group
        }
        let cell = |column: &str| -> Result<&str> {
            let i = self.columns.iter().position(|c| c == column);
            let value = i.and_then(|i| cells.get(i)).map(String::as_str);
            value.filter(|v| !v.is_empty()).with_context(|| format!("no {column} value"))
        };
        Ok(Some(Reported {
            id: self.path.join("/"),
            value: duration_ns(cell("mean")?)?,
            fastest: duration_ns(cell("fastest")?)?,
            slowest: duration_ns(cell("slowest")?)?,
        }))
    }
}

/// Whether `c` draws the tree (or pads it).
fn is_tree_char(c: char) -> bool {
    matches!(c, ' ' | '│' | '├' | '╰' | '─' | '└')
}

/// The cells of a row's value part, trimmed.
fn split_cells(values: &[char]) -> Vec<String> {
    let text: String = values.iter().collect();
    text.split('│').map(|cell| cell.trim().to_owned()).collect()
}

/// A divan duration (`506.8 ns`, `1.033 µs`, `4.601 ms`, `1.2 s`) in nanoseconds.
fn duration_ns(text: &str) -> Result<f64> {
    let (number, unit) = text.split_once(' ').with_context(|| format!("no unit in {text:?}"))?;
    let scale = match unit {
        "ps" => 1e-3,
        "ns" => 1.0,
        "µs" | "us" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => bail!("unknown time unit in {text:?}"),
    };
    let value: f64 = number.parse().with_context(|| format!("not a number: {text:?}"))?;
    Ok(value * scale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn output(version: &str) -> String {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/divan");
        std::fs::read_to_string(dir.join(format!("walk-{version}.txt"))).unwrap()
    }

    #[test]
    fn reads_the_tables_of_every_tested_divan_version() {
        // Printed by tests/fixtures/divan/walk.rs.txt with `--sample-count 10`.
        for version in ["0.1.11", "0.1.14", "0.1.17", "0.1.21"] {
            let reported = parse(&output(version)).unwrap();
            let mut ids: Vec<&str> = reported.iter().map(|r| r.id.as_str()).collect();
            ids.sort_unstable();
            assert_eq!(
                ids,
                [
                    "walk/bytes",
                    "walk/nested/slow",
                    "walk/squares/10",
                    "walk/squares/1000",
                    "walk/sum",
                    "walk/zeroed/u64",
                    "walk/zeroed/u8"
                ],
                "divan {version}"
            );
            for r in &reported {
                assert!(0.0 < r.fastest && r.fastest <= r.value && r.value <= r.slowest, "{r:?}");
            }
            let slow = reported.iter().find(|r| r.id == "walk/nested/slow").unwrap();
            assert!(slow.value > 200_000.0, "sleeps 200 µs: {slow:?}");
        }
    }

    #[test]
    fn values_and_units_are_read_exactly() {
        let reported = parse(&output("0.1.21")).unwrap();
        let bytes = reported.iter().find(|r| r.id == "walk/bytes").unwrap();
        assert_eq!((bytes.fastest, bytes.slowest, bytes.value), (506.8, 904.1, 548.4));
        let slow = reported.iter().find(|r| r.id == "walk/nested/slow").unwrap();
        assert_eq!((slow.fastest, slow.value), (270_800.0, 272_600.0));
        assert_eq!(duration_ns("4.601 ms").unwrap(), 4_601_000.0);
        assert!(duration_ns("4 parsecs").is_err());
    }

    #[test]
    fn no_table_is_no_benchmark_and_a_broken_row_is_an_error_with_its_line() {
        assert_eq!(parse("Timer precision: 15 ns\n").unwrap(), vec![]);
        let printed = output("0.1.21");
        let with_footer = format!("{printed}Timer precision: 15 ns\n");
        assert_eq!(parse(&with_footer).unwrap(), parse(&printed).unwrap());
        let header = "walk        fastest       │ slowest       │ median        │ mean          │ samples │ iters\n";
        let broken = format!(
            "{header}├─ sum      fast          │ 1 ns          │ 1 ns          │ 1 ns          │ 10      │ 40\n"
        );
        let error = format!("{:#}", parse(&broken).unwrap_err());
        assert!(error.contains("line 2"), "{error}");
    }
}

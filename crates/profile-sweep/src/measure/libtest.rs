//! libtest `#[bench]` benchmarks (nightly only): each prints one line,
//! `test inner::slow ... bench:     146,092.18 ns/iter (+/- 17,681.80)`, whose value is the
//! median of its samples and whose `+/-` is their spread, not an interval. The bench is run
//! several times ([`crate::measure::bench`]) and the interval comes from the medians.

use anyhow::{Context, Result};

use crate::measure::bench::Reported;
use crate::plan::measures::BenchSpec;

/// The command line of one run: libtest's bench mode and the sweep file's filter.
pub fn arguments(spec: &BenchSpec) -> Vec<String> {
    let mut args = vec!["--bench".to_owned()];
    args.extend(spec.filter.clone());
    args
}

/// The benchmarks libtest reported in `stdout`, ids as it names them (`inner::slow`). Its
/// median is the value, fastest and slowest: libtest prints no extremes.
pub fn parse(stdout: &str) -> Result<Vec<Reported>> {
    let mut found = Vec::new();
    for (number, line) in stdout.lines().enumerate() {
        let Some(rest) = line.strip_prefix("test ") else { continue };
        let Some((name, result)) = rest.split_once(" ... bench:") else { continue };
        let context =
            || format!("libtest's output, line {}, is not a bench result: {line:?}", number + 1);
        let value = result.trim().split_once(" ns/iter").with_context(context)?.0;
        let value: f64 = value.replace(',', "").parse().with_context(context)?;
        found.push(Reported { id: name.trim().to_owned(), value, fastest: value, slowest: value });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_lines_a_nightly_libtest_prints() {
        // Printed by `cargo +nightly bench` (rustc 1.97.0-nightly 2026-05-19).
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/libtest");
        let text = std::fs::read_to_string(dir.join("plain-nightly.txt")).unwrap();
        let reported = parse(&text).unwrap();
        let values: Vec<(&str, f64)> = reported.iter().map(|r| (r.id.as_str(), r.value)).collect();
        assert_eq!(values, [("inner::slow", 146_092.18), ("sum", 0.53)]);
        let old = "test add ... bench:       1,234 ns/iter (+/- 56)\n";
        assert_eq!(parse(old).unwrap()[0].value, 1234.0, "older libtests print whole ns");
        assert!(parse("test add ... bench: fast\n").is_err());
        assert_eq!(parse("test add ... ok\n").unwrap(), vec![]);
    }
}

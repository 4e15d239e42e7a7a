//! Bench harnesses besides criterion, swept for real: divan (its table, run several times for
//! an interval), gungraun (exact counts under Valgrind) and libtest `#[bench]` (nightly only).

use std::collections::HashMap;

use crate::fixture::{Fixture, stderr};

/// Sweeps `text` on a fresh fixture ([`crate::axes::sweep`]); returns it and its rows.
fn sweep(text: &str) -> (Fixture, Vec<HashMap<String, String>>) {
    let fixture = Fixture::new();
    let rows = crate::axes::sweep(&fixture, text);
    (fixture, rows)
}

fn measured<'a>(
    rows: &'a [HashMap<String, String>],
    measurement: &str,
) -> Vec<&'a HashMap<String, String>> {
    rows.iter().filter(|r| r["measurement"] == measurement).collect()
}

fn number(row: &HashMap<String, String>, column: &str) -> f64 {
    row[column].parse().unwrap_or_else(|_| panic!("{column} = {:?}", row[column]))
}

#[test]
fn a_divan_bench_is_read_from_its_table_with_an_interval_across_runs() {
    let (fixture, rows) = sweep(concat!(
        "package = \"divan-lib\"\n[matrix]\nopt-level = [0, 3]\n",
        "[[bench]]\nbench = \"walk\"\nsample-size = 20\nmeasurement-seconds = 0.2\nrepeats = 3\n",
    ));
    for id in ["walk/sum", "walk/nested/squares/10", "walk/nested/squares/1000"] {
        let rows = measured(&rows, &format!("divan:{id}"));
        assert_eq!(rows.len(), 2, "{id}: opt-level 0, and 3 (the shipped profile)");
        for row in rows {
            assert_eq!(row["status"], "ok", "{}", row["note"]);
            let (low, mean, high) =
                (number(row, "ci_low_ns"), number(row, "mean_ns"), number(row, "ci_high_ns"));
            assert!(0.0 <= low && low <= mean && mean <= high, "{low} {mean} {high}");
            assert!(number(row, "min_ns") <= mean && mean <= number(row, "max_ns"));
            assert_eq!(row["samples"], "3", "one value per run of the bench");
            assert!(row["note"].contains("interval across 3 runs of the bench"), "{}", row["note"]);
        }
    }
    // Unoptimised code is slower. Means, not interval ends: three runs of a 0.2 s bench while
    // other tests build on both cores once gave intervals that touched (a fresh-clone CI run).
    let sums = measured(&rows, "divan:walk/sum");
    let of = |opt: &str| sums.iter().find(|r| r["opt_level"] == opt).unwrap();
    assert!(number(of("0"), "mean_ns") > number(of("3"), "mean_ns"));
    let report = std::fs::read_to_string(fixture.path("out/report.md")).unwrap();
    assert!(report.contains("## `divan:walk/sum` (divan benchmark"), "{report}");
}

#[test]
#[ignore = "needs Valgrind and gungraun-runner 0.20.0: `cargo xtask test` installs them"]
fn a_gungraun_bench_gives_exact_instructions_and_estimated_cycles() {
    let (_, rows) = sweep(concat!(
        "package = \"counted-lib\"\n[matrix]\nopt-level = [0, 3]\n",
        "[[bench]]\nbench = \"counted\"\n",
    ));
    let large = "counted::sums::squares.large";
    let instructions = measured(&rows, &format!("gungraun:{large}"));
    let cycles = measured(&rows, &format!("gungraun-cycles:{large}"));
    assert_eq!((instructions.len(), cycles.len()), (2, 2), "{rows:?}");
    for row in instructions.iter().chain(&cycles) {
        assert_eq!(row["status"], "ok", "{}", row["note"]);
        assert_eq!(row["ci_low_ns"], row["mean_ns"], "a count is exact");
    }
    assert!(instructions.iter().all(|r| r["unit"] == "instructions"));
    assert!(cycles.iter().all(|r| r["unit"] == "estimated cycles"));
    let of = |rows: &[&HashMap<String, String>], opt: &str| {
        number(rows.iter().find(|r| r["opt_level"] == opt).unwrap(), "mean_ns")
    };
    assert!(of(&instructions, "0") > of(&instructions, "3"), "opt-level 0 runs more instructions");
    assert!(
        of(&cycles, "3") >= of(&instructions, "3"),
        "a cycle estimate counts every instruction"
    );
    assert_eq!(measured(&rows, "gungraun:counted::sums::squares.small").len(), 2);
}

#[test]
#[ignore = "needs a nightly toolchain: `cargo xtask test` installs it"]
fn a_libtest_bench_runs_on_nightly_and_is_skipped_on_stable_with_the_fix() {
    let (_, rows) = sweep(concat!(
        "package = \"nightly-lib\"\n",
        "[[ladder]]\nstep = \"stable\"\n",
        "[[ladder]]\nstep = \"nightly\"\ntoolchain = \"nightly\"\n",
        "[[bench]]\nbench = \"plain\"\nrepeats = 3\n",
    ));
    let stable = measured(&rows, "libtest:plain");
    assert_eq!(stable.len(), 1, "{rows:?}");
    assert_eq!(stable[0]["status"], "skipped");
    assert!(
        stable[0]["note"].contains("add toolchain = \"nightly\" to [build]"),
        "{}",
        stable[0]["note"]
    );
    let nightly = measured(&rows, "libtest:sum");
    assert_eq!(nightly.len(), 1, "{rows:?}");
    let row = nightly[0];
    assert_eq!(row["status"], "ok", "{}", row["note"]);
    assert!(row["rustc"].contains("nightly"), "{}", row["rustc"]);
    assert!(number(row, "ci_low_ns") <= number(row, "mean_ns"));
    assert_eq!(row["samples"], "3");
}

#[test]
fn init_writes_each_bench_with_its_harness() {
    let fixture = Fixture::new();
    for (package, expected) in [
        ("divan-lib", "bench = \"walk\"\nharness = \"divan\"\n"),
        ("counted-lib", "bench = \"counted\"\nharness = \"gungraun\"\n"),
        ("nightly-lib", "bench = \"plain\"\nharness = \"libtest\"\n"),
    ] {
        let file = fixture.path(&format!("{package}.toml"));
        let output = fixture
            .xtask()
            .args(["init", "--package", package, "--output"])
            .arg(&file)
            .arg("--manifest-path")
            .arg(fixture.manifest())
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains(expected), "{text}");
    }
}

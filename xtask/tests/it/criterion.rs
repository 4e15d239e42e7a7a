//! Criterion benchmarks per variant: separate CRITERION_HOMEs and the panic = "abort" trap.

use crate::fixture::{Fixture, stderr};

#[test]
fn each_variant_runs_criterion_in_its_own_home_and_reports_the_panic_strategy_in_effect() {
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file(concat!(
        "package = \"timed\"\n[matrix]\npanic = [\"unwind\", \"abort\"]\n",
        "[[run]]\nname = \"once\"\nruns = 2\n",
        "[[bench]]\nbench = \"spin\"\nwarm-up-seconds = 0.1\nmeasurement-seconds = 0.3\nsample-size = 10\n",
    ));
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let rows = fixture.result_records();
    let col = |name: &str| fixture.column(name);
    let criterion: Vec<_> =
        rows.iter().filter(|r| &r[col("measurement")] == "criterion:spin/sum").collect();
    assert_eq!(criterion.len(), 2, "one criterion row per variant");
    for row in &criterion {
        assert_eq!(&row[col("status")], "ok");
        let (low, mean, high): (f64, f64, f64) = (
            row[col("ci_low_ns")].parse().unwrap(),
            row[col("mean_ns")].parse().unwrap(),
            row[col("ci_high_ns")].parse().unwrap(),
        );
        assert!(0.0 < low && low <= mean && mean <= high, "{low} {mean} {high}");
        assert_eq!(&row[col("samples")], "10");
        assert_eq!(
            &row[col("panic_effective")],
            "unwind",
            "cargo builds bench targets with unwinding"
        );
        // Each variant's criterion wrote to a home of its own, so no variant is compared with
        // another.
        let estimates = fixture.path(&format!(
            "target/profile-sweep/sweep/criterion/{}/spin/spin/sum/new/estimates.json",
            &row[col("variant")]
        ));
        assert!(estimates.is_file(), "{} is missing", estimates.display());
    }
    let abort = criterion.iter().find(|r| &r[col("panic")] == "abort").unwrap();
    assert!(abort[col("note")].contains("cargo issue 11214"), "{}", &abort[col("note")]);
    let unwind = criterion.iter().find(|r| &r[col("panic")] == "unwind").unwrap();
    let note = &unwind[col("note")];
    assert!(
        note.is_empty() || (note.starts_with("noisy: ") && !note.contains("11214")),
        "an unwind variant's bench needs no panic note (a noise note is the machine's): {note}"
    );
    let abort_run = rows
        .iter()
        .find(|r| &r[col("measurement")] == "once" && &r[col("panic")] == "abort")
        .unwrap();
    assert_eq!(
        &abort_run[col("panic_effective")],
        "abort",
        "the whole binary is the source of truth for panic"
    );
    assert!(
        !fixture.path("target/criterion").exists(),
        "nothing went to the shared target/criterion"
    );
}

#[test]
fn a_library_without_a_binary_is_swept_for_runtime_through_its_bench() {
    let fixture = Fixture::new();
    let before = fixture.manifest_bytes();
    let sweep = fixture.sweep_file(concat!(
        "package = \"quiet-lib\"\n[matrix]\nstrip = [false, true]\n",
        "[[bench]]\nbench = \"squares\"\nwarm-up-seconds = 0.1\nmeasurement-seconds = 0.3\nsample-size = 10\n",
    ));
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(fixture.manifest_bytes(), before);
    let rows = fixture.result_records();
    let col = |name: &str| fixture.column(name);
    let (sizes, runtimes): (Vec<_>, Vec<_>) =
        rows.iter().partition(|r| r[col("measurement")].is_empty());
    assert_eq!(sizes.len(), 3, "two strip values and the baseline (strip = \"debuginfo\")");
    for row in &sizes {
        assert_eq!(
            (&row[col("status")], &row[col("size_bytes")], &row[col("bin")]),
            ("ok", "", "")
        );
        assert!(
            row[col("note")].starts_with("package `quiet-lib` has no binary: no size"),
            "{}",
            &row[col("note")]
        );
    }
    assert_eq!(runtimes.len(), 3);
    assert!(runtimes.iter().all(|r| &r[col("status")] == "ok"
        && &r[col("measurement")] == "criterion:squares"
        && !r[col("mean_ns")].is_empty()));
    let report = std::fs::read_to_string(fixture.path("out/report.md")).unwrap();
    assert!(
        report.contains("no size to trade against: variants ranked by runtime, fastest first"),
        "{report}"
    );
    assert!(report.contains("**Fastest:**"), "{report}");
    assert!(
        !fixture.path("out/tradeoff-criterion-squares.svg").exists(),
        "no size, no trade-off chart"
    );
    assert!(fixture.path("out/runtime-criterion-squares.svg").exists(), "runtime per variant");
    assert!(report.contains("(runtime-criterion-squares.svg)"), "{report}");
}

#[test]
fn a_bench_on_criterion_0_3_is_measured_and_fractional_seconds_are_refused_first() {
    let fixture = Fixture::new();
    let bench = |seconds: &str| {
        format!(
            "package = \"old-bench\"\n[matrix]\nopt-level = [3]\n[[bench]]\nbench = \"spin3\"\nwarm-up-seconds = {seconds}\nmeasurement-seconds = 1\nsample-size = 10\n"
        )
    };
    let refused = fixture.sweep_command(&fixture.sweep_file(&bench("0.5"))).output().unwrap();
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let err = stderr(&refused);
    assert!(err.contains("sweep.toml:5:9: `old-bench` uses criterion 0.3.6 (in Cargo.lock), which takes whole seconds only"), "{err}");
    assert!(err.contains("fix: write whole seconds"), "{err}");

    let output = fixture.sweep_command(&fixture.sweep_file(&bench("1"))).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let rows = fixture.result_records();
    let col = |name: &str| fixture.column(name);
    let measured = rows
        .iter()
        .find(|r| &r[col("measurement")] == "criterion:old-sum")
        .expect("a criterion 0.3 row");
    assert_eq!(&measured[col("status")], "ok");
    assert_eq!(&measured[col("samples")], "10");
    let (low, mean, high): (f64, f64, f64) = (
        measured[col("ci_low_ns")].parse().unwrap(),
        measured[col("mean_ns")].parse().unwrap(),
        measured[col("ci_high_ns")].parse().unwrap(),
    );
    assert!(0.0 < low && low <= mean && mean <= high, "{low} {mean} {high}");
}

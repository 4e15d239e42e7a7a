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
    let rows = fixture.results_csv();
    let col = |name: &str| fixture.column(name);
    let criterion: Vec<_> = rows.iter().filter(|r| &r[col("measurement")] == "criterion:spin/sum").collect();
    assert_eq!(criterion.len(), 2, "one criterion row per variant");
    for row in &criterion {
        assert_eq!(&row[col("status")], "ok");
        let (low, mean, high): (f64, f64, f64) = (row[col("ci_low_ns")].parse().unwrap(), row[col("mean_ns")].parse().unwrap(), row[col("ci_high_ns")].parse().unwrap());
        assert!(0.0 < low && low <= mean && mean <= high, "{low} {mean} {high}");
        assert_eq!(&row[col("samples")], "10");
        assert_eq!(&row[col("panic_effective")], "unwind", "cargo builds bench targets with unwinding");
        // Each variant's criterion wrote to a home of its own, so no variant is compared with another.
        let estimates = fixture.path(&format!("target/profile-sweep/sweep/criterion/{}/spin/spin/sum/new/estimates.json", &row[col("variant")]));
        assert!(estimates.is_file(), "{} is missing", estimates.display());
    }
    let abort = criterion.iter().find(|r| &r[col("panic")] == "abort").unwrap();
    assert!(abort[col("note")].contains("cargo issue 11214"), "{}", &abort[col("note")]);
    let unwind = criterion.iter().find(|r| &r[col("panic")] == "unwind").unwrap();
    assert_eq!(&unwind[col("note")], "");
    let abort_run = rows.iter().find(|r| &r[col("measurement")] == "once" && &r[col("panic")] == "abort").unwrap();
    assert_eq!(&abort_run[col("panic_effective")], "abort", "the whole binary is the source of truth for panic");
    assert!(!fixture.path("target/criterion").exists(), "nothing went to the shared target/criterion");
}

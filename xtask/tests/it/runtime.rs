//! Whole-binary timing in real sweeps: statistics, shared measurements, failing runs.

use crate::fixture::{Fixture, stderr};

#[test]
fn runs_are_timed_and_identical_executables_are_measured_once() {
    let fixture = Fixture::new();
    // Measured: for a crate without a build script, at opt-level 0 with symbols stripped,
    // lto = false and "off" give byte-identical executables.
    let sweep = fixture.sweep_file(concat!(
        "package = \"picky\"\nbin = \"picky\"\n[profile]\nopt-level = 0\nstrip = \"symbols\"\n",
        "[matrix]\nlto = [false, \"off\"]\ncodegen-units = [16, 1]\n",
        "[[run]]\nname = \"greet\"\nargs = [\"world\"]\nwarmup = 1\nruns = 4\n",
    ));
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let rows = fixture.result_records();
    let col = |name: &str| fixture.column(name);
    let runtime: Vec<_> = rows.iter().filter(|r| &r[col("measurement")] == "greet").collect();
    assert_eq!(runtime.len(), 5, "one runtime row per variant, the baseline (o3) added");
    for row in &runtime {
        let (low, mean, high): (f64, f64, f64) = (
            row[col("ci_low_ns")].parse().unwrap(),
            row[col("mean_ns")].parse().unwrap(),
            row[col("ci_high_ns")].parse().unwrap(),
        );
        assert!(low <= mean && mean <= high, "{low} {mean} {high}");
        // With 4 noisy samples the t-interval may honestly reach below zero; the runs themselves
        // may not.
        let (min, max): (f64, f64) =
            (row[col("min_ns")].parse().unwrap(), row[col("max_ns")].parse().unwrap());
        assert!(0.0 < min && min <= mean && mean <= max, "{min} {mean} {max}");
        assert_eq!(&row[col("samples")], "4");
        assert!(row[col("peak_rss_bytes")].parse::<u64>().unwrap() > 0);
        assert_eq!(
            row[col("panic_effective")],
            row[col("panic")],
            "a whole binary runs with the strategy it was built with"
        );
    }
    let by_id = |id: &str| runtime.iter().find(|r| &r[col("variant")] == id).unwrap();
    let (first, twin) =
        (by_id("o0-thinlocal-cgu16-unwind-sym"), by_id("o0-nolto-cgu16-unwind-sym"));
    assert_eq!(&twin[col("identical_to")], "o0-thinlocal-cgu16-unwind-sym");
    assert_eq!(&twin[col("measured_as")], "o0-thinlocal-cgu16-unwind-sym");
    assert_eq!(twin[col("mean_ns")], first[col("mean_ns")], "the twin reuses the measurement");
    assert!(twin[col("note")].contains("byte-identical"));
}

#[test]
fn a_failing_run_is_marked_run_failed_and_the_sweep_goes_on() {
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file(concat!(
        "package = \"app\"\nmeasure-order = \"shuffled\"\n[matrix]\npanic = [\"unwind\", \"abort\"]\n",
        "[[run]]\nname = \"bad\"\nargs = [\"fail\"]\nruns = 2\n",
    ));
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let rows = fixture.result_records();
    let col = |name: &str| fixture.column(name);
    let failed: Vec<_> = rows.iter().filter(|r| &r[col("status")] == "run-failed").collect();
    assert_eq!(failed.len(), 2, "both variants were built, then measured in shuffled order");
    assert_eq!(&failed[0][col("note")], "exited with status 3");
    assert_eq!(&failed[0][col("mean_ns")], "");
    for row in &failed {
        assert_eq!(row[col("panic_effective")], row[col("panic")]);
    }
    let out = stderr(&output);
    assert!(
        out.find("building o3-nolto-cgu16-abort-dbg").unwrap() < out.find("measuring").unwrap(),
        "all builds come first:\n{out}"
    );
    let log = std::fs::read_to_string(fixture.path("out/logs/o3-nolto-cgu16-unwind-dbg.bad.log"))
        .unwrap();
    assert!(log.contains("error: asked to fail"), "{log}");
}

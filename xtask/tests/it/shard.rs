//! A sweep split into shards and merged back, as the GitHub workflow runs it.

use crate::fixture::{Fixture, stderr};

#[test]
fn shards_merge_into_the_whole_sweep_with_runtimes_relative_to_the_reference() {
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file("package = \"app\"\n[matrix]\nopt-level = [1, 2, 3]\nstrip = [false, true]\n[[run]]\nname = \"hello\"\nwarmup = 0\nruns = 2\n");
    for shard in ["1/2", "2/2"] {
        let out = format!("shard-{}", &shard[..1]);
        let output =
            fixture.sweep_command_to(&sweep, &out).args(["--shard", shard]).output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let one = profile_sweep::load_results(&fixture.path("shard-1")).unwrap();
    let two = profile_sweep::load_results(&fixture.path("shard-2")).unwrap();
    assert_eq!(two[0].variant, one[0].variant, "every shard measures the reference first");
    assert!(two.iter().all(|r| r.shard.as_deref() == Some("2/2")));

    let merge = |out: &str, shards: &[&str]| {
        let mut command = fixture.xtask();
        command.arg("merge").arg("--out").arg(fixture.path(out));
        command.args(shards.iter().map(|s| fixture.path(s)));
        command.output().unwrap()
    };
    let output = merge("merged", &["shard-2", "shard-1"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let merged = profile_sweep::load_results(&fixture.path("merged")).unwrap();
    let mut variants: Vec<&str> =
        merged.iter().filter(|r| r.measurement.is_none()).map(|r| r.variant.as_str()).collect();
    variants.sort();
    assert_eq!(
        variants,
        [
            "o1-nolto-cgu16-unwind-nostrip",
            "o1-nolto-cgu16-unwind-sym",
            "o2-nolto-cgu16-unwind-nostrip",
            "o2-nolto-cgu16-unwind-sym",
            "o3-nolto-cgu16-unwind-dbg",
            "o3-nolto-cgu16-unwind-nostrip",
            "o3-nolto-cgu16-unwind-sym",
        ]
    );
    let runtimes: Vec<_> =
        merged.iter().filter(|r| r.measurement.is_some() && r.unit.is_none()).collect();
    assert_eq!(runtimes.len(), 7, "six variants and the baseline");
    // Instruction counts (where Valgrind is installed) need no common scale.
    let counts: Vec<_> =
        merged.iter().filter(|r| r.unit.as_deref() == Some("instructions")).collect();
    assert!(counts.iter().all(|r| r.reference_ratio.is_none()), "{counts:?}");
    assert_eq!(runtimes[0].reference_ratio, Some(1.0));
    assert!(runtimes.iter().all(|r| r.reference_ratio.is_some_and(|ratio| ratio > 0.0)));
    let report = std::fs::read_to_string(fixture.path("merged/report.md")).unwrap();
    assert!(
        report.contains("Merged from shards, measured on different machines or at different times"),
        "{report}"
    );

    let incomplete = merge("incomplete", &["shard-1"]);
    assert_eq!(incomplete.status.code(), Some(2));
    assert!(
        stderr(&incomplete).contains("shard 2/2 of the sweep missing"),
        "{}",
        stderr(&incomplete)
    );
}

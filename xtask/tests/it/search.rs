//! The search strategy on real builds of the fixture (its replay against complete results is a
//! unit test of the library, `sweep/replay_tests.rs`).

#[test]
fn a_real_search_builds_a_fraction_says_why_and_a_rerun_builds_nothing() {
    let fixture = crate::fixture::Fixture::new();
    let sweep = fixture.sweep_file(concat!(
        "package = \"app\"\nstrategy = \"search\"\n[matrix]\nopt-level = [1, 2, 3, \"s\", \"z\"]\n",
        "lto = [false, \"fat\", \"off\"]\ncodegen-units = [1, 16]\nstrip = [\"none\", \"symbols\"]\n",
        "[[run]]\nname = \"greet\"\nargs = [\"world\"]\nruns = 3\n",
    ));
    let output = fixture.sweep_command(&sweep).output().unwrap();
    let err = crate::fixture::stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("searching 60 variants, at most 12"), "{err}");
    assert!(err.contains("search: strip = symbols: same code by construction"), "{err}");
    assert!(err.contains("search: stopped"), "{err}");
    let rows = fixture.result_records();
    let col = fixture.column("variant");
    let built: std::collections::BTreeSet<&str> = rows.iter().map(|r| &r[col]).collect();
    assert!(built.len() <= 12 && built.len() >= 8, "{built:?}");
    let again = fixture.sweep_command(&sweep).output().unwrap();
    let err = crate::fixture::stderr(&again);
    assert!(again.status.success(), "{err}");
    assert_eq!(err.matches("from the cache").count(), built.len(), "{err}");
    // A search is sequential: no shards.
    let sharded = fixture.sweep_command(&sweep).args(["--shard", "1/2"]).output().unwrap();
    let err = crate::fixture::stderr(&sharded);
    assert!(!sharded.status.success() && err.contains("cannot be split into shards"), "{err}");
}

//! Tests of the results layout: splitting and joining, exact counts, damaged files, old files.

use proptest::prelude::*;

use super::*;
use crate::results::rows::Status;
use crate::results::rows::tests::row;

/// Rows in the order `read_dir` gives them: each variant's size row, then its measurements.
fn canonical(rows: &[Row]) -> Vec<Row> {
    let sizes = rows.iter().filter(|r| r.measurement.is_none());
    sizes
        .flat_map(|s| {
            let measured =
                rows.iter().filter(|r| r.variant == s.variant && r.measurement.is_some());
            std::iter::once(s).chain(measured).cloned()
        })
        .collect()
}

fn round_trip(rows: &[Row]) -> Vec<Row> {
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), rows).unwrap();
    read_dir(dir.path()).unwrap()
}

fn count(variant: &str, n: f64) -> Row {
    let mut r = Row {
        measurement: Some("instructions:run".into()),
        unit: Some("instructions".into()),
        ..row(variant, 10)
    };
    r.fill_timing(&crate::measure::stats::Summary::exact(n));
    r
}

fn timed(variant: &str, mean: f64) -> Row {
    Row {
        measurement: Some("run".into()),
        mean_ns: Some(mean),
        ci_low_ns: Some(mean - 1.0),
        ci_high_ns: Some(mean + 1.0),
        samples: Some(10),
        ..row(variant, 10)
    }
}

/// The committed results are exactly what the writer writes for the rows they hold (so a
/// conversion changed no number: every row joins back to itself), and a file of the first
/// layout splits and joins back to the very same rows.
#[test]
fn committed_results_are_a_fixed_point_and_old_files_round_trip() {
    let results = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../results");
    let mut seen = 0;
    for entry in std::fs::read_dir(&results).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.join(RUN_FILE).exists() {
            continue;
        }
        let files = split(&read_dir(&dir).unwrap()).unwrap();
        let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
        assert_eq!(files.run, read(RUN_FILE), "{}", dir.display());
        assert_eq!(files.variants, read(VARIANTS_FILE), "{}", dir.display());
        assert_eq!(files.measurements, read(MEASUREMENTS_FILE), "{}", dir.display());
        seen += 1;
    }
    assert!(seen >= 16, "{seen} results directories found");
    let legacy = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ladder-results.csv");
    let rows = read_legacy(&legacy, &std::fs::read(&legacy).unwrap()).unwrap();
    assert!(rows.iter().any(|r| r.measurement.is_some()));
    assert_eq!(round_trip(&rows), canonical(&rows));
}

#[test]
fn an_exact_count_is_written_once() {
    let rows = [row("a", 10), count("a", 123_456.0), timed("a", 50.0)];
    let files = split(&rows).unwrap();
    let measurements = String::from_utf8(files.measurements).unwrap();
    let mut lines = measurements.lines();
    assert_eq!(lines.next().unwrap(), measurement_columns().collect::<Vec<_>>().join(","));
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("a,instructions:run,run,instructions,ok,123456.0,,,,,,,,"),
        "{measurements}"
    );
    assert!(lines.next().unwrap().starts_with("a,run,run,ns,ok,50.0,49.0,51.0,"), "{measurements}");
    assert_eq!(round_trip(&rows), rows);
    let run: RunRecord = serde_json::from_slice(&files.run).unwrap();
    assert_eq!(run, RunRecord { schema_version: 2, sweep: "s".into(), goal: None });
}

#[test]
fn every_column_is_in_exactly_one_place() {
    let variants = variant_columns();
    for column in COLUMNS {
        let in_run = RUN_COLUMNS.contains(&column);
        let in_variants = variants.contains(&column);
        let in_measurements = MEASUREMENT_COLUMNS.iter().any(|(_, c)| *c == Some(column));
        let places = [in_run, in_variants, in_measurements].iter().filter(|p| **p).count();
        let shared = matches!(column, "variant" | "status" | "note");
        assert_eq!(places, if shared { 2 } else { 1 }, "{column}");
    }
    assert!(["kind", "mean", "ci_low"].iter().all(|c| measurement_columns().any(|m| m == *c)));
}

#[test]
fn kinds_are_named_by_their_source() {
    let kinds =
        ["run", "instructions:run", "criterion:a/b", "divan:x", "rebuild:src/main.rs"].map(kind_of);
    assert_eq!(kinds, ["run", "run", "criterion", "divan", "rebuild"]);
    assert_eq!(kind_of("test-rebuild:src/lib.rs"), "test-rebuild");
}

#[test]
fn damaged_or_foreign_files_are_refused_with_their_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), &[row("a", 10), timed("a", 5.0)]).unwrap();
    let measurements = dir.path().join(MEASUREMENTS_FILE);
    let text = std::fs::read_to_string(&measurements).unwrap();
    std::fs::write(&measurements, text.replacen("\na,", "\nghost,", 1)).unwrap();
    let err = read_dir(dir.path()).unwrap_err();
    assert_eq!((err.file.clone(), err.position), (measurements.clone(), Some((2, 1))));
    assert!(err.message.contains("variant `ghost` is not in variants.csv"), "{err}");

    std::fs::write(&measurements, text.replacen(",5.0,", ",-5.0,", 1)).unwrap();
    let err = read_dir(dir.path()).unwrap_err();
    assert_eq!(err.position, Some((2, 1)), "{err}");
    assert!(err.message.contains("negative"), "{err}");

    std::fs::write(&measurements, text.replacen("variant,", "variant,extra,", 1)).unwrap();
    assert!(read_dir(dir.path()).unwrap_err().message.contains("column `extra`"));

    std::fs::write(&measurements, &text).unwrap();
    let run = dir.path().join(RUN_FILE);
    std::fs::write(&run, "{\"schema_version\": 3, \"sweep\": \"s\", \"goal\": null}").unwrap();
    let err = ResultsFile::open(dir.path()).unwrap_err();
    assert!(err.message.contains("schema version 3"), "{err}");
    assert!(err.fix.unwrap().contains("--out"));
    std::fs::write(&run, "{\"schema_version\": 2,\n \"sweep\": 7}").unwrap();
    assert_eq!(read_dir(dir.path()).unwrap_err().position.map(|p| p.0), Some(2));
}

#[test]
fn results_in_a_directory_round_trip_and_re_runs_replace_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut file = ResultsFile::open(&out).unwrap();
    file.record(row("a", 10)).unwrap();
    file.record(row("b", 20)).unwrap();
    file.record(timed("a", 7.0)).unwrap();
    file.record(Row { size_bytes: Some(30), ..row("a", 10) }).unwrap();
    let reread = ResultsFile::open(&out).unwrap();
    let sizes: Vec<_> = reread.rows().iter().map(|r| (r.variant.as_str(), r.size_bytes)).collect();
    // A variant's columns are one fact: its measurements read the size row's.
    assert_eq!(sizes, [("a", Some(30)), ("a", Some(30)), ("b", Some(20))]);
    assert_eq!(load(&out).unwrap(), load(&out.join(VARIANTS_FILE)).unwrap());
    let other = Row { sweep: "t".into(), ..row("c", 1) };
    assert!(file.record(other).unwrap_err().to_string().contains("two sweeps"));
}

/// A directory holding only a `results.csv` of the first layout is read, and the file is never
/// touched: the new files are written beside it.
#[test]
fn a_first_layout_file_is_read_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let legacy = dir.path().join(LEGACY_FILE);
    let old = to_csv(&[row("a", 10)]).unwrap();
    std::fs::write(&legacy, &old).unwrap();
    assert_eq!(locate(dir.path()), ResultsLocation::Legacy(legacy.clone()));
    assert_eq!(load(dir.path()).unwrap(), [row("a", 10)]);
    let mut file = ResultsFile::open(dir.path()).unwrap();
    assert_eq!(file.legacy(), Some(legacy.as_path()));
    file.record(row("b", 5)).unwrap();
    assert_eq!(std::fs::read(&legacy).unwrap(), old);
    assert_eq!(locate(dir.path()), ResultsLocation::Split(dir.path().to_owned()));
    assert_eq!(load(dir.path()).unwrap(), [row("a", 10), row("b", 5)]);
}

/// A kill during the first write leaves `run.json` without its CSVs: no rows yet, not an error,
/// so the sweep resumes.
#[test]
fn a_run_json_alone_holds_no_rows_yet() {
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), &[row("a", 10), timed("a", 5.0)]).unwrap();
    std::fs::remove_file(dir.path().join(MEASUREMENTS_FILE)).unwrap();
    assert_eq!(read_dir(dir.path()).unwrap(), [row("a", 10)]);
    std::fs::remove_file(dir.path().join(VARIANTS_FILE)).unwrap();
    assert!(ResultsFile::open(dir.path()).unwrap().rows().is_empty());
    assert!(load(dir.path()).unwrap_err().message.contains("hold no rows"));
}

#[test]
fn stray_or_missing_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    assert!(load(dir.path()).unwrap_err().message.contains("holds no results"));
    std::fs::write(dir.path().join(VARIANTS_FILE), "variant\n").unwrap();
    let err = ResultsFile::open(dir.path()).unwrap_err();
    assert!(err.message.contains("without its run.json"), "{err}");
}

proptest! {
    /// Any mix of counts (exact or not), timings and empty cells joins back to the same rows.
    #[test]
    fn split_then_join_is_the_identity(
        values in proptest::collection::vec((0u8..4, 0.0f64..1e9, 0u32..3), 1..8)
    ) {
        let mut rows = Vec::new();
        for (i, (kind, value, samples)) in values.iter().enumerate() {
            let variant = format!("v{i}");
            rows.push(row(&variant, 10));
            let measured = match kind {
                0 => count(&variant, value.round()),
                1 => Row { samples: Some(*samples), ..count(&variant, value.round()) },
                2 => timed(&variant, *value + 1.0),
                _ => Row { status: Status::Skipped, ..count(&variant, 0.0) },
            };
            let measured = match kind {
                3 => Row { mean_ns: None, ci_low_ns: None, ci_high_ns: None, median_ns: None,
                           min_ns: None, max_ns: None, std_dev_ns: None, samples: None, ..measured },
                _ => measured,
            };
            rows.push(measured);
        }
        prop_assert_eq!(round_trip(&rows), rows);
    }
}

//! Tests of the results CSV: round trips, damaged files, old schemas.

use super::*;

#[test]
fn sub_microsecond_timings_keep_thousandths_of_a_ns() {
    let (mut r, t) =
        (row("a", 1), Summary { mean: 0.6234, ci_high: 1234.56, ..Summary::exact(0.0) });
    r.fill_timing(&t);
    assert_eq!((r.mean_ns, r.ci_high_ns, r.ci_low_ns), (Some(0.623), Some(1235.0), Some(0.0)));
}

/// Attack list, cases 9 and 13: what no file of ours holds is refused when read, with its
/// line, instead of being drawn or recommended.
#[test]
fn damaged_files_are_refused_with_their_line() {
    let read = |bytes: &[u8]| read_legacy(Path::new("results.csv"), bytes);
    let message = |bytes: &[u8]| read(bytes).unwrap_err().to_string();
    assert!(message(b"").contains("empty (0 bytes)"));
    let a = row("a", 10);
    let timed = Row {
        measurement: Some("run".into()),
        mean_ns: Some(-5.0),
        ci_low_ns: Some(1.0),
        ci_high_ns: Some(2.0),
        ..row("a", 10)
    };
    let twice = to_csv(&[a.clone(), row("b", 5), a.clone()]).unwrap();
    assert_eq!(
        message(&twice),
        "results.csv:4:1: this row repeats line 2 (variant `a`, measurement ``)"
    );
    let negative = to_csv(&[a.clone(), timed.clone()]).unwrap();
    assert!(message(&negative).contains("results.csv:3:1: a runtime is negative"));
    let outside = to_csv(&[a.clone(), Row { mean_ns: Some(5.0), ..timed.clone() }]).unwrap();
    assert!(message(&outside).contains("outside its own interval"));
    let ratio = Row {
        cpu_ratio: Some(1.2),
        cpu_ratio_low: Some(0.9),
        cpu_ratio_high: Some(1.1),
        ..timed.clone()
    };
    let ratio = to_csv(&[a.clone(), Row { mean_ns: Some(1.5), ..ratio }]).unwrap();
    assert!(message(&ratio).contains("results.csv:3:1: ratio 1.2 to the baseline"));
    // Two noisy runs' t-interval may reach below zero: that is what the tool writes.
    let wide =
        Row { mean_ns: Some(3.2e6), ci_low_ns: Some(-5.5e6), ci_high_ns: Some(1.2e7), ..timed };
    assert_eq!(read(&to_csv(&[a, wide]).unwrap()).unwrap().len(), 2);
}

/// A size row of a made-up variant, for tests anywhere in the crate.
pub(crate) fn row(variant: &str, size: u64) -> Row {
    Row {
        sweep: "s".into(),
        variant: variant.into(),
        opt_level: "3".into(),
        lto: "fat".into(),
        codegen_units: 1,
        panic: "abort".into(),
        strip: "symbols".into(),
        target: "x86_64-unknown-linux-gnu".into(),
        status: Status::Ok,
        build_seconds: Some(1.5),
        size_bytes: Some(size),
        text_bytes: Some(size / 2),
        rustc: "rustc 1.95.0 (59807616e 2026-04-14)".into(),
        step: Some("+ lto, \"quoted\"".into()),
        package: "p".into(),
        bin: "b".into(),
        inherits: "release".into(),
        rodata_bytes: Some(1),
        data_bytes: Some(2),
        eh_frame_bytes: Some(3),
        symbol_bytes: Some(0),
        debug_bytes: Some(0),
        sha256: Some("ab".into()),
        host: "h".into(),
        finished_at: "2026-11-21T10:00:00Z".into(),
        cargo_lock_sha256: Some("cd".into()),
        ..Row::default()
    }
}

#[test]
fn status_displays_as_the_csv_spells_it() {
    for status in [Status::Ok, Status::BuildFailed, Status::RunFailed, Status::Skipped] {
        let row = Row { status, ..row("a", 1) };
        let csv = String::from_utf8(to_csv(&[row]).unwrap()).unwrap();
        assert!(csv.contains(&format!(",{status},")), "{status} in {csv}");
    }
}

#[test]
fn header_is_the_documented_schema() {
    let csv = String::from_utf8(to_csv(&[]).unwrap()).unwrap();
    assert!(csv.starts_with(
        "sweep,variant,opt_level,lto,codegen_units,panic,strip,target,status,build_seconds,size_bytes,text_bytes,measurement,mean_ns,ci_low_ns,ci_high_ns,rustc,"
    ));
    let written = String::from_utf8(to_csv(&[row("a", 10)]).unwrap()).unwrap();
    let line = written.lines().nth(1).unwrap();
    assert!(
        line.starts_with(
            "s,a,3,fat,1,abort,symbols,x86_64-unknown-linux-gnu,ok,1.5,10,5,,,,,rustc 1.95.0"
        ),
        "{line}"
    );
    assert_eq!(line.split(',').count(), COLUMNS.len() + 1, "the quoted step holds one comma");
}

#[test]
fn a_file_from_before_the_last_columns_were_added_is_read() {
    let full = String::from_utf8(to_csv(&[row("a", 10)]).unwrap()).unwrap();
    let older: String = full
        .lines()
        .map(|line| {
            line.rsplitn(COLUMNS.len() - OLDEST_COLUMN_COUNT + 1, ',').last().unwrap().to_owned()
                + "\n"
        })
        .collect();
    assert!(
        older.starts_with("sweep,") && older.lines().next().unwrap().ends_with(",finished_at"),
        "{older}"
    );
    let rows = read_legacy(Path::new("results.csv"), older.as_bytes()).unwrap();
    assert_eq!(rows, [Row { cargo_lock_sha256: None, ..row("a", 10) }]);
}

#[test]
fn a_file_with_other_columns_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.csv");
    std::fs::write(&path, "variant,size\nx,1\n").unwrap();
    let err = crate::results::layout::ResultsFile::open(dir.path()).unwrap_err();
    assert!(err.message.contains("missing: sweep, opt_level"), "{}", err.message);
    assert!(err.fix.unwrap().contains("--out"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "variant,size\nx,1\n");
}

//! Numbers to trust on a busy machine: instruction counts that load does not move, wall times
//! flagged when other processes compete, and variants with other output left out.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::fixture::{Fixture, stderr};

/// CPU hogs: one spinning thread per CPU, stopped when dropped (and with the test process).
struct Hogs {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Hogs {
    fn start() -> Hogs {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..cpus)
            .map(|_| {
                let stop = Arc::clone(&stop);
                std::thread::spawn(move || {
                    let mut x = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        x = std::hint::black_box(
                            x.wrapping_mul(6364136223846793005).wrapping_add(1),
                        );
                    }
                })
            })
            .collect();
        Hogs { stop, threads }
    }
}

impl Drop for Hogs {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

fn valgrind_installed() -> bool {
    Command::new("valgrind").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// (variant, measurement, mean_ns, noise) of every measurement row in `out`.
fn measurements(fixture: &Fixture, out: &str) -> Vec<(String, String, String, String)> {
    let (header, records) = crate::fixture::flat_records(&fixture.path(out));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    records
        .into_iter()
        .filter(|r| !r[col("measurement")].is_empty())
        .map(|r| {
            let cell = |name: &str| r[col(name)].to_owned();
            (cell("variant"), cell("measurement"), cell("mean_ns"), cell("noise"))
        })
        .collect()
}

#[test]
#[ignore = "needs Valgrind: `cargo xtask test` installs it"]
fn instruction_counts_hold_under_load_and_busy_timings_are_flagged() {
    assert!(valgrind_installed(), "Valgrind is not installed: `cargo xtask test` installs it");
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file(concat!(
        "package = \"timed\"\n[matrix]\nopt-level = [1, 3]\n",
        "[[run]]\nname = \"squares\"\nwarmup = 1\nruns = 8\ninstructions = true\n",
    ));
    let quiet = fixture.sweep_command_to(&sweep, "quiet").output().unwrap();
    assert!(quiet.status.success(), "{}", stderr(&quiet));
    let busy = {
        let _hogs = Hogs::start();
        std::thread::sleep(std::time::Duration::from_millis(300));
        fixture.sweep_command_to(&sweep, "busy").arg("--force").output().unwrap()
    };
    assert!(busy.status.success(), "{}", stderr(&busy));
    let (quiet, busy) = (measurements(&fixture, "quiet"), measurements(&fixture, "busy"));
    let counts = |rows: &[(String, String, String, String)]| -> Vec<(String, String)> {
        rows.iter()
            .filter(|r| r.1 == "instructions:squares")
            .map(|r| (r.0.clone(), r.2.clone()))
            .collect()
    };
    assert_eq!(counts(&quiet).len(), 2, "one count per variant: {quiet:?}");
    assert_eq!(counts(&quiet), counts(&busy), "the same executables count the same under load");
    let wall: Vec<_> = busy.iter().filter(|r| r.1 == "squares").collect();
    assert_eq!(wall.len(), 2);
    for (variant, _, _, noise) in wall {
        assert!(noise.contains("busy"), "{variant}'s timing under load is flagged: {noise:?}");
    }
    let report = std::fs::read_to_string(fixture.path("busy/report.md")).unwrap();
    assert!(report.contains("**Noisy timings:**") && report.contains("busy"), "{report}");
    let summary =
        String::from_utf8_lossy(&fixture.sweep_command_to(&sweep, "busy").output().unwrap().stdout)
            .into_owned();
    assert!(summary.contains("noise: 2 of 2 timings"), "the summary says so:\n{summary}");
}

#[test]
fn a_variant_with_other_output_is_flagged_and_left_out() {
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file(concat!(
        "package = \"app\"\n[matrix]\nfeatures = [\"\", \"shout\"]\n",
        "[[run]]\nname = \"greet\"\nargs = [\"world\"]\nruns = 3\ninstructions = false\n",
        "[[run]]\nname = \"unchecked\"\nargs = [\"world\"]\nruns = 2\ninstructions = false\ncheck-output = false\n",
    ));
    let output = fixture.sweep_command(&sweep).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let rows = fixture.result_records();
    let col = |name: &str| fixture.column(name);
    let row = |variant_part: &str, measurement: &str| {
        rows.iter()
            .find(|r| {
                r[col("variant")].contains(variant_part) && &r[col("measurement")] == measurement
            })
            .unwrap_or_else(|| panic!("no {measurement} row of {variant_part}"))
    };
    let (plain, shout) = (row("-unwind-dbg", "greet"), row("f-shout", "greet"));
    assert_eq!(plain[col("stdout_sha256")].len(), 64);
    assert_ne!(plain[col("stdout_sha256")], shout[col("stdout_sha256")]);
    assert!(shout[col("note")].contains("output differs"), "{}", &shout[col("note")]);
    assert_eq!(&row("f-shout", "unchecked")[col("stdout_sha256")], "", "check-output = false");
    let report = std::fs::read_to_string(fixture.path("out/report.md")).unwrap();
    let greet = report.split("## `greet`").nth(1).unwrap().split("## ").next().unwrap();
    assert!(greet.contains("**Other output:**"), "{greet}");
    let shout_id = &shout[col("variant")];
    let recommended = greet.split("**Other output:**").next().unwrap();
    assert!(!recommended.contains(shout_id), "left out of the Pareto set and picks:\n{greet}");
}

#[test]
fn interleaved_order_times_every_variant_round_robin() {
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file(concat!(
        "package = \"app\"\nmeasure-order = \"interleaved\"\n[matrix]\nopt-level = [2, 3]\n",
        "[[run]]\nname = \"greet\"\nargs = [\"world\"]\nwarmup = 1\nruns = 4\n",
        "instructions = false\nremeasure-noisy = 1\n",
    ));
    let output = fixture.sweep_command(&sweep).output().unwrap();
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    let interleaving = err.find("round-robin").expect("says it interleaves");
    assert!(err.find("building o3").unwrap() < interleaving, "all builds first:\n{err}");
    let rows = fixture.result_records();
    let col = |name: &str| fixture.column(name);
    let timed: Vec<_> = rows.iter().filter(|r| &r[col("measurement")] == "greet").collect();
    assert_eq!(timed.len(), 2);
    for row in timed {
        assert_eq!(&row[col("samples")], "4", "every timed run of each variant");
        assert_eq!(&row[col("measured_as")], "", "measured for itself, not reused");
        assert_eq!(row[col("stdout_sha256")].len(), 64);
        // Each run is paired with the baseline's (o3, the fixture's release profile) of its
        // round: the baseline's own ratio is 1, the other's lies inside its interval.
        // (CPU time is paired too where the kernel accounted some to every run.)
        let ratio = |name: &str| row[col(name)].parse::<f64>().unwrap();
        let cpu = !row[col("cpu_ratio")].is_empty();
        if row[col("baseline")] == *"true" {
            assert_eq!(ratio("wall_ratio"), 1.0);
            assert!(!cpu || ratio("cpu_ratio_high") == 1.0);
        } else {
            assert!(ratio("wall_ratio_low") <= ratio("wall_ratio"));
            assert!(!cpu || ratio("cpu_ratio") <= ratio("cpu_ratio_high"));
        }
    }
}

#[test]
#[ignore = "needs Valgrind: `cargo xtask test` installs it"]
fn hot_crates_count_each_crates_instructions_stripped_or_not() {
    assert!(valgrind_installed(), "Valgrind is not installed: `cargo xtask test` installs it");
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file(concat!(
        "package = \"app\"\nrebuild = false\n[matrix]\nopt-level = [1]\nstrip = [\"none\", \"symbols\"]\n",
        "[[run]]\nname = \"spin\"\nargs = [\"spin\", \"20000\"]\nwarmup = 0\nruns = 2\nhot-crates = true\n",
        "instructions = true\n",
    ));
    let output = fixture.sweep_command_to(&sweep, "hot").output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(fixture.path("hot/hot.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["sweep", "variant", "run", "crate", "instructions", "functions", "symbols_from"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let counts = measurements(&fixture, "hot");
    let (unstripped, stripped) = ("o1-nolto-cgu16-unwind-nostrip", "o1-nolto-cgu16-unwind-sym");
    let per_crate = |variant: &str| -> Vec<(String, u64, String)> {
        let mine = rows.iter().filter(|r| &r[1] == variant && &r[2] == "spin");
        mine.map(|r| (r[3].to_owned(), r[4].parse().unwrap(), r[6].to_owned())).collect()
    };
    let counted = |variant: &str| -> u64 {
        let row = counts.iter().find(|r| r.0 == variant && r.1 == "instructions:spin");
        row.map(|r| r.2.parse::<f64>().unwrap() as u64).expect("counted")
    };
    let own = per_crate(unstripped);
    assert_eq!(own[0].0, "app", "the spinning crate leads: {own:?}");
    assert!(own.iter().any(|c| c.0 == "std") && own.iter().all(|c| c.2 == unstripped), "{text}");
    let sum = |crates: &[(String, u64, String)]| crates.iter().map(|c| c.1).sum::<u64>();
    assert_eq!(sum(&own), counted(unstripped), "every instruction is in a crate");
    // The stripped binary's code is counted on an executable of the same code with symbols
    // (the unstripped sibling, or a relink): the same crates, and a total within what the
    // dynamic loader's work on a symbol table adds.
    let borrowed = per_crate(stripped);
    assert!(borrowed.iter().all(|c| c.2 != stripped), "{text}");
    assert_eq!(
        borrowed.iter().map(|c| &c.0).collect::<Vec<_>>(),
        own.iter().map(|c| &c.0).collect::<Vec<_>>()
    );
    assert!(sum(&borrowed).abs_diff(counted(stripped)) * 10_000 < counted(stripped), "{text}");
    let report = std::fs::read_to_string(fixture.path("hot/report.md")).unwrap();
    assert!(report.contains("## Where `spin` spends its instructions"), "{report}");
    assert!(report.contains("`app` holds 90% of the instructions"), "{report}");
    assert!(report.contains("sweep `hot-packages = [\"app\"]`"), "{report}");
}

/// In a matrix grid, a variant that a no larger one beats for certain by wall time cannot reach
/// the frontier or a pick: it is not counted, and its count rows say which variant beats it.
#[test]
#[ignore = "needs Valgrind: `cargo xtask test` installs it"]
fn a_variant_certainly_beaten_by_a_no_larger_one_is_not_counted() {
    assert!(valgrind_installed(), "Valgrind is not installed: `cargo xtask test` installs it");
    let fixture = Fixture::new();
    let sweep = fixture.sweep_file(concat!(
        "package = \"app\"\nrebuild = false\nmeasure-order = \"interleaved\"\n",
        "[matrix]\nopt-level = [0, 3]\n",
        "[[run]]\nname = \"spin\"\nargs = [\"spin\", \"300000\"]\nwarmup = 1\nruns = 6\n",
    ));
    let output = fixture.sweep_command_to(&sweep, "decisive").output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let (header, records) = crate::fixture::flat_records(&fixture.path("decisive"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = |prefix: &str, measurement: &str| {
        let found = records.iter().find(|r| {
            r[col("variant")].starts_with(prefix) && &r[col("measurement")] == measurement
        });
        found.unwrap_or_else(|| panic!("no {measurement} row of {prefix}: {records:?}")).clone()
    };
    let number = |r: &csv::StringRecord, name: &str| r[col(name)].parse::<f64>().unwrap();
    let (o0, o3) = (row("o0-", "spin"), row("o3-", "spin"));
    // The premise: opt-level 3 (the profile shipped, so the baseline) is no larger and
    // certainly faster.
    assert_eq!(&o3[col("baseline")], "true");
    assert!(number(&o3, "size_bytes") <= number(&o0, "size_bytes"), "{o0:?} {o3:?}");
    assert!(number(&o3, "ci_high_ns") < number(&o0, "ci_low_ns"), "{o0:?} {o3:?}");
    for measurement in ["instructions:spin", "cycles:spin"] {
        let skipped = row("o0-", measurement);
        assert_eq!(&skipped[col("status")], "skipped");
        let note = &skipped[col("note")];
        assert!(
            note.starts_with("not counted: `o3-") && note.contains("certainly faster"),
            "{note}"
        );
        let counted = row("o3-", measurement);
        assert_eq!(&counted[col("status")], "ok");
        assert!(number(&counted, "mean_ns") > 0.0);
    }
}

//! What a runtime row measured, as its `measurement` column names it, and the bench harnesses
//! whose results a sweep reads. Every other module asks this one instead of testing prefixes.
//!
//! | `measurement`            | measured by                          | unit               |
//! |--------------------------|--------------------------------------|--------------------|
//! | `<run>`                  | a `[[run]]`, wall time per run       | ns                 |
//! | `instructions:<run>`     | the run under Cachegrind             | instructions       |
//! | `cycles:<run>`           | the run under Cachegrind             | estimated cycles   |
//! | `criterion:<id>`         | a criterion benchmark, per iteration | ns                 |
//! | `divan:<target>/<path>`  | a divan benchmark, per iteration     | ns                 |
//! | `libtest:<target>/<name>`| a libtest `#[bench]`, per iteration  | ns                 |
//! | `gungraun:<id>`          | a gungraun (iai-callgrind) benchmark | instructions       |
//! | `gungraun-cycles:<id>`   | the same benchmark                   | estimated cycles   |
//! | `rebuild:<file>`         | `cargo build` after touching `<file>`| ns (of wall time)  |
//! | `test-rebuild:<file>`    | `cargo test --no-run` after the same | ns (of wall time)  |

use std::fmt;

use crate::util::units::Unit;

/// A benchmark harness a `[[bench]]` target is written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Harness {
    /// criterion.rs: its own estimates with a 95% interval, read from `CRITERION_HOME`.
    Criterion,
    /// divan: a table of fastest/slowest/median/mean per benchmark, no interval; the bench is
    /// run several times and the interval comes from the per-process means.
    Divan,
    /// gungraun (formerly iai-callgrind): exact instruction counts and estimated cycles under
    /// Valgrind's Callgrind, read from its JSON output.
    Gungraun,
    /// libtest's `#[bench]` (nightly only): `ns/iter` per benchmark; like divan, the bench is
    /// run several times for an interval.
    Libtest,
}

impl Harness {
    /// Every harness, in the order `init` looks for them.
    pub const ALL: [Harness; 4] =
        [Harness::Criterion, Harness::Divan, Harness::Gungraun, Harness::Libtest];

    /// The name in a sweep file's `harness` key and in the `measurement` column.
    pub fn key(self) -> &'static str {
        match self {
            Harness::Criterion => "criterion",
            Harness::Divan => "divan",
            Harness::Gungraun => "gungraun",
            Harness::Libtest => "libtest",
        }
    }

    /// The harness called `key`.
    pub fn parse(key: &str) -> Option<Harness> {
        Harness::ALL.into_iter().find(|h| h.key() == key)
    }

    /// The crates a package depends on to bench with it (none for libtest, which comes with
    /// the toolchain).
    pub fn crates(self) -> &'static [&'static str] {
        match self {
            Harness::Criterion => &["criterion"],
            Harness::Divan => &["divan"],
            Harness::Gungraun => &["gungraun", "iai-callgrind"],
            Harness::Libtest => &[],
        }
    }

    /// Whether it counts (exact, unmoved by load) rather than times.
    pub fn counts(self) -> bool {
        self == Harness::Gungraun
    }

    /// Why a bench written with it cannot build with compiler `rustc` (`rustc -V`), if so:
    /// libtest's `#[bench]` needs a nightly.
    pub fn unbuildable_with(self, rustc: &str) -> Option<&'static str> {
        (self == Harness::Libtest && !rustc.contains("nightly")).then_some(
            "libtest's #[bench] builds on nightly only: add toolchain = \"nightly\" to [build]",
        )
    }

    /// The `measurement` column of benchmark `id` measured in `unit`.
    pub fn measurement_name(self, id: &str, unit: Unit) -> String {
        match (self, unit) {
            (Harness::Gungraun, Unit::Cycles) => format!("gungraun-cycles:{id}"),
            _ => format!("{}:{id}", self.key()),
        }
    }
}

impl fmt::Display for Harness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Where a measurement's numbers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source<'a> {
    /// A whole-binary `[[run]]`, by name (also for its instruction counts and cycles).
    Run(&'a str),
    /// A benchmark of a bench target, by the harness's id.
    Bench(Harness, &'a str),
    /// A rebuild after touching a file (relative to the workspace root); `tests`: the test
    /// build (`cargo test --no-run`) rather than the binary's.
    Rebuild {
        /// The touched file.
        file: &'a str,
        /// Whether it times the test build.
        tests: bool,
    },
}

/// The `measurement` column of the rebuild after touching `file` (`tests`: the test build).
pub fn rebuild_name(file: &str, tests: bool) -> String {
    format!("{}:{file}", if tests { "test-rebuild" } else { "rebuild" })
}

/// A `measurement` column, parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeasurementName<'a> {
    /// The run or benchmark measured.
    pub source: Source<'a>,
    /// What the numbers count.
    pub unit: Unit,
}

impl<'a> MeasurementName<'a> {
    /// Reads a `measurement` column (a run's name cannot hold a `:`, so a prefix is a kind).
    pub fn parse(name: &'a str) -> MeasurementName<'a> {
        let (source, unit) = match name.split_once(':') {
            Some(("instructions", run)) => (Source::Run(run), Unit::Instructions),
            Some(("cycles", run)) => (Source::Run(run), Unit::Cycles),
            Some(("gungraun-cycles", id)) => (Source::Bench(Harness::Gungraun, id), Unit::Cycles),
            Some(("rebuild", file)) => (Source::Rebuild { file, tests: false }, Unit::Nanoseconds),
            Some(("test-rebuild", file)) => {
                (Source::Rebuild { file, tests: true }, Unit::Nanoseconds)
            }
            Some((key, id)) => match Harness::parse(key) {
                Some(h) if h.counts() => (Source::Bench(h, id), Unit::Instructions),
                Some(h) => (Source::Bench(h, id), Unit::Nanoseconds),
                None => (Source::Run(name), Unit::Nanoseconds),
            },
            None => (Source::Run(name), Unit::Nanoseconds),
        };
        MeasurementName { source, unit }
    }

    /// Whether a bench target measured it (not a whole-binary run).
    pub fn is_bench(&self) -> bool {
        matches!(self.source, Source::Bench(..))
    }

    /// Whether it times a rebuild after an edit (the inner loop), not the program.
    pub fn is_rebuild(&self) -> bool {
        matches!(self.source, Source::Rebuild { .. })
    }

    /// The whole-binary run behind it: the run itself, or the run a count counted.
    pub fn run(&self) -> Option<&'a str> {
        match self.source {
            Source::Run(run) => Some(run),
            Source::Bench(..) | Source::Rebuild { .. } => None,
        }
    }

    /// What was measured, for a heading: `criterion benchmark, mean time per iteration`.
    pub fn describe(&self) -> &'static str {
        match (self.source, self.unit) {
            (Source::Run(_), Unit::Nanoseconds) => "whole binary, mean wall time per run",
            (Source::Run(_), Unit::Instructions) => {
                "whole binary under Cachegrind, instructions executed: repeatable under any load, but not time"
            }
            (Source::Run(_), Unit::Cycles) => {
                "whole binary under Cachegrind, estimated cycles (L1 hits + 5 x LL hits + 35 x RAM accesses on a fixed simulated cache): repeatable under any load, closer to time than instructions, but an estimate"
            }
            (Source::Bench(Harness::Criterion, _), _) => {
                "criterion benchmark, mean time per iteration"
            }
            (Source::Bench(Harness::Divan, _), _) => {
                "divan benchmark, mean time per iteration; interval across repeated runs of the bench"
            }
            (Source::Bench(Harness::Libtest, _), _) => {
                "libtest #[bench], median ns/iter; interval across repeated runs of the bench"
            }
            (Source::Bench(Harness::Gungraun, _), Unit::Cycles) => {
                "gungraun benchmark under Callgrind, estimated cycles: exact, repeatable under any load"
            }
            (Source::Rebuild { tests: false, .. }, _) => {
                "cargo build after touching the file, mean wall time; interval across its rebuilds"
            }
            (Source::Rebuild { tests: true, .. }, _) => {
                "cargo test --no-run after touching the file, mean wall time; interval across its rebuilds"
            }
            (Source::Bench(Harness::Gungraun, _), _) => {
                "gungraun benchmark under Callgrind, instructions executed: exact, repeatable under any load, but not time"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_kind_of_name_parses_to_its_source_and_unit() {
        let parsed = |name| {
            let m = MeasurementName::parse(name);
            (m.source, m.unit)
        };
        assert_eq!(parsed("convert"), (Source::Run("convert"), Unit::Nanoseconds));
        assert_eq!(parsed("instructions:convert"), (Source::Run("convert"), Unit::Instructions));
        assert_eq!(parsed("cycles:convert"), (Source::Run("convert"), Unit::Cycles));
        assert_eq!(
            parsed("criterion:json2csv/convert"),
            (Source::Bench(Harness::Criterion, "json2csv/convert"), Unit::Nanoseconds)
        );
        assert_eq!(
            parsed("divan:walk/squares/10"),
            (Source::Bench(Harness::Divan, "walk/squares/10"), Unit::Nanoseconds)
        );
        assert_eq!(
            parsed("gungraun:benches::group::sum"),
            (Source::Bench(Harness::Gungraun, "benches::group::sum"), Unit::Instructions)
        );
        assert_eq!(
            parsed("gungraun-cycles:g::f"),
            (Source::Bench(Harness::Gungraun, "g::f"), Unit::Cycles)
        );
        assert!(MeasurementName::parse("libtest:b/tests::x").is_bench());
        let rebuild = MeasurementName::parse("test-rebuild:src/lib.rs");
        assert_eq!(rebuild.source, Source::Rebuild { file: "src/lib.rs", tests: true });
        assert!(rebuild.is_rebuild() && !rebuild.is_bench() && rebuild.run().is_none());
        assert_eq!(rebuild_name("src/a b.rs", false), "rebuild:src/a b.rs");
        assert_eq!(MeasurementName::parse("cycles:run").run(), Some("run"));
        assert_eq!(MeasurementName::parse("criterion:g/f").run(), None);
    }

    proptest! {
        /// A bench's name, written by its harness, reads back as that bench in that unit.
        #[test]
        fn bench_names_round_trip(id in "[a-z0-9_:/ ]{1,20}", harness in 0..4usize, cycles: bool) {
            let harness = Harness::ALL[harness];
            let unit = match (harness.counts(), cycles) {
                (false, _) => Unit::Nanoseconds,
                (true, false) => Unit::Instructions,
                (true, true) => Unit::Cycles,
            };
            let name = harness.measurement_name(&id, unit);
            let parsed = MeasurementName::parse(&name);
            prop_assert_eq!(parsed.source, Source::Bench(harness, &id));
            prop_assert_eq!(parsed.unit, unit);
        }
    }
}

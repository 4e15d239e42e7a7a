//! Starter sweep files, written by `init` and swept by zero-config: a commented file for one
//! package from a preset, which the user edits to go further (pure text; the facts come from
//! the workspace).

use crate::plan::measurement::Harness;

/// The crate a starter file sweeps, as found in its workspace.
#[derive(Debug, Clone, Default)]
pub struct StarterCrate {
    /// The package to build.
    pub package: String,
    /// Its binary; `None` for a library, swept through its benches alone.
    pub bin: Option<String>,
    /// Its bench targets, each with the harness it is written with.
    pub benches: Vec<(String, Harness)>,
    /// The criterion version of its lock file, when it uses criterion.
    pub criterion_version: Option<String>,
    /// The workspace's `[profile.release]` as it is, one `key = value` per line.
    pub release: Vec<String>,
}

/// Which settings a starter file sweeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Preset {
    /// The seed article's cumulative ladder: five steps from the default release build to
    /// everything that shrinks a binary.
    Ladder,
    /// The settings that shrink a binary, combined: 8 variants, plus the profile the crate
    /// ships today (the baseline).
    Size,
    /// The settings that speed a binary up, combined: 12 variants.
    Speed,
    /// Every value of the five profile axes (432 variants), searched rather than built in full.
    Full,
    /// The inner loop: debug info, split debug info and linkers (12 variants, plus dev as
    /// shipped), each timed rebuilding and building its tests after an edit, three times.
    Dev,
}

/// The seed ladder: each step adds settings to the one before.
const LADDER: &str = r#"[[ladder]]
step = "default release build"

[[ladder]]
step = "+ strip = true"
strip = true

[[ladder]]
step = "+ lto = true, codegen-units = 1"
lto = true
codegen-units = 1

[[ladder]]
step = "+ opt-level = \"z\""
opt-level = "z"

[[ladder]]
step = "+ panic = \"abort\""
panic = "abort"
"#;

const SIZE: &str = r#"[matrix]
opt-level = ["s", "z"]
lto = ["thin", "fat"]
codegen-units = [1]
panic = ["unwind", "abort"]
strip = [true]
"#;

const SPEED: &str = r#"[matrix]
opt-level = [2, 3]
lto = [false, "thin", "fat"]
codegen-units = [1, 16]
"#;

const FULL: &str = r#"# Build about a tenth of the 432 variants, chosen as results come in; "grid" builds them all.
strategy = "search"

[matrix]
opt-level = [0, 1, 2, 3, "s", "z"]
lto = [false, true, "thin", "fat", "off"]
codegen-units = [1, 16, 256]
panic = ["unwind", "abort"]
strip = [false, "debuginfo", true]
"#;

const DEV: &str = r#"# The inner loop: how fast `cargo build` and `cargo test --no-run` come back after an edit.
rebuild-repeats = 3
rebuild-tests = true
# The files you edit most, relative to the workspace root (default: the binary's root file):
# rebuild-touch = ["src/lib.rs", "src/main.rs"]

[matrix]
# Debug info: dev's default is true (full); "line-tables-only" keeps file and line in backtraces.
debug = [true, "line-tables-only"]
# "unpacked" leaves the debug info beside the objects, so the linker does not copy it.
split-debuginfo = ["off", "unpacked"]
# "default" is the toolchain's (rust-lld on x86_64 Linux since Rust 1.90); a linker that is not
# installed skips its variants and says how to install it.
linker = ["default", "bfd", "mold"]
# More inner-loop axes: incremental, deps-opt-level, and on nightly codegen-backend, threads and
# share-generics (see the guide's sweep file section).
"#;

impl Preset {
    /// The preset's name, as `--preset` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Ladder => "ladder",
            Preset::Size => "size",
            Preset::Speed => "speed",
            Preset::Full => "full",
            Preset::Dev => "dev",
        }
    }

    fn settings(self) -> &'static str {
        match self {
            Preset::Ladder => LADDER,
            Preset::Size => SIZE,
            Preset::Speed => SPEED,
            Preset::Full => FULL,
            Preset::Dev => DEV,
        }
    }

    /// The profile its variants start from.
    fn base(self) -> &'static str {
        if self == Preset::Dev { "dev" } else { "release" }
    }
}

/// A commented sweep file named `name` for `subject` under `preset`.
pub fn starter(subject: &StarterCrate, preset: Preset, name: &str) -> String {
    let mut text = String::new();
    header(&mut text, subject, preset, name);
    text.push('\n');
    text.push_str(preset.settings());
    text.push('\n');
    runs(&mut text, subject);
    benches(&mut text, subject);
    text
}

fn header(text: &mut String, subject: &StarterCrate, preset: Preset, name: &str) {
    let what = subject.bin.as_deref().map_or_else(
        || format!("the library `{}` (through its benches)", subject.package),
        |bin| format!("the binary `{bin}` of `{}`", subject.package),
    );
    text.push_str(&format!("# profile-sweep: the `{}` preset on {what}.\n", preset.name()));
    text.push_str(
        "# Every key is described in profile-sweep's guide (`cargo doc -p profile-sweep --open`, guide::sweep_file).\n",
    );
    text.push_str(&format!("name = {}\npackage = {}\n", quoted(name), quoted(&subject.package)));
    if let Some(bin) = &subject.bin {
        text.push_str(&format!("bin = {}\n", quoted(bin)));
    }
    let base = preset.base();
    text.push_str(&format!(
        "# Every variant starts from [profile.{base}] and changes only what it names"
    ));
    if base == "dev" {
        text.push_str(";\n# cargo's dev profile is opt-level 0, debug info, incremental, 256 codegen units.\n");
    } else if subject.release.is_empty() {
        text.push_str(";\n# your workspace sets nothing there, so that is cargo's default.\n");
    } else {
        text.push_str(
            ". Your workspace's\n# [profile.release] sets (the first variant measures it as is):\n",
        );
        for line in &subject.release {
            text.push_str(&format!("#   {line}\n"));
        }
    }
    text.push_str(&format!("inherits = \"{base}\"\n"));
}

fn runs(text: &mut String, subject: &StarterCrate) {
    if subject.bin.is_none() {
        return;
    }
    text.push_str(
        r#"# To time the executable itself (and count its instructions where Valgrind is installed),
# give it a representative workload: its arguments and, if it reads stdin, a file to feed it
# (paths relative to this file). Repeat [[run]] for several workloads.
# [[run]]
# name = "typical"
# args = ["--input", "data/typical.json"]
# stdin = "data/typical.json"
# warmup = 2
# runs = 10
# hot-crates = true    # hot.csv: where its instructions go, per crate (under Valgrind)
#
# Per-package profiles: the crates that run hot at opt-level 3, the rest for size. Name them
# (hot.csv and the report's "spends its instructions" section say which) and sweep:
# hot-packages = ["my-crate", "serde_json"]    # at the top of the file
# [matrix] opt-level = ["z"], hot-opt-level = [3], deps-opt-level = ["z", 3]
# or let the sweep propose them: `mixed = true` at the top, with hot-crates = true here.
# The other per-package keys: deps-codegen-units, deps-debug, hot-codegen-units, hot-debug,
# build-override-opt-level, build-override-codegen-units, build-override-debug.
#
# target-cpu: what x86-64-v3 or native buys (a binary that needs that CPU):
# [matrix] target-cpu = ["default", "x86-64-v3", "native"]
#
# Profile-guided builds: add `pgo = [false, true]` to the [matrix] (or `pgo = true` to a ladder
# step; `bolt` likewise where llvm-bolt is installed), with a training workload that differs
# from what is measured. Needs `rustup component add llvm-tools`.
# [[train]]
# name = "train"
# args = ["--input", "data/other.json"]
"#,
    );
}

fn benches(text: &mut String, subject: &StarterCrate) {
    if subject.benches.is_empty() {
        return;
    }
    text.push_str(
        "\n# The benches' view, for every variant (benches build with panic = \"unwind\" whatever\n\
         # the profile says). Short timings keep the sweep affordable.\n",
    );
    for (bench, harness) in &subject.benches {
        text.push_str(&format!(
            "[[bench]]\npackage = {}\nbench = {}\nharness = \"{harness}\"\n",
            quoted(&subject.package),
            quoted(bench)
        ));
        text.push_str(&match harness {
            Harness::Criterion => {
                let version = subject.criterion_version.as_deref().unwrap_or("?");
                let old = if version.starts_with("0.3.") { "; 0.3 takes whole seconds only" } else { "" };
                format!(
                    "# criterion {version}'s defaults are 3 s warm-up, 5 s measurement, 100 samples{old}\n\
                     warm-up-seconds = 1\nmeasurement-seconds = 2\n\n"
                )
            }
            Harness::Divan => "# divan gives no interval: the bench runs `repeats` times and the interval\n\
                 # comes from those runs' means\nmeasurement-seconds = 1\nrepeats = 5\n\n"
                .to_owned(),
            Harness::Gungraun => "# exact instruction counts and estimated cycles; needs Valgrind and\n\
                 # `cargo install gungraun-runner --version <gungraun's version in Cargo.lock>`\n\n"
                .to_owned(),
            Harness::Libtest => "# #[bench] builds on nightly only: add toolchain = \"nightly\" to [build]\n\
                 # (stable variants are skipped); runs `repeats` times for an interval\nrepeats = 5\n\n"
                .to_owned(),
        });
    }
}

/// `value` as a TOML basic string.
fn quoted(value: &str) -> String {
    toml::Value::String(value.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::settings::BaseProfile;
    use crate::plan::spec::tests::parse;
    use crate::plan::variants;

    fn subject() -> StarterCrate {
        StarterCrate {
            package: "tool".into(),
            bin: Some("tool".into()),
            benches: vec![("speed".into(), Harness::Criterion), ("walk".into(), Harness::Divan)],
            criterion_version: Some("0.8.1".into()),
            release: vec!["lto = true".into()],
        }
    }

    fn variants_of(preset: Preset) -> usize {
        let text = starter(&subject(), preset, "mine");
        let sweep = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let base = BaseProfile::from_name(&sweep.inherits.value).unwrap();
        variants::expand(&sweep, base.cargo_defaults(false)).variants.len()
    }

    #[test]
    fn every_preset_parses_into_the_variants_its_doc_counts() {
        assert_eq!(variants_of(Preset::Ladder), 5);
        assert_eq!(variants_of(Preset::Size), 9, "8 and the baseline");
        assert_eq!(variants_of(Preset::Speed), 12);
        assert_eq!(variants_of(Preset::Full), 432);
        assert_eq!(
            variants_of(Preset::Dev),
            13,
            "2 debug x 2 split x 3 linkers, and dev as shipped"
        );
        let dev = starter(&subject(), Preset::Dev, "dev");
        assert!(
            dev.contains("inherits = \"dev\"\n") && dev.contains("rebuild-tests = true"),
            "{dev}"
        );
    }

    #[test]
    fn the_file_names_the_binary_the_release_profile_and_the_benches() {
        let text = starter(&subject(), Preset::Ladder, "mine");
        assert!(text.contains("package = \"tool\"\nbin = \"tool\"\n"), "{text}");
        assert!(text.contains("#   lto = true\n"), "{text}");
        assert!(
            text.contains(
                "[[bench]]\npackage = \"tool\"\nbench = \"speed\"\nharness = \"criterion\"\n"
            ),
            "{text}"
        );
        assert!(text.contains("bench = \"walk\"\nharness = \"divan\"\n"), "{text}");
        assert!(text.contains("# [[run]]"), "{text}");
        assert!(text.contains("# [[train]]") && text.contains("pgo = [false, true]"), "{text}");
    }

    #[test]
    fn a_library_gets_no_bin_and_no_run() {
        let subject = StarterCrate { bin: None, ..subject() };
        let text = starter(&subject, Preset::Size, "lib");
        assert!(!text.contains("bin =") && !text.contains("[[run]]"), "{text}");
        assert!(text.contains("through its benches"), "{text}");
    }
}

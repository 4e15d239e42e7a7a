//! What is committed under results/ is the tool's output for its committed results: every chart
//! and report regenerated from `run.json`, `variants.csv` and `measurements.csv` (and the
//! breakdown files, where there are any) alone must be byte-identical, the results files must be
//! what the tool writes for their rows, and nothing else may be there.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use sha2::Digest;

/// Every `results/<sweep>/` with a report, except the scratch directories the root
/// `.gitignore` lists (`/results/smoke/`: CI's smoke sweep writes there).
fn committed_result_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let gitignore = fs::read_to_string(root.join(".gitignore")).unwrap();
    let ignored: Vec<&str> = gitignore
        .lines()
        .filter_map(|l| l.trim().strip_prefix("/results/"))
        .map(|l| l.trim_end_matches('/'))
        .collect();
    let mut dirs: Vec<PathBuf> = fs::read_dir(root.join("results"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("report.md").exists())
        .filter(|p| !ignored.iter().any(|name| p.file_name().is_some_and(|f| f == *name)))
        .collect();
    dirs.sort();
    dirs
}

fn file_names(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn committed_charts_and_reports_are_regenerated_byte_for_byte_from_their_results() {
    let dirs = committed_result_dirs();
    assert!(dirs.iter().any(|d| d.ends_with("default")), "results/default is committed: {dirs:?}");
    for dir in dirs {
        let scratch = tempfile::tempdir().unwrap();
        let inputs = ["run.json", "variants.csv", "measurements.csv"];
        for input in inputs.iter().chain(&["crates.csv", "functions.csv", "hot.csv"]) {
            if dir.join(input).exists() {
                fs::copy(dir.join(input), scratch.path().join(input)).unwrap();
            }
        }
        profile_sweep::write_outputs(scratch.path(), &profile_sweep::Budget::default())
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        // The results files themselves are exactly what the tool writes for their rows.
        let rows = profile_sweep::load_results(scratch.path()).unwrap();
        profile_sweep::results::layout::write_dir(scratch.path(), &rows).unwrap();
        let regenerated = file_names(scratch.path());
        assert_eq!(
            file_names(&dir),
            regenerated,
            "{}: committed files other than the tool writes (stale charts?)",
            dir.display()
        );
        for name in &regenerated {
            let (committed, fresh) =
                (fs::read(dir.join(name)).unwrap(), fs::read(scratch.path().join(name)).unwrap());
            assert!(
                committed == fresh,
                "{}/{name} differs from what `cargo xtask plot {}` writes: regenerate it and commit the result",
                dir.display(),
                dir.display()
            );
        }
    }
}

/// The repository root.
fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The rows of a results directory as committed (`git show HEAD:<path>` of its files), so a
/// sweep run in this checkout (the README's first command rewrites `results/default/`) does not
/// change what the README is checked against; the working tree's files where there is no git
/// checkout.
fn committed_rows(relative: &str) -> Vec<profile_sweep::results::rows::Row> {
    let copy = tempfile::tempdir().unwrap();
    for file in ["run.json", "variants.csv", "measurements.csv"] {
        let path = format!("{relative}/{file}");
        let git = std::process::Command::new("git")
            .args(["show", &format!("HEAD:{path}")])
            .current_dir(root())
            .output();
        let bytes = match git {
            Ok(output) if output.status.success() => output.stdout,
            _ => fs::read(root().join(&path)).unwrap(),
        };
        fs::write(copy.path().join(file), bytes).unwrap();
    }
    profile_sweep::load_results(copy.path()).unwrap()
}

/// The section titled `title` (up to the next `## ` heading) of `file`, relative to the root.
fn section(file: &str, title: &str) -> String {
    let text = fs::read_to_string(root().join(file)).unwrap();
    let start = text.find(title).unwrap_or_else(|| panic!("{file} has the section {title}"));
    let rest = &text[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].to_owned()
}

/// The findings: the README's table, and the full findings in `results/README.md`.
fn readme_findings() -> String {
    section("README.md", "## What it found") + &section("results/README.md", "## What it found")
}

#[test]
fn the_readme_quotes_the_committed_results() {
    let findings = readme_findings();
    let default = committed_rows("results/default");
    let ms = |ns: Option<f64>, decimals: usize| format!("{:.*} ms", decimals, ns.unwrap() / 1e6);
    for size_row in default.iter().filter(|r| r.measurement.is_none()) {
        let step = size_row.step.as_deref().unwrap();
        let line = findings
            .lines()
            .find(|l| l.split('|').nth(1).is_some_and(|cell| cell.trim() == step))
            .unwrap_or_else(|| panic!("no README row for step `{step}`"));
        let size = thousands(size_row.size_bytes.unwrap());
        assert!(
            line.contains(&format!(" {size} ")),
            "README row `{step}` should quote {size} bytes: {line}"
        );
        for runtime in
            default.iter().filter(|r| r.variant == size_row.variant && r.measurement.is_some())
        {
            let measurement = runtime.measurement.as_deref().unwrap();
            if runtime.unit.as_deref() == Some("estimated cycles") {
                // The table quotes instructions; the report gives the estimated cycles.
                continue;
            }
            let quoted = if measurement.starts_with("criterion:") {
                ms(runtime.mean_ns, 2)
            } else if runtime.unit.as_deref() == Some("instructions") {
                thousands(runtime.mean_ns.unwrap() as u64)
            } else {
                ms(runtime.mean_ns, 1)
            };
            let other_panic = runtime.panic_effective.as_deref() != Some(runtime.panic.as_str());
            assert!(
                other_panic || line.contains(&quoted),
                "README row `{step}` should quote {quoted}: {line}"
            );
        }
    }
    // Every size quoted about the full matrix is one it measured.
    let full = committed_rows("results/full");
    let full_part =
        &findings[findings.find("All 432 combinations").expect("the full matrix is described")..];
    let sizes: BTreeSet<String> = full.iter().filter_map(|r| r.size_bytes).map(thousands).collect();
    let quoted: Vec<&str> = full_part
        .split(['(', ' '])
        .filter(|w| {
            w.len() == 7 && w.as_bytes()[3] == b',' && w.replace(',', "").parse::<u64>().is_ok()
        })
        .collect();
    assert!(quoted.len() >= 4, "{quoted:?}");
    for size in quoted {
        assert!(
            sizes.contains(size),
            "the README quotes {size} B for the full matrix; results/full has no such size"
        );
    }
}

#[test]
fn the_readme_table_of_seed_techniques_quotes_their_results() {
    // The seed-techniques sweep, and the no-std hello world's (another package).
    let mut rows = committed_rows("results/seed-techniques");
    rows.extend(committed_rows("results/no-std"));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../results/seed-techniques");
    let crates = profile_sweep::load_breakdown(&dir).unwrap().crates;
    let code_sizes = crates.iter().map(|c| thousands(c.text_bytes)).collect();
    assert_section_quotes("## Every technique the seeds name", &rows, code_sizes, 5);
}

#[test]
fn the_readme_section_on_profile_guided_builds_quotes_their_results() {
    let rows = committed_rows("results/pgo");
    // The inputs' record counts, which the section names too.
    let inputs = rows.iter().filter_map(|r| r.trained_on.as_deref()).map(|t| {
        let records = t.split(", ").find_map(|part| part.strip_suffix(" records")).unwrap();
        thousands(records.parse().unwrap())
    });
    let mut inputs: BTreeSet<String> = inputs.collect();
    inputs.insert("200,000".into());
    assert_eq!(inputs, BTreeSet::from(["100,000".into(), "200,000".into()]), "sweeps/pgo.toml");
    assert_section_quotes("## Profile-guided builds", &rows, inputs, 2);
}

#[test]
fn the_readme_section_on_the_inner_loop_quotes_its_results() {
    assert_inner_loop_section("results/dev-loop", "## The inner loop:", 48);
}

#[test]
fn the_readme_section_on_the_nightly_size_ladder_quotes_its_results() {
    let title = "## The nightly size ladder";
    let rows = committed_rows("results/nightly-size");
    assert_section_quotes(title, &rows, BTreeSet::new(), 0);
    // Each change is the step's against the step before, in size or instructions; the ratio
    // against the shipped profile is of the counts.
    let values = |unit: Option<&str>| -> Vec<f64> {
        rows.iter()
            .filter(|r| r.status == profile_sweep::results::rows::Status::Ok)
            .filter(|r| r.unit.as_deref() == unit || (unit.is_none() && r.measurement.is_none()))
            .filter_map(|r| if unit.is_none() { r.size_bytes.map(|b| b as f64) } else { r.mean_ns })
            .collect()
    };
    let mut allowed = BTreeSet::new();
    for series in [values(None), values(Some("instructions"))] {
        for pair in series.windows(2) {
            allowed.insert(format!("{:+.1}%", (pair[1] / pair[0] - 1.0) * 100.0));
            allowed.insert(format!("{:.1}%", (pair[1] / pair[0] - 1.0).abs() * 100.0));
        }
        let (first, last) = (series[0], series[series.len() - 1]);
        allowed.insert(format!("{:+.1}%", (last / first - 1.0) * 100.0));
        allowed.insert(format!("{:.3}x", last / first));
    }
    let section = section("results/README.md", title);
    let claims: Vec<&str> = section
        .split([' ', '\n', '|', '(', ')', ','])
        .map(|w| w.trim_end_matches([':', '.', ';']))
        .filter(|w| {
            w.ends_with('%') || (w.ends_with('x') && w[..w.len() - 1].parse::<f64>().is_ok())
        })
        .collect();
    assert!(claims.len() >= 12, "{claims:?}");
    for claim in claims.into_iter().filter(|c| *c != "10%") {
        assert!(
            allowed.contains(claim),
            "{title} quotes {claim}; results/nightly-size does not give it"
        );
    }
}

#[test]
fn the_readme_section_on_per_package_opt_levels_quotes_its_results() {
    let rows = committed_rows("results/mixed-opt");
    // Differences of two counts, or of two sizes, may be quoted too.
    let of = |unit: Option<&str>| -> Vec<u64> {
        rows.iter()
            .filter(|r| r.unit.as_deref() == unit && (unit.is_some() || r.measurement.is_none()))
            .filter_map(|r| r.mean_ns.map(|n| n as u64).or(r.size_bytes.filter(|_| unit.is_none())))
            .collect()
    };
    let mut differences = BTreeSet::new();
    for values in [of(None), of(Some("instructions"))] {
        for a in &values {
            differences.extend(values.iter().filter(|b| *b < a).map(|b| thousands(a - b)));
        }
    }
    assert_section_quotes("## Per-package opt-level", &rows, differences, 0);
}

#[test]
fn the_readme_section_on_ripgreps_inner_loop_quotes_its_results() {
    assert_inner_loop_section(
        "results/ripgrep-dev-loop",
        "## The inner loop of a real workspace",
        19 * 4,
    );
}

/// Every decimal number the `results/README.md` section titled `title` quotes (a time in s, a
/// difference or ratio of two means of the same edit, a peak memory in MB, what else ran in
/// CPUs) comes from `csv`,
/// which holds at least `min_timed` timed rows, and the section quotes at least 20.
fn assert_inner_loop_section(csv: &str, title: &str, min_timed: usize) {
    let rows = committed_rows(csv);
    let timed: Vec<_> = rows.iter().filter(|r| r.measurement.is_some()).collect();
    assert!(timed.len() >= min_timed, "{csv}: every edit of every variant: {}", timed.len());
    // What the section may quote: each mean and bound in seconds, each difference and ratio of
    // two means of the same edit, each peak memory in MB.
    let mut allowed: BTreeSet<String> = BTreeSet::new();
    for a in &timed {
        let seconds = [a.mean_ns, a.ci_low_ns, a.ci_high_ns].map(|ns| ns.unwrap() / 1e9);
        allowed.extend(seconds.iter().map(|s| format!("{s:.2}")));
        allowed.insert(format!("{:.0}MB", a.peak_rss_bytes.unwrap() as f64 / 1e6));
        for b in timed.iter().filter(|b| b.measurement == a.measurement) {
            let (x, y) = (a.mean_ns.unwrap(), b.mean_ns.unwrap());
            allowed.insert(format!("{:.2}", (x - y) / 1e9));
            allowed.insert(format!("{:.2}x", x / y));
        }
    }
    for size in rows.iter().filter(|r| r.measurement.is_none()) {
        allowed.extend(size.size_bytes.map(|b| format!("{:.1}MB", b as f64 / 1e6)));
        allowed.extend(size.build_seconds.map(|s| format!("{s:.1}")));
    }
    // What else ran, in CPUs: on average over the rebuilds linked by mold, and over the rest.
    for mold in [true, false] {
        let others: Vec<f64> = timed
            .iter()
            .filter(|r| (r.linker.as_deref() == Some("mold")) == mold)
            .filter_map(|r| r.others_cpus)
            .collect();
        assert!(!others.is_empty(), "{csv}: its rebuilds record what else ran");
        let mean = others.iter().sum::<f64>() / others.len() as f64;
        allowed.insert(format!("{:.2}", mean.max(0.0)));
    }
    let mut section = section("results/README.md", title);
    if csv.contains("ripgrep") {
        // The README's own summary of it, in "Sweep your own crate".
        let readme = fs::read_to_string(root().join("README.md")).unwrap();
        let start = readme.find("(on ripgrep:").expect("the README sums up ripgrep's inner loop");
        section.push_str(&readme[start..start + readme[start..].find(')').unwrap()]);
    }
    let words: Vec<&str> = section.split([' ', '\n', '(', ')', '|', '[', ']', ',']).collect();
    let mut quoted = 0;
    for (i, word) in words.iter().enumerate() {
        let word = word.trim_end_matches(['.', ':', ';']);
        let after = |n: usize| words.get(i + n).copied().unwrap_or_default();
        let megabytes = after(1) == "MB" || (after(1) == "to" && after(3) == "MB");
        let claim = match word.strip_suffix('x').unwrap_or(word).parse::<f64>() {
            // Versions (Rust 1.95.0, 1.90, ripgrep 15.1.0) are not measurements.
            _ if i > 0 && ["Rust", "ripgrep"].contains(&words[i - 1]) => continue,
            Ok(_) if megabytes => format!("{word}MB"),
            Ok(_) if word.contains('.') => word.to_owned(),
            _ => continue,
        };
        quoted += 1;
        assert!(
            allowed.contains(&claim),
            "the README quotes {claim} in {title}; {csv} does not give it"
        );
    }
    assert!(quoted >= 20, "the section quotes its numbers: {quoted}");
}

/// Every size and instruction count (a number with thousands separators) and every runtime in
/// ms quoted in the README section titled `title` is one of `rows` (or of `also_measured`), and
/// it quotes at least ten numbers and `min_runtimes` runtimes.
fn assert_section_quotes(
    title: &str,
    rows: &[profile_sweep::results::rows::Row],
    also_measured: BTreeSet<String>,
    min_runtimes: usize,
) {
    let section = section("results/README.md", title);
    let mut measured: BTreeSet<String> = rows
        .iter()
        .flat_map(|r| [r.size_bytes, r.shipped_bytes, r.image_bytes])
        .flatten()
        .map(thousands)
        .collect();
    measured.extend(also_measured);
    let counts = rows.iter().filter(|r| r.unit.as_deref() == Some("instructions"));
    measured.extend(counts.filter_map(|r| r.mean_ns).map(|n| thousands(n as u64)));
    let runtimes: BTreeSet<String> = rows
        .iter()
        .flat_map(|r| [r.mean_ns, r.ci_low_ns, r.ci_high_ns])
        .flatten()
        .map(|ns| format!("{:.1} ms", ns / 1e6))
        .collect();
    assert_thousands_quoted(&section, &measured, 10, title);
    let words: Vec<&str> = section.as_str().split([' ', '\n', '(', ')', '|', '[', ']']).collect();
    let quoted_runtimes: Vec<String> = words
        .windows(2)
        .filter(|w| w[1] == "ms" && w[0].parse::<f64>().is_ok())
        .map(|w| format!("{} ms", w[0]))
        .collect();
    assert!(quoted_runtimes.len() >= min_runtimes, "{quoted_runtimes:?}");
    for runtime in quoted_runtimes {
        assert!(
            runtimes.contains(&runtime),
            "the README quotes {runtime} under {title}; its results have no such mean or bound"
        );
    }
}

/// Every number `text` quotes with thousands separators (a size or a count) is one of
/// `measured`, and it quotes at least `min`; `title` names the text in a failure.
fn assert_thousands_quoted(text: &str, measured: &BTreeSet<String>, min: usize, title: &str) {
    let words = text.split([' ', '\n', '(', ')', '|', '[', ']']);
    let numbers: Vec<&str> = words
        .map(|w| w.trim_end_matches([',', '.', ':']))
        .filter(|w| w.len() >= 5 && w.contains(',') && w.replace(',', "").parse::<u64>().is_ok())
        .collect();
    assert!(numbers.len() >= min, "{numbers:?}");
    for number in numbers {
        assert!(
            measured.contains(number),
            "{title} quotes {number}; its results have no such size or instruction count"
        );
    }
}

/// Why sizes measured here may differ from the committed ones, if they may: another compiler,
/// another lock file, or another `CARGO_HOME` (dependency paths are compiled into the binary).
fn size_conditions_differ(committed: &profile_sweep::results::rows::Row) -> Option<Differs> {
    let rustc = std::process::Command::new("rustc").arg("-V").output().unwrap();
    let rustc = String::from_utf8_lossy(&rustc.stdout).trim().to_owned();
    if committed.rustc != rustc {
        return Some(Differs::Toolchain(format!("{rustc}, committed {}", committed.rustc)));
    }
    let lock = sha2::Sha256::digest(fs::read(root().join("Cargo.lock")).unwrap());
    let lock: String = lock.iter().map(|b| format!("{b:02x}")).collect();
    let committed_lock = committed.cargo_lock_sha256.as_deref().unwrap_or_default();
    if committed_lock != lock {
        let then = lock_in_history(committed_lock);
        let now = fs::read_to_string(root().join("Cargo.lock")).unwrap();
        let same = then.is_some_and(|then| {
            dependencies(&then, &committed.package) == dependencies(&now, &committed.package)
        });
        if !same {
            return Some(Differs::Toolchain(format!(
                "Cargo.lock differs in {}'s dependencies",
                committed.package
            )));
        }
    }
    let home = std::env::var("CARGO_HOME")
        .unwrap_or_else(|_| format!("{}/.cargo", std::env::var("HOME").unwrap_or_default()));
    match &committed.cargo_home {
        Some(committed_home) if *committed_home != home => {
            Some(Differs::CargoHome(format!("{home}, committed {committed_home}")))
        }
        _ => None,
    }
}

/// The `Cargo.lock` of this repository's history whose sha256 is `sha256`, if any.
fn lock_in_history(sha256: &str) -> Option<String> {
    let git = |args: &[&str]| {
        let output = std::process::Command::new("git").args(args).current_dir(root()).output();
        output.ok().filter(|o| o.status.success()).map(|o| o.stdout)
    };
    let commits = String::from_utf8(git(&["log", "--format=%H", "--", "Cargo.lock"])?).ok()?;
    commits.lines().find_map(|commit| {
        let bytes = git(&["show", &format!("{commit}:Cargo.lock")])?;
        let hash: String =
            sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        (hash == sha256).then(|| String::from_utf8(bytes).ok()).flatten()
    })
}

/// Every package `package` depends on in `lock`, itself included, as `name version checksum`:
/// two lock files that agree on these build the same code for it.
fn dependencies(lock: &str, package: &str) -> BTreeSet<String> {
    let entries: Vec<(String, String, Vec<String>)> = lock
        .split("[[package]]")
        .skip(1)
        .map(|entry| {
            let field = |key: &str| {
                entry
                    .lines()
                    .find_map(|l| l.strip_prefix(key))
                    .map(|v| v.trim_matches([' ', '=', '"']).to_owned())
            };
            let deps = entry.split("dependencies = [").nth(1).map_or_else(Vec::new, |list| {
                let list = list.split(']').next().unwrap_or_default();
                list.split(',')
                    .map(|d| d.trim().trim_matches('"').to_owned())
                    .filter(|d| !d.is_empty())
                    .collect()
            });
            let id = format!(
                "{} {} {}",
                field("name").unwrap_or_default(),
                field("version").unwrap_or_default(),
                field("checksum").unwrap_or_default()
            );
            (field("name").unwrap_or_default(), id, deps)
        })
        .collect();
    let mut found = BTreeSet::new();
    let mut todo = vec![package.to_owned()];
    while let Some(dep) = todo.pop() {
        // A dependency is `name` or `name version` when several versions are locked.
        let mut words = dep.split(' ');
        let (name, version) = (words.next().unwrap_or_default(), words.next());
        for (entry_name, id, deps) in &entries {
            let matches =
                entry_name == name && version.is_none_or(|v| id.split(' ').nth(1) == Some(v));
            if matches && found.insert(id.clone()) {
                todo.extend(deps.iter().cloned());
            }
        }
    }
    found
}

/// What differs from the machine that published a results file.
enum Differs {
    /// Another compiler or lock file: sizes can move anywhere, only their order is checked.
    Toolchain(String),
    /// Another `CARGO_HOME`: dependency paths of another length move sizes by a few hundred
    /// bytes (1,616 B of 1.29 MB on a hexdump CLI), so sizes are checked within 1%.
    CargoHome(String),
}

/// The default ladder and the smoke sweep, rebuilt in a copy of this workspace, have exactly
/// the committed sizes when toolchain, lock file and `CARGO_HOME` match: a change that moves a
/// size without re-publishing `results/default/` or `results/smoke/` fails here. Elsewhere
/// they are checked as closely as the machine allows (see [`Differs`]), and the test says so.
#[test]
fn the_default_ladder_rebuilds_to_its_committed_sizes() {
    rebuilds_to_committed_sizes("default");
}

#[test]
fn the_smoke_sweep_rebuilds_to_its_committed_sizes() {
    rebuilds_to_committed_sizes("smoke");
}

/// Rebuilds the variants of `sweeps/<name>.toml` (sizes only: no runs, no benches) in a copy of
/// the repository and checks every executable against `results/<name>/` as committed.
fn rebuilds_to_committed_sizes(name: &str) {
    let rows = committed_rows(&format!("results/{name}"));
    let sizes: Vec<_> = rows.iter().filter(|r| r.measurement.is_none()).collect();
    let differs = size_conditions_differ(sizes[0]);
    let copy = tempfile::tempdir().unwrap();
    crate::fixture::copy_tree(root(), copy.path());
    let text = fs::read_to_string(root().join(format!("sweeps/{name}.toml"))).unwrap();
    let sizes_only = text.split("\n[[run]]").next().unwrap().split("\n[[bench]]").next().unwrap();
    let sweep = copy.path().join("sizes-only.toml");
    let sizes_only = sizes_only.replace(&format!("name = \"{name}\""), "name = \"sizes-only\"");
    fs::write(&sweep, sizes_only).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["sweep", "--sweep"])
        .arg(&sweep)
        .arg("--manifest-path")
        .arg(copy.path().join("Cargo.toml"))
        .arg("--out")
        .arg(copy.path().join("out"))
        .env("CARGO_TARGET_DIR", copy.path().join("target"))
        .env("CI", "true")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let rebuilt = profile_sweep::load_results(&copy.path().join("out")).unwrap();
    // One size row per variant; the rebuild timings' rows beside them are not sizes.
    let rebuilt: Vec<_> = rebuilt.into_iter().filter(|r| r.measurement.is_none()).collect();
    assert_eq!(rebuilt.len(), sizes.len());
    let fresh = |variant: &str| rebuilt.iter().find(|r| r.variant == variant).unwrap();
    for committed in &sizes {
        let fresh = fresh(&committed.variant);
        match &differs {
            None => assert_eq!(
                (fresh.size_bytes, &fresh.sha256),
                (committed.size_bytes, &committed.sha256),
                "{} rebuilds to another binary than results/{name}/ publishes: re-measure and commit it",
                committed.variant
            ),
            Some(Differs::CargoHome(why)) => {
                let (a, b) =
                    (fresh.size_bytes.unwrap() as f64, committed.size_bytes.unwrap() as f64);
                assert!(
                    (a / b - 1.0).abs() < 0.01,
                    "{}: {a} B against {b} B committed, more than CARGO_HOME ({why}) explains",
                    committed.variant
                );
            }
            Some(Differs::Toolchain(_)) => {}
        }
    }
    let order = |size: &dyn Fn(&str) -> Option<u64>| {
        let mut ids: Vec<&str> = sizes.iter().map(|r| r.variant.as_str()).collect();
        ids.sort_by_key(|id| (size(id), id.to_owned()));
        ids
    };
    assert_eq!(
        order(&|id| fresh(id).size_bytes),
        order(&|id| sizes.iter().find(|r| r.variant == id).unwrap().size_bytes),
        "the variants of results/{name}/ no longer rank by size as published"
    );
    match differs {
        None => eprintln!("checked byte for byte (sha256) against results/{name}/"),
        Some(Differs::CargoHome(why)) => eprintln!(
            "CARGO_HOME differs ({why}): checked sizes within 1% and their order, not sha256"
        ),
        Some(Differs::Toolchain(why)) => eprintln!(
            "the toolchain or lock file differs ({why}): checked only the order of the sizes"
        ),
    }
}

/// `n` with thousands separators, as the README writes numbers (`670,864`).
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The default ladder's `hot.csv`, as committed: (variant, crate, instructions) rows.
fn committed_hot(relative: &str) -> Vec<(String, String, u64)> {
    let path = root().join(relative);
    let mut reader = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{relative}: {e}"));
    reader
        .records()
        .map(Result::unwrap)
        .map(|r| (r[1].to_owned(), r[3].to_owned(), r[4].parse().unwrap()))
        .collect()
}

#[test]
fn the_hot_crates_paragraph_quotes_the_default_ladders_hot_csv() {
    let hot = committed_hot("results/default/hot.csv");
    let text = section("results/README.md", "## What it found");
    let start = text.find("**Where the run spends its instructions**").expect("the paragraph");
    let end = text[start..].find("\n- ").unwrap_or(text.len() - start);
    let paragraph = text[start..start + end].split_whitespace().collect::<Vec<_>>().join(" ");
    let of = |variant: &str| -> Vec<&(String, String, u64)> {
        hot.iter().filter(|r| r.0 == variant).collect()
    };
    let default = of("o3-thinlocal-cgu16-unwind-dbg");
    let total: u64 = default.iter().map(|r| r.2).sum();
    for krate in ["serde_json", "core", "alloc", "csv_core", "json2csv"] {
        let mine = default.iter().find(|r| r.1 == krate).unwrap().2;
        let share = format!("`{krate}` {:.1}%", mine as f64 / total as f64 * 100.0);
        let itself = format!("`{krate}` itself {:.1}%", mine as f64 / total as f64 * 100.0);
        assert!(
            paragraph.contains(&share) || paragraph.contains(&itself),
            "{share} in:\n{paragraph}"
        );
    }
    let unknown = default.iter().find(|r| r.1 == "[unknown]").unwrap().2 as f64 / total as f64;
    assert!(paragraph.contains(&format!("loader) {:.1}%", unknown * 100.0)), "{paragraph}");
    let fat = of("o3-fat-cgu1-unwind-sym");
    let fat_total: u64 = fat.iter().map(|r| r.2).sum();
    let own = fat.iter().find(|r| r.1 == "json2csv").unwrap().2 as f64 / fat_total as f64;
    assert!(paragraph.contains(&format!("grows to {:.1}%", own * 100.0)), "{paragraph}");
    let serde = |variant: &str| of(variant).iter().find(|r| r.1 == "serde_json").unwrap().2;
    let (z, o3) = (serde("oz-fat-cgu1-unwind-sym"), serde("o3-thinlocal-cgu16-unwind-dbg"));
    let quoted = format!(
        "runs {} instructions, {:.2}x its {}",
        thousands(z),
        z as f64 / o3 as f64,
        thousands(o3)
    );
    assert!(paragraph.contains(&quoted), "{quoted} in:\n{paragraph}");
}

#[test]
fn the_readme_section_on_target_cpu_levels_quotes_its_results() {
    let rows = committed_rows("results/target-cpu");
    let section = section("results/README.md", "## target-cpu levels");
    assert_ratios_quoted(&section, &rows, 30, "results/target-cpu");
    let skipped = rows.iter().filter(|r| {
        r.unit.as_deref() == Some("instructions")
            && r.status == profile_sweep::results::rows::Status::Skipped
    });
    let skipped: BTreeSet<&str> = skipped.map(|r| r.target_cpu.as_deref().unwrap_or("")).collect();
    assert_eq!(skipped, BTreeSet::from(["native", "x86-64-v4"]), "the counts Valgrind cannot take");
    assert_section_quotes("## target-cpu levels", &rows, BTreeSet::new(), 0);
}

#[test]
fn the_readme_section_on_windows_quotes_its_results() {
    let mut rows = committed_rows("results/windows-hello");
    rows.extend(committed_rows("results/hello-linux"));
    rows.extend(committed_rows("results/windows-json2csv"));
    rows.extend(committed_rows("results/default"));
    let sections = rows.iter().flat_map(|r| [r.text_bytes, r.rodata_bytes, r.symbol_bytes]);
    let sections: BTreeSet<String> = sections.flatten().map(thousands).collect();
    let windows = |r: &&profile_sweep::results::rows::Row| r.target.contains("windows");
    let wine_failures = rows.iter().filter(windows).filter(|r| {
        r.status == profile_sweep::results::rows::Status::RunFailed
            && r.note.as_deref().is_some_and(|n| n.contains("bcryptprimitives.dll"))
    });
    assert_eq!(wine_failures.count(), 7, "2 hello and 5 json2csv runs fail under Wine 8.0");
    assert_section_quotes("## Windows: the second seed", &rows, sections, 3);
}

#[test]
fn the_readme_section_on_proposed_mixed_profiles_quotes_its_results() {
    let rows = committed_rows("results/hot-mixed");
    let hot = committed_hot("results/hot-mixed/hot.csv");
    let mut also: BTreeSet<String> = hot.iter().map(|r| thousands(r.2)).collect();
    let sizes: Vec<u64> = rows.iter().filter_map(|r| r.size_bytes).collect();
    let counts: Vec<u64> = rows
        .iter()
        .filter(|r| r.unit.as_deref() == Some("instructions"))
        .filter_map(|r| r.mean_ns.map(|n| n as u64))
        .collect();
    for values in [sizes, counts] {
        for a in &values {
            also.extend(values.iter().filter(|b| *b < a).map(|b| thousands(a - b)));
        }
    }
    let mixed = rows.iter().find(|r| r.variant == "oz-fat-cgu1-abort-sym-hot-o3").unwrap();
    assert_eq!(mixed.hot_packages.as_deref(), Some("serde_json json2csv"), "the proposed set");
    let timed = rows
        .iter()
        .find(|r| r.variant == mixed.variant && r.measurement.as_deref() == Some("convert-200k"));
    let paired = timed.and_then(|r| r.wall_ratio);
    assert!(paired.is_some(), "the proposals are timed in rounds with the baseline");
    let title = "## Mixed profiles proposed";
    assert_section_quotes(title, &rows, also, 0);
    assert_ratios_quoted(&section("results/README.md", title), &rows, 9, "results/hot-mixed");
}

/// The seconds from the first row a sweep wrote to the last (its `finished_at` stamps, each
/// shard's on one day), added over the shards of a merged grid, each measured in one go.
fn rows_span_seconds(relative: &str) -> u64 {
    let rows = committed_rows(relative);
    let seconds = |stamp: &str| -> (String, u64) {
        let (day, time) = stamp.trim_end_matches('Z').split_once('T').unwrap();
        let parts: Vec<u64> = time.split(':').map(|p| p.parse().unwrap()).collect();
        (day.to_owned(), parts[0] * 3600 + parts[1] * 60 + parts[2])
    };
    let mut shards: std::collections::BTreeMap<Option<String>, BTreeSet<(String, u64)>> =
        Default::default();
    for row in &rows {
        shards.entry(row.shard.clone()).or_default().insert(seconds(&row.finished_at));
    }
    let span = |stamps: &BTreeSet<(String, u64)>| {
        let (first, last) = (stamps.first().unwrap(), stamps.last().unwrap());
        assert_eq!(first.0, last.0, "each shard of {relative} was measured within one day");
        last.1 - first.1
    };
    shards.values().map(span).sum()
}

/// `results/README.md` quotes the search's rows' span against the grid's and their ratio.
fn assert_time_ratio_quoted(grid: &str, search: &str) {
    let (grid, search) = (rows_span_seconds(grid), rows_span_seconds(search));
    let minutes = |s: u64| format!("{} min {} s", s / 60, s % 60);
    let quoted = format!(
        "its rows span {} against the grid's {}, **{:.3}x the grid's wall time**",
        minutes(search),
        minutes(grid),
        search as f64 / grid as f64
    );
    let readme = fs::read_to_string(root().join("results/README.md")).unwrap();
    assert!(readme.replace('\n', " ").contains(&quoted), "results/README.md should say: {quoted}");
}

#[test]
fn the_search_section_quotes_the_searchs_time_against_the_grids() {
    assert_time_ratio_quoted("results/full", "results/full-search");
}

#[test]
fn the_search_section_quotes_the_real_crates_search_time_against_its_grids() {
    assert_time_ratio_quoted("results/choose-full", "results/choose-full-search");
    let noisy = |relative: &str| {
        let rows = committed_rows(relative);
        let timed = rows.iter().filter(|r| r.measurement.as_deref() == Some("fields-50k"));
        let timed: Vec<_> = timed.filter(|r| r.mean_ns.is_some()).collect();
        (timed.iter().filter(|r| r.noise.is_some()).count(), timed.len())
    };
    let ((grid_noisy, grid), (search_noisy, search)) =
        (noisy("results/choose-full"), noisy("results/choose-full-search"));
    let quoted = format!(
        "{grid_noisy} of the grid's {grid} timings and {search_noisy} of the search's {search} are flagged"
    );
    let readme = fs::read_to_string(root().join("results/README.md")).unwrap();
    assert!(readme.replace('\n', " ").contains(&quoted), "results/README.md should say: {quoted}");
}

/// Every ratio `text` quotes (`d.ddd`, with or without an `x`) is a paired wall-time ratio or
/// interval end of `rows` (from `results`), three decimals as reports write them; at least `min`.
fn assert_ratios_quoted(
    text: &str,
    rows: &[profile_sweep::results::rows::Row],
    min: usize,
    results: &str,
) {
    let ratio = |v: Option<f64>| v.map(|r| format!("{r:.3}"));
    let ratios = rows
        .iter()
        .flat_map(|r| [ratio(r.wall_ratio), ratio(r.wall_ratio_low), ratio(r.wall_ratio_high)]);
    let ratios: BTreeSet<String> = ratios.flatten().collect();
    let quoted = text.split([' ', '[', ']', ',', ')']).map(|w| w.trim_end_matches('x'));
    let quoted: Vec<&str> = quoted
        .filter(|w| w.len() == 5 && w.as_bytes()[1] == b'.' && w.parse::<f64>().is_ok())
        .collect();
    assert!(quoted.len() >= min, "{quoted:?}");
    for ratio in quoted {
        assert!(ratios.contains(ratio), "the text quotes {ratio}; {results} has no such ratio");
    }
}

/// The adjudication of choose's contested pick: the contenders re-measured with counts and
/// paired rounds give a settled verdict, the search's own, and put the grid's noisy verdict
/// certainly outside the 10% band; `results/README.md` quotes those numbers.
#[test]
fn the_choose_adjudication_settles_the_contested_pick_for_the_search() {
    use profile_sweep::verdict::verdict;
    let rows = committed_rows("results/choose-verdict");
    let (grid, search) =
        (committed_rows("results/choose-full"), committed_rows("results/choose-full-search"));
    let settled = verdict(&rows).unwrap();
    assert_eq!(settled.tentative, None, "the adjudication's verdict is settled");
    let chosen = settled.chosen.variant.as_str();
    assert_eq!(chosen, verdict(&search).unwrap().chosen.variant, "the search's own verdict");
    let grid_pick = verdict(&grid).unwrap().chosen.variant.clone();
    let timed = |variant: &str| {
        let of = |r: &&profile_sweep::results::rows::Row| {
            r.variant == variant && r.measurement.as_deref() == Some("fields-50k")
        };
        rows.iter().find(of).unwrap_or_else(|| panic!("{variant} was re-measured"))
    };
    let fastest = rows.iter().filter_map(|r| r.wall_ratio).min_by(f64::total_cmp).unwrap();
    let band = fastest * 1.1;
    assert!(
        timed(&grid_pick).wall_ratio_low.unwrap() > band,
        "the grid's pick is outside the band"
    );
    assert!(timed(chosen).wall_ratio.unwrap() <= band, "the settled pick is inside it");
    let readme = fs::read_to_string(root().join("results/README.md")).unwrap();
    let title = "**The contested pick, settled**";
    let start = readme.find(title).expect("the paragraph");
    let text = readme[start..].split("\n\n").next().unwrap().replace('\n', " ");
    for phrase in [
        format!("The grid's verdict `{grid_pick}` takes"),
        format!("The settled verdict, on counts with the paired wall time agreeing, is `{chosen}`"),
    ] {
        assert!(text.contains(&phrase), "{title} says: {phrase}");
    }
    assert_ratios_quoted(&text, &rows, 9, "results/choose-verdict");
    let sizes = rows.iter().filter_map(|r| r.size_bytes);
    let counts = rows.iter().filter(|r| r.unit.as_deref() == Some("instructions"));
    let measured: BTreeSet<String> =
        sizes.chain(counts.filter_map(|r| r.mean_ns.map(|n| n as u64))).map(thousands).collect();
    assert_thousands_quoted(&text, &measured, 5, title);
}

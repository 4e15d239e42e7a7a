//! Facts about the workspace being swept, from `cargo metadata`: its root manifest (the only one
//! whose profiles count), its target directory, and which packages have which binaries.

use std::path::{Path, PathBuf};

use anyhow::Context;
use cargo_metadata::{MetadataCommand, TargetKind};

use crate::error::{InputError, SweepError};
use crate::plan::measurement::Harness;
use crate::plan::measures::Bench;
use crate::plan::spec::Sweep;

/// A workspace, as cargo sees it.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The workspace root's `Cargo.toml`, absolute and free of symlinks.
    pub root_manifest: PathBuf,
    /// The target directory (honours `CARGO_TARGET_DIR` and `.cargo/config.toml`).
    pub target_dir: PathBuf,
    /// Workspace members with their binary targets.
    pub packages: Vec<Package>,
    /// The name of every package `Cargo.lock` holds (members and dependencies); empty without
    /// a lockfile.
    pub locked_packages: Vec<String>,
}

/// A workspace member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The package name.
    pub name: String,
    /// Its binary targets.
    pub bins: Vec<String>,
    /// The root source file of each binary target (`src/main.rs`), by target name.
    pub bin_sources: Vec<(String, PathBuf)>,
    /// Its bench targets.
    pub benches: Vec<String>,
    /// The root source file of each bench target, by target name.
    pub bench_sources: Vec<(String, PathBuf)>,
    /// The `required-features` of its binary and bench targets that have some, by target name.
    pub required_features: Vec<(String, Vec<String>)>,
    /// The version of criterion it depends on, as `Cargo.lock` resolves it (`None` without a
    /// lockfile or without criterion).
    pub criterion_version: Option<String>,
    /// The bench harnesses among its dependencies (of any kind), as its manifest declares
    /// them.
    pub harnesses: Vec<Harness>,
    /// The directory of its manifest (cargo runs benches from there).
    pub dir: PathBuf,
}

/// What one sweep builds: a package and one of its binaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildTarget {
    /// The package name.
    pub package: String,
    /// The binary target name; `None` for a library swept through its benches alone.
    pub bin: Option<String>,
    /// The binary's `required-features`, which every build of it enables.
    pub features: Vec<String>,
    /// The files touched, one at a time, to time a rebuild after an edit of each.
    pub touched: Vec<Touched>,
}

/// A file whose edit is timed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touched {
    /// As the sweep file names it (relative to the workspace root): the measurement's name.
    pub label: String,
    /// The file, absolute and free of symlinks.
    pub path: PathBuf,
}

/// A `[[bench]]` of a sweep, as found in the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchTarget {
    /// The harness it is written with.
    pub harness: Harness,
    /// The directory of its package's manifest (cargo runs benches from there).
    pub dir: PathBuf,
    /// Its `required-features`, which every build of it enables.
    pub features: Vec<String>,
}

impl Workspace {
    /// The workspace root: the directory of its root manifest.
    pub fn dir(&self) -> &Path {
        self.root_manifest.parent().unwrap_or(Path::new("."))
    }

    /// Asks `cargo` (the one given) about the workspace containing `manifest_path`.
    pub fn load(cargo: &Path, manifest_path: &Path) -> Result<Workspace, SweepError> {
        let metadata = match MetadataCommand::new()
            .cargo_path(cargo)
            .manifest_path(manifest_path)
            .no_deps()
            .exec()
        {
            Ok(metadata) => metadata,
            // Cargo could not read the manifest (or one of the workspace's): the user's input.
            Err(cargo_metadata::Error::CargoMetadata { stderr }) => {
                let said = stderr.trim().trim_start_matches("error: ").to_owned();
                return Err(InputError::in_file(
                    manifest_path,
                    format!("cargo cannot read the workspace: {said}"),
                )
                .with_fix("fix what cargo says, so that `cargo metadata` reads the workspace")
                .into());
            }
            Err(e) => {
                let context = format!("cargo metadata failed for {}", manifest_path.display());
                return Err(anyhow::Error::new(e).context(context).into());
            }
        };
        let root_manifest = metadata.workspace_root.join("Cargo.toml").into_std_path_buf();
        let root_manifest = root_manifest
            .canonicalize()
            .with_context(|| format!("cannot resolve {}", root_manifest.display()))?;
        let lock = std::fs::read_to_string(root_manifest.with_file_name("Cargo.lock"))
            .ok()
            .and_then(|text| text.parse::<toml::Table>().ok());
        let members = metadata.workspace_packages();
        let packages = members
            .iter()
            .map(|p| {
                let targets = |kind: TargetKind| {
                    p.targets
                        .iter()
                        .filter(|t| t.kind.contains(&kind))
                        .map(|t| t.name.clone())
                        .collect()
                };
                let sources = |kind: TargetKind| {
                    p.targets
                        .iter()
                        .filter(|t| t.kind.contains(&kind))
                        .map(|t| (t.name.clone(), t.src_path.clone().into_std_path_buf()))
                        .collect()
                };
                Package {
                    name: p.name.to_string(),
                    bins: targets(TargetKind::Bin),
                    bin_sources: sources(TargetKind::Bin),
                    benches: targets(TargetKind::Bench),
                    bench_sources: sources(TargetKind::Bench),
                    required_features: p
                        .targets
                        .iter()
                        .filter(|t| {
                            !t.required_features.is_empty()
                                && (t.kind.contains(&TargetKind::Bin)
                                    || t.kind.contains(&TargetKind::Bench))
                        })
                        .map(|t| (t.name.clone(), t.required_features.clone()))
                        .collect(),
                    criterion_version: lock
                        .as_ref()
                        .and_then(|lock| locked_dependency_version(lock, &p.name, "criterion")),
                    harnesses: Harness::ALL
                        .into_iter()
                        .filter(|h| {
                            p.dependencies.iter().any(|d| h.crates().contains(&d.name.as_str()))
                        })
                        .collect(),
                    dir: p
                        .manifest_path
                        .parent()
                        .map(|d| d.as_std_path().to_owned())
                        .unwrap_or_default(),
                }
            })
            .collect();
        let locked_packages = lock
            .as_ref()
            .and_then(|lock| lock.get("package")?.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|p| Some(p.get("name")?.as_str()?.to_owned()))
            .collect();
        Ok(Workspace {
            root_manifest,
            target_dir: metadata.target_directory.into_std_path_buf(),
            packages,
            locked_packages,
        })
    }

    /// Refuses a `hot-packages` name that no package of `Cargo.lock` has: cargo would only
    /// warn, and build the variant as if the override were not there.
    fn check_hot_packages(&self, sweep: &Sweep) -> Result<(), InputError> {
        if self.locked_packages.is_empty() {
            return Ok(());
        }
        let unknown = sweep.hot_packages.iter().find(|p| !self.locked_packages.contains(&p.value));
        let Some(p) = unknown else { return Ok(()) };
        let dashed = p.value.replace('_', "-");
        let fix = match self.locked_packages.contains(&dashed) {
            true => format!(
                "the package is `{dashed}`: hot.csv spells crate names with `_`, packages keep their `-`"
            ),
            false => {
                "name a package as Cargo.toml and Cargo.lock spell it (`cargo tree` lists them)"
                    .to_owned()
            }
        };
        Err(sweep
            .error_at(
                p.offset,
                format!(
                    "hot-packages names `{}`, which is no package of this workspace's Cargo.lock",
                    p.value
                ),
            )
            .with_fix(fix))
    }

    /// The member called `name`, or an error at `offset` of the sweep file listing them.
    fn package(&self, sweep: &Sweep, name: &str, offset: usize) -> Result<&Package, InputError> {
        self.packages.iter().find(|p| p.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.packages.iter().map(|p| p.name.as_str()).collect();
            sweep
                .error_at(
                    offset,
                    format!(
                        "no package `{name}` in the workspace {}",
                        self.root_manifest.display()
                    ),
                )
                .with_fix(format!("use one of its packages: {}", names.join(", ")))
        })
    }

    /// Checks that every `[[bench]]` names a bench target of a member, and returns where each
    /// one runs and what it needs.
    pub fn bench_targets(&self, sweep: &Sweep) -> Result<Vec<BenchTarget>, InputError> {
        sweep.benches.iter().map(|bench| self.bench_target(sweep, bench)).collect()
    }

    /// Where one `[[bench]]` runs and what it needs, once its package and target are checked.
    fn bench_target(&self, sweep: &Sweep, bench: &Bench) -> Result<BenchTarget, InputError> {
        let package = self.package(sweep, &bench.spec.package, bench.package_offset)?;
        let name = &package.name;
        if !package.benches.contains(&bench.spec.bench) {
            let fix = match package.benches.as_slice() {
                [] => format!(
                    "`{name}` has no bench target; add one under benches/ with harness = false, \
                     or name another package"
                ),
                names => format!("use one of the bench targets of `{name}`: {}", names.join(", ")),
            };
            let message = format!("package `{name}` has no bench target `{}`", bench.spec.bench);
            return Err(sweep.error_at(bench.bench_offset, message).with_fix(fix));
        }
        let harness = Self::harness_of(sweep, bench, package)?;
        let whole = |d: std::time::Duration| d.subsec_nanos() == 0;
        if let Some(version) = package
            .criterion_version
            .as_deref()
            .filter(|v| v.starts_with("0.3.") && harness == Harness::Criterion)
            && !(whole(bench.spec.warm_up) && whole(bench.spec.measurement))
        {
            let message = format!(
                "`{name}` uses criterion {version} (in Cargo.lock), which takes whole seconds only"
            );
            let fix = "write whole seconds for warm-up-seconds and measurement-seconds (1 or \
                       more), or move the bench to criterion 0.4 or newer";
            return Err(sweep.error_at(bench.bench_offset, message).with_fix(fix));
        }
        let features = package.required_features_of(&bench.spec.bench).to_vec();
        Ok(BenchTarget { harness, dir: package.dir.clone(), features })
    }

    /// The harness a `[[bench]]` is written with: as the sweep file says, else the one bench
    /// crate its package depends on, else libtest (which needs no crate).
    fn harness_of(sweep: &Sweep, bench: &Bench, package: &Package) -> Result<Harness, InputError> {
        let name = &package.name;
        if let Some(harness) = bench.spec.harness {
            return Ok(harness);
        }
        package.harness_of(&bench.spec.bench).map_err(|several| {
            let names: Vec<&str> = several.iter().map(|h| h.key()).collect();
            let message = format!(
                "`{name}` depends on {}: which harness is bench `{}` written with?",
                names.join(" and "),
                bench.spec.bench
            );
            let fix = format!("add harness = \"{}\" (or another) to its [[bench]]", names[0]);
            sweep.error_at(bench.bench_offset, message).with_fix(fix)
        })
    }

    /// Finds the sweep's package and binary, or says which ones exist. A package without a
    /// binary (a library) is swept for runtime only: its `[[bench]]`s are all there is to build.
    pub fn build_target(&self, sweep: &Sweep) -> Result<BuildTarget, InputError> {
        self.check_hot_packages(sweep)?;
        let wanted = &sweep.package;
        let package = self.package(sweep, &wanted.value, wanted.offset)?;
        let bin = match &sweep.bin {
            Some(bin) if package.bins.contains(&bin.value) => Some(bin.value.clone()),
            Some(bin) => {
                return Err(sweep
                    .error_at(
                        bin.offset,
                        format!("package `{}` has no binary `{}`", package.name, bin.value),
                    )
                    .with_fix(bins_fix(package)));
            }
            None => match package.bins.as_slice() {
                [only] => Some(only.clone()),
                [] if sweep.benches.is_empty() => {
                    return Err(sweep
                        .error_at(wanted.offset, format!("package `{}` has no binary and the sweep has no [[bench]]: nothing to build or measure", package.name))
                        .with_fix(bins_fix(package)));
                }
                [] if !sweep.runs.is_empty() => {
                    return Err(sweep
                        .error_at(wanted.offset, format!("package `{}` has no binary, so the sweep's [[run]] sections have nothing to run", package.name))
                        .with_fix("remove the [[run]] sections; a library is measured through its [[bench]] targets"));
                }
                [] => None,
                _ => {
                    return Err(sweep
                        .error_at(
                            wanted.offset,
                            format!(
                                "package `{}` has {} binaries; say which to build",
                                package.name,
                                package.bins.len()
                            ),
                        )
                        .with_fix(bins_fix(package)));
                }
            },
        };
        let features = bin
            .as_deref()
            .map(|bin| package.required_features_of(bin).to_vec())
            .unwrap_or_default();
        let root_source = bin.as_deref().and_then(|bin| {
            package.bin_sources.iter().find(|(name, _)| name == bin).map(|(_, path)| path.clone())
        });
        if bin.is_none() && sweep.rebuild.detailed {
            let message = format!(
                "the rebuild-* keys time a binary's rebuilds, and package `{}` has none",
                package.name
            );
            return Err(sweep
                .error_at(wanted.offset, message)
                .with_fix("remove the rebuild-* keys, or sweep a package with a binary"));
        }
        let touched = self.touched(sweep, root_source.as_deref())?;
        Ok(BuildTarget { package: package.name.clone(), bin, features, touched })
    }

    /// The files whose edits are timed: the sweep's `rebuild-touch`, each checked to be a file
    /// inside the workspace, or else the binary's root source file.
    fn touched(
        &self,
        sweep: &Sweep,
        root_source: Option<&Path>,
    ) -> Result<Vec<Touched>, InputError> {
        let root = self.dir().canonicalize().unwrap_or_else(|_| self.dir().to_owned());
        if sweep.rebuild.touch.is_empty() {
            let label =
                |path: &Path| path.strip_prefix(&root).unwrap_or(path).display().to_string();
            return Ok(root_source
                .map(|path| Touched { label: label(path), path: path.to_owned() })
                .into_iter()
                .collect());
        }
        sweep
            .rebuild
            .touch
            .iter()
            .map(|file| {
                let path = root.join(&file.value);
                match path.canonicalize() {
                    Ok(real) if real.is_file() && real.starts_with(&root) => {
                        Ok(Touched { label: file.value.clone(), path: real })
                    }
                    _ => Err(sweep
                        .error_at(
                            file.offset,
                            format!(
                                "rebuild-touch {:?} is not a file in the workspace {}",
                                file.value,
                                root.display()
                            ),
                        )
                        .with_fix("name an existing source file, relative to the workspace root")),
                }
            })
            .collect()
    }
}

fn bins_fix(package: &Package) -> String {
    if package.bins.is_empty() {
        format!(
            "`{}` has no binary target: sweep a package that has one, or measure this library's runtime with a [[bench]] naming one of its bench targets",
            package.name
        )
    } else {
        format!(
            "add bin = \"{}\" (binaries of `{}`: {})",
            package.bins[0],
            package.name,
            package.bins.join(", ")
        )
    }
}

/// The version of `dependency` that `package` uses, as the parsed `Cargo.lock` resolves it: its
/// entry lists `name` alone when the lock holds one version of it, or `name version` otherwise.
fn locked_dependency_version(
    lock: &toml::Table,
    package: &str,
    dependency: &str,
) -> Option<String> {
    let packages = lock.get("package")?.as_array()?;
    let field =
        |entry: &toml::Value, key: &str| entry.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    let entry = packages
        .iter()
        .find(|p| field(p, "name").as_deref() == Some(package) && p.get("source").is_none())?;
    let listed = entry
        .get("dependencies")?
        .as_array()?
        .iter()
        .filter_map(|d| d.as_str())
        .find(|d| d.split(' ').next() == Some(dependency))?;
    match listed.split(' ').nth(1) {
        Some(version) => Some(version.to_owned()),
        None => packages
            .iter()
            .find(|p| field(p, "name").as_deref() == Some(dependency))
            .and_then(|p| field(p, "version")),
    }
}

impl Package {
    /// The harness bench target `bench` is written with: the one bench crate the package
    /// depends on, libtest if none; with several, the one whose entry point its source file
    /// names (`criterion_main!`, `divan::main`, gungraun's `main!`, `#[bench]`). `Err` lists
    /// the candidates when that does not tell.
    pub fn harness_of(&self, bench: &str) -> Result<Harness, Vec<Harness>> {
        match self.harnesses.as_slice() {
            [] => return Ok(Harness::Libtest),
            [only] => return Ok(*only),
            _ => {}
        }
        let source = self.bench_sources.iter().find(|(name, _)| name == bench);
        let text = source.and_then(|(_, path)| std::fs::read_to_string(path).ok());
        let named = |harness: &Harness| {
            let markers: &[&str] = match harness {
                Harness::Criterion => &["criterion_main!"],
                Harness::Divan => &["divan::main"],
                Harness::Gungraun => &["library_benchmark_group!", "binary_benchmark_group!"],
                Harness::Libtest => &["#[bench]"],
            };
            text.as_deref().is_some_and(|t| markers.iter().any(|m| t.contains(m)))
        };
        let candidates = self.harnesses.iter().copied().chain([Harness::Libtest]);
        match candidates.filter(named).collect::<Vec<_>>()[..] {
            [only] => Ok(only),
            _ => Err(self.harnesses.clone()),
        }
    }

    /// The `required-features` of target `name` (empty if it has none).
    pub fn required_features_of(&self, name: &str) -> &[String] {
        self.required_features
            .iter()
            .find(|(target, _)| target == name)
            .map_or(&[], |(_, features)| features)
    }
}

#[cfg(test)]
mod tests {
    use super::{Harness, Package, locked_dependency_version};

    #[test]
    fn a_benchs_harness_is_its_packages_one_bench_crate_or_what_its_source_calls() {
        let dir = tempfile::tempdir().unwrap();
        let source = |name: &str, text: &str| {
            let path = dir.path().join(format!("{name}.rs"));
            std::fs::write(&path, text).unwrap();
            (name.to_owned(), path)
        };
        let package = |harnesses: Vec<Harness>| Package {
            name: "p".into(),
            bins: vec![],
            bin_sources: vec![],
            benches: vec!["walk".into(), "plain".into(), "odd".into()],
            bench_sources: vec![
                source("walk", "fn main() { divan::main(); }"),
                source("plain", "#![feature(test)]\n#[bench]\nfn b(_: &mut test::Bencher) {}"),
                source("odd", "fn main() {}"),
            ],
            required_features: vec![],
            criterion_version: None,
            harnesses,
            dir: dir.path().to_owned(),
        };
        assert_eq!(package(vec![]).harness_of("walk"), Ok(Harness::Libtest));
        assert_eq!(package(vec![Harness::Divan]).harness_of("odd"), Ok(Harness::Divan));
        let both = package(vec![Harness::Criterion, Harness::Divan]);
        assert_eq!(both.harness_of("walk"), Ok(Harness::Divan));
        assert_eq!(both.harness_of("plain"), Ok(Harness::Libtest));
        assert_eq!(both.harness_of("odd"), Err(vec![Harness::Criterion, Harness::Divan]));
    }

    #[test]
    fn the_locked_version_of_a_dependency_is_found_with_one_or_several_versions() {
        let lock: toml::Table = concat!(
            "version = 4\n",
            "[[package]]\nname = \"criterion\"\nversion = \"0.3.6\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
            "[[package]]\nname = \"old\"\nversion = \"0.1.0\"\ndependencies = [\"criterion\"]\n",
            "[[package]]\nname = \"plain\"\nversion = \"0.1.0\"\n",
            "[[package]]\nname = \"two\"\nversion = \"0.1.0\"\ndependencies = [\"criterion 0.8.2\", \"serde\"]\n",
        )
        .parse()
        .unwrap();
        assert_eq!(locked_dependency_version(&lock, "old", "criterion").as_deref(), Some("0.3.6"));
        assert_eq!(locked_dependency_version(&lock, "two", "criterion").as_deref(), Some("0.8.2"));
        assert_eq!(locked_dependency_version(&lock, "plain", "criterion"), None);
        assert_eq!(locked_dependency_version(&lock, "missing", "criterion"), None);
    }
}

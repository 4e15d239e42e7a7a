//! Facts about the workspace being swept, from `cargo metadata`: its root manifest (the only one
//! whose profiles count), its target directory, and which packages have which binaries.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use cargo_metadata::{MetadataCommand, TargetKind};

use crate::error::InputError;
use crate::spec::Sweep;

/// A workspace, as cargo sees it.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The workspace root's `Cargo.toml`, absolute and free of symlinks.
    pub root_manifest: PathBuf,
    /// The target directory (honours `CARGO_TARGET_DIR` and `.cargo/config.toml`).
    pub target_dir: PathBuf,
    /// Workspace members with their binary targets.
    pub packages: Vec<Package>,
}

/// A workspace member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The package name.
    pub name: String,
    /// Its binary targets.
    pub bins: Vec<String>,
}

/// What one sweep builds: a package and one of its binaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildTarget {
    /// The package name.
    pub package: String,
    /// The binary target name.
    pub bin: String,
}

impl Workspace {
    /// Asks `cargo` (the one given) about the workspace containing `manifest_path`.
    pub fn load(cargo: &Path, manifest_path: &Path) -> Result<Workspace> {
        let metadata = MetadataCommand::new()
            .cargo_path(cargo)
            .manifest_path(manifest_path)
            .no_deps()
            .exec()
            .with_context(|| format!("cargo metadata failed for {}", manifest_path.display()))?;
        let root_manifest = metadata.workspace_root.join("Cargo.toml").into_std_path_buf();
        let root_manifest = root_manifest
            .canonicalize()
            .with_context(|| format!("cannot resolve {}", root_manifest.display()))?;
        let members = metadata.workspace_packages();
        let packages = members
            .iter()
            .map(|p| Package {
                name: p.name.to_string(),
                bins: p.targets.iter().filter(|t| t.kind.contains(&TargetKind::Bin)).map(|t| t.name.clone()).collect(),
            })
            .collect();
        Ok(Workspace { root_manifest, target_dir: metadata.target_directory.into_std_path_buf(), packages })
    }

    /// Finds the sweep's package and binary, or says which ones exist.
    pub fn build_target(&self, sweep: &Sweep) -> Result<BuildTarget, InputError> {
        let wanted = &sweep.package;
        let Some(package) = self.packages.iter().find(|p| p.name == wanted.value) else {
            let names: Vec<&str> = self.packages.iter().map(|p| p.name.as_str()).collect();
            return Err(sweep
                .error_at(wanted.offset, format!("no package `{}` in the workspace {}", wanted.value, self.root_manifest.display()))
                .with_fix(format!("use one of its packages: {}", names.join(", "))));
        };
        let bin = match &sweep.bin {
            Some(bin) if package.bins.contains(&bin.value) => bin.value.clone(),
            Some(bin) => {
                return Err(sweep
                    .error_at(bin.offset, format!("package `{}` has no binary `{}`", package.name, bin.value))
                    .with_fix(bins_fix(package)));
            }
            None => match package.bins.as_slice() {
                [only] => only.clone(),
                _ => {
                    return Err(sweep
                        .error_at(wanted.offset, format!("package `{}` has {} binaries; say which to build", package.name, package.bins.len()))
                        .with_fix(bins_fix(package)));
                }
            },
        };
        Ok(BuildTarget { package: package.name.clone(), bin })
    }
}

fn bins_fix(package: &Package) -> String {
    if package.bins.is_empty() {
        format!("`{}` has no binary target; sweep a package that has one", package.name)
    } else {
        format!("add bin = \"{}\" (binaries of `{}`: {})", package.bins[0], package.name, package.bins.join(", "))
    }
}

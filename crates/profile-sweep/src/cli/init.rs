//! `init`: write a commented starter sweep file for the crate it runs in; never overwrites.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::Door;
use crate::error::{InputError, SweepError};
use crate::host::workspace::{Package, Workspace};
use crate::plan::measurement::Harness;
use crate::plan::settings::BaseProfile;
use crate::plan::spec::Sweep;
use crate::plan::starter::{Preset, StarterCrate, starter};
use crate::plan::variants;

/// The sweep file `init` writes and `sweep` reads by default, in the workspace root.
pub const FILE_NAME: &str = "profile-sweep.toml";

/// Write a commented starter sweep file for this crate (never overwrites a file).
#[derive(Debug, clap::Args)]
pub struct Init {
    /// Which settings to sweep.
    #[arg(long, value_enum, default_value_t = Preset::Ladder)]
    preset: Preset,
    /// The package to sweep [default: the current directory's package, or the workspace's only
    /// one with a binary].
    #[arg(long, short, value_name = "NAME")]
    package: Option<String>,
    /// The binary to sweep, when the package has several.
    #[arg(long, value_name = "NAME")]
    bin: Option<String>,
    /// Where to write the file [default: profile-sweep.toml in the workspace root].
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// A Cargo.toml of the workspace [default: the current directory's workspace].
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
}

impl Init {
    /// Writes the file and says how to sweep it.
    pub fn run(self, door: &Door) -> ExitCode {
        match self.write(door) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => crate::cli::fail(e, "no file was written"),
        }
    }

    fn write(&self, door: &Door) -> Result<(), SweepError> {
        let manifest = door.manifest(self.manifest_path.clone())?;
        let workspace = Workspace::load(&crate::cli::cargo(), &manifest)?;
        let subject = subject(&workspace, self.package.as_deref(), self.bin.as_deref())?;
        if self.preset == Preset::Dev && subject.bin.is_none() {
            let message = format!(
                "the dev preset times rebuilds of a binary, and package `{}` has none",
                subject.package
            );
            return Err(InputError::in_file(&workspace.root_manifest, message)
                .with_fix("choose a package with a binary with --package NAME")
                .into());
        }
        let output = self.output.clone().unwrap_or_else(|| workspace.dir().join(FILE_NAME));
        let name = match &self.output {
            Some(file) => file.file_stem().map(|s| s.to_string_lossy().into_owned()),
            None => None,
        };
        let name = name.unwrap_or_else(|| format!("{}-{}", subject.package, self.preset.name()));
        let text = starter(&subject, self.preset, &name);
        let sweep = Sweep::parse(&output, text.clone())?;
        let base = BaseProfile::from_name(&sweep.inherits.value).unwrap_or(BaseProfile::Release);
        let variants = variants::expand(&sweep, base.cargo_defaults(false)).variants.len();
        create_new(&output, &text)?;
        let how = if output == workspace.dir().join(FILE_NAME) {
            format!("`{} sweep`", door.name)
        } else {
            format!("`{} sweep --sweep {}`", door.name, output.display())
        };
        println!(
            "wrote {}: the `{}` preset, {variants} variants of `{}`{}.\nEdit it (its comments say what each part does), then run {how}.",
            output.display(),
            self.preset.name(),
            subject.package,
            subject.bin.as_deref().map(|b| format!(" (binary `{b}`)")).unwrap_or_default(),
        );
        Ok(())
    }
}

/// Creates `path` with `text`, failing if it exists.
fn create_new(path: &Path, text: &str) -> Result<(), SweepError> {
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(path);
    match file {
        Ok(mut file) => file.write_all(text.as_bytes()).map_err(|e| {
            SweepError::Other(
                anyhow::Error::new(e).context(format!("cannot write {}", path.display())),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(InputError::in_file(path, "already exists; init never overwrites a file")
                .with_fix("edit it, remove it first, or write elsewhere with --output FILE")
                .into())
        }
        Err(e) => Err(SweepError::Other(
            anyhow::Error::new(e).context(format!("cannot create {}", path.display())),
        )),
    }
}

/// The package, binary, benches and release profile a starter file sweeps.
pub fn subject(
    workspace: &Workspace,
    package: Option<&str>,
    bin: Option<&str>,
) -> Result<StarterCrate, InputError> {
    let package = choose_package(workspace, package)?;
    let bin = choose_bin(workspace, package, bin)?;
    // When the package's bench crates and the bench's source do not tell, the first crate:
    // the file says which, for the user to check.
    let benches: Vec<(String, Harness)> = package
        .benches
        .iter()
        .map(|bench| {
            let harness = package.harness_of(bench).unwrap_or_else(|several| several[0]);
            (bench.clone(), harness)
        })
        .collect();
    if bin.is_none() && benches.is_empty() {
        return Err(InputError::in_file(
            &workspace.root_manifest,
            format!("package `{}` has no binary and no bench target: nothing to measure", package.name),
        )
        .with_fix("choose a package with a binary with --package NAME, or add a bench (criterion, divan, gungraun or libtest)"));
    }
    Ok(StarterCrate {
        package: package.name.clone(),
        bin,
        benches,
        criterion_version: package.criterion_version.clone(),
        release: release_profile(&workspace.root_manifest),
    })
}

/// The named package; else the one whose directory holds the current directory (as cargo
/// chooses); else the only one with a binary.
fn choose_package<'w>(
    workspace: &'w Workspace,
    name: Option<&str>,
) -> Result<&'w Package, InputError> {
    let packages = &workspace.packages;
    let list = || packages.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ");
    let error = |message: String| {
        InputError::in_file(&workspace.root_manifest, message)
            .with_fix(format!("pass --package with one of: {}", list()))
    };
    if let Some(name) = name {
        return packages
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| error(format!("no package `{name}` in this workspace")));
    }
    let here = std::env::current_dir().unwrap_or_default();
    let mut containing: Vec<&Package> =
        packages.iter().filter(|p| here.starts_with(&p.dir)).collect();
    containing.sort_by_key(|p| std::cmp::Reverse(p.dir.components().count()));
    if let Some(package) = containing.first() {
        return Ok(package);
    }
    match packages.iter().filter(|p| !p.bins.is_empty()).collect::<Vec<_>>().as_slice() {
        [only] => Ok(only),
        _ => Err(error("the workspace has several packages; which one to sweep?".to_owned())),
    }
}

/// The named binary, or the package's only one; `None` for a library.
fn choose_bin(
    workspace: &Workspace,
    package: &Package,
    name: Option<&str>,
) -> Result<Option<String>, InputError> {
    let error = |message: String| {
        InputError::in_file(&workspace.root_manifest, message)
            .with_fix(format!("pass --bin with one of: {}", package.bins.join(", ")))
    };
    match (name, package.bins.as_slice()) {
        (Some(name), bins) if bins.iter().any(|b| b == name) => Ok(Some(name.to_owned())),
        (Some(name), _) => Err(error(format!("package `{}` has no binary `{name}`", package.name))),
        (None, [only]) => Ok(Some(only.clone())),
        (None, []) => Ok(None),
        (None, _) => Err(error(format!("package `{}` has several binaries", package.name))),
    }
}

/// The root manifest's `[profile.release]`, one `key = value` per line (empty if none).
fn release_profile(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).unwrap_or_default();
    let Ok(document) = text.parse::<toml_edit::DocumentMut>() else { return Vec::new() };
    let release = document.get("profile").and_then(|p| p.get("release"));
    let Some(table) = release.and_then(toml_edit::Item::as_table_like) else { return Vec::new() };
    let plain = |item: &toml_edit::Item| match item.as_value() {
        Some(value) => value.clone().decorated("", "").to_string(),
        None => item.to_string().trim().to_owned(),
    };
    table.iter().map(|(key, item)| format!("{key} = {}", plain(item))).collect()
}

//! The tools of the profile-guided steps around cargo: the rustc flags of PGO's instrumented
//! and profile-using builds and of a build BOLT can rewrite, `llvm-profdata merge`, and
//! `llvm-bolt` (instrument, then optimise with the merged profile) followed by `llvm-strip`.
//!
//! Running the training workloads is not here: the sweep runs them between these steps.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use crate::build::{ToolFailed, ToolRun, run_tool};
use crate::plan::settings::Strip;

/// The rustc flags of PGO's instrumented build: raw profiles go to `raw_dir`.
pub fn profile_generate(raw_dir: &Path) -> Vec<String> {
    vec![format!("-Cprofile-generate={}", raw_dir.display())]
}

/// The rustc flags of PGO's final build, which optimises with the merged `profdata`.
pub fn profile_use(profdata: &Path) -> Vec<String> {
    vec![format!("-Cprofile-use={}", profdata.display())]
}

/// The rustc flags of a build BOLT rewrites: it needs the link's relocations and the symbols,
/// so the variant's `strip` is applied after BOLT instead (the last `-C strip` wins).
pub fn bolt_ready() -> Vec<String> {
    vec!["-Clink-arg=-Wl,--emit-relocs".into(), "-Cstrip=none".into()]
}

/// BOLT's layout options: basic blocks and functions ordered by the profile, cold code split
/// off, identical functions folded; regular pages, so the file does not grow to 2 MiB-aligned
/// hot text.
const BOLT_OPTIMISE: [&str; 7] = [
    "-reorder-blocks=ext-tsp",
    "-reorder-functions=cdsort",
    "-split-functions",
    "-split-all-cold",
    "-icf=1",
    "-use-gnu-stack",
    "-no-huge-pages",
];

/// Runs `command` to its end: its wall time, or its error output led by the program's name.
fn run(command: &mut Command) -> Result<ToolRun> {
    let program = command.get_program().to_string_lossy().into_owned();
    Ok(run_tool(command)?.map_err(|errors| ToolFailed(format!("{program} failed:\n{errors}"))))
}

/// Runs `commands` one after another until one fails: their total wall time, or the error.
fn in_turn(commands: Vec<Command>) -> Result<ToolRun> {
    let mut total = 0.0;
    for mut command in commands {
        match run(&mut command)? {
            Ok(seconds) => total += seconds,
            failed => return Ok(failed),
        }
    }
    Ok(Ok(total))
}

/// The files in `dir` whose names end in `extension`, sorted.
fn files_in(dir: &Path, extension: &str) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    Ok(files)
}

/// `llvm-profdata merge` of every `.profraw` in `raw_dir` into `profdata`.
pub fn merge_profiles(llvm_tools: &Path, raw_dir: &Path, profdata: &Path) -> Result<ToolRun> {
    let raw = files_in(raw_dir, "profraw")?;
    if raw.is_empty() {
        let why = format!("the training wrote no profile into {}", raw_dir.display());
        return Ok(Err(ToolFailed(why)));
    }
    run(Command::new(llvm_tools.join("llvm-profdata"))
        .arg("merge")
        .arg("-o")
        .arg(profdata)
        .args(raw))
}

/// `llvm-bolt -instrument`: a copy of `executable` at `instrumented` that writes its profile
/// to `<profile_dir>/prof.<pid>.fdata` when it exits.
pub fn bolt_instrument(
    bolt_dir: &Path,
    executable: &Path,
    instrumented: &Path,
    profile_dir: &Path,
) -> Result<ToolRun> {
    let file = format!("--instrumentation-file={}", profile_dir.join("prof").display());
    run(Command::new(bolt_dir.join("llvm-bolt"))
        .arg(executable)
        .arg("-instrument")
        .arg("-o")
        .arg(instrumented)
        .arg(file)
        .arg("--instrumentation-file-append-pid"))
}

/// Merges the training's profiles in `profile_dir`, rewrites `executable` with them, then
/// strips it as its variant asks (`llvm-strip`). Replaces `executable`.
pub fn bolt_optimise(
    (bolt_dir, llvm_tools): (&Path, &Path),
    executable: &Path,
    profile_dir: &Path,
    strip: Strip,
) -> Result<ToolRun> {
    let profiles = files_in(profile_dir, "fdata")?;
    if profiles.is_empty() {
        let why = format!("the training wrote no BOLT profile into {}", profile_dir.display());
        return Ok(Err(ToolFailed(why)));
    }
    let merged = profile_dir.join("merged.fdata-all");
    let optimised = executable.with_extension("bolt");
    let mut merge = Command::new(bolt_dir.join("merge-fdata"));
    merge.args(&profiles).arg("-o").arg(&merged);
    let mut optimise = Command::new(bolt_dir.join("llvm-bolt"));
    optimise.arg(executable).arg("-o").arg(&optimised);
    optimise.arg(format!("-data={}", merged.display())).args(BOLT_OPTIMISE);
    if strip == Strip::None {
        // BOLT drops the debug sections it does not rewrite; `strip = "none"` keeps them.
        optimise.arg("-update-debug-sections");
    }
    let mut steps = vec![merge, optimise];
    let strip_flag = match strip {
        Strip::None => None,
        Strip::Debuginfo => Some("--strip-debug"),
        Strip::Symbols => Some("--strip-all"),
    };
    if let Some(flag) = strip_flag {
        let mut strip = Command::new(llvm_tools.join("llvm-strip"));
        strip.arg(flag).arg(&optimised);
        steps.push(strip);
    }
    let seconds = match in_turn(steps)? {
        Ok(seconds) => seconds,
        failed => return Ok(failed),
    };
    std::fs::rename(&optimised, executable)
        .with_context(|| format!("cannot replace {}", executable.display()))?;
    Ok(Ok(seconds))
}

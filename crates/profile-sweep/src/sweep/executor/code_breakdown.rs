//! Where a built variant's code goes, per crate and function (`crates.csv`, `functions.csv`),
//! read from an executable of its code with symbols, which is kept for `hot.csv`.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{CargoExecutor, Job};
use crate::build::cargo::BuildOutcome;
use crate::measure::bloat::{self, Analysis};
use crate::plan::variants::Variant;
use crate::sweep::measurer::{BuiltVariant, Symbols};

/// The code of a strip group, read from one executable with symbols.
pub(super) struct GroupCode {
    /// The variant the symbols were read from.
    from: String,
    /// The `.text` size the code belongs to.
    text_bytes: u64,
    /// Its breakdown per crate and function.
    analysis: Analysis,
    /// The kept executable with symbols.
    executable: PathBuf,
}

impl CargoExecutor<'_> {
    /// Finds where the code of a built binary goes, per crate, and writes its `crates.csv`
    /// rows. The symbols come from the binary itself, else from an earlier member of its strip
    /// group with the same `.text` size, else from a relink of the build with `-C strip=none`
    /// (`relink_unstripped`), whose code is the same.
    pub(super) fn record_crates(
        &mut self,
        job: &Job<'_>,
        built: &mut BuiltVariant,
        relink_unstripped: impl FnOnce(&mut Self) -> anyhow::Result<BuildOutcome>,
    ) -> anyhow::Result<()> {
        let Some((executable, _)) = &built.executable else { return Ok(()) };
        let id = &job.variant.id;
        let text_bytes = built.size_row.text_bytes;
        let own = bloat::analyse(&fs::read(executable)?)
            .map(|analysis| (id.clone(), analysis, executable.clone()));
        let found = match (own, &self.group.crates) {
            (Some(own), _) => Some(own),
            (None, Some(group)) if Some(group.text_bytes) == text_bytes => {
                Some((group.from.clone(), group.analysis.clone(), group.executable.clone()))
            }
            // wasm-opt rewrote the module a relink would give back: no breakdown for it.
            (None, _) if text_bytes.is_some() && job.variant.env.wasm_opt.is_none() => {
                match relink_unstripped(self)? {
                    BuildOutcome::Built { executable, .. } => {
                        let kept = self.keep_as(&job.variant.id, "strip-none", &executable)?;
                        bloat::analyse(&fs::read(&kept)?).map(|analysis| {
                            (format!("{id} relinked with strip = none"), analysis, kept)
                        })
                    }
                    BuildOutcome::Failed { .. } => None,
                }
            }
            (None, _) => None,
        };
        let Some((from, analysis, with_symbols)) = found else { return Ok(()) };
        let sweep = &self.prepared.sweep;
        built.crates = analysis.rows(&sweep.name, id, sweep.functions, &from);
        built.symbols = Some(Symbols { executable: with_symbols.clone(), from: from.clone() });
        self.recorder.save_breakdown(id, &built.crates)?;
        if let Some(text_bytes) = text_bytes {
            let executable = with_symbols;
            self.group.crates = Some(GroupCode { from, text_bytes, analysis, executable });
        }
        Ok(())
    }

    /// Keeps a copy of an executable cargo built for `variant` (the build directory goes away).
    pub(super) fn keep(&self, variant: &Variant, executable: &Path) -> anyhow::Result<PathBuf> {
        self.keep_as(&variant.id, "", executable)
    }

    /// Keeps a copy of an executable in `bin/<variant>/<subdir>/`.
    fn keep_as(&self, id: &str, subdir: &str, executable: &Path) -> anyhow::Result<PathBuf> {
        let file_name = executable.file_name().context("executable without a file name")?;
        let dir = self.prepared.work_dir.join("bin").join(id).join(subdir);
        let kept = dir.join(file_name);
        fs::create_dir_all(&dir)?;
        fs::copy(executable, &kept).with_context(|| {
            format!("cannot copy {} to {}", executable.display(), kept.display())
        })?;
        Ok(kept)
    }
}

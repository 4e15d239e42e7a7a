//! `convert`: rewrite results of the first layout (one `results.csv`) as the current files.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::error::InputError;
use crate::results::layout::{self, ResultsLocation};

/// Rewrite a results.csv of the first layout as run.json, variants.csv and measurements.csv in
/// its directory, number for number; the old file is left as it was.
#[derive(Debug, clap::Args)]
pub struct Convert {
    /// The results.csv, or the directory holding it.
    results: PathBuf,
}

impl Convert {
    /// Converts, then reads the new files back and checks they hold the same rows.
    pub fn run(self) -> ExitCode {
        let legacy = match layout::locate(&self.results) {
            ResultsLocation::Legacy(file) => file,
            ResultsLocation::Split(dir) => {
                let done = InputError::in_file(&dir, "already holds results in the current layout")
                    .with_fix("nothing to convert: plot, compare and apply read it as it is");
                return crate::cli::fail(done.into(), "nothing was written");
            }
        };
        let dir = layout::dir_of(&legacy);
        if dir.join(layout::RUN_FILE).exists() {
            let both = InputError::in_file(&dir, "holds both layouts; the current one is read")
                .with_fix("move results.csv aside if the current files are the ones to keep");
            return crate::cli::fail(both.into(), "nothing was written");
        }
        let rows = match layout::load(&legacy) {
            Ok(rows) => rows,
            Err(e) => return crate::cli::fail(e.into(), "nothing was written"),
        };
        if let Err(e) = layout::write_dir(&dir, &rows) {
            return crate::cli::fail(e.into(), "the new files may be incomplete");
        }
        match layout::read_dir(&dir) {
            Ok(back) if back.len() == rows.len() && rows.iter().all(|r| back.contains(r)) => {
                println!(
                    "converted {} rows of {} into {}, {} and {} beside it; it is left as it was",
                    rows.len(),
                    legacy.display(),
                    layout::RUN_FILE,
                    layout::VARIANTS_FILE,
                    layout::MEASUREMENTS_FILE
                );
                ExitCode::SUCCESS
            }
            Ok(_) => crate::cli::fail(
                anyhow::anyhow!("the new files do not read back as the same rows").into(),
                "the old file is unchanged",
            ),
            Err(e) => crate::cli::fail(e.into(), "the old file is unchanged"),
        }
    }
}

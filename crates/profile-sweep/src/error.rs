//! Errors a user can fix: a bad sweep file, an unknown package, a manifest we cannot sweep.
//!
//! They name the file, the line and the column, and say how to fix the problem. Everything else
//! (an I/O failure, cargo not starting) is an `anyhow` error with the path in its context.

use std::fmt;
use std::path::{Path, PathBuf};

/// A mistake in the user's input, found before any build starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file at fault.
    pub file: PathBuf,
    /// Line and column (1-based) of the offending text, when known.
    pub position: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
    /// The offending source line, shown under the message.
    pub source_line: Option<String>,
    /// How to fix it.
    pub fix: Option<String>,
}

impl InputError {
    /// An error about a whole file, with no position in it.
    pub fn in_file(file: &Path, message: impl Into<String>) -> Self {
        InputError {
            file: file.to_owned(),
            position: None,
            message: message.into(),
            source_line: None,
            fix: None,
        }
    }

    /// An error at byte offset `offset` of `text`, the contents of `file`.
    pub fn at(file: &Path, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = text[line_start..offset].chars().count() + 1;
        let source_line = text[line_start..].lines().next().unwrap_or("").to_owned();
        InputError {
            file: file.to_owned(),
            position: Some((line, column)),
            message: message.into(),
            source_line: Some(source_line),
            fix: None,
        }
    }

    /// Adds the suggested fix.
    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message)?;
        if let (Some(text), Some((line, column))) = (&self.source_line, self.position) {
            let gutter = line.to_string().len();
            write!(f, "\n {:gutter$} |\n {line} | {text}\n {:gutter$} | {:>column$}", "", "", "^")?;
        }
        if let Some(fix) = &self.fix {
            write!(f, "\n  fix: {fix}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Why a sweep stopped early.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The user's input is wrong; nothing was built or modified.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Ctrl-C, SIGTERM or SIGHUP arrived; finished rows are kept and the manifest restored.
    #[error("interrupted by a signal after {finished} of {total} variants")]
    Interrupted {
        /// Variants whose rows were written.
        finished: usize,
        /// Variants in the sweep.
        total: usize,
        /// The results directory holding the finished rows.
        results: PathBuf,
    },
    /// Anything else before the manifest was edited (I/O, cargo not starting, another sweep
    /// running): nothing was changed.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
    /// Anything else once the sweep's profiles were in the manifest: it was put back, and the
    /// rows of finished variants are kept.
    #[error(transparent)]
    AfterEdit(anyhow::Error),
}

impl SweepError {
    /// The same error, said to have happened after the manifest was edited.
    pub fn after_edit(self) -> SweepError {
        match self {
            SweepError::Other(e) => SweepError::AfterEdit(e),
            // Input checked late (a file changed while the sweep ran) is no longer "nothing
            // was built": builds happened.
            SweepError::Input(e) => SweepError::AfterEdit(e.into()),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_is_line_and_column_of_the_offset() {
        let text = "a = 1\nopt-level = [1, 4]\n";
        let err = InputError::at(Path::new("s.toml"), text, text.find('4').unwrap(), "bad")
            .with_fix("use 3");
        assert_eq!(err.position, Some((2, 17)));
        assert_eq!(
            err.to_string(),
            "s.toml:2:17: bad\n   |\n 2 | opt-level = [1, 4]\n   |                 ^\n  fix: use 3"
        );
    }
}

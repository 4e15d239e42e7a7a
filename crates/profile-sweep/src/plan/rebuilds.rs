//! The inner loop as the sweep file asks for it: which edits to time rebuilding after
//! (`rebuild-touch`), how often (`rebuild-repeats`), and whether the test build too
//! (`rebuild-tests`).

use toml::Spanned;

use crate::error::InputError;
use crate::plan::spec::Located;

/// How each built variant is timed rebuilding after an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RebuildSpec {
    /// Whether rebuilds are timed at all (`rebuild`, default true).
    pub enabled: bool,
    /// The files to touch, relative to the workspace root, where the sweep file names them;
    /// empty: the binary's root source file.
    pub touch: Vec<Located<String>>,
    /// Timed rebuilds per touched file (`rebuild-repeats`): the interval of the rebuild time
    /// comes from them. 3 when the inner loop is asked for, else 1.
    pub repeats: u32,
    /// Whether the sweep file asks for the inner loop (any of `rebuild-touch`,
    /// `rebuild-repeats`, `rebuild-tests`): then each file and kind gets rows with an interval
    /// and the report a verdict; else one rebuild of the root file gives `rebuild_seconds`.
    pub detailed: bool,
    /// Also time `cargo test --no-run` after each touch (`rebuild-tests`, default false).
    pub tests: bool,
}

/// The most rebuilds per file a sweep may ask for.
const MAX_REPEATS: i64 = 50;

/// Validates the `rebuild*` keys.
pub(super) fn rebuild_spec(
    enabled: Option<bool>,
    touch: Option<Vec<Spanned<String>>>,
    repeats: Option<&Spanned<i64>>,
    tests: Option<bool>,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<RebuildSpec, InputError> {
    let detailed = touch.is_some() || repeats.is_some() || tests.is_some();
    let repeats = match repeats {
        None if detailed => 3,
        None => 1,
        Some(n) if (2..=MAX_REPEATS).contains(n.get_ref()) => *n.get_ref() as u32,
        Some(n) => {
            return Err(at(n.span().start, format!("invalid rebuild-repeats {}", n.get_ref()))
                .with_fix(format!(
                    "rebuild-repeats takes 2 to {MAX_REPEATS}; 3 or more give an interval worth ranking on"
                )));
        }
    };
    let mut files: Vec<Located<String>> = Vec::new();
    for file in touch.unwrap_or_default() {
        let offset = file.span().start;
        let value = file.into_inner();
        let path = std::path::Path::new(&value);
        let escapes = path.components().any(|c| !matches!(c, std::path::Component::Normal(_)));
        if value.is_empty() || escapes {
            return Err(at(offset, format!("rebuild-touch {value:?} is not a path inside the workspace"))
                .with_fix("name a source file relative to the workspace root, like \"src/lib.rs\" (no .., no leading /)"));
        }
        if files.iter().any(|f| f.value == value) {
            return Err(at(offset, format!("rebuild-touch names {value:?} twice"))
                .with_fix("list each file once"));
        }
        files.push(Located { value, offset });
    }
    Ok(RebuildSpec {
        enabled: enabled.unwrap_or(true),
        touch: files,
        repeats,
        tests: tests.unwrap_or(false),
        detailed,
    })
}

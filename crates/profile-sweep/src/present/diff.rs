//! What grew and what shrank between two builds: machine code per crate and per function,
//! sorted by absolute change (as bloaty's diff does). From `crates.csv` and `functions.csv`
//! alone. `functions.csv` keeps each variant's largest functions only, so a function listed on
//! one side and not the other is said to be below the other's list, never "removed".

use crate::measure::bloat::{Breakdown, FunctionRow};
use crate::util::units::thousands;

/// One crate's or function's code in the old and the new build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeChange {
    /// The crate, or `crate: function`.
    pub name: String,
    /// Bytes before; `None` when not in the old build's list.
    pub old: Option<u64>,
    /// Bytes after; `None` when not in the new build's list.
    pub new: Option<u64>,
}

impl CodeChange {
    /// The change in bytes, counting a side that is not listed as zero (for crates, which are
    /// all listed, that is exact).
    pub fn delta(&self) -> i64 {
        self.new.unwrap_or(0) as i64 - self.old.unwrap_or(0) as i64
    }
}

/// The differences between two variants' breakdowns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diff {
    /// Crates whose code changed, largest absolute change first.
    pub crates: Vec<CodeChange>,
    /// Listed functions whose code changed, largest absolute change first.
    pub functions: Vec<CodeChange>,
}

impl Diff {
    /// The diff from variant `old` of `before` to variant `new` of `after` (the same file for
    /// two variants of one sweep); `None` unless both have a crate breakdown.
    pub fn between(before: &Breakdown, old: &str, after: &Breakdown, new: &str) -> Option<Diff> {
        let crates = |b: &Breakdown, v: &str| -> Vec<(String, u64)> {
            b.crates
                .iter()
                .filter(|c| c.variant == v)
                .map(|c| (c.krate.clone(), c.text_bytes))
                .collect()
        };
        let functions = |b: &Breakdown, v: &str| -> Vec<(String, u64)> {
            b.functions
                .iter()
                .filter(|f| f.variant == v)
                .map(|f| (label(f), f.text_bytes))
                .collect()
        };
        let (old_crates, new_crates) = (crates(before, old), crates(after, new));
        if old_crates.is_empty() || new_crates.is_empty() {
            return None;
        }
        Some(Diff {
            crates: changes(&old_crates, &new_crates),
            functions: changes(&functions(before, old), &functions(after, new)),
        })
    }

    /// One line in prose: the `top` largest crate and function changes.
    pub fn summary(&self, top: usize) -> String {
        let mut text = String::new();
        let list = |changes: &[CodeChange], complete: bool| -> String {
            let described = changes.iter().take(top).map(|c| describe(c, complete));
            described.collect::<Vec<_>>().join(", ")
        };
        if !self.crates.is_empty() {
            text.push_str(&format!("crates: {}", list(&self.crates, true)));
        }
        if !self.functions.is_empty() {
            let sep = if text.is_empty() { "" } else { "; " };
            text.push_str(&format!("{sep}functions: {}", list(&self.functions, false)));
        }
        if text.is_empty() { "no crate or listed function changed".to_owned() } else { text }
    }
}

/// `serde_json: serde_json::de::Deserializer::parse_value`, or the name alone when it already
/// starts with its crate.
fn label(function: &FunctionRow) -> String {
    if function.function.starts_with(&format!("{}::", function.krate))
        || function.function.starts_with(&format!("<{}::", function.krate))
    {
        function.function.clone()
    } else {
        format!("{} ({})", function.function, function.krate)
    }
}

/// The names whose bytes differ between `old` and `new`, largest absolute change first.
fn changes(old: &[(String, u64)], new: &[(String, u64)]) -> Vec<CodeChange> {
    let find = |list: &[(String, u64)], name: &str| {
        list.iter().find(|(n, _)| n == name).map(|(_, bytes)| *bytes)
    };
    let mut names: Vec<&String> = old.iter().chain(new).map(|(name, _)| name).collect();
    names.sort();
    names.dedup();
    let mut changes: Vec<CodeChange> = names
        .into_iter()
        .map(|name| CodeChange { name: name.clone(), old: find(old, name), new: find(new, name) })
        .filter(|c| c.old != c.new)
        .collect();
    changes.sort_by(|a, b| b.delta().abs().cmp(&a.delta().abs()).then(a.name.cmp(&b.name)));
    changes
}

/// `std -12,345 B`, `serde_core -5,015 B (no code left)`, or for a function of a list that
/// is not `complete`, `serde_json::de::parse +1,024 B (not in the old list)`.
fn describe(change: &CodeChange, complete: bool) -> String {
    let delta = change.delta();
    let sign = if delta < 0 { "-" } else { "+" };
    let bytes = thousands(delta.unsigned_abs());
    let note = match (change.old, change.new, complete) {
        (None, Some(_), true) => " (new)",
        (Some(_), None, true) => " (no code left)",
        (None, Some(_), false) => " (not in the old list)",
        (Some(_), None, false) => " (not in the new list)",
        _ => "",
    };
    format!("`{}` {sign}{bytes} B{note}", change.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::bloat::CrateRow;

    fn breakdown(variant: &str, crates: &[(&str, u64)], functions: &[(&str, u64)]) -> Breakdown {
        Breakdown {
            crates: crates
                .iter()
                .map(|(krate, bytes)| CrateRow {
                    sweep: "s".into(),
                    variant: variant.into(),
                    krate: (*krate).into(),
                    text_bytes: *bytes,
                    functions: 1,
                    symbols_from: variant.into(),
                })
                .collect(),
            functions: functions
                .iter()
                .map(|(name, bytes)| FunctionRow {
                    sweep: "s".into(),
                    variant: variant.into(),
                    krate: name.split("::").next().unwrap().into(),
                    function: (*name).into(),
                    copies: 1,
                    text_bytes: *bytes,
                    symbols_from: variant.into(),
                })
                .collect(),
            hot: Vec::new(),
        }
    }

    #[test]
    fn changes_are_sorted_by_absolute_size_and_unlisted_functions_say_so() {
        let old =
            breakdown("a", &[("std", 1000), ("core", 300), ("app", 50)], &[("std::fmt", 400)]);
        let new = breakdown("b", &[("std", 200), ("core", 350), ("app", 50)], &[("core::x", 90)]);
        let diff = Diff::between(&old, "a", &new, "b").unwrap();
        let names: Vec<&str> = diff.crates.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["std", "core"], "unchanged crates are left out");
        assert_eq!(
            diff.summary(5),
            "crates: `std` -800 B, `core` +50 B; functions: `std::fmt` -400 B (not in the new list), `core::x` +90 B (not in the old list)"
        );
        assert_eq!(Diff::between(&old, "a", &Breakdown::default(), "b"), None);
    }
}

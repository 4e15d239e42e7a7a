//! Per-package profile overrides as build axes: `opt-level`, `codegen-units` and `debug` for
//! every dependency (`deps-*`: `[profile.<p>.package."*"]`), for the sweep's named
//! `hot-packages` (`hot-*`: `[profile.<p>.package.<name>]`), and for build scripts and proc
//! macros (`build-override-*`: `[profile.<p>.build-override]`). Cargo allows no other keys there
//! that change code (`panic`, `lto` and `rpath` cannot be overridden per package).

use std::fmt;

use crate::plan::build_values::DebugInfo;
use crate::plan::settings::{Axis, RawValue, Setting};

/// Which packages an override applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OverrideScope {
    /// Every package that is not a workspace member: `package."*"`.
    Deps,
    /// The sweep's `hot-packages`, each by name: `package.<name>`.
    Hot,
    /// Build scripts, proc macros and their dependencies: `build-override`.
    BuildOverride,
}

/// Which profile key an override sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OverrideKey {
    /// `opt-level`.
    OptLevel,
    /// `codegen-units`.
    CodegenUnits,
    /// `debug`.
    Debug,
}

/// An override's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OverrideValue {
    /// An `opt-level` or `codegen-units` value.
    Setting(Setting),
    /// A `debug` value.
    Debug(DebugInfo),
}

impl OverrideScope {
    /// Every scope, in the order of ids.
    pub const ALL: [OverrideScope; 3] =
        [OverrideScope::Deps, OverrideScope::Hot, OverrideScope::BuildOverride];

    /// The tables of a profile it writes, dotted: `package."*"`, `package.serde_json`...
    pub fn tables(self, hot_packages: &[String]) -> Vec<String> {
        match self {
            OverrideScope::Deps => vec!["package.\"*\"".to_owned()],
            OverrideScope::Hot => hot_packages.iter().map(|p| format!("package.{p}")).collect(),
            OverrideScope::BuildOverride => vec!["build-override".to_owned()],
        }
    }

    /// Its word at the front of an id fragment.
    fn id_word(self) -> &'static str {
        match self {
            OverrideScope::Deps => "deps",
            OverrideScope::Hot => "hot",
            OverrideScope::BuildOverride => "bo",
        }
    }
}

impl OverrideKey {
    /// Every key, in the order of ids.
    pub const ALL: [OverrideKey; 3] =
        [OverrideKey::OptLevel, OverrideKey::CodegenUnits, OverrideKey::Debug];

    /// Cargo's name of the key.
    pub fn key(self) -> &'static str {
        match self {
            OverrideKey::OptLevel => "opt-level",
            OverrideKey::CodegenUnits => "codegen-units",
            OverrideKey::Debug => "debug",
        }
    }

    /// What a user may write.
    pub fn accepted(self) -> &'static str {
        match self {
            OverrideKey::OptLevel => r#"0, 1, 2, 3, "s" or "z""#,
            OverrideKey::CodegenUnits => "a positive integer such as 1, 16 or 256",
            OverrideKey::Debug => {
                r#"false, "line-tables-only", "limited" or true (0, 1, 2, "none" and "full" too)"#
            }
        }
    }

    /// Parses one raw value of this key.
    pub fn parse(self, raw: &RawValue) -> Option<OverrideValue> {
        Some(match self {
            OverrideKey::OptLevel => OverrideValue::Setting(Axis::OptLevel.parse(raw)?),
            OverrideKey::CodegenUnits => OverrideValue::Setting(Axis::CodegenUnits.parse(raw)?),
            OverrideKey::Debug => OverrideValue::Debug(DebugInfo::parse(raw)?),
        })
    }
}

impl OverrideValue {
    /// The value as written into a manifest.
    pub fn toml_value(self) -> toml_edit::Value {
        match self {
            OverrideValue::Setting(setting) => setting.toml_value(),
            OverrideValue::Debug(debug) => debug.key().into(),
        }
    }

    /// Its id fragment in `scope`: `deps-o3`, `hot-cgu1`, `bo-debug-lines`.
    pub fn id_fragment(self, scope: OverrideScope) -> String {
        let value = match self {
            OverrideValue::Setting(setting) => setting.id_fragment(),
            OverrideValue::Debug(debug) => format!("debug-{}", debug.id_word()),
        };
        format!("{}-{value}", scope.id_word())
    }
}

/// Cargo's spelling, as in the CSV columns: `3`, `z`, `16`, `line-tables-only`.
impl fmt::Display for OverrideValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OverrideValue::Setting(setting) => write!(f, "{setting}"),
            OverrideValue::Debug(debug) => f.write_str(debug.key()),
        }
    }
}

/// Whether `name` can be a package's name in a profile override (and a crate's, with `-`).
pub fn is_package_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::settings::OptLevel;

    #[test]
    fn values_parse_and_name_their_scope() {
        let o3 = OverrideKey::OptLevel.parse(&RawValue::Int(3)).unwrap();
        assert_eq!(o3, OverrideValue::Setting(Setting::OptLevel(OptLevel::Level(3))));
        assert_eq!(o3.id_fragment(OverrideScope::Deps), "deps-o3");
        let cgu = OverrideKey::CodegenUnits.parse(&RawValue::Int(1)).unwrap();
        assert_eq!(cgu.id_fragment(OverrideScope::Hot), "hot-cgu1");
        assert_eq!(cgu.to_string(), "1");
        let lines = OverrideKey::Debug.parse(&RawValue::Str("line-tables-only".into())).unwrap();
        assert_eq!(lines.id_fragment(OverrideScope::BuildOverride), "bo-debug-lines");
        assert_eq!(lines.to_string(), "line-tables-only");
        assert_eq!(OverrideKey::CodegenUnits.parse(&RawValue::Int(0)), None);
        assert_eq!(OverrideKey::OptLevel.parse(&RawValue::Str("fast".into())), None);
        let hot = ["serde_json".to_owned(), "json2csv".to_owned()];
        assert_eq!(OverrideScope::Hot.tables(&hot), ["package.serde_json", "package.json2csv"]);
        assert_eq!(OverrideScope::Deps.tables(&hot), ["package.\"*\""]);
        assert!(is_package_name("serde_json") && is_package_name("json-to-csv"));
        assert!(!is_package_name("a.b") && !is_package_name("") && !is_package_name("\"*\""));
    }
}

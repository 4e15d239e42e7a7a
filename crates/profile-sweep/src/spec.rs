//! Sweep files: what the user typed (`raw`), then the validated [`Sweep`] the rest of the program sees.
//!
//! Every check that needs only the file happens here, with the file, line and column of the
//! offending text. Checks that need the workspace (does the package exist?) happen in
//! [`crate::workspace`], using the [`Located`] positions kept here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::error::InputError;
use crate::settings::{Axis, RawValue, Setting};

/// A value from the sweep file with the place it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Byte offset of the value in the sweep file.
    pub offset: usize,
}

/// A validated sweep: what to build, and which profile variants to build it with.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// The sweep's name: the results directory `results/<name>/`.
    pub name: String,
    /// The sweep file it came from.
    pub file: PathBuf,
    /// The sweep file's text, kept to point at lines in later errors.
    pub text: String,
    /// The workspace package to build.
    pub package: Located<String>,
    /// The binary target; `None` means the package's only binary.
    pub bin: Option<Located<String>>,
    /// The profile every variant inherits from.
    pub inherits: Located<String>,
    /// Axis values fixed for every variant (axes given under `[profile]`).
    pub fixed_axes: Vec<Setting>,
    /// Other profile keys passed through unchanged, in the order written.
    pub pass_through: Vec<(String, toml::Value)>,
    /// The variants, before expansion.
    pub plan: Plan,
}

/// How the variants are formed.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// The cartesian product of the listed values, minus excluded combinations.
    Matrix {
        /// Each swept axis with its values, in [`Axis::ALL`] order.
        axes: Vec<(Axis, Vec<Setting>)>,
        /// A combination matching every entry of any rule is dropped.
        exclude: Vec<Vec<(Axis, Vec<Setting>)>>,
    },
    /// Cumulative steps, each adding settings to the previous one.
    Ladder(Vec<LadderStep>),
}

/// One step of a ladder.
#[derive(Debug, Clone, PartialEq)]
pub struct LadderStep {
    /// What the step is called in tables and charts, e.g. `+ strip = true`.
    pub label: String,
    /// The settings this step adds.
    pub adds: Vec<Setting>,
}

/// Profile keys other than the five axes that a sweep may fix, with the values cargo accepts.
const PASS_THROUGH_KEYS: [(&str, &str); 6] = [
    ("debug", r#"true, false, 0, 1, 2, "none", "line-directives-only", "line-tables-only", "limited" or "full""#),
    ("debug-assertions", "true or false"),
    ("overflow-checks", "true or false"),
    ("incremental", "true or false"),
    ("rpath", "true or false"),
    ("split-debuginfo", r#""off", "packed" or "unpacked""#),
];

/// What the user typed, field by field; serde rejects unknown keys and wrong types here.
mod raw {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct SweepFile {
        pub name: Option<Spanned<String>>,
        pub package: Spanned<String>,
        pub bin: Option<Spanned<String>>,
        pub inherits: Option<Spanned<String>>,
        #[serde(default)]
        pub profile: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
        pub matrix: Option<Spanned<Matrix>>,
        pub ladder: Option<Spanned<Vec<Step>>>,
    }

    /// The five axes, each a list of values.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct Matrix {
        pub opt_level: Option<Vec<Spanned<RawValue>>>,
        pub lto: Option<Vec<Spanned<RawValue>>>,
        pub codegen_units: Option<Vec<Spanned<RawValue>>>,
        pub panic: Option<Vec<Spanned<RawValue>>>,
        pub strip: Option<Vec<Spanned<RawValue>>>,
        #[serde(default)]
        pub exclude: Vec<Spanned<Rule>>,
    }

    /// An exclude rule: each axis a value or a list of values.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct Rule {
        pub opt_level: Option<Spanned<toml::Value>>,
        pub lto: Option<Spanned<toml::Value>>,
        pub codegen_units: Option<Spanned<toml::Value>>,
        pub panic: Option<Spanned<toml::Value>>,
        pub strip: Option<Spanned<toml::Value>>,
    }

    /// A ladder step: a label and the settings it adds.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct Step {
        pub step: Spanned<String>,
        pub opt_level: Option<Spanned<RawValue>>,
        pub lto: Option<Spanned<RawValue>>,
        pub codegen_units: Option<Spanned<RawValue>>,
        pub panic: Option<Spanned<RawValue>>,
        pub strip: Option<Spanned<RawValue>>,
    }

    /// The per-axis fields of a struct, in [`Axis::ALL`] order.
    pub fn by_axis<T>(fields: [Option<T>; 5]) -> impl Iterator<Item = (Axis, T)> {
        Axis::ALL.into_iter().zip(fields).filter_map(|(axis, field)| field.map(|f| (axis, f)))
    }
}

impl Sweep {
    /// Reads and validates a sweep file.
    pub fn load(path: &Path) -> Result<Sweep, InputError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            InputError::in_file(path, format!("cannot read sweep file: {e}"))
                .with_fix("check the path; the shipped sweeps are in sweeps/ (default.toml, full.toml, smoke.toml)")
        })?;
        Sweep::parse(path, text)
    }

    /// Validates the text of a sweep file; `path` names it in errors and gives the default name.
    pub fn parse(path: &Path, text: String) -> Result<Sweep, InputError> {
        let file: raw::SweepFile = toml::from_str(&text).map_err(|e| {
            let offset = e.span().map_or(0, |span| span.start);
            InputError::at(path, &text, offset, e.message().trim_end().to_owned())
                .with_fix("see README.md, section 'Writing a sweep file', for every key and its type")
        })?;
        let at = |offset: usize, message: String| InputError::at(path, &text, offset, message);
        let located = |s: &Spanned<String>| Located { value: s.get_ref().clone(), offset: s.span().start };

        let name = match &file.name {
            Some(name) => {
                if !is_safe_name(name.get_ref()) {
                    return Err(at(name.span().start, format!("sweep name {:?} cannot be a directory name", name.get_ref()))
                        .with_fix("use letters, digits, '-' and '_' only"));
                }
                name.get_ref().clone()
            }
            None => default_name(path).ok_or_else(|| {
                InputError::in_file(path, "the file name cannot serve as a sweep name")
                    .with_fix("add name = \"my-sweep\" (letters, digits, '-' and '_')")
            })?,
        };
        let inherits = file.inherits.as_ref().map_or(
            Located { value: "release".to_owned(), offset: 0 },
            located,
        );

        let mut fixed_axes = Vec::new();
        let mut pass_through = Vec::new();
        let mut written: Vec<_> = file.profile.iter().collect();
        written.sort_by_key(|(key, _)| key.span().start);
        for (key, value) in written {
            if let Some(axis) = Axis::from_key(key.get_ref()) {
                fixed_axes.push(parse_value(axis, value.get_ref(), value.span().start, &at)?);
            } else {
                check_pass_through(key, value, &at)?;
                pass_through.push((key.get_ref().clone(), value.get_ref().clone()));
            }
        }

        let plan = match (file.matrix, file.ladder) {
            (Some(matrix), None) => matrix_plan(matrix, &fixed_axes, &at)?,
            (None, Some(ladder)) => ladder_plan(ladder, &fixed_axes, &at)?,
            (Some(_), Some(ladder)) => {
                return Err(at(ladder.span().start, "a sweep has either [matrix] or [[ladder]], not both".into())
                    .with_fix("move one of them into a sweep file of its own"));
            }
            (None, None) => {
                return Err(InputError::in_file(path, "the sweep has neither [matrix] nor [[ladder]]")
                    .with_fix("add a [matrix] table of axis value lists, or [[ladder]] steps (see sweeps/default.toml)"));
            }
        };

        Ok(Sweep {
            name,
            file: path.to_owned(),
            package: located(&file.package),
            bin: file.bin.as_ref().map(located),
            inherits,
            fixed_axes,
            pass_through,
            plan,
            text,
        })
    }

    /// An error pointing at `offset` in this sweep file.
    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> InputError {
        InputError::at(&self.file, &self.text, offset, message)
    }
}

fn matrix_plan(
    matrix: Spanned<raw::Matrix>,
    fixed: &[Setting],
    at: &impl Fn(usize, String) -> InputError,
) -> Result<Plan, InputError> {
    let start = matrix.span().start;
    let matrix = matrix.into_inner();
    let mut axes = Vec::new();
    for (axis, values) in raw::by_axis([matrix.opt_level, matrix.lto, matrix.codegen_units, matrix.panic, matrix.strip]) {
        if values.is_empty() {
            return Err(at(start, format!("matrix axis `{}` has no values", axis.key()))
                .with_fix(format!("list at least one of {}, or remove the key", axis.accepted())));
        }
        if let Some(setting) = fixed.iter().find(|s| s.axis() == axis) {
            return Err(at(start, format!("`{}` is both swept in [matrix] and fixed in [profile] ({setting})", axis.key()))
                .with_fix("keep only one of them"));
        }
        let parsed = values.iter().map(|v| parse_raw(axis, v, at)).collect::<Result<Vec<_>, _>>()?;
        axes.push((axis, parsed));
    }
    let mut exclude = Vec::new();
    for rule in &matrix.exclude {
        let inner = rule.get_ref();
        let fields = [&inner.opt_level, &inner.lto, &inner.codegen_units, &inner.panic, &inner.strip];
        let mut entries = Vec::new();
        for (axis, value) in raw::by_axis(fields.map(Option::as_ref)) {
            let items = match value.get_ref() {
                toml::Value::Array(items) => items.clone(),
                scalar => vec![scalar.clone()],
            };
            let settings = items
                .iter()
                .map(|item| parse_value(axis, item, value.span().start, at))
                .collect::<Result<Vec<_>, _>>()?;
            entries.push((axis, settings));
        }
        if entries.is_empty() {
            return Err(at(rule.span().start, "an exclude rule names no axis, so it would drop every variant".into())
                .with_fix("name the combination to drop, e.g. { opt-level = 0, lto = \"fat\" }"));
        }
        exclude.push(entries);
    }
    Ok(Plan::Matrix { axes, exclude })
}

fn ladder_plan(
    ladder: Spanned<Vec<raw::Step>>,
    fixed: &[Setting],
    at: &impl Fn(usize, String) -> InputError,
) -> Result<Plan, InputError> {
    if ladder.get_ref().is_empty() {
        return Err(at(ladder.span().start, "the ladder has no steps".into())
            .with_fix("add [[ladder]] tables, the first usually just step = \"default release\""));
    }
    let mut steps = Vec::new();
    for step in ladder.into_inner() {
        let fields = [step.opt_level, step.lto, step.codegen_units, step.panic, step.strip];
        let mut adds = Vec::new();
        for (axis, value) in raw::by_axis(fields) {
            if fixed.iter().any(|s| s.axis() == axis) {
                return Err(at(value.span().start, format!("`{}` is both set by a ladder step and fixed in [profile]", axis.key()))
                    .with_fix("keep only one of them"));
            }
            adds.push(parse_raw(axis, &value, at)?);
        }
        steps.push(LadderStep { label: step.step.into_inner(), adds });
    }
    Ok(Plan::Ladder(steps))
}

fn parse_raw(axis: Axis, value: &Spanned<RawValue>, at: &impl Fn(usize, String) -> InputError) -> Result<Setting, InputError> {
    axis.parse(value.get_ref()).ok_or_else(|| {
        at(value.span().start, format!("invalid {} {}", axis.key(), value.get_ref()))
            .with_fix(format!("{} takes {}", axis.key(), axis.accepted()))
    })
}

fn parse_value(axis: Axis, value: &toml::Value, offset: usize, at: &impl Fn(usize, String) -> InputError) -> Result<Setting, InputError> {
    let raw = match value {
        toml::Value::Boolean(b) => Some(RawValue::Bool(*b)),
        toml::Value::Integer(i) => Some(RawValue::Int(*i)),
        toml::Value::String(s) => Some(RawValue::Str(s.clone())),
        _ => None,
    };
    raw.as_ref().and_then(|raw| axis.parse(raw)).ok_or_else(|| {
        at(offset, format!("invalid {} {value}", axis.key())).with_fix(format!("{} takes {}", axis.key(), axis.accepted()))
    })
}

fn check_pass_through(
    key: &Spanned<String>,
    value: &Spanned<toml::Value>,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<(), InputError> {
    let Some((_, accepted)) = PASS_THROUGH_KEYS.iter().find(|(k, _)| k == key.get_ref()) else {
        let known: Vec<&str> = Axis::ALL.iter().map(|a| a.key()).chain(PASS_THROUGH_KEYS.iter().map(|(k, _)| *k)).collect();
        return Err(at(key.span().start, format!("unknown profile key `{}`", key.get_ref()))
            .with_fix(format!("[profile] in a sweep file takes: {}", known.join(", "))));
    };
    use toml::Value::{Boolean, Integer, String as Str};
    let valid = match (key.get_ref().as_str(), value.get_ref()) {
        ("debug", Boolean(_)) => true,
        ("debug", Integer(n)) => (0..=2).contains(n),
        ("debug", Str(s)) => ["none", "line-directives-only", "line-tables-only", "limited", "full"].contains(&s.as_str()),
        ("split-debuginfo", Str(s)) => ["off", "packed", "unpacked"].contains(&s.as_str()),
        ("debug" | "split-debuginfo", _) => false,
        (_, value) => matches!(value, Boolean(_)),
    };
    if valid {
        Ok(())
    } else {
        Err(at(value.span().start, format!("invalid {} {}", key.get_ref(), value.get_ref()))
            .with_fix(format!("{} takes {accepted}", key.get_ref())))
    }
}

/// Whether `toml_value` of the pass-through key `debug` turns debug info on.
pub fn debug_info_enabled(value: &toml::Value) -> bool {
    match value {
        toml::Value::Boolean(b) => *b,
        toml::Value::Integer(n) => *n > 0,
        toml::Value::String(s) => s != "none",
        _ => false,
    }
}

fn is_safe_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn default_name(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    is_safe_name(stem).then(|| stem.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Sweep, InputError> {
        Sweep::parse(Path::new("sweeps/t.toml"), text.to_owned())
    }

    fn error(text: &str) -> (Option<(usize, usize)>, String, String) {
        let err = parse(text).unwrap_err();
        (err.position, err.message, err.fix.unwrap_or_default())
    }

    #[test]
    fn ladder_file_is_validated_into_steps() {
        let sweep = parse("package = \"p\"\n[profile]\ndebug = false\n[[ladder]]\nstep = \"base\"\n[[ladder]]\nstep = \"+ lto\"\nlto = true\ncodegen-units = 1\n").unwrap();
        assert_eq!(sweep.name, "t");
        assert_eq!(sweep.inherits.value, "release");
        assert_eq!(sweep.pass_through, vec![("debug".to_owned(), toml::Value::Boolean(false))]);
        let Plan::Ladder(steps) = &sweep.plan else { panic!("not a ladder") };
        assert_eq!(steps[1].label, "+ lto");
        assert_eq!(steps[1].adds.iter().map(ToString::to_string).collect::<Vec<_>>(), ["fat", "1"]);
    }

    #[test]
    fn unknown_key_names_line_and_column() {
        let (pos, msg, _) = error("package = \"p\"\n[matrix]\nopt-levl = [1]\n");
        assert_eq!(pos, Some((3, 1)));
        assert!(msg.contains("unknown field `opt-levl`"), "{msg}");
    }

    #[test]
    fn wrong_type_names_line_and_column() {
        let (pos, msg, _) = error("package = 7\n[matrix]\nlto = [true]\n");
        assert_eq!(pos, Some((1, 11)));
        assert!(msg.contains("invalid type: integer `7`, expected a string"), "{msg}");
        let (pos, msg, _) = error("package = \"p\"\n[matrix]\nlto = [1.5]\n");
        assert_eq!(pos, Some((3, 8)));
        assert!(msg.contains("expected a boolean, an integer or a string"), "{msg}");
    }

    #[test]
    fn impossible_values_point_at_the_value_and_say_what_is_accepted() {
        let (pos, msg, fix) = error("package = \"p\"\n[matrix]\nopt-level = [3, 4]\n");
        assert_eq!((pos, msg.as_str()), (Some((3, 17)), "invalid opt-level 4"));
        assert_eq!(fix, r#"opt-level takes 0, 1, 2, 3, "s" or "z""#);
        let (pos, msg, _) = error("package = \"p\"\n[[ladder]]\nstep = \"x\"\nlto = \"bogus\"\n");
        assert_eq!((pos, msg.as_str()), (Some((4, 7)), "invalid lto \"bogus\""));
        let (pos, msg, _) = error("package = \"p\"\n[profile]\ncodegen-units = 0\n[[ladder]]\nstep = \"x\"\n");
        assert_eq!((pos, msg.as_str()), (Some((3, 17)), "invalid codegen-units 0"));
        let (pos, msg, _) = error("package = \"p\"\n[profile]\ndebug = \"lots\"\n[[ladder]]\nstep = \"x\"\n");
        assert_eq!((pos, msg.as_str()), (Some((3, 9)), "invalid debug \"lots\""));
        let (_, msg, fix) = error("package = \"p\"\n[profile]\nopt = 1\n[[ladder]]\nstep = \"x\"\n");
        assert_eq!(msg, "unknown profile key `opt`");
        assert!(fix.contains("opt-level"), "{fix}");
    }

    #[test]
    fn a_sweep_needs_exactly_one_plan() {
        assert!(error("package = \"p\"\n").1.contains("neither"));
        assert!(error("package = \"p\"\n[matrix]\nlto=[true]\n[[ladder]]\nstep=\"x\"\n").1.contains("not both"));
        assert!(error("package = \"p\"\n[matrix]\nlto=[]\n").1.contains("has no values"));
        assert!(error("package = \"p\"\n[profile]\nlto=true\n[matrix]\nlto=[false]\n").1.contains("both swept"));
    }

    #[test]
    fn exclude_rules_accept_values_and_lists() {
        let sweep = parse("package = \"p\"\n[matrix]\nopt-level = [0, 3]\nlto = [false, true]\nexclude = [{ opt-level = [0, 1], lto = true }]\n").unwrap();
        let Plan::Matrix { exclude, .. } = &sweep.plan else { panic!("not a matrix") };
        assert_eq!(exclude[0][0].1.len(), 2);
        assert_eq!(exclude[0][1].1[0].to_string(), "fat");
        assert!(error("package = \"p\"\n[matrix]\nlto=[true]\nexclude = [{}]\n").1.contains("names no axis"));
    }

    #[test]
    fn missing_file_says_where_sweeps_are() {
        let err = Sweep::load(Path::new("/nonexistent/x.toml")).unwrap_err();
        assert!(err.message.starts_with("cannot read sweep file"));
        assert!(err.fix.unwrap().contains("sweeps/"));
    }
}

#[cfg(test)]
mod documentation {
    use super::*;

    /// The sweep file shown in the README must be one the tool accepts.
    #[test]
    fn readme_example_parses() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
        let example = readme.split("```toml\n").nth(1).and_then(|rest| rest.split("```").next()).expect("a toml block");
        let sweep = Sweep::parse(Path::new("README.md"), example.to_owned()).unwrap();
        assert_eq!(sweep.name, "mine");
        assert!(matches!(sweep.plan, Plan::Matrix { .. }));
    }

    /// Every shipped sweep file is valid.
    #[test]
    fn shipped_sweeps_parse() {
        for name in ["default", "full", "smoke"] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../sweeps/{name}.toml"));
            assert_eq!(Sweep::load(&path).unwrap().name, name);
        }
    }

    /// A sweep must never leave its profiles in the committed manifest.
    #[test]
    fn root_manifest_has_no_sweep_profile() {
        let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml")).unwrap();
        assert!(!manifest.contains("[profile.sweep-"));
    }
}

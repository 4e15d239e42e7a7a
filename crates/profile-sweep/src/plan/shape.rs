//! The shape of a sweep: a `[matrix]` (axes, their values, exclusions) or `[[ladder]]` steps,
//! validated into a [`Plan`], with the bounds every sweep keeps.

use toml::Spanned;

use crate::error::InputError;
use crate::plan::build_env::{BuildEnv, EnvAxis, EnvSetting};
use crate::plan::raw;
use crate::plan::settings::{Axis, RawValue, Setting};
use crate::plan::spec::{ExcludeRule, LadderStep, Plan};

/// The most variants one sweep may have: each is a build, and each is a profile in the
/// manifest while the sweep runs (432 for the full five-axis matrix).
pub const MAX_VARIANTS: usize = 10_000;

pub(super) fn matrix_plan(
    matrix: Spanned<raw::Matrix>,
    fixed: &[Setting],
    fixed_env: &[EnvSetting],
    at: &impl Fn(usize, String) -> InputError,
) -> Result<Plan, InputError> {
    let start = matrix.span().start;
    let parts = matrix.into_inner();
    let env_axes = matrix_env_axes(parts.env_axes, fixed_env, start, at)?;
    let axes = matrix_profile_axes(parts.axes, fixed, start, at)?;
    if axes.is_empty() && env_axes.is_empty() {
        return Err(at(
            start,
            "the [matrix] sweeps no axis, so there is nothing to compare".into(),
        )
        .with_fix("list values of at least one axis, e.g. opt-level = [3, \"s\", \"z\"]"));
    }
    let lengths = axes.iter().map(|(_, v)| v.len()).chain(env_axes.iter().map(|(_, v)| v.len()));
    let variants = lengths.clone().fold(1usize, usize::saturating_mul);
    if variants > MAX_VARIANTS {
        let product: Vec<String> = lengths.map(|n| n.to_string()).collect();
        return Err(at(
            start,
            format!(
                "the matrix has {variants} variants ({}), more than the {MAX_VARIANTS} a sweep builds",
                product.join(" x ")
            ),
        )
        .with_fix("list fewer values, or split it into several sweeps (each variant is a build)"));
    }
    let exclude = exclude_rules(&parts.exclude, at)?;
    Ok(Plan::Matrix { axes, env_axes, exclude })
}

/// The matrix's build axes, each with its values parsed: none empty, none also fixed in
/// `[build]`, no two values with one variant id.
fn matrix_env_axes(
    raw_axes: Vec<(EnvAxis, Vec<Spanned<RawValue>>)>,
    fixed_env: &[EnvSetting],
    start: usize,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<Vec<(EnvAxis, Vec<EnvSetting>)>, InputError> {
    let mut env_axes = Vec::new();
    for (axis, values) in raw_axes {
        if values.is_empty() {
            return Err(at(start, format!("matrix axis `{}` has no values", axis.key()))
                .with_fix(format!("list at least one of {}, or remove the key", axis.accepted())));
        }
        if fixed_env.iter().any(|s| s.axis() == axis) {
            return Err(at(
                start,
                format!("`{}` is both swept in [matrix] and fixed in [build]", axis.key()),
            )
            .with_fix("keep only one of them"));
        }
        let mut parsed: Vec<EnvSetting> = Vec::new();
        for value in &values {
            let setting = parse_env(axis, value, at)?;
            if let Some(twin) = parsed.iter().find(|p| p.id_fragment() == setting.id_fragment()) {
                return Err(at(value.span().start, format!("`{}` values {twin:?} and {setting:?} would get the same variant id", axis.key()))
                    .with_fix("list each value once; values that differ only in spacing, order or punctuation are the same"));
            }
            parsed.push(setting);
        }
        env_axes.push((axis, parsed));
    }
    Ok(env_axes)
}

/// The matrix's profile axes, each with its values parsed: none empty, none also fixed in
/// `[profile]`, no value listed twice.
fn matrix_profile_axes(
    raw_axes: Vec<(Axis, Vec<Spanned<RawValue>>)>,
    fixed: &[Setting],
    start: usize,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<Vec<(Axis, Vec<Setting>)>, InputError> {
    let mut axes = Vec::new();
    for (axis, values) in raw_axes {
        if values.is_empty() {
            return Err(at(start, format!("matrix axis `{}` has no values", axis.key()))
                .with_fix(format!("list at least one of {}, or remove the key", axis.accepted())));
        }
        if let Some(setting) = fixed.iter().find(|s| s.axis() == axis) {
            return Err(at(
                start,
                format!(
                    "`{}` is both swept in [matrix] and fixed in [profile] ({setting})",
                    axis.key()
                ),
            )
            .with_fix("keep only one of them"));
        }
        let mut parsed: Vec<Setting> = Vec::new();
        for (index, value) in values.iter().enumerate() {
            // Two spellings of one setting (`true` and "fat") are allowed: they are built once.
            let spelled = value.get_ref().to_string();
            if values[..index].iter().any(|v| v.get_ref().to_string() == spelled) {
                return Err(at(
                    value.span().start,
                    format!("`{}` lists {spelled} twice", axis.key()),
                )
                .with_fix("list each value once"));
            }
            parsed.push(parse_raw(axis, value, at)?);
        }
        axes.push((axis, parsed));
    }
    Ok(axes)
}

/// The matrix's `exclude` rules, each a list of axes with the values it drops.
fn exclude_rules(
    rules: &[Spanned<raw::Rule>],
    at: &impl Fn(usize, String) -> InputError,
) -> Result<Vec<ExcludeRule>, InputError> {
    let mut exclude = Vec::new();
    for rule in rules {
        let mut entries = Vec::new();
        for (axis, value) in rule.get_ref().parts() {
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
            return Err(at(
                rule.span().start,
                "an exclude rule names no axis, so it would drop every variant".into(),
            )
            .with_fix("name the combination to drop, e.g. { opt-level = 0, lto = \"fat\" }"));
        }
        exclude.push(entries);
    }
    Ok(exclude)
}

pub(super) fn ladder_plan(
    ladder: Spanned<Vec<raw::RawStep>>,
    fixed: &[Setting],
    fixed_env: &[EnvSetting],
    at: &impl Fn(usize, String) -> InputError,
) -> Result<Plan, InputError> {
    if ladder.get_ref().is_empty() {
        return Err(at(ladder.span().start, "the ladder has no steps".into())
            .with_fix("add [[ladder]] tables, the first usually just step = \"default release\""));
    }
    if ladder.get_ref().len() > MAX_VARIANTS {
        return Err(at(
            ladder.span().start,
            format!(
                "the ladder has {} steps, more than the {MAX_VARIANTS} a sweep builds",
                ladder.get_ref().len()
            ),
        )
        .with_fix("split it into several sweeps"));
    }
    let mut labels = std::collections::HashSet::new();
    for step in ladder.get_ref() {
        if !labels.insert(step.step.get_ref().as_str()) {
            return Err(at(
                step.step.span().start,
                format!("two ladder steps are named {:?}", step.step.get_ref()),
            )
            .with_fix(
                "give each step its own name: the report and the CSV tell steps apart by it",
            ));
        }
    }
    let mut steps = Vec::new();
    let mut env = BuildEnv::default();
    for setting in fixed_env {
        env.set(setting.clone());
    }
    for step in ladder.into_inner() {
        let raw::RawStep { step: label, axes: raw_adds, env_axes: raw_env_adds } = step;
        let mut env_adds = Vec::new();
        let mut last_offset = None;
        for (axis, value) in raw_env_adds {
            if fixed_env.iter().any(|s| s.axis() == axis) {
                return Err(at(
                    value.span().start,
                    format!("`{}` is both set by a ladder step and fixed in [build]", axis.key()),
                )
                .with_fix("keep only one of them"));
            }
            let setting = parse_env(axis, &value, at)?;
            env.set(setting.clone());
            env_adds.push(setting);
            last_offset = Some(value.span().start);
        }
        // Checked once the step's values are all in: a step may switch several at once.
        if let (Some(offset), Some(reason)) = (last_offset, env.inapplicable()) {
            return Err(at(offset, format!("this step cannot be built: {reason}"))
                .with_fix("set target = \"wasm32-unknown-unknown\" with or before wasm-opt, and toolchain = \"nightly\" with or before build-std"));
        }
        let mut adds = Vec::new();
        for (axis, value) in raw_adds {
            if fixed.iter().any(|s| s.axis() == axis) {
                return Err(at(
                    value.span().start,
                    format!("`{}` is both set by a ladder step and fixed in [profile]", axis.key()),
                )
                .with_fix("keep only one of them"));
            }
            adds.push(parse_raw(axis, &value, at)?);
        }
        steps.push(LadderStep { label: label.into_inner(), adds, env_adds });
    }
    Ok(Plan::Ladder(steps))
}

fn parse_raw(
    axis: Axis,
    value: &Spanned<RawValue>,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<Setting, InputError> {
    axis.parse(value.get_ref()).ok_or_else(|| {
        at(value.span().start, format!("invalid {} {}", axis.key(), value.get_ref()))
            .with_fix(format!("{} takes {}", axis.key(), axis.accepted()))
    })
}

pub(super) fn parse_env(
    axis: EnvAxis,
    value: &Spanned<RawValue>,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<EnvSetting, InputError> {
    axis.parse(value.get_ref()).ok_or_else(|| {
        at(value.span().start, format!("invalid {} {}", axis.key(), value.get_ref()))
            .with_fix(format!("{} takes {}", axis.key(), axis.accepted()))
    })
}

pub(super) fn parse_value(
    axis: Axis,
    value: &toml::Value,
    offset: usize,
    at: &impl Fn(usize, String) -> InputError,
) -> Result<Setting, InputError> {
    let raw = RawValue::from_toml(value);
    raw.as_ref().and_then(|raw| axis.parse(raw)).ok_or_else(|| {
        at(offset, format!("invalid {} {value}", axis.key())).with_fix(format!(
            "{} takes {}",
            axis.key(),
            axis.accepted()
        ))
    })
}

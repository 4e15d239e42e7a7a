//! A variant's settings as its results row records them: the build axes read back into a
//! [`BuildEnv`], and every setting by key, for pairing variants that differ in one setting.

use std::collections::HashMap;

use crate::plan::build_env::EnvAxis;
use crate::plan::settings::Axis;
use crate::results::analysis::distinct;
use crate::results::row_axes::READ_BACK;
use crate::results::rows::Row;

/// Every setting a row's variant was built with, by key, as the CSV spells it (`""` where the
/// variant left it unset): the five profile axes, the build axes, the target and the sweep's
/// fixed profile keys. Two rows that agree on all but one key differ in that setting alone.
pub fn settings_of(row: &Row) -> Vec<(&'static str, String)> {
    let mut cells: Vec<(&'static str, String)> =
        Axis::ALL.into_iter().map(|axis| (axis.key(), row.axis_value(axis))).collect();
    let env = row.build_env();
    let recorded = READ_BACK
        .into_iter()
        .chain(EnvAxis::ALL.into_iter().filter(|axis| matches!(axis, EnvAxis::Override(..))));
    cells.extend(recorded.map(|axis| (axis.key(), env.get(axis).to_string())));
    // The axes recorded but not read back, as their columns spell them.
    let cell = |axis: EnvAxis| (axis.key(), row.env_text(axis).unwrap_or_default());
    cells.extend([
        cell(EnvAxis::BuildStd),
        ("target", row.target.clone()),
        cell(EnvAxis::Features),
        cell(EnvAxis::Rustflags),
        cell(EnvAxis::Pgo),
        ("post-build", row.post_build.clone().unwrap_or_default()),
        ("fixed", row.fixed_settings.clone().unwrap_or_default()),
    ]);
    cells
}

/// A variant's value of one setting, and all its other settings by key.
type Split = (String, Vec<(&'static str, String)>);

/// For each value of setting `key` other than `reference`, in order of first appearance: the
/// variants with that value, each paired with the variant that has `reference` and every other
/// setting equal (the first such); values without a pair are left out.
pub fn pairs_differing_in<'a>(
    variants: &[&'a Row],
    key: &str,
    reference: &str,
) -> Vec<(String, Vec<(&'a Row, &'a Row)>)> {
    let split = |row: &Row| {
        let (mut value, mut others) = (String::new(), Vec::new());
        for (k, v) in settings_of(row) {
            if k == key { value = v } else { others.push((k, v)) }
        }
        (value, others)
    };
    let cells: Vec<(&Row, Split)> = variants.iter().map(|r| (*r, split(r))).collect();
    let mut partners = HashMap::new();
    for (row, (value, others)) in &cells {
        if value == reference {
            partners.entry(others.clone()).or_insert(*row);
        }
    }
    let values = distinct(cells.iter().map(|(_, (value, _))| value.clone()));
    values
        .into_iter()
        .filter(|value| value != reference)
        .map(|value| {
            let pairs = cells
                .iter()
                .filter(|(_, (v, _))| *v == value)
                .filter_map(|(row, (_, others))| Some((*row, *partners.get(others)?)))
                .collect();
            (value, pairs)
        })
        .filter(|(_, pairs): &(String, Vec<_>)| !pairs.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::settings::Strip;
    use crate::results::rows::tests::row;

    #[test]
    fn the_build_axes_read_back_from_a_row_are_the_ones_it_was_built_with() {
        let built = Row {
            toolchain: Some("nightly".into()),
            linker: Some("mold".into()),
            debug: Some("line-tables-only".into()),
            split_debuginfo: Some("unpacked".into()),
            incremental: Some(false),
            deps_opt_level: Some("s".into()),
            hot_codegen_units: Some("4".into()),
            build_override_debug: Some("none".into()),
            hot_packages: Some("serde_json json2csv".into()),
            codegen_backend: Some("cranelift".into()),
            threads: Some(4),
            share_generics: Some(true),
            ..row("v", 1)
        };
        let env = built.build_env();
        assert_eq!(
            env.id_suffix(),
            "-nightly-ld-mold-debug-lines-split-unpacked-noincr-deps-os-hot-cgu4-bo-debug-none-cranelift-threads4-sharegen"
        );
        assert_eq!(env.hot_packages, ["serde_json", "json2csv"]);
        let keys: Vec<String> =
            env.profile_keys(Strip::Symbols).into_iter().map(|(k, _)| k).collect();
        assert!(keys.contains(&"package.json2csv.codegen-units".to_owned()), "{keys:?}");
        assert!(keys.contains(&"package.json2csv.strip".to_owned()), "{keys:?}");
        let cells = settings_of(&built);
        assert!(cells.contains(&("debug", "line-tables-only".into())), "{cells:?}");
        assert!(cells.contains(&("threads", "4".into())), "{cells:?}");
        assert!(cells.contains(&("build-override-debug", "none".into())), "{cells:?}");
        let axes = crate::results::analysis::build_axes(&Row {
            rustflags: Some("-Zfmt-debug=none".into()),
            ..built.clone()
        });
        let flags: Vec<&String> = axes.iter().filter(|a| a.starts_with("RUSTFLAGS")).collect();
        assert_eq!(
            flags,
            [
                "RUSTFLAGS=\"-Zfmt-debug=none -Z codegen-backend=cranelift -Z threads=4 -Z share-generics=y\""
            ],
            "one variable for the rustflags and the nightly axes"
        );
        let plain = settings_of(&row("v", 1));
        assert!(plain.contains(&("linker", String::new())), "unset is empty: {plain:?}");
    }
}

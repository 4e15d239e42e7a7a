//! `mixed = true`: after the matrix, two variants proposed from what it measured. From the
//! verdict's pick and the crates that hold 90% of its instructions (`hot.csv`): "size
//! everywhere, speed in the hot crates" (`opt-level = "z"`, the hot packages at 3) and the
//! reverse (`opt-level = 3`, every dependency at `"z"` but the hot ones at 3), each with the
//! pick's other settings. They are built and measured like the matrix's own variants, into the
//! same results, charts and verdict.

use crate::measure::hot::{self, HOT_SHARE, HotRow};
use crate::plan::build_env::{EnvSetting, OverrideKey, OverrideScope, OverrideValue};
use crate::plan::settings::{OptLevel, Setting};
use crate::plan::variants::{self, Variant};
use crate::present::verdict;
use crate::results::rows::Row;
use crate::sweep::prepare::Prepared;

/// The mixed variants to build after the matrix, or why there are none.
pub fn propose(
    prepared: &Prepared,
    rows: &[Row],
    hot_rows: &[HotRow],
) -> Result<Vec<Variant>, String> {
    let pick = verdict::verdict(rows).ok_or("no variant built")?.chosen;
    let chosen = prepared.variants.iter().find(|v| v.id == pick.variant).ok_or_else(|| {
        format!("the pick `{}` is not one of the matrix's variants", pick.variant)
    })?;
    let of_pick: Vec<HotRow> =
        hot_rows.iter().filter(|r| r.variant == chosen.id).cloned().collect();
    let first_run = of_pick.first().map(|r| r.run.clone()).ok_or_else(|| {
        format!("`{}` has no hot.csv rows (a [[run]] with hot-crates = true, counted)", chosen.id)
    })?;
    let of_run: Vec<HotRow> = of_pick.into_iter().filter(|r| r.run == first_run).collect();
    let packages: Vec<String> = hot::hot_set(&of_run, HOT_SHARE)
        .into_iter()
        .filter(|r| hot::overridable(&r.krate))
        .filter_map(|r| package_of(&r.krate, &prepared.workspace.locked_packages))
        .collect();
    if packages.is_empty() {
        return Err(format!(
            "no crate a profile can reach holds much of `{}`'s instructions (std and C code cannot take a package override)",
            chosen.id
        ));
    }
    let suffix = variants::id_suffix(&prepared.sweep);
    let mixed = |own: OptLevel, deps: Option<OptLevel>| {
        let mut settings = chosen.settings;
        settings.set(Setting::OptLevel(own));
        let mut env = chosen.env.clone();
        env.hot_packages = packages.clone();
        let level = |l: OptLevel| Some(OverrideValue::Setting(Setting::OptLevel(l)));
        env.set(EnvSetting::Override(
            OverrideScope::Deps,
            OverrideKey::OptLevel,
            deps.and_then(level),
        ));
        env.set(EnvSetting::Override(
            OverrideScope::Hot,
            OverrideKey::OptLevel,
            level(OptLevel::Level(3)),
        ));
        Variant::new(settings, env, None, &suffix)
    };
    let proposed =
        [mixed(OptLevel::MinSize, None), mixed(OptLevel::Level(3), Some(OptLevel::MinSize))];
    let new: Vec<Variant> = proposed
        .into_iter()
        .filter(|v| prepared.variants.iter().all(|old| old.id != v.id))
        .collect();
    Ok(new)
}

/// The package of `krate` (as symbols spell it) in `Cargo.lock`: itself, or with `_` as `-`.
fn package_of(krate: &str, locked: &[String]) -> Option<String> {
    let dashed = krate.replace('_', "-");
    [krate.to_owned(), dashed].into_iter().find(|name| locked.contains(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_find_their_packages() {
        let locked = ["csv-core".to_owned(), "serde_json".to_owned()];
        assert_eq!(package_of("csv_core", &locked).as_deref(), Some("csv-core"));
        assert_eq!(package_of("serde_json", &locked).as_deref(), Some("serde_json"));
        assert_eq!(package_of("hashbrown", &locked), None);
    }
}

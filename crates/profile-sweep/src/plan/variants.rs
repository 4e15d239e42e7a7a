//! Expanding a validated [`Sweep`] into the list of distinct variants to build. Pure: no I/O.
//!
//! Order is part of the contract (tests pin it): matrix axes vary in [`Axis::ALL`] order with
//! `opt-level` outermost and `strip` innermost, values in the order written; ladder steps keep
//! their order. A combination equal to an earlier one after canonicalisation is dropped, so the
//! same variant is never built twice.

use std::collections::HashSet;

use crate::plan::build_env::BuildEnv;
use crate::plan::settings::{Axis, ProfileSettings, Setting};
use crate::plan::spec::{Plan, Strategy, Sweep};
use crate::util::hash::{hex, sha256};

/// One profile variant to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// Stable, readable id, e.g. `o3-fat-cgu1-abort-sym`; same settings, same id.
    pub id: String,
    /// All five axes, resolved.
    pub settings: ProfileSettings,
    /// The build axes besides the profile, resolved.
    pub env: BuildEnv,
    /// The ladder step's label; `None` in a matrix.
    pub step: Option<String>,
    /// The cargo profile the variant is built with: `sweep-<id>`, without the post-build
    /// step's fragment, so a post-built variant shares the build of the variant it starts from.
    profile: String,
}

impl Variant {
    /// A variant with these settings, in a sweep whose fixed keys give `suffix`.
    pub fn new(
        settings: ProfileSettings,
        env: BuildEnv,
        step: Option<String>,
        suffix: &str,
    ) -> Variant {
        let id = format!("{}{}{suffix}", settings.id(), env.id_suffix());
        let profile =
            format!("sweep-{}{}{suffix}", settings.id(), env.before_post_build().id_suffix());
        Variant { id, settings, env, step, profile }
    }

    /// The cargo profile the variant is built with.
    pub fn profile_name(&self) -> String {
        self.profile.clone()
    }

    /// A release-default variant called `id`, for tests elsewhere in the crate.
    #[cfg(test)]
    pub(crate) fn named(id: &str) -> Variant {
        let settings = crate::plan::settings::BaseProfile::Release.cargo_defaults(false);
        Variant {
            id: id.to_owned(),
            settings,
            env: BuildEnv::default(),
            step: None,
            profile: format!("sweep-{id}"),
        }
    }
}

/// The variants of a sweep, plus what expansion noticed (dropped duplicates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// Distinct variants, in build order.
    pub variants: Vec<Variant>,
    /// One line per combination or step dropped as a duplicate or excluded.
    pub notes: Vec<String>,
}

/// Expands `sweep` on top of `inherited`: the five values the inherited profile gives when the
/// sweep says nothing (cargo's defaults overlaid with the user's own profile settings).
pub fn expand(sweep: &Sweep, inherited: ProfileSettings) -> Expansion {
    let mut base = inherited;
    for setting in &sweep.fixed_axes {
        base.set(*setting);
    }
    let hot_packages = sweep.hot_packages.iter().map(|p| p.value.clone()).collect();
    let mut base_env = BuildEnv { hot_packages, ..BuildEnv::default() };
    for setting in &sweep.fixed_env {
        base_env.set(setting.clone());
    }
    let suffix = id_suffix(sweep);
    let mut seen = HashSet::new();
    let mut variants = Vec::new();
    let mut notes = Vec::new();
    let mut push = |settings: ProfileSettings,
                    env: BuildEnv,
                    step: Option<String>,
                    notes: &mut Vec<String>| {
        let variant = Variant::new(settings, env, step, &suffix);
        if seen.insert(variant.id.clone()) {
            variants.push(variant);
        } else if let Some(step) = variant.step {
            notes.push(format!("ladder step '{step}' changes nothing: its settings equal an earlier step's ({}); skipped", variant.id));
        }
    };
    match &sweep.plan {
        Plan::Ladder(steps) => {
            let (mut settings, mut env) = (base, base_env.clone());
            for step in steps {
                for setting in &step.adds {
                    settings.set(*setting);
                }
                for setting in &step.env_adds {
                    env.set(setting.clone());
                }
                push(settings, env.clone(), Some(step.label.clone()), &mut notes);
            }
        }
        Plan::Matrix { axes, env_axes, exclude } => {
            let (mut total, mut excluded) = (0, 0);
            let mut inapplicable: Vec<(&str, usize)> = Vec::new();
            for env_combination in cartesian(env_axes) {
                let mut env = base_env.clone();
                for setting in env_combination {
                    env.set(setting);
                }
                for combination in cartesian(axes) {
                    total += 1;
                    if let Some(reason) = env.inapplicable() {
                        match inapplicable.iter_mut().find(|(r, _)| *r == reason) {
                            Some((_, count)) => *count += 1,
                            None => inapplicable.push((reason, 1)),
                        }
                        continue;
                    }
                    let mut settings = base;
                    for setting in &combination {
                        settings.set(*setting);
                    }
                    if exclude.iter().any(|rule| matches_rule(&settings, rule)) {
                        excluded += 1;
                        continue;
                    }
                    push(settings, env.clone(), None, &mut notes);
                }
            }
            let skipped: usize = inapplicable.iter().map(|(_, count)| count).sum();
            let duplicates = total - excluded - skipped - variants.len();
            for (reason, count) in inapplicable {
                notes.push(format!("{count} of {total} combinations dropped: {reason}"));
            }
            if excluded > 0 {
                notes.push(format!("{excluded} of {total} combinations dropped by exclude rules"));
            }
            if duplicates > 0 {
                notes.push(format!(
                    "{duplicates} combinations were equivalent spellings of others (lto = true is \"fat\", strip = true is \"symbols\", strip = false is \"none\") and are built once"
                ));
            }
        }
    }
    // Every sweep is said against the profile the crate ships today: measure it too, first (so
    // every shard measures it as its reference, and a ladder climbs from it). Not in a search,
    // nor where an exclude rule drops it.
    let excluded = match &sweep.plan {
        Plan::Matrix { exclude, .. } => exclude.iter().any(|rule| matches_rule(&inherited, rule)),
        Plan::Ladder(_) => false,
    };
    let is_shipped = |v: &Variant| v.settings == inherited && v.env == base_env;
    if sweep.strategy == Strategy::Grid && !excluded && !variants.iter().any(is_shipped) {
        let mut variant = shipped(sweep, inherited);
        let held = match &sweep.plan {
            Plan::Ladder(_) => {
                variant.step = Some(SHIPPED_STEP.to_owned());
                "the ladder's first step adds settings to it"
            }
            Plan::Matrix { .. } => "the matrix does not hold it",
        };
        notes.push(format!("added `{}`, the profile the crate ships today: the baseline every change is said against ({held})", variant.id));
        variants.insert(0, variant);
    }
    Expansion { variants, notes }
}

/// The step label of the shipped profile when a ladder does not start from it.
pub const SHIPPED_STEP: &str = "as shipped today";

/// The variant built with the profile the crate ships today: the settings `inherited` gives and
/// the sweep's fixed build axes, nothing else (`check` builds only this one).
pub fn shipped(sweep: &Sweep, inherited: ProfileSettings) -> Variant {
    let mut env = BuildEnv::default();
    for setting in &sweep.fixed_env {
        env.set(setting.clone());
    }
    Variant::new(inherited, env, None, &id_suffix(sweep))
}

/// The variants grouped by everything but `strip` and the post-build step, groups in order of
/// their first member and members in order: a group can share one build of its dependencies,
/// since only the final link depends on `strip`, and a post-build step only reads the output.
pub fn strip_groups(variants: &[Variant]) -> Vec<Vec<&Variant>> {
    let mut groups: Vec<Vec<&Variant>> = Vec::new();
    let mut group_of = std::collections::HashMap::new();
    for variant in variants {
        let mut unstripped = variant.settings;
        unstripped.set(Setting::Strip(crate::plan::settings::Strip::None));
        let index =
            *group_of.entry((unstripped, variant.env.before_post_build())).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
        groups[index].push(variant);
    }
    groups
}

/// Every combination of one value per axis; the first axis varies slowest.
fn cartesian<A, S: Clone>(axes: &[(A, Vec<S>)]) -> Vec<Vec<S>> {
    axes.iter().fold(vec![Vec::new()], |prefixes, (_, values)| {
        prefixes
            .iter()
            .flat_map(|prefix| {
                values.iter().map(move |value| {
                    let mut next = prefix.clone();
                    next.push(value.clone());
                    next
                })
            })
            .collect()
    })
}

fn matches_rule(settings: &ProfileSettings, rule: &[(Axis, Vec<Setting>)]) -> bool {
    rule.iter().all(|(axis, values)| values.contains(&settings.get(*axis)))
}

/// Distinguishes variants whose five axes agree but whose other profile keys differ: empty for a
/// plain `release` sweep, else `-x` and six hex digits of a hash of `inherits` and the fixed keys.
pub fn id_suffix(sweep: &Sweep) -> String {
    if sweep.inherits.value == "release" && sweep.pass_through.is_empty() {
        return String::new();
    }
    let mut canonical = format!("inherits={}", sweep.inherits.value);
    for (key, value) in &sweep.pass_through {
        canonical.push_str(&format!(";{key}={value}"));
    }
    let digest = sha256(canonical.as_bytes());
    format!("-x{}", hex(&digest[..3]))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::plan::settings::BaseProfile;

    fn expand_text(text: &str) -> Expansion {
        let sweep = Sweep::parse(Path::new("t.toml"), text.to_owned()).unwrap();
        expand(&sweep, BaseProfile::Release.cargo_defaults(false))
    }

    fn ids(expansion: &Expansion) -> Vec<&str> {
        expansion.variants.iter().map(|v| v.id.as_str()).collect()
    }

    #[test]
    fn matrix_order_is_pinned_first_axis_slowest() {
        let e = expand_text(
            "package = \"p\"\n[matrix]\nstrip = [\"none\", true]\nopt-level = [3, \"z\"]\npanic = [\"abort\"]\n",
        );
        assert_eq!(
            ids(&e),
            [
                "o3-thinlocal-cgu16-unwind-dbg",
                "o3-thinlocal-cgu16-abort-nostrip",
                "o3-thinlocal-cgu16-abort-sym",
                "oz-thinlocal-cgu16-abort-nostrip",
                "oz-thinlocal-cgu16-abort-sym",
            ]
        );
        assert!(e.notes[0].contains("the profile the crate ships today"), "{:?}", e.notes);
        // The baseline comes first only when the matrix lacks it, and never into a search.
        let holds = expand_text("package = \"p\"\n[matrix]\nopt-level = [3, \"z\"]\n");
        assert_eq!(ids(&holds), ["o3-thinlocal-cgu16-unwind-dbg", "oz-thinlocal-cgu16-unwind-dbg"]);
        let search = expand_text(
            "package = \"p\"\nstrategy = \"search\"\n[matrix]\nopt-level = [\"s\", \"z\"]\n",
        );
        assert_eq!(search.variants.len(), 2);
    }

    #[test]
    fn equivalent_spellings_are_built_once() {
        let e = expand_text(
            "package = \"p\"\n[matrix]\nlto = [false, true, \"thin\", \"fat\", \"off\"]\nstrip = [false, true, \"none\", \"debuginfo\", \"symbols\"]\n",
        );
        assert_eq!(e.variants.len(), 4 * 3);
        assert_eq!(e.variants[0].id, "o3-thinlocal-cgu16-unwind-nostrip");
        assert!(e.notes[0].starts_with("13 combinations were equivalent"), "{:?}", e.notes);
    }

    #[test]
    fn full_matrix_has_540_combinations_and_432_variants() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../sweeps/full.toml"))
                .unwrap();
        let e = expand_text(&text);
        assert_eq!(e.variants.len(), 6 * 4 * 3 * 2 * 3);
        assert!(e.notes.iter().any(|n| n.starts_with("108 combinations")), "{:?}", e.notes);
    }

    #[test]
    fn variants_that_differ_only_in_strip_share_a_group() {
        let e = expand_text(
            "package = \"p\"\n[matrix]\nopt-level = [3, \"z\"]\nstrip = [false, \"debuginfo\", true]\nexclude = [{ opt-level = \"z\", strip = \"debuginfo\" }]\n",
        );
        let groups: Vec<Vec<&str>> = strip_groups(&e.variants)
            .iter()
            .map(|g| g.iter().map(|v| v.id.as_str()).collect())
            .collect();
        assert_eq!(
            groups,
            [
                vec![
                    "o3-thinlocal-cgu16-unwind-nostrip",
                    "o3-thinlocal-cgu16-unwind-dbg",
                    "o3-thinlocal-cgu16-unwind-sym"
                ],
                vec!["oz-thinlocal-cgu16-unwind-nostrip", "oz-thinlocal-cgu16-unwind-sym"],
            ]
        );
        let full =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../sweeps/full.toml"))
                .unwrap();
        assert_eq!(strip_groups(&expand_text(&full).variants).len(), 432 / 3);
    }

    #[test]
    fn exclude_rules_drop_matching_combinations() {
        let e = expand_text(
            "package = \"p\"\n[matrix]\nopt-level = [0, 3]\nlto = [false, \"fat\"]\nexclude = [{ opt-level = 0, lto = true }]\n",
        );
        assert_eq!(
            ids(&e),
            [
                "o0-thinlocal-cgu16-unwind-dbg",
                "o3-thinlocal-cgu16-unwind-dbg",
                "o3-fat-cgu16-unwind-dbg"
            ]
        );
        assert_eq!(e.notes, ["1 of 4 combinations dropped by exclude rules"]);
    }

    #[test]
    fn ladder_is_cumulative_and_skips_steps_that_change_nothing() {
        let e = expand_text(concat!(
            "package = \"p\"\n[[ladder]]\nstep = \"default\"\n[[ladder]]\nstep = \"+ strip\"\nstrip = true\n",
            "[[ladder]]\nstep = \"+ nothing\"\nstrip = \"symbols\"\n[[ladder]]\nstep = \"+ z\"\nopt-level = \"z\"\n"
        ));
        assert_eq!(
            ids(&e),
            [
                "o3-thinlocal-cgu16-unwind-dbg",
                "o3-thinlocal-cgu16-unwind-sym",
                "oz-thinlocal-cgu16-unwind-sym"
            ]
        );
        assert_eq!(e.variants[2].step.as_deref(), Some("+ z"));
        assert!(e.notes[0].contains("'+ nothing' changes nothing"));
    }

    #[test]
    fn a_ladder_that_does_not_start_from_the_shipped_profile_climbs_from_it() {
        let e = expand_text(
            "package = \"p\"\n[profile]\nopt-level = \"z\"\n[[ladder]]\nstep = \"z\"\n[[ladder]]\nstep = \"+ strip\"\nstrip = true\n",
        );
        assert_eq!(
            ids(&e),
            [
                "o3-thinlocal-cgu16-unwind-dbg",
                "oz-thinlocal-cgu16-unwind-dbg",
                "oz-thinlocal-cgu16-unwind-sym"
            ]
        );
        assert_eq!(e.variants[0].step.as_deref(), Some(SHIPPED_STEP));
        assert!(
            e.notes[0].contains("the ladder's first step adds settings to it"),
            "{:?}",
            e.notes
        );
    }

    #[test]
    fn fixed_keys_change_the_id_but_stay_stable() {
        let a = expand_text("package = \"p\"\n[profile]\ndebug = 1\n[[ladder]]\nstep = \"a\"\n");
        let b = expand_text("package = \"p\"\n[profile]\ndebug = 1\n[[ladder]]\nstep = \"b\"\n");
        assert_eq!(a.variants[0].id, b.variants[0].id);
        assert!(
            a.variants[0].id.starts_with("o3-thinlocal-cgu16-unwind-dbg-x"),
            "{}",
            a.variants[0].id
        );
        let fixed_axis = expand_text(
            "package = \"p\"\n[profile]\npanic = \"abort\"\n[[ladder]]\nstep = \"a\"\n",
        );
        // The fixed axis is not the shipped profile, which comes first.
        let ids: Vec<&str> = fixed_axis.variants.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(ids, ["o3-thinlocal-cgu16-unwind-dbg", "o3-thinlocal-cgu16-abort-dbg"]);
    }
}

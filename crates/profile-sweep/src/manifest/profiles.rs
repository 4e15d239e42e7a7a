//! Reading profile settings from, and adding sweep profiles to, a workspace root `Cargo.toml`.
//!
//! Pure text in, text out, through `toml_edit` so comments, spacing and key order of everything
//! else survive. Writing the file, and putting it back, is [`crate::manifest::guard`]'s job.

use std::path::Path;

use toml_edit::{DocumentMut, Item, Table, TableLike};

use crate::error::InputError;
use crate::manifest::text::{EditError, ManifestText};
use crate::plan::settings::{Axis, BaseProfile, ProfileSettings, RawValue, Setting};
use crate::plan::spec::Sweep;
use crate::plan::variants::Variant;

/// The comment placed above the first sweep profile, for anyone who opens the file mid-sweep.
const BANNER: &str = "# profile-sweep: temporary profiles, removed when the sweep ends\n";

/// The text with the `[profile.sweep-*]` tables that `before` (the manifest before the sweep)
/// does not have removed, with the banner before them, and every other byte kept: a user's own
/// `sweep-` profile stays. `None` if it is not valid TOML any more. Undoes
/// [`with_sweep_profiles`] byte for byte.
pub fn without_sweep_profiles(text: &str, before: &str) -> Option<String> {
    let theirs = sweep_profile_names(before).unwrap_or_default();
    let edit = ManifestText::new(text).edit(|doc| {
        if let Some(profiles) = doc.get_mut("profile").and_then(Item::as_table_mut) {
            let ours: Vec<String> = profiles
                .iter()
                .map(|(name, _)| name.to_owned())
                .filter(|name| name.starts_with("sweep-") && !theirs.contains(name))
                .collect();
            for name in ours {
                profiles.remove(&name);
            }
            if profiles.is_empty() && profiles.is_implicit() {
                doc.remove("profile");
            }
        }
        Ok::<(), ()>(())
    });
    edit.ok().map(|(text, ())| text)
}

/// The names of the `[profile.sweep-*]` tables in `text`, `None` if it is not valid TOML.
fn sweep_profile_names(text: &str) -> Option<Vec<String>> {
    let doc = ManifestText::new(text).document().ok()?;
    let profiles = doc.get("profile").and_then(Item::as_table_like);
    Some(
        profiles
            .map(|p| p.iter().map(|(k, _)| k.to_owned()).filter(|k| k.starts_with("sweep-")))
            .into_iter()
            .flatten()
            .collect(),
    )
}

/// Where the sweep profiles start in toml_edit's table order: after anything a user could write.
const FIRST_POSITION: isize = isize::MAX / 2;

/// What a sweep's variants inherit, read from the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inherited {
    /// The five values a variant gets for every axis the sweep leaves alone: cargo's defaults
    /// overlaid with what the manifest sets along the `inherits` chain.
    pub settings: ProfileSettings,
    /// Whether the manifest sets `codegen-units` anywhere along the chain.
    pub declares_codegen_units: bool,
    /// Cargo's own default for `codegen-units` at the end of the chain.
    pub default_codegen_units: std::num::NonZeroU32,
}

/// Why a profile's `inherits` chain does not reach a built-in profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The chain comes back to this profile (or runs past 16 profiles).
    Cycle(String),
    /// The chain names this profile, which the manifest does not define.
    Undefined(String),
    /// This custom profile has no `inherits` key.
    NoInherits(String),
}

/// The profiles from `start` to the built-in one that ends its `inherits` chain, nearest first
/// (`bench` and `test` are followed by `release` and `dev`, as cargo does), and that built-in
/// profile. `profiles` is the manifest's `[profile]` table, if any.
pub fn inherits_chain(
    profiles: Option<&dyn TableLike>,
    start: &str,
) -> Result<(Vec<String>, BaseProfile), ChainBreak> {
    let mut chain = Vec::new();
    let mut name = start.to_owned();
    loop {
        if chain.contains(&name) || chain.len() > 16 {
            return Err(ChainBreak::Cycle(name));
        }
        chain.push(name.clone());
        if let Some(builtin) = BaseProfile::from_name(&name) {
            if name == "bench" || name == "test" {
                chain.push(if name == "bench" { "release" } else { "dev" }.to_owned());
            }
            return Ok((chain, builtin));
        }
        let custom = profiles.and_then(|p| p.get(&name)).and_then(Item::as_table_like);
        let Some(custom) = custom else { return Err(ChainBreak::Undefined(name)) };
        match custom.get("inherits").and_then(Item::as_str) {
            Some(parent) => name = parent.to_owned(),
            None => return Err(ChainBreak::NoInherits(name)),
        }
    }
}

/// Reads what the sweep's `inherits` profile gives: cargo's defaults for the built-in profile at
/// the end of the chain, overlaid with what the manifest sets along it, with the `debug` setting
/// that decides cargo's default `strip`.
pub fn inherited_settings(
    manifest_path: &Path,
    manifest_text: &str,
    sweep: &Sweep,
) -> Result<Inherited, InputError> {
    let doc = ManifestText::new(manifest_text)
        .document()
        .map_err(|e| InputError::in_file(manifest_path, format!("not valid TOML: {e}")))?;
    let profiles = doc.get("profile").and_then(Item::as_table_like);
    let table = |name: &str| profiles.and_then(|p| p.get(name)).and_then(Item::as_table_like);

    // Walk the chain from the named profile to a built-in one; nearer profiles win.
    let (chain, base) =
        inherits_chain(profiles, &sweep.inherits.value).map_err(|broken| match broken {
            ChainBreak::Cycle(name) => {
                InputError::in_file(manifest_path, format!("profile `{name}` inherits from itself"))
            }
            ChainBreak::Undefined(name) => {
                let defined: Vec<&str> =
                    profiles.map(|p| p.iter().map(|(k, _)| k).collect()).unwrap_or_default();
                sweep
                    .error_at(
                        sweep.inherits.offset,
                        format!("profile `{name}` is not defined in {}", manifest_path.display()),
                    )
                    .with_fix(format!(
                        "inherit from release, dev, bench or test{}",
                        if defined.is_empty() {
                            String::new()
                        } else {
                            format!(", or one of the manifest's: {}", defined.join(", "))
                        }
                    ))
            }
            ChainBreak::NoInherits(name) => InputError::in_file(
                manifest_path,
                format!("[profile.{name}] has no `inherits` key"),
            )
            .with_fix(format!("add inherits = \"release\" to [profile.{name}]")),
        })?;

    let declared = |key: &str| chain.iter().find_map(|name| table(name).and_then(|t| t.get(key)));
    let debug = match sweep.pass_through.iter().find(|(k, _)| k == "debug") {
        Some((_, value)) => RawValue::from_toml(value),
        None => declared("debug").and_then(Item::as_value).and_then(RawValue::from_edit),
    };
    let debug_info = debug.map_or(base.debug_by_default(), |value| value.enables_debug_info());
    let defaults = base.cargo_defaults(debug_info);
    let mut settings = defaults;
    for axis in Axis::ALL {
        let Some(value) = declared(axis.key()).and_then(Item::as_value) else { continue };
        let setting =
            RawValue::from_edit(value).and_then(|raw| axis.parse(&raw)).ok_or_else(|| {
                InputError::in_file(
                    manifest_path,
                    format!(
                        "the manifest's profile sets {} = {}, which cargo does not accept",
                        axis.key(),
                        value.to_string().trim()
                    ),
                )
                .with_fix(format!("{} takes {}", axis.key(), axis.accepted()))
            })?;
        settings.set(setting);
    }
    Ok(Inherited {
        settings,
        declares_codegen_units: declared(Axis::CodegenUnits.key()).is_some(),
        default_codegen_units: defaults.codegen_units,
    })
}

/// The manifest text with one `[profile.sweep-<id>]` table per variant appended after everything
/// else: `inherits` first, then the five axes and the sweep's fixed keys, set explicitly.
///
/// One exception, measured: cargo hashes an explicit `codegen-units` into `-C metadata` even when
/// it equals the default, which changes the binary (by 1,952 bytes for json2csv). So when the
/// manifest's chain leaves `codegen-units` at cargo's default and a variant wants that default,
/// the key is left out, and the variant is byte-identical to a plain build of the base profile.
pub fn with_sweep_profiles(
    manifest_path: &Path,
    manifest_text: &str,
    sweep: &Sweep,
    inherited: &Inherited,
    variants: &[Variant],
) -> Result<String, InputError> {
    let edit = ManifestText::new(manifest_text)
        .edit(|doc| add_sweep_profiles(doc, manifest_path, sweep, inherited, variants));
    match edit {
        Ok((text, ())) => Ok(text),
        Err(EditError::Parse(e)) => {
            Err(InputError::in_file(manifest_path, format!("not valid TOML: {e}")))
        }
        Err(EditError::Change(e)) => Err(e),
    }
}

/// Adds one table per variant to `doc`'s `[profile]`, for [`with_sweep_profiles`].
fn add_sweep_profiles(
    doc: &mut DocumentMut,
    manifest_path: &Path,
    sweep: &Sweep,
    inherited: &Inherited,
    variants: &[Variant],
) -> Result<(), InputError> {
    let profiles = doc
        .entry("profile")
        .or_insert_with(|| {
            let mut table = Table::new();
            table.set_implicit(true);
            Item::Table(table)
        })
        .as_table_mut()
        .ok_or_else(|| {
            InputError::in_file(manifest_path, "`profile` is not a table")
                .with_fix("write profiles as [profile.<name>] tables")
        })?;
    let mut written = std::collections::HashSet::new();
    for (index, variant) in variants.iter().enumerate() {
        let name = variant.profile_name();
        if !written.insert(name.clone()) {
            // A post-build variant shares the profile of the build it starts from.
            continue;
        }
        if profiles.contains_key(&name) {
            return Err(InputError::in_file(
                manifest_path,
                format!("the manifest already has [profile.{name}]"),
            )
            .with_fix(
                "remove it: profile names starting with `sweep-` are reserved for profile-sweep",
            ));
        }
        let mut table = Table::new();
        table.insert("inherits", toml_edit::value(sweep.inherits.value.as_str()));
        for setting in variant.settings.values() {
            let default_by_omission = setting
                == Setting::CodegenUnits(inherited.default_codegen_units)
                && !inherited.declares_codegen_units;
            if !default_by_omission {
                table.insert(setting.axis().key(), Item::Value(setting.toml_value()));
            }
        }
        for (key, value) in variant.env.profile_keys(variant.settings.strip) {
            set_profile_key(&mut table, &key, value).expect("a new profile table");
        }
        for (key, value) in &sweep.pass_through {
            table.insert(key, Item::Value(to_edit_value(value)));
        }
        table.set_position(Some(FIRST_POSITION + index as isize));
        if index == 0 {
            table.decor_mut().set_prefix(format!("\n{BANNER}"));
        }
        profiles.insert(&name, Item::Table(table));
    }
    Ok(())
}

/// Sets `key` of a profile table to `value`, keeping the old value's comments. A dotted key
/// (`package."*".opt-level`) goes into the tables it names, written dotted when they are new;
/// fails, naming the part, when one of them is not a table.
pub fn set_profile_key(
    table: &mut dyn TableLike,
    key: &str,
    value: toml_edit::Value,
) -> Result<(), String> {
    let path = toml_edit::Key::parse(key).expect("profile keys are valid TOML keys");
    let (last, parents) = path.split_last().expect("a key has at least one part");
    let mut table = table;
    for part in parents {
        let item = table.entry_format(part).or_insert_with(|| {
            let mut new = Table::new();
            new.set_dotted(true);
            Item::Table(new)
        });
        table =
            item.as_table_like_mut().ok_or_else(|| format!("`{}` is not a table", part.get()))?;
    }
    match table.get_mut(last.get()).and_then(Item::as_value_mut) {
        Some(old) => {
            let decor = old.decor().clone();
            *old = value;
            *old.decor_mut() = decor;
        }
        None => {
            table.insert(last.get(), Item::Value(value));
        }
    }
    Ok(())
}

/// Converts a scalar pass-through value (bool, integer or string, checked in
/// [`crate::plan::spec`]).
fn to_edit_value(value: &toml::Value) -> toml_edit::Value {
    match value {
        toml::Value::Boolean(b) => (*b).into(),
        toml::Value::Integer(i) => (*i).into(),
        other => other.as_str().unwrap_or_default().into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::variants::expand;

    const MANIFEST: &str = r#"# A workspace with opinions.
[workspace]
members = ["app"]   # just one

[profile.release]
lto = true          # the user's choice
codegen-units = 4
debug = "line-tables-only"

[profile.small]
inherits = "release"
opt-level = "z"

[workspace.dependencies]
serde = "1"         # trailing comment
"#;

    fn sweep(text: &str) -> Sweep {
        Sweep::parse(Path::new("s.toml"), text.to_owned()).unwrap()
    }

    #[test]
    fn inherited_settings_follow_the_chain_and_the_users_profile() {
        let path = Path::new("Cargo.toml");
        let s = inherited_settings(
            path,
            MANIFEST,
            &sweep("package = \"p\"\ninherits = \"small\"\n[[ladder]]\nstep = \"a\"\n"),
        )
        .unwrap()
        .settings;
        assert_eq!(
            s.id(),
            "oz-fat-cgu4-unwind-nostrip",
            "debug info is on, so cargo's default strip is none"
        );
        let s = inherited_settings(
            path,
            MANIFEST,
            &sweep("package = \"p\"\n[profile]\ndebug = false\n[[ladder]]\nstep = \"a\"\n"),
        )
        .unwrap()
        .settings;
        assert_eq!(s.id(), "o3-fat-cgu4-unwind-dbg");
        let s = inherited_settings(
            path,
            "",
            &sweep("package = \"p\"\ninherits = \"bench\"\n[[ladder]]\nstep = \"a\"\n"),
        )
        .unwrap()
        .settings;
        assert_eq!(s.id(), "o3-thinlocal-cgu16-unwind-dbg");
    }

    #[test]
    fn the_inner_loops_profile_keys_are_written_and_a_package_override_dotted() {
        let sweep = sweep(
            "package = \"p\"\n[matrix]\ndebug = [\"line-tables-only\"]\ndeps-opt-level = [1]\nincremental = [false]\n",
        );
        let inherited = inherited_settings(Path::new("Cargo.toml"), MANIFEST, &sweep).unwrap();
        let variants = expand(&sweep, inherited.settings).variants;
        let text =
            with_sweep_profiles(Path::new("Cargo.toml"), MANIFEST, &sweep, &inherited, &variants)
                .unwrap();
        let id = &variants.last().unwrap().id;
        assert!(id.ends_with("-debug-lines-noincr-deps-o1"), "{id}");
        let table = text.split(&format!("[profile.sweep-{id}]\n")).nth(1).unwrap();
        assert!(
            table.contains(
                "debug = \"line-tables-only\"\nincremental = false\npackage.\"*\".opt-level = 1\n"
            ),
            "{table}"
        );
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        let profile = &parsed["profile"][&format!("sweep-{id}")];
        assert_eq!(profile["package"]["*"]["opt-level"].as_integer(), Some(1));
    }

    #[test]
    fn unknown_inherited_profile_lists_the_defined_ones() {
        let err = inherited_settings(
            Path::new("Cargo.toml"),
            MANIFEST,
            &sweep("package = \"p\"\ninherits = \"tiny\"\n[[ladder]]\nstep = \"a\"\n"),
        )
        .unwrap_err();
        assert_eq!(err.position, Some((2, 12)));
        assert!(err.message.contains("profile `tiny` is not defined"));
        assert!(err.fix.unwrap().ends_with("one of the manifest's: release, small"));
    }

    #[test]
    fn sweep_profiles_are_appended_and_the_rest_is_untouched() {
        let sweep = sweep(
            "package = \"p\"\n[profile]\noverflow-checks = false\n[[ladder]]\nstep = \"a\"\n[[ladder]]\nstep = \"b\"\npanic = \"abort\"\nstrip = true\n",
        );
        let inherited = inherited_settings(Path::new("Cargo.toml"), MANIFEST, &sweep).unwrap();
        let variants = expand(&sweep, inherited.settings).variants;
        let edited =
            with_sweep_profiles(Path::new("Cargo.toml"), MANIFEST, &sweep, &inherited, &variants)
                .unwrap();
        assert!(edited.starts_with(MANIFEST), "the user's text must come first, unchanged");
        insta::assert_snapshot!(&edited[MANIFEST.len()..]);
        let reparsed = sweep_profile_names(&edited).unwrap();
        assert_eq!(reparsed, variants.iter().map(Variant::profile_name).collect::<Vec<_>>());
        assert_eq!(
            without_sweep_profiles(&edited, MANIFEST).as_deref(),
            Some(MANIFEST),
            "removal undoes the edit byte for byte"
        );
    }

    #[test]
    fn manifest_without_profiles_gets_a_profile_table() {
        let text = "[package]\nname = \"a\"\n\n[dependencies]\n";
        let sweep = sweep(
            "package = \"p\"\n[[ladder]]\nstep = \"a\"\n[[ladder]]\nstep = \"b\"\ncodegen-units = 1\n",
        );
        let inherited = inherited_settings(Path::new("Cargo.toml"), text, &sweep).unwrap();
        let variants = expand(&sweep, inherited.settings).variants;
        let edited =
            with_sweep_profiles(Path::new("Cargo.toml"), text, &sweep, &inherited, &variants)
                .unwrap();
        let table = |id: &str, units: &str| {
            format!(
                "[profile.sweep-{id}]\ninherits = \"release\"\nopt-level = 3\nlto = false\n{units}panic = \"unwind\"\nstrip = \"debuginfo\"\n"
            )
        };
        let expected = format!(
            "{text}\n{BANNER}{}\n{}",
            table("o3-thinlocal-cgu16-unwind-dbg", ""),
            table("o3-thinlocal-cgu1-unwind-dbg", "codegen-units = 1\n")
        );
        assert_eq!(edited, expected, "cargo's default codegen-units is written by omission");
        assert_eq!(
            without_sweep_profiles(&edited, text).as_deref(),
            Some(text),
            "an added [profile] table goes too"
        );
    }

    #[test]
    fn a_crlf_manifest_with_a_bom_and_a_users_sweep_profile_comes_back_byte_for_byte() {
        let text = "\u{feff}# mine\r\n[workspace]\r\nmembers = []\r\n\r\n# my own, kept\r\n[profile.sweep-mine]\r\ninherits = \"release\"\r\n";
        let sweep = sweep(
            "package = \"p\"\n[[ladder]]\nstep = \"a\"\n[[ladder]]\nstep = \"b\"\nlto = true\n",
        );
        let inherited = inherited_settings(Path::new("Cargo.toml"), text, &sweep).unwrap();
        let variants = expand(&sweep, inherited.settings).variants;
        let edited =
            with_sweep_profiles(Path::new("Cargo.toml"), text, &sweep, &inherited, &variants)
                .unwrap();
        assert!(edited.starts_with(text), "{edited:?}");
        assert!(!edited[text.len()..].replace("\r\n", "").contains('\n'), "{edited:?}");
        assert_eq!(sweep_profile_names(&edited).unwrap().len(), 3);
        assert_eq!(without_sweep_profiles(&edited, text).as_deref(), Some(text));
    }

    #[test]
    fn an_existing_sweep_profile_is_refused() {
        let sweep = sweep("package = \"p\"\n[[ladder]]\nstep = \"a\"\n");
        let inherited = inherited_settings(Path::new("Cargo.toml"), "", &sweep).unwrap();
        let variants = expand(&sweep, inherited.settings).variants;
        let text = format!("[profile.{}]\ninherits = \"release\"\n", variants[0].profile_name());
        let err =
            with_sweep_profiles(Path::new("Cargo.toml"), &text, &sweep, &inherited, &variants)
                .unwrap_err();
        assert!(err.message.contains("already has [profile.sweep-"));
    }
}

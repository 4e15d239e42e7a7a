//! Writing a chosen variant's settings into a named profile of the user's `Cargo.toml`, for
//! `apply`: each key set where it stands (keeping its comments), a new profile inheriting what
//! was measured, and `codegen-units` removed where the variant used cargo's default. Like every
//! manifest change, through [`ManifestText`], which keeps the bytes of untouched lines.

use std::path::Path;

use toml_edit::{DocumentMut, Item, Table};

use crate::error::InputError;
use crate::manifest::profiles::{inherits_chain, set_profile_key};
use crate::manifest::text::{EditError, ManifestText};
use crate::plan::settings::BaseProfile;

/// What `apply` writes into a profile: a measured variant's keys.
#[derive(Debug, Clone)]
pub struct ChosenProfile {
    /// What a new named profile inherits: the profile the variant was measured on.
    pub inherits: String,
    /// The keys in cargo's spelling; `codegen-units` only when it is not cargo's default.
    pub keys: Vec<(String, toml_edit::Value)>,
    /// Cargo's default `codegen-units` when the variant used it.
    pub default_codegen_units: Option<u32>,
}

/// `manifest_text` (the file at `manifest`) with the chosen keys written into
/// `[profile.<profile>]`; a profile that is not built in and new gets `inherits`. Cargo's
/// default `codegen-units` follows the sweep's rule ([`crate::manifest::profiles::Inherited`]):
/// left out when the profile's `inherits` chain sets no `codegen-units`, else written. A
/// profile name cargo would reject, or `profile` tables that are not tables, is an error
/// naming the fix.
pub fn with_chosen_profile(
    manifest: &Path,
    manifest_text: &str,
    profile: &str,
    chosen: ChosenProfile,
) -> Result<String, InputError> {
    check_profile_name(manifest, profile)?;
    let edit = ManifestText::new(manifest_text)
        .edit(|document| set_profile(document, manifest, profile, chosen));
    match edit {
        Ok((text, ())) => Ok(text),
        Err(EditError::Parse(e)) => {
            Err(InputError::in_file(manifest, format!("not valid TOML: {e}"))
                .with_fix("fix the manifest so cargo can read it"))
        }
        Err(EditError::Change(e)) => Err(e),
    }
}

/// Refuses a profile name cargo would reject (its `validate_profile_name`: letters, digits,
/// `-` and `_`; `debug`, `build-override`, a few command names and `cargo*` are reserved) and
/// the `sweep-` prefix, which profile-sweep's recovery takes as its own.
fn check_profile_name(manifest: &Path, profile: &str) -> Result<(), InputError> {
    const RESERVED: [&str; 21] = [
        "debug",
        "build-override",
        "build",
        "check",
        "clean",
        "config",
        "fetch",
        "fix",
        "install",
        "metadata",
        "package",
        "publish",
        "report",
        "root",
        "run",
        "rust",
        "rustc",
        "rustdoc",
        "target",
        "tmp",
        "uninstall",
    ];
    let lower = profile.to_lowercase();
    let why = if profile.is_empty() {
        "is empty"
    } else if profile.chars().any(|c| !c.is_alphanumeric() && c != '-' && c != '_') {
        "has a character cargo does not accept in a profile name (letters, digits, - and _ only)"
    } else if RESERVED.contains(&lower.as_str()) || lower.starts_with("cargo") {
        "is reserved by cargo"
    } else if profile.starts_with("sweep-") {
        "starts with `sweep-`, which profile-sweep reserves for its temporary profiles"
    } else {
        return Ok(());
    };
    let fix = if lower == "debug" {
        "the development profile is `dev`: pass --profile dev".to_owned()
    } else {
        "pass another --profile, e.g. --profile release".to_owned()
    };
    Err(InputError::in_file(manifest, format!("the profile name `{profile}` {why}")).with_fix(fix))
}

/// Writes `keys` into `[profile.<profile>]` of `document`, for [`with_chosen_profile`].
fn set_profile(
    document: &mut DocumentMut,
    manifest: &Path,
    profile: &str,
    chosen: ChosenProfile,
) -> Result<(), InputError> {
    let ChosenProfile { inherits, mut keys, default_codegen_units } = chosen;
    let declares_codegen_units =
        declared_along_chain(document, profile, &inherits, "codegen-units");
    if let Some(units) = default_codegen_units.filter(|_| declares_codegen_units) {
        keys.push(("codegen-units".to_owned(), i64::from(units).into()));
    }
    let profiles = document.entry("profile").or_insert_with(|| {
        let mut table = Table::new();
        table.set_implicit(true);
        Item::Table(table)
    });
    let Some(profiles) = profiles.as_table_mut() else {
        return Err(InputError::in_file(manifest, "`profile` is not a table")
            .with_fix("write profiles as [profile.<name>] tables"));
    };
    let table = profiles.entry(profile).or_insert_with(|| Item::Table(Table::new()));
    let Some(table) = table.as_table_like_mut() else {
        return Err(InputError::in_file(manifest, format!("`profile.{profile}` is not a table"))
            .with_fix(format!("write it as a [profile.{profile}] table")));
    };
    if !["release", "dev", "bench", "test"].contains(&profile) && table.get("inherits").is_none() {
        table.insert("inherits", toml_edit::value(inherits.as_str()));
    }
    let writes_codegen_units = keys.iter().any(|(key, _)| key == "codegen-units");
    for (key, value) in keys {
        set_profile_key(table, &key, value).map_err(|why| {
            InputError::in_file(
                manifest,
                format!("cannot set `{key}` in [profile.{profile}]: {why}"),
            )
            .with_fix(format!("write [profile.{profile}.package] as a table of packages"))
        })?;
    }
    if !writes_codegen_units {
        // The variant used cargo's default, left out as the sweep left it out.
        table.remove("codegen-units");
    }
    Ok(())
}

/// Whether `key` is set in `[profile.<profile>]` or a profile it inherits from (`inherits`
/// when the profile is new), along the chain the sweep walks ([`inherits_chain`]); `false`
/// when the chain is broken, which cargo would refuse anyway.
fn declared_along_chain(document: &DocumentMut, profile: &str, inherits: &str, key: &str) -> bool {
    let profiles = document.get("profile").and_then(Item::as_table_like);
    let table = |name: &str| profiles.and_then(|p| p.get(name)).and_then(Item::as_table_like);
    let new = table(profile).is_none() && BaseProfile::from_name(profile).is_none();
    let Ok((chain, _)) = inherits_chain(profiles, if new { inherits } else { profile }) else {
        return false;
    };
    chain.iter().any(|name| table(name).is_some_and(|t| t.contains_key(key)))
}

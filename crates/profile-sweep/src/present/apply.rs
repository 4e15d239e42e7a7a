//! `apply`: write a measured variant's settings into a profile of the user's `Cargo.toml`
//! through `toml_edit`, so comments, key order and formatting survive, and show the change as
//! a unified diff.

use std::path::Path;

use toml_edit::{DocumentMut, Item, Table};

use crate::error::InputError;
use crate::manifest::profiles::set_profile_key;
use crate::manifest::text::{EditError, ManifestText};
use crate::results::rows::{Row, Status};

/// The manifest text with `variant`'s settings in `[profile.<profile>]`: each key set (keeping
/// the old value's comments), `codegen-units` removed where the variant used cargo's default.
pub fn apply(
    rows: &[Row],
    csv: &Path,
    variant: &str,
    manifest: &Path,
    manifest_text: &str,
    profile: &str,
) -> Result<String, InputError> {
    let Some(row) = rows.iter().find(|r| r.variant == variant && r.measurement.is_none()) else {
        let mut known: Vec<&str> = rows
            .iter()
            .filter(|r| r.measurement.is_none() && r.status == Status::Ok)
            .map(|r| r.variant.as_str())
            .collect();
        known.truncate(8);
        return Err(InputError::in_file(
            csv,
            format!("no variant `{variant}` in this results file"),
        )
        .with_fix(format!("use one of its variants, e.g. {}", known.join(", "))));
    };
    if row.status != Status::Ok {
        return Err(InputError::in_file(
            csv,
            format!("variant `{variant}` did not build, so it has nothing measured to apply"),
        )
        .with_fix("choose a variant whose status is ok"));
    }
    let keys = crate::present::snippet::profile_keys(row).map_err(|message| {
        InputError::in_file(csv, message)
            .with_fix("regenerate the results with profile-sweep's `sweep`")
    })?;
    check_profile_name(manifest, profile)?;
    let edit = ManifestText::new(manifest_text)
        .edit(|document| set_profile(document, manifest, profile, row.inherits.as_str(), keys));
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

/// Writes `keys` into `[profile.<profile>]` of `document`, for [`apply`].
fn set_profile(
    document: &mut DocumentMut,
    manifest: &Path,
    profile: &str,
    inherits: &str,
    keys: Vec<(String, toml_edit::Value)>,
) -> Result<(), InputError> {
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
        table.insert("inherits", toml_edit::value(inherits));
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
        // The variant used cargo's default, which an explicit value would not reproduce.
        table.remove("codegen-units");
    }
    Ok(())
}

/// A unified diff of the manifest's old and new text.
pub fn diff(manifest: &Path, old: &str, new: &str) -> String {
    let name = manifest.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&name, &name)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::rows::tests::row;

    const MANIFEST: &str = "[workspace]\nmembers = [\"a\"]\n\n# Shipping settings.\n[profile.release]\nopt-level = 3 # fast\ncodegen-units = 4\ndebug = 1\n";

    fn chosen() -> Row {
        Row {
            opt_level: "z".into(),
            lto: "fat".into(),
            codegen_units: 16,
            panic: "abort".into(),
            strip: "symbols".into(),
            ..row("oz-fat", 1)
        }
    }

    #[test]
    fn apply_keeps_comments_and_order_and_diff_shows_the_change() {
        let rows = [chosen()];
        let new = apply(
            &rows,
            Path::new("r.csv"),
            "oz-fat",
            Path::new("Cargo.toml"),
            MANIFEST,
            "release",
        )
        .unwrap();
        insta::assert_snapshot!(new, @r#"
        [workspace]
        members = ["a"]

        # Shipping settings.
        [profile.release]
        opt-level = "z" # fast
        debug = 1
        lto = "fat"
        panic = "abort"
        strip = "symbols"
        "#);
        let diff = diff(Path::new("Cargo.toml"), MANIFEST, &new);
        for line in [
            "-opt-level = 3 # fast\n",
            "-codegen-units = 4\n",
            "+opt-level = \"z\" # fast\n",
            "+lto = \"fat\"\n",
            " debug = 1\n",
        ] {
            assert!(diff.contains(line), "{line:?} missing from\n{diff}");
        }
    }

    #[test]
    fn a_new_named_profile_inherits_what_was_measured() {
        let new = apply(
            &[chosen()],
            Path::new("r.csv"),
            "oz-fat",
            Path::new("Cargo.toml"),
            "[package]\nname = \"a\"\n",
            "dist",
        )
        .unwrap();
        assert_eq!(
            new,
            "[package]\nname = \"a\"\n\n[profile.dist]\ninherits = \"release\"\nopt-level = \"z\"\nlto = \"fat\"\npanic = \"abort\"\nstrip = \"symbols\"\n"
        );
    }

    #[test]
    fn unknown_and_failed_variants_are_refused() {
        let failed = Row { status: Status::BuildFailed, size_bytes: None, ..row("broken", 1) };
        let rows = [chosen(), failed];
        let error =
            apply(&rows, Path::new("r.csv"), "nope", Path::new("Cargo.toml"), MANIFEST, "release")
                .unwrap_err();
        assert_eq!(error.message, "no variant `nope` in this results file");
        assert_eq!(error.fix.as_deref(), Some("use one of its variants, e.g. oz-fat"));
        let error = apply(
            &rows,
            Path::new("r.csv"),
            "broken",
            Path::new("Cargo.toml"),
            MANIFEST,
            "release",
        )
        .unwrap_err();
        assert!(error.message.contains("did not build"), "{}", error.message);
    }
}

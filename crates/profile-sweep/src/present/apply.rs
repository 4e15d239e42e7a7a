//! `apply`: find a measured variant in the results, turn its settings into profile keys, have
//! [`crate::manifest::chosen`] write them into the user's `Cargo.toml`, and show the change as a
//! unified diff.

use std::path::Path;

use crate::error::InputError;
use crate::manifest::chosen::{ChosenProfile, with_chosen_profile};
use crate::present::snippet;
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
    let keys = snippet::profile_keys(row).map_err(|message| {
        InputError::in_file(csv, message)
            .with_fix("regenerate the results with profile-sweep's `sweep`")
    })?;
    let default = snippet::default_codegen_units(row);
    let chosen = ChosenProfile {
        inherits: row.inherits.clone(),
        keys,
        default_codegen_units: (row.codegen_units == default).then_some(default),
    };
    with_chosen_profile(manifest, manifest_text, profile, chosen)
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
        codegen-units = 16
        debug = 1
        lto = "fat"
        panic = "abort"
        strip = "symbols"
        "#);
        let diff = diff(Path::new("Cargo.toml"), MANIFEST, &new);
        for line in [
            "-opt-level = 3 # fast\n",
            "-codegen-units = 4\n",
            "+codegen-units = 16\n",
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

    /// Cargo's default `codegen-units` is written exactly where the sweep wrote it: when the
    /// profile's chain sets `codegen-units`, else left out (an explicit value changes the binary).
    #[test]
    fn cargo_default_codegen_units_follows_the_sweeps_rule_along_the_chain() {
        let applied = |manifest: &str, profile: &str| {
            apply(
                &[chosen()],
                Path::new("r.csv"),
                "oz-fat",
                Path::new("Cargo.toml"),
                manifest,
                profile,
            )
            .unwrap()
        };
        let release_sets_four = "[profile.release]\ncodegen-units = 4\n";
        assert!(applied(release_sets_four, "dist").contains("[profile.dist]\ninherits = \"release\"\nopt-level = \"z\"\nlto = \"fat\"\npanic = \"abort\"\nstrip = \"symbols\"\ncodegen-units = 16\n"));
        let bench =
            applied("[profile.release]\ncodegen-units = 4\n[profile.bench]\ndebug = 1\n", "bench");
        assert!(bench.ends_with("[profile.bench]\ndebug = 1\nopt-level = \"z\"\nlto = \"fat\"\npanic = \"abort\"\nstrip = \"symbols\"\ncodegen-units = 16\n"), "{bench}");
        let silent = applied("[profile.release]\nopt-level = 2\n", "dist");
        assert!(!silent.contains("codegen-units"), "{silent}");
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

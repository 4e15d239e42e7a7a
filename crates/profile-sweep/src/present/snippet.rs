//! The profile that reproduces a measured variant, to paste or to `apply`: its axes in cargo's
//! spelling, its fixed settings, and comments for what a profile cannot say (cargo's default
//! `codegen-units`, build axes, PGO training).

use crate::plan::settings::{Axis, BaseProfile, RawValue, Setting, Strip};
use crate::results::analysis::build_axes;
use crate::results::rows::Row;

/// Cargo's `codegen-units` for the profile a row's variant inherits (16 for release, 256 for
/// dev); written explicitly it changes the binary (measured: +1,952 bytes on json2csv), so
/// profiles leave it out instead.
pub fn default_codegen_units(row: &Row) -> u32 {
    let base = BaseProfile::from_name(&row.inherits).unwrap_or(BaseProfile::Release);
    base.cargo_defaults(false).codegen_units.get()
}

/// The built-in profile a row's settings are pasted into: `dev` for a variant inheriting from
/// dev (or test), else `release`.
pub fn profile_to_paste(row: &Row) -> &'static str {
    match BaseProfile::from_name(&row.inherits) {
        Some(BaseProfile::Dev) => "dev",
        _ => "release",
    }
}

/// The profile keys that reproduce a row's variant, in cargo's spelling and the sweep's order:
/// the five axes (but `codegen-units` only when it is not cargo's default), then the inner
/// loop's profile keys (`debug`, `package."*".opt-level`, ...), then the sweep's fixed settings. Fails on cells that are not valid values (a hand-edited CSV).
pub fn profile_keys(row: &Row) -> Result<Vec<(String, toml_edit::Value)>, String> {
    let cells = [&row.opt_level, &row.lto, &row.codegen_units.to_string(), &row.panic, &row.strip];
    let mut keys = Vec::new();
    let mut strip = Strip::None;
    for (axis, cell) in Axis::ALL.into_iter().zip(cells) {
        let setting: Setting = axis.parse(&RawValue::from_cell(cell)).ok_or_else(|| {
            format!("variant `{}`: {:?} is not a valid {}", row.variant, cell, axis.key())
        })?;
        if let Setting::Strip(s) = setting {
            strip = s;
        }
        if !(axis == Axis::CodegenUnits && row.codegen_units == default_codegen_units(row)) {
            keys.push((axis.key().to_owned(), setting.toml_value()));
        }
    }
    let env = row.build_env();
    keys.extend(env.profile_keys(strip));
    for pair in row.fixed_settings.iter().flat_map(|f| f.split(';')) {
        let document: toml_edit::DocumentMut = pair
            .parse()
            .map_err(|e| format!("variant `{}`: fixed setting {pair:?}: {e}", row.variant))?;
        for (key, item) in document.iter() {
            let value = item.as_value().ok_or_else(|| {
                format!("variant `{}`: fixed setting {pair:?} is not a value", row.variant)
            })?;
            keys.push((key.to_owned(), value.clone().decorated("", "")));
        }
    }
    Ok(keys)
}

/// The `[profile.<name>]` table to paste for a row's variant.
pub fn profile_snippet(row: &Row, profile: &str) -> Result<String, String> {
    let mut text = format!("[profile.{profile}]\n");
    if row.inherits != "release" {
        text.push_str(&format!("# measured as a profile inheriting from `{}`\n", row.inherits));
    }
    for (key, value) in profile_keys(row)? {
        text.push_str(&format!("{key} = {value}\n"));
    }
    if row.codegen_units == default_codegen_units(row) {
        let units = row.codegen_units;
        text.push_str(&format!(
            "# codegen-units: cargo's default ({units}); leave it unset, as measured\n"
        ));
    }
    let axes = build_axes(row);
    if !axes.is_empty() {
        text.push_str(&format!("# measured when built with: {}\n", axes.join("; ")));
    }
    if let Some(trained_on) = &row.trained_on {
        text.push_str(&format!("# profile-guided, trained on: {trained_on}\n"));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::rows::tests::row;

    #[test]
    fn a_dev_variant_is_pasted_into_profile_dev_with_its_own_default_codegen_units() {
        let dev = Row {
            inherits: "dev".into(),
            codegen_units: 256,
            opt_level: "1".into(),
            ..row("d", 1)
        };
        assert_eq!(profile_to_paste(&dev), "dev");
        let text = profile_snippet(&dev, "dev").unwrap();
        assert!(!text.contains("codegen-units = 256"), "{text}");
        assert!(text.contains("cargo's default (256)"), "{text}");
        let sixteen = profile_snippet(&Row { codegen_units: 16, ..dev }, "dev").unwrap();
        assert!(sixteen.contains("codegen-units = 16\n"), "explicit under dev: {sixteen}");
        assert_eq!(profile_to_paste(&row("r", 1)), "release");
    }

    #[test]
    fn snippets_reproduce_the_variant_in_cargos_spelling() {
        let fat = Row {
            opt_level: "z".into(),
            lto: "fat".into(),
            codegen_units: 1,
            panic: "abort".into(),
            strip: "symbols".into(),
            ..row("oz", 1)
        };
        assert_eq!(
            profile_snippet(&fat, "release").unwrap(),
            "[profile.release]\nopt-level = \"z\"\nlto = \"fat\"\ncodegen-units = 1\npanic = \"abort\"\nstrip = \"symbols\"\n"
        );
        let default = Row {
            opt_level: "3".into(),
            lto: "false".into(),
            codegen_units: 16,
            panic: "unwind".into(),
            strip: "debuginfo".into(),
            fixed_settings: Some("debug=false;split-debuginfo=\"packed\"".into()),
            ..row("o3", 1)
        };
        let snippet = profile_snippet(&default, "dist").unwrap();
        assert_eq!(
            snippet,
            "[profile.dist]\nopt-level = 3\nlto = false\npanic = \"unwind\"\nstrip = \"debuginfo\"\ndebug = false\nsplit-debuginfo = \"packed\"\n# codegen-units: cargo's default (16); leave it unset, as measured\n"
        );
        let broken = Row { lto: "bogus".into(), ..row("x", 1) };
        assert_eq!(profile_keys(&broken).unwrap_err(), "variant `x`: \"bogus\" is not a valid lto");
    }
}

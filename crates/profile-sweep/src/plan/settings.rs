//! The five swept profile keys, in canonical form.
//!
//! Every value a user may write (`lto = true`, `strip = false`, ...) is parsed into exactly one
//! canonical value here, so two spellings of the same setting can never become two variants.
//! This module knows cargo's spelling of each key and cargo's defaults; it knows nothing of sweep
//! files or manifests.

use std::fmt;
use std::num::NonZeroU32;

/// A raw TOML scalar as a user wrote it, before validation.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string.
    Str(String),
}

impl fmt::Display for RawValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RawValue::Bool(b) => write!(f, "{b}"),
            RawValue::Int(i) => write!(f, "{i}"),
            RawValue::Str(s) => write!(f, "\"{s}\""),
        }
    }
}

impl RawValue {
    /// A scalar of a sweep file (`toml`); `None` for tables, arrays, floats and dates.
    pub fn from_toml(value: &toml::Value) -> Option<RawValue> {
        match value {
            toml::Value::Boolean(b) => Some(RawValue::Bool(*b)),
            toml::Value::Integer(i) => Some(RawValue::Int(*i)),
            toml::Value::String(s) => Some(RawValue::Str(s.clone())),
            _ => None,
        }
    }

    /// A scalar of a manifest (`toml_edit`); `None` for tables, arrays, floats and dates.
    pub fn from_edit(value: &toml_edit::Value) -> Option<RawValue> {
        match value {
            toml_edit::Value::Boolean(b) => Some(RawValue::Bool(*b.value())),
            toml_edit::Value::Integer(i) => Some(RawValue::Int(*i.value())),
            toml_edit::Value::String(s) => Some(RawValue::Str(s.value().clone())),
            _ => None,
        }
    }

    /// A value as the results CSV spells it (`3`, `z`, `false`, `fat`, `16`, `symbols`).
    pub fn from_cell(cell: &str) -> RawValue {
        match cell {
            "true" => RawValue::Bool(true),
            "false" => RawValue::Bool(false),
            _ => cell.parse().map_or_else(|_| RawValue::Str(cell.to_owned()), RawValue::Int),
        }
    }

    /// Whether this value of the profile key `debug` turns debug info on.
    pub fn enables_debug_info(&self) -> bool {
        match self {
            RawValue::Bool(b) => *b,
            RawValue::Int(n) => *n > 0,
            RawValue::Str(s) => s != "none",
        }
    }
}

/// Accepts exactly the three scalar types, so a float or an array is reported as such.
impl<'de> serde::Deserialize<'de> for RawValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = RawValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean, an integer or a string")
            }
            fn visit_bool<E>(self, v: bool) -> Result<RawValue, E> {
                Ok(RawValue::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<RawValue, E> {
                Ok(RawValue::Int(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<RawValue, E> {
                Ok(RawValue::Str(v.to_owned()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// One of the swept profile keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Axis {
    /// `opt-level`
    OptLevel,
    /// `lto`
    Lto,
    /// `codegen-units`
    CodegenUnits,
    /// `panic`
    Panic,
    /// `strip`
    Strip,
}

impl Axis {
    /// All axes, in the order they appear in ids, manifests and CSV columns.
    pub const ALL: [Axis; 5] =
        [Axis::OptLevel, Axis::Lto, Axis::CodegenUnits, Axis::Panic, Axis::Strip];

    /// The key as cargo spells it in a profile.
    pub const fn key(self) -> &'static str {
        match self {
            Axis::OptLevel => "opt-level",
            Axis::Lto => "lto",
            Axis::CodegenUnits => "codegen-units",
            Axis::Panic => "panic",
            Axis::Strip => "strip",
        }
    }

    /// The axis whose cargo key is `key`, if any.
    pub fn from_key(key: &str) -> Option<Axis> {
        Axis::ALL.into_iter().find(|axis| axis.key() == key)
    }

    /// What a user may write for this axis: the fix shown with an invalid value.
    pub fn accepted(self) -> &'static str {
        match self {
            Axis::OptLevel => r#"0, 1, 2, 3, "s" or "z""#,
            Axis::Lto => r#"false, true, "thin", "fat" or "off""#,
            Axis::CodegenUnits => "a positive integer such as 1, 16 or 256",
            Axis::Panic => r#""unwind" or "abort""#,
            Axis::Strip => r#"false, true, "none", "debuginfo" or "symbols""#,
        }
    }

    /// Parses one raw value of this axis into its canonical setting.
    pub fn parse(self, raw: &RawValue) -> Option<Setting> {
        use RawValue::{Bool, Int, Str};
        Some(match (self, raw) {
            (Axis::OptLevel, Int(n @ 0..=3)) => Setting::OptLevel(OptLevel::Level(*n as u8)),
            (Axis::OptLevel, Str(s)) if s == "s" => Setting::OptLevel(OptLevel::Size),
            (Axis::OptLevel, Str(s)) if s == "z" => Setting::OptLevel(OptLevel::MinSize),
            (Axis::Lto, Bool(true)) => Setting::Lto(Lto::Fat),
            (Axis::Lto, Bool(false)) => Setting::Lto(Lto::ThinLocal),
            (Axis::Lto, Str(s)) => Setting::Lto(match s.as_str() {
                "fat" => Lto::Fat,
                "thin" => Lto::Thin,
                "off" => Lto::Off,
                _ => return None,
            }),
            (Axis::CodegenUnits, Int(n)) => {
                let n = u32::try_from(*n).ok().and_then(NonZeroU32::new)?;
                Setting::CodegenUnits(n)
            }
            (Axis::Panic, Str(s)) => Setting::Panic(match s.as_str() {
                "unwind" => Panic::Unwind,
                "abort" => Panic::Abort,
                _ => return None,
            }),
            (Axis::Strip, Bool(b)) => Setting::Strip(if *b { Strip::Symbols } else { Strip::None }),
            (Axis::Strip, Str(s)) => Setting::Strip(match s.as_str() {
                "none" => Strip::None,
                "debuginfo" => Strip::Debuginfo,
                "symbols" => Strip::Symbols,
                _ => return None,
            }),
            _ => return None,
        })
    }
}

/// `opt-level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OptLevel {
    /// 0 to 3.
    Level(u8),
    /// `"s"`.
    Size,
    /// `"z"`.
    MinSize,
}

/// `lto`, canonical: `true` is `Fat`, `false` is `ThinLocal` (cargo's default), `"off"` is `Off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lto {
    /// `false`: LTO across the codegen units of one crate only.
    ThinLocal,
    /// `"thin"`.
    Thin,
    /// `"fat"` or `true`.
    Fat,
    /// `"off"`: no LTO at all.
    Off,
}

/// `panic`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Panic {
    /// `"unwind"`.
    Unwind,
    /// `"abort"`.
    Abort,
}

/// `strip`, canonical: `false` is `None`, `true` is `Symbols`. Ordered by how much it strips.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Strip {
    /// `"none"` or `false`.
    None,
    /// `"debuginfo"`.
    Debuginfo,
    /// `"symbols"` or `true`.
    Symbols,
}

/// One canonical value of one axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setting {
    /// An `opt-level` value.
    OptLevel(OptLevel),
    /// An `lto` value.
    Lto(Lto),
    /// A `codegen-units` value.
    CodegenUnits(NonZeroU32),
    /// A `panic` value.
    Panic(Panic),
    /// A `strip` value.
    Strip(Strip),
}

impl Setting {
    /// The axis this value belongs to.
    pub fn axis(self) -> Axis {
        match self {
            Setting::OptLevel(_) => Axis::OptLevel,
            Setting::Lto(_) => Axis::Lto,
            Setting::CodegenUnits(_) => Axis::CodegenUnits,
            Setting::Panic(_) => Axis::Panic,
            Setting::Strip(_) => Axis::Strip,
        }
    }

    /// The value as written into a manifest, in cargo's canonical spelling.
    pub fn toml_value(self) -> toml_edit::Value {
        match self {
            Setting::OptLevel(OptLevel::Level(n)) => i64::from(n).into(),
            Setting::CodegenUnits(n) => i64::from(n.get()).into(),
            Setting::Lto(Lto::ThinLocal) => false.into(),
            other => other.to_string().into(),
        }
    }

    /// The short form used inside variant ids (`o3`, `fat`, `cgu1`, `abort`, `sym`).
    pub fn id_fragment(self) -> String {
        match self {
            Setting::OptLevel(_) => format!("o{self}"),
            Setting::Lto(Lto::ThinLocal) => "thinlocal".into(),
            Setting::Lto(Lto::Off) => "nolto".into(),
            Setting::CodegenUnits(n) => format!("cgu{n}"),
            Setting::Strip(Strip::None) => "nostrip".into(),
            Setting::Strip(Strip::Debuginfo) => "dbg".into(),
            Setting::Strip(Strip::Symbols) => "sym".into(),
            other => other.to_string(),
        }
    }
}

/// Cargo's spelling, as in the CSV columns: `3`, `z`, `fat`, `false`, `16`, `abort`, `symbols`.
impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Setting::OptLevel(OptLevel::Level(n)) => return write!(f, "{n}"),
            Setting::CodegenUnits(n) => return write!(f, "{n}"),
            Setting::OptLevel(OptLevel::Size) => "s",
            Setting::OptLevel(OptLevel::MinSize) => "z",
            Setting::Lto(Lto::ThinLocal) => "false",
            Setting::Lto(Lto::Thin) => "thin",
            Setting::Lto(Lto::Fat) => "fat",
            Setting::Lto(Lto::Off) => "off",
            Setting::Panic(Panic::Unwind) => "unwind",
            Setting::Panic(Panic::Abort) => "abort",
            Setting::Strip(Strip::None) => "none",
            Setting::Strip(Strip::Debuginfo) => "debuginfo",
            Setting::Strip(Strip::Symbols) => "symbols",
        };
        f.write_str(text)
    }
}

/// A full assignment of all five axes: what one variant is built with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProfileSettings {
    /// `opt-level`
    pub opt_level: OptLevel,
    /// `lto`
    pub lto: Lto,
    /// `codegen-units`
    pub codegen_units: NonZeroU32,
    /// `panic`
    pub panic: Panic,
    /// `strip`
    pub strip: Strip,
}

impl ProfileSettings {
    /// The value of one axis.
    pub fn get(&self, axis: Axis) -> Setting {
        match axis {
            Axis::OptLevel => Setting::OptLevel(self.opt_level),
            Axis::Lto => Setting::Lto(self.lto),
            Axis::CodegenUnits => Setting::CodegenUnits(self.codegen_units),
            Axis::Panic => Setting::Panic(self.panic),
            Axis::Strip => Setting::Strip(self.strip),
        }
    }

    /// Replaces the value of the setting's axis.
    pub fn set(&mut self, setting: Setting) {
        match setting {
            Setting::OptLevel(v) => self.opt_level = v,
            Setting::Lto(v) => self.lto = v,
            Setting::CodegenUnits(v) => self.codegen_units = v,
            Setting::Panic(v) => self.panic = v,
            Setting::Strip(v) => self.strip = v,
        }
    }

    /// All five values, in [`Axis::ALL`] order.
    pub fn values(&self) -> [Setting; 5] {
        Axis::ALL.map(|axis| self.get(axis))
    }

    /// The readable part of a variant id, e.g. `o3-fat-cgu1-abort-sym`.
    pub fn id(&self) -> String {
        self.values().map(Setting::id_fragment).join("-")
    }
}

/// The built-in profiles a sweep may inherit from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BaseProfile {
    /// `release` (and `bench`, which inherits it).
    Release,
    /// `dev` (and `test`, which inherits it).
    Dev,
}

impl BaseProfile {
    /// Parses a built-in profile name.
    pub fn from_name(name: &str) -> Option<BaseProfile> {
        match name {
            "release" | "bench" => Some(BaseProfile::Release),
            "dev" | "test" => Some(BaseProfile::Dev),
            _ => None,
        }
    }

    /// Whether the built-in profile emits debug info when the user does not say.
    pub fn debug_by_default(self) -> bool {
        self == BaseProfile::Dev
    }

    /// Cargo's documented defaults for the five axes of this profile.
    ///
    /// `strip` depends on debug info: since Rust 1.77 cargo strips debuginfo by default when the
    /// profile has no debug info, so `debug_info` says whether the profile will have any.
    pub fn cargo_defaults(self, debug_info: bool) -> ProfileSettings {
        let (opt, units) = match self {
            BaseProfile::Release => (3, 16),
            BaseProfile::Dev => (0, 256),
        };
        ProfileSettings {
            opt_level: OptLevel::Level(opt),
            lto: Lto::ThinLocal,
            codegen_units: NonZeroU32::new(units).expect("non-zero"),
            panic: Panic::Unwind,
            strip: if debug_info { Strip::None } else { Strip::Debuginfo },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(axis: Axis, raw: RawValue) -> Option<String> {
        axis.parse(&raw).map(|s| s.to_string())
    }

    #[test]
    fn equivalent_spellings_canonicalise_to_one_value() {
        assert_eq!(
            Axis::Lto.parse(&RawValue::Bool(true)),
            Axis::Lto.parse(&RawValue::Str("fat".into()))
        );
        assert_eq!(
            Axis::Strip.parse(&RawValue::Bool(true)),
            Axis::Strip.parse(&RawValue::Str("symbols".into()))
        );
        assert_eq!(
            Axis::Strip.parse(&RawValue::Bool(false)),
            Axis::Strip.parse(&RawValue::Str("none".into()))
        );
        assert_ne!(
            Axis::Lto.parse(&RawValue::Bool(false)),
            Axis::Lto.parse(&RawValue::Str("off".into()))
        );
    }

    #[test]
    fn impossible_values_are_rejected() {
        assert_eq!(parse(Axis::OptLevel, RawValue::Int(4)), None);
        assert_eq!(parse(Axis::OptLevel, RawValue::Str("3".into())), None);
        assert_eq!(parse(Axis::Lto, RawValue::Str("bogus".into())), None);
        assert_eq!(parse(Axis::CodegenUnits, RawValue::Int(0)), None);
        assert_eq!(parse(Axis::CodegenUnits, RawValue::Int(-1)), None);
        assert_eq!(parse(Axis::Panic, RawValue::Bool(true)), None);
        assert_eq!(parse(Axis::Strip, RawValue::Int(1)), None);
    }

    #[test]
    fn ids_are_readable_and_valid_profile_names() {
        let mut settings = BaseProfile::Release.cargo_defaults(false);
        assert_eq!(settings.id(), "o3-thinlocal-cgu16-unwind-dbg");
        for raw in [
            ("opt-level", RawValue::Str("z".into())),
            ("lto", RawValue::Bool(true)),
            ("panic", RawValue::Str("abort".into())),
        ] {
            settings.set(Axis::from_key(raw.0).unwrap().parse(&raw.1).unwrap());
        }
        settings.set(Setting::Strip(Strip::Symbols));
        settings.set(Setting::CodegenUnits(NonZeroU32::new(1).unwrap()));
        assert_eq!(settings.id(), "oz-fat-cgu1-abort-sym");
        assert!(settings.id().chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }

    #[test]
    fn manifest_values_use_cargo_spelling() {
        assert_eq!(Setting::OptLevel(OptLevel::Level(3)).toml_value().to_string(), "3");
        assert_eq!(Setting::OptLevel(OptLevel::MinSize).toml_value().to_string(), "\"z\"");
        assert_eq!(Setting::Lto(Lto::ThinLocal).toml_value().to_string(), "false");
        assert_eq!(Setting::Lto(Lto::Fat).toml_value().to_string(), "\"fat\"");
        assert_eq!(Setting::Strip(Strip::None).toml_value().to_string(), "\"none\"");
    }

    #[test]
    fn debug_values_that_turn_debug_info_on() {
        assert!(RawValue::Bool(true).enables_debug_info() && RawValue::Int(1).enables_debug_info());
        assert!(RawValue::Str("line-tables-only".into()).enables_debug_info());
        assert!(
            !RawValue::Bool(false).enables_debug_info() && !RawValue::Int(0).enables_debug_info()
        );
        assert!(!RawValue::Str("none".into()).enables_debug_info());
    }

    #[test]
    fn release_defaults_follow_debug_info() {
        assert_eq!(BaseProfile::Release.cargo_defaults(false).strip, Strip::Debuginfo);
        assert_eq!(BaseProfile::Release.cargo_defaults(true).strip, Strip::None);
        assert_eq!(BaseProfile::Dev.cargo_defaults(true).opt_level, OptLevel::Level(0));
    }
}

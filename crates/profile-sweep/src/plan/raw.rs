//! What the user typed in a sweep file, field by field: unknown keys and wrong types are
//! rejected here, each value keeping its place in the file. The tables of axes (`[matrix]`,
//! `[build]`, ladder steps) read every axis by its key through one visitor, so a new axis is a
//! new entry of [`Axis::ALL`] or [`EnvAxis::ALL`], nothing here.

use std::collections::BTreeMap;

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use toml::Spanned;

use crate::plan::build_env::EnvAxis;
use crate::plan::settings::{Axis, RawValue};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SweepFile {
    pub name: Option<Spanned<String>>,
    pub package: Spanned<String>,
    pub bin: Option<Spanned<String>>,
    pub inherits: Option<Spanned<String>>,
    #[serde(default)]
    pub profile: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    pub build: Option<Spanned<Build>>,
    pub matrix: Option<Spanned<Matrix>>,
    pub ladder: Option<Spanned<Vec<RawStep>>>,
    #[serde(default)]
    pub run: Vec<RawRun>,
    /// Training workloads of PGO and BOLT variants: `[[train]]` has the keys of `[[run]]`.
    #[serde(default)]
    pub train: Vec<RawRun>,
    #[serde(default)]
    pub bench: Vec<Spanned<RawBench>>,
    pub measure_order: Option<Spanned<String>>,
    pub goal: Option<Spanned<String>>,
    pub strategy: Option<Spanned<String>>,
    pub rebuild: Option<bool>,
    pub rebuild_touch: Option<Vec<Spanned<String>>>,
    pub rebuild_repeats: Option<Spanned<i64>>,
    pub rebuild_tests: Option<bool>,
    pub functions: Option<Spanned<i64>>,
    pub hot_packages: Option<Spanned<Vec<Spanned<String>>>>,
    pub mixed: Option<Spanned<bool>>,
}

/// A criterion bench target.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawBench {
    pub package: Option<Spanned<String>>,
    pub bench: Spanned<String>,
    pub filter: Option<String>,
    pub warm_up_seconds: Option<Spanned<f64>>,
    pub measurement_seconds: Option<Spanned<f64>>,
    pub sample_size: Option<Spanned<i64>>,
    pub timeout_seconds: Option<Spanned<f64>>,
    pub harness: Option<Spanned<String>>,
    pub repeats: Option<Spanned<i64>>,
}

/// A whole-binary run.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRun {
    pub name: Spanned<String>,
    #[serde(default)]
    pub args: Vec<Spanned<String>>,
    pub stdin: Option<Spanned<Stdin>>,
    pub cwd: Option<Spanned<String>>,
    pub warmup: Option<Spanned<i64>>,
    pub runs: Option<Spanned<i64>>,
    pub timeout_seconds: Option<Spanned<f64>>,
    pub check_output: Option<bool>,
    pub instructions: Option<bool>,
    pub remeasure_noisy: Option<Spanned<i64>>,
    pub retime_seconds: Option<Spanned<f64>>,
    /// In a `[[run]]`: also a training workload of PGO and BOLT variants.
    pub train: Option<bool>,
    /// Count instructions per crate into `hot.csv`.
    pub hot_crates: Option<bool>,
}

/// A file path, or a generator.
#[derive(Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "a file path, or { generate = \"json-records\" or \"json-lines-wide\", records = N, seed = S }"
)]
pub enum Stdin {
    Path(String),
    Generate(Generate),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generate {
    pub generate: String,
    pub records: i64,
    pub seed: i64,
}

/// `[matrix]`: each profile and build axis a list of values, and exclude rules.
#[derive(Debug, Default)]
pub struct Matrix {
    /// Each swept profile axis with its values.
    pub axes: AxisValues<Vec<Spanned<RawValue>>>,
    /// Each swept build axis with its values.
    pub env_axes: EnvAxisValues<Vec<Spanned<RawValue>>>,
    /// The exclude rules.
    pub exclude: Vec<Spanned<Rule>>,
}

/// `[build]`: build-axis values fixed for every variant.
#[derive(Debug, Default)]
pub struct Build {
    /// Each fixed build axis with its value.
    pub env_axes: EnvAxisValues<Spanned<RawValue>>,
}

/// A ladder step: a label and the settings it adds.
#[derive(Debug)]
pub struct RawStep {
    /// The step's label.
    pub step: Spanned<String>,
    /// The profile axes it sets.
    pub axes: AxisValues<Spanned<RawValue>>,
    /// The build axes it sets.
    pub env_axes: EnvAxisValues<Spanned<RawValue>>,
}

/// An exclude rule: each axis a value or a list of values.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Rule {
    pub opt_level: Option<Spanned<toml::Value>>,
    pub lto: Option<Spanned<toml::Value>>,
    pub codegen_units: Option<Spanned<toml::Value>>,
    pub panic: Option<Spanned<toml::Value>>,
    pub strip: Option<Spanned<toml::Value>>,
}

/// Profile-axis values of a table, by axis, in [`Axis::ALL`] order; absent keys left out.
pub type AxisValues<T> = Vec<(Axis, T)>;

/// Build-axis values of a table, by axis, in [`EnvAxis::ALL`] order; absent keys left out.
pub type EnvAxisValues<T> = Vec<(EnvAxis, T)>;

impl Rule {
    /// The axes the rule names, with the value or list of values it gives each.
    pub fn parts(&self) -> AxisValues<&Spanned<toml::Value>> {
        let Rule { opt_level, lto, codegen_units, panic, strip } = self;
        let fields = [opt_level, lto, codegen_units, panic, strip];
        Axis::ALL
            .into_iter()
            .zip(fields)
            .filter_map(|(axis, value)| value.as_ref().map(|v| (axis, v)))
            .collect()
    }
}

/// How many axes there are, of both kinds.
const AXES: usize = Axis::ALL.len() + EnvAxis::ALL.len();

/// `own` and then every axis key (profile axes first, in canonical order), or only the build
/// axes' keys when `profile` is false; `N` is the length of the result.
const fn keys<const N: usize>(own: &[&'static str], profile: bool) -> [&'static str; N] {
    let mut keys = [""; N];
    let mut at = 0;
    while at < own.len() {
        keys[at] = own[at];
        at += 1;
    }
    let mut i = 0;
    while profile && i < Axis::ALL.len() {
        keys[at] = Axis::ALL[i].key();
        (at, i) = (at + 1, i + 1);
    }
    let mut i = 0;
    while i < EnvAxis::ALL.len() {
        keys[at] = EnvAxis::ALL[i].key();
        (at, i) = (at + 1, i + 1);
    }
    assert!(at == N, "N counts every key");
    keys
}

/// The keys of `[matrix]`: its exclude rules and every axis.
const MATRIX_KEYS: &[&str] = &keys::<{ AXES + 1 }>(&["exclude"], true);

/// The keys of a ladder step: its label and every axis.
const STEP_KEYS: &[&str] = &keys::<{ AXES + 1 }>(&["step"], true);

/// The keys of `[build]`: the build axes.
const BUILD_KEYS: &[&str] = &keys::<{ EnvAxis::ALL.len() }>(&[], false);

/// A key of a table of axes: an axis of either kind, or one of the table's own keys.
enum TableKey {
    Profile(Axis),
    Env(EnvAxis),
    Own(&'static str),
}

/// Reads a key, accepting the axes among `keys` and the other names in `keys`. Deserialised as
/// an identifier, so an unknown key is reported at the key itself.
struct KeyIn(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for KeyIn {
    type Value = TableKey;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<TableKey, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KeyIn {
    type Value = TableKey;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "one of {}", self.0.join(", "))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<TableKey, E> {
        let Some(known) = self.0.iter().find(|k| **k == key) else {
            return Err(E::unknown_field(key, self.0));
        };
        Ok(match (Axis::from_key(key), EnvAxis::from_key(key)) {
            (Some(axis), _) => TableKey::Profile(axis),
            (None, Some(axis)) => TableKey::Env(axis),
            (None, None) => TableKey::Own(known),
        })
    }
}

/// A table whose keys are axes (`[matrix]`, `[build]`, a ladder step), plus a few of its own.
trait AxisTable: Sized {
    /// What each axis key holds.
    type Value;
    /// The table's own keys, as read.
    type Own: Default;
    /// Every key the table accepts.
    const KEYS: &'static [&'static str];
    /// What the table is, for serde's "expected" message.
    const WHAT: &'static str;

    /// Reads the value of the table's own key `name`.
    fn read_own<'de, A: MapAccess<'de>>(
        own: &mut Self::Own,
        name: &'static str,
        map: &mut A,
    ) -> Result<(), A::Error>;

    /// The table from its axes (in canonical order) and its own keys.
    fn assemble<E: de::Error>(
        axes: AxisValues<Self::Value>,
        env_axes: EnvAxisValues<Self::Value>,
        own: Self::Own,
    ) -> Result<Self, E>;
}

/// Reads any [`AxisTable`]: each key is parsed as an identifier, so an unknown key is reported
/// at the key itself, with the keys the table accepts.
struct TableVisitor<T>(PhantomData<T>);

impl<'de, T: AxisTable> Visitor<'de> for TableVisitor<T>
where
    T::Value: Deserialize<'de>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::WHAT)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut axes: AxisValues<T::Value> = Vec::new();
        let mut env_axes: EnvAxisValues<T::Value> = Vec::new();
        let mut own = T::Own::default();
        while let Some(key) = map.next_key_seed(KeyIn(T::KEYS))? {
            match key {
                TableKey::Profile(axis) => axes.push((axis, map.next_value()?)),
                TableKey::Env(axis) => env_axes.push((axis, map.next_value()?)),
                TableKey::Own(name) => T::read_own(&mut own, name, &mut map)?,
            }
        }
        axes.sort_by_key(|(axis, _)| *axis);
        let rank = |axis: &EnvAxis| EnvAxis::ALL.iter().position(|a| a == axis);
        env_axes.sort_by_key(|(axis, _)| rank(axis));
        T::assemble(axes, env_axes, own)
    }
}

impl AxisTable for Matrix {
    type Value = Vec<Spanned<RawValue>>;
    type Own = Vec<Spanned<Rule>>;
    const KEYS: &'static [&'static str] = MATRIX_KEYS;
    const WHAT: &'static str = "a [matrix] table of axis value lists";

    fn read_own<'de, A: MapAccess<'de>>(
        own: &mut Self::Own,
        _exclude: &'static str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        *own = map.next_value()?;
        Ok(())
    }

    fn assemble<E: de::Error>(
        axes: AxisValues<Self::Value>,
        env_axes: EnvAxisValues<Self::Value>,
        exclude: Self::Own,
    ) -> Result<Self, E> {
        Ok(Matrix { axes, env_axes, exclude })
    }
}

impl AxisTable for RawStep {
    type Value = Spanned<RawValue>;
    type Own = Option<Spanned<String>>;
    const KEYS: &'static [&'static str] = STEP_KEYS;
    const WHAT: &'static str = "a [[ladder]] step: its label and the settings it adds";

    fn read_own<'de, A: MapAccess<'de>>(
        own: &mut Self::Own,
        _step: &'static str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        *own = Some(map.next_value()?);
        Ok(())
    }

    fn assemble<E: de::Error>(
        axes: AxisValues<Self::Value>,
        env_axes: EnvAxisValues<Self::Value>,
        step: Self::Own,
    ) -> Result<Self, E> {
        let step = step.ok_or_else(|| E::missing_field("step"))?;
        Ok(RawStep { step, axes, env_axes })
    }
}

impl AxisTable for Build {
    type Value = Spanned<RawValue>;
    type Own = ();
    const KEYS: &'static [&'static str] = BUILD_KEYS;
    const WHAT: &'static str = "a [build] table of build-axis values";

    fn read_own<'de, A: MapAccess<'de>>(
        _: &mut (),
        name: &'static str,
        _: &mut A,
    ) -> Result<(), A::Error> {
        Err(de::Error::unknown_field(name, BUILD_KEYS))
    }

    fn assemble<E: de::Error>(
        axes: AxisValues<Self::Value>,
        env_axes: EnvAxisValues<Self::Value>,
        (): (),
    ) -> Result<Self, E> {
        debug_assert!(axes.is_empty(), "[build] accepts build axes only");
        Ok(Build { env_axes })
    }
}

/// Deserialises each [`AxisTable`] through [`TableVisitor`].
macro_rules! deserialize_axis_table {
    ($($table:ty),*) => {$(
        impl<'de> Deserialize<'de> for $table {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_map(TableVisitor::<$table>(PhantomData))
            }
        }
    )*};
}

deserialize_axis_table!(Matrix, RawStep, Build);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_axis_is_a_key_of_the_tables_that_set_it() {
        let env: Vec<&str> = EnvAxis::ALL.iter().map(|a| a.key()).collect();
        assert_eq!(BUILD_KEYS, env.as_slice());
        let axes: Vec<&str> = Axis::ALL.iter().map(|a| a.key()).chain(env).collect();
        assert_eq!((MATRIX_KEYS[0], &MATRIX_KEYS[1..]), ("exclude", axes.as_slice()));
        assert_eq!((STEP_KEYS[0], &STEP_KEYS[1..]), ("step", axes.as_slice()));
    }

    #[test]
    fn a_table_of_axes_is_read_in_canonical_order_and_unknown_keys_are_named() {
        let matrix: Matrix = toml::from_str(
            "linker = [\"mold\"]\nlto = [true]\nopt-level = [1]\ntoolchain = [\"nightly\"]\n",
        )
        .unwrap();
        assert_eq!(
            matrix.axes.iter().map(|(a, _)| *a).collect::<Vec<_>>(),
            [Axis::OptLevel, Axis::Lto]
        );
        assert_eq!(
            matrix.env_axes.iter().map(|(a, _)| *a).collect::<Vec<_>>(),
            [EnvAxis::Toolchain, EnvAxis::Linker]
        );
        let err = toml::from_str::<RawStep>("step = \"a\"\ncgu = 1\n").unwrap_err();
        assert!(err.to_string().contains("unknown field `cgu`"), "{err}");
        assert_eq!(err.span(), Some(11..14), "the key itself");
        let err = toml::from_str::<RawStep>("lto = true\n").unwrap_err();
        assert!(err.to_string().contains("missing field `step`"), "{err}");
        let err = toml::from_str::<Build>("lto = true\n").unwrap_err();
        assert!(err.to_string().contains("unknown field `lto`"), "{err}");
    }
}

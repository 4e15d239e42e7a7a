//! What the user typed in a sweep file, field by field: serde rejects unknown keys and wrong
//! types here, keeping each value's place in the file. Axis fields are paired with their axis by
//! name, in one place per table, so a new field cannot be silently left out.

use std::collections::BTreeMap;

use serde::Deserialize;
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
    pub ladder: Option<Spanned<Vec<Step>>>,
    #[serde(default)]
    pub run: Vec<Run>,
    /// Training workloads of PGO and BOLT variants: `[[train]]` has the keys of `[[run]]`.
    #[serde(default)]
    pub train: Vec<Run>,
    #[serde(default)]
    pub bench: Vec<Spanned<Bench>>,
    pub measure_order: Option<Spanned<String>>,
    pub goal: Option<Spanned<String>>,
    pub strategy: Option<Spanned<String>>,
    pub rebuild: Option<bool>,
    pub rebuild_touch: Option<Vec<Spanned<String>>>,
    pub rebuild_repeats: Option<Spanned<i64>>,
    pub rebuild_tests: Option<bool>,
    pub functions: Option<Spanned<i64>>,
}

/// A criterion bench target.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Bench {
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
pub struct Run {
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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Matrix {
    pub opt_level: Option<Vec<Spanned<RawValue>>>,
    pub lto: Option<Vec<Spanned<RawValue>>>,
    pub codegen_units: Option<Vec<Spanned<RawValue>>>,
    pub panic: Option<Vec<Spanned<RawValue>>>,
    pub strip: Option<Vec<Spanned<RawValue>>>,
    pub toolchain: Option<Vec<Spanned<RawValue>>>,
    pub build_std: Option<Vec<Spanned<RawValue>>>,
    pub target: Option<Vec<Spanned<RawValue>>>,
    pub features: Option<Vec<Spanned<RawValue>>>,
    pub rustflags: Option<Vec<Spanned<RawValue>>>,
    pub linker: Option<Vec<Spanned<RawValue>>>,
    pub wasm_opt: Option<Vec<Spanned<RawValue>>>,
    pub pgo: Option<Vec<Spanned<RawValue>>>,
    pub bolt: Option<Vec<Spanned<RawValue>>>,
    #[serde(default)]
    pub exclude: Vec<Spanned<Rule>>,
}

/// `[build]`: build-axis values fixed for every variant.
pub type Build = EnvFields<Spanned<RawValue>>;

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

/// A ladder step: a label and the settings it adds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Step {
    pub step: Spanned<String>,
    pub opt_level: Option<Spanned<RawValue>>,
    pub lto: Option<Spanned<RawValue>>,
    pub codegen_units: Option<Spanned<RawValue>>,
    pub panic: Option<Spanned<RawValue>>,
    pub strip: Option<Spanned<RawValue>>,
    pub toolchain: Option<Spanned<RawValue>>,
    pub build_std: Option<Spanned<RawValue>>,
    pub target: Option<Spanned<RawValue>>,
    pub features: Option<Spanned<RawValue>>,
    pub rustflags: Option<Spanned<RawValue>>,
    pub linker: Option<Spanned<RawValue>>,
    pub wasm_opt: Option<Spanned<RawValue>>,
    pub pgo: Option<Spanned<RawValue>>,
    pub bolt: Option<Spanned<RawValue>>,
}

/// Profile-axis values of a table, by axis, in [`Axis::ALL`] order; absent keys left out.
pub type AxisValues<T> = Vec<(Axis, T)>;

/// Build-axis values of a table, by axis, in [`EnvAxis::ALL`] order; absent keys left out.
pub type EnvAxisValues<T> = Vec<(EnvAxis, T)>;

/// The present values of `fields`, each already paired with its axis.
fn present<A, T, const N: usize>(fields: [(A, Option<T>); N]) -> Vec<(A, T)> {
    fields.into_iter().filter_map(|(axis, value)| value.map(|v| (axis, v))).collect()
}

/// `[matrix]` taken apart.
pub struct MatrixParts {
    /// Each swept profile axis with its values.
    pub axes: AxisValues<Vec<Spanned<RawValue>>>,
    /// Each swept build axis with its values.
    pub env_axes: EnvAxisValues<Vec<Spanned<RawValue>>>,
    /// The exclude rules.
    pub exclude: Vec<Spanned<Rule>>,
}

impl Matrix {
    /// The profile axes, the build axes and the exclude rules.
    pub fn into_parts(self) -> MatrixParts {
        let Matrix {
            opt_level,
            lto,
            codegen_units,
            panic,
            strip,
            toolchain,
            build_std,
            target,
            features,
            rustflags,
            linker,
            wasm_opt,
            pgo,
            bolt,
            exclude,
        } = self;
        let axes = ProfileFields { opt_level, lto, codegen_units, panic, strip }.by_axis();
        let env = EnvFields {
            toolchain,
            build_std,
            target,
            features,
            rustflags,
            linker,
            wasm_opt,
            pgo,
            bolt,
        };
        MatrixParts { axes, env_axes: env.by_axis(), exclude }
    }
}

impl Build {
    /// The build axes fixed for every variant.
    pub fn into_parts(self) -> EnvAxisValues<Spanned<RawValue>> {
        self.by_axis()
    }
}

impl Rule {
    /// The axes the rule names, with the value or list of values it gives each.
    pub fn parts(&self) -> AxisValues<&Spanned<toml::Value>> {
        let Rule { opt_level, lto, codegen_units, panic, strip } = self;
        let (opt_level, lto, codegen_units) =
            (opt_level.as_ref(), lto.as_ref(), codegen_units.as_ref());
        let (panic, strip) = (panic.as_ref(), strip.as_ref());
        ProfileFields { opt_level, lto, codegen_units, panic, strip }.by_axis()
    }
}

impl Step {
    /// The step's label, the profile axes it sets and the build axes it sets.
    pub fn into_parts(
        self,
    ) -> (Spanned<String>, AxisValues<Spanned<RawValue>>, EnvAxisValues<Spanned<RawValue>>) {
        let Step {
            step,
            opt_level,
            lto,
            codegen_units,
            panic,
            strip,
            toolchain,
            build_std,
            target,
            features,
            rustflags,
            linker,
            wasm_opt,
            pgo,
            bolt,
        } = self;
        let axes = ProfileFields { opt_level, lto, codegen_units, panic, strip }.by_axis();
        let env = EnvFields {
            toolchain,
            build_std,
            target,
            features,
            rustflags,
            linker,
            wasm_opt,
            pgo,
            bolt,
        };
        (step, axes, env.by_axis())
    }
}

/// The profile-axis fields every table that sets profile axes has.
struct ProfileFields<T> {
    opt_level: Option<T>,
    lto: Option<T>,
    codegen_units: Option<T>,
    panic: Option<T>,
    strip: Option<T>,
}

impl<T> ProfileFields<T> {
    /// The present fields, paired with their axis by name.
    fn by_axis(self) -> AxisValues<T> {
        let ProfileFields { opt_level, lto, codegen_units, panic, strip } = self;
        present([
            (Axis::OptLevel, opt_level),
            (Axis::Lto, lto),
            (Axis::CodegenUnits, codegen_units),
            (Axis::Panic, panic),
            (Axis::Strip, strip),
        ])
    }
}

/// The build-axis fields every table that sets build axes has; `[build]` is nothing else.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EnvFields<T> {
    toolchain: Option<T>,
    build_std: Option<T>,
    target: Option<T>,
    features: Option<T>,
    rustflags: Option<T>,
    linker: Option<T>,
    wasm_opt: Option<T>,
    pgo: Option<T>,
    bolt: Option<T>,
}

impl<T> EnvFields<T> {
    /// The present fields, paired with their axis by name.
    fn by_axis(self) -> EnvAxisValues<T> {
        let EnvFields {
            toolchain,
            build_std,
            target,
            features,
            rustflags,
            linker,
            wasm_opt,
            pgo,
            bolt,
        } = self;
        present([
            (EnvAxis::Toolchain, toolchain),
            (EnvAxis::BuildStd, build_std),
            (EnvAxis::Target, target),
            (EnvAxis::Features, features),
            (EnvAxis::Rustflags, rustflags),
            (EnvAxis::Linker, linker),
            (EnvAxis::WasmOpt, wasm_opt),
            (EnvAxis::Pgo, pgo),
            (EnvAxis::Bolt, bolt),
        ])
    }
}

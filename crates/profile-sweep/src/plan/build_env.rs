//! The build axes besides the five profile keys: which toolchain, whether std is built from
//! source, which target, which cargo features, extra rustflags, the linker, the inner loop's
//! settings (debug info, split debug info, incremental, the dependencies' opt-level, and the
//! nightly codegen backend, frontend threads and generic sharing), a post-build `wasm-opt` pass,
//! and the profile-guided steps (PGO, BOLT) trained on the sweep's `[[train]]` workloads.
//!
//! A value a variant leaves unset is the inherited profile's (or the toolchain's) and adds
//! nothing to its id; so a plain variant keeps its five-part id.
//!
//! Like [`crate::plan::settings`], every value a user may write is parsed into one canonical value
//! here, and each value has a short id fragment. This module knows nothing of sweep files,
//! manifests or how a build is run.

use std::collections::BTreeMap;
use std::fmt;
use std::num::NonZeroU32;

pub use crate::plan::build_values::{
    BUILD_STD_FLAGS, CRANELIFT_COMPONENT, DebugInfo, Linker, SplitDebuginfo,
};
pub use crate::plan::package_overrides::{OverrideKey, OverrideScope, OverrideValue};
use crate::plan::settings::{RawValue, Setting, Strip};

/// A `features` entry that builds without the package's default features
/// (`--no-default-features`), so an optional dependency that a default feature enables is not
/// compiled at all.
pub const NO_DEFAULT_FEATURES: &str = "-default";

/// One of the build axes besides the five profile keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnvAxis {
    /// `toolchain`: a rustup toolchain name, or `"default"`.
    Toolchain,
    /// `build-std`: build std from source with size-optimised features (nightly only).
    BuildStd,
    /// `target`: a target triple, or `"host"`.
    Target,
    /// `features`: cargo features to enable, comma-separated; `""` for the package's defaults;
    /// [`NO_DEFAULT_FEATURES`] among them builds without the package's default features.
    Features,
    /// `rustflags`: extra flags for rustc, space-separated; `""` for none.
    Rustflags,
    /// `target-cpu`: `"default"` (the target's baseline), an x86-64 level (`"x86-64-v2"`,
    /// `"x86-64-v3"`, `"x86-64-v4"`), `"native"` (this machine's CPU) or any CPU rustc names.
    TargetCpu,
    /// `linker`: `"default"` (the toolchain's: rust-lld on x86_64 Linux since Rust 1.90), or
    /// the system's `"bfd"` (GNU ld), `"gold"`, `"lld"` or `"mold"` through the C compiler.
    Linker,
    /// `debug`: the profile's debug info (`false`, `"line-tables-only"`, `"limited"`, `true`...).
    Debug,
    /// `split-debuginfo`: `"off"`, `"packed"` or `"unpacked"`.
    SplitDebuginfo,
    /// `incremental`: the profile's incremental compilation, `true` or `false`.
    Incremental,
    /// A per-package override: `deps-opt-level` (`[profile.<p>.package."*"] opt-level`),
    /// `hot-codegen-units` (`package.<each hot package>`), `build-override-debug`...
    Override(OverrideScope, OverrideKey),
    /// `codegen-backend`: `"llvm"` (the default) or `"cranelift"` (nightly, with rustup's
    /// `rustc-codegen-cranelift-preview` component).
    CodegenBackend,
    /// `threads`: rustc's frontend threads (`-Z threads=N`, nightly).
    Threads,
    /// `share-generics`: whether crates share their generic instances (`-Z share-generics`,
    /// nightly).
    ShareGenerics,
    /// `wasm-opt`: a Binaryen optimisation level run on wasm output, or `false`.
    WasmOpt,
    /// `pgo`: build instrumented, train, rebuild with the profile (`-C profile-use`).
    Pgo,
    /// `bolt`: relink with relocations, instrument with `llvm-bolt`, train, optimise.
    Bolt,
}

impl EnvAxis {
    /// All build axes, in the order they appear in ids and vary in a matrix (outermost first).
    pub const ALL: [EnvAxis; 25] = [
        EnvAxis::Toolchain,
        EnvAxis::BuildStd,
        EnvAxis::Target,
        EnvAxis::Features,
        EnvAxis::Rustflags,
        EnvAxis::TargetCpu,
        EnvAxis::Linker,
        EnvAxis::Debug,
        EnvAxis::SplitDebuginfo,
        EnvAxis::Incremental,
        EnvAxis::Override(OverrideScope::Deps, OverrideKey::OptLevel),
        EnvAxis::Override(OverrideScope::Deps, OverrideKey::CodegenUnits),
        EnvAxis::Override(OverrideScope::Deps, OverrideKey::Debug),
        EnvAxis::Override(OverrideScope::Hot, OverrideKey::OptLevel),
        EnvAxis::Override(OverrideScope::Hot, OverrideKey::CodegenUnits),
        EnvAxis::Override(OverrideScope::Hot, OverrideKey::Debug),
        EnvAxis::Override(OverrideScope::BuildOverride, OverrideKey::OptLevel),
        EnvAxis::Override(OverrideScope::BuildOverride, OverrideKey::CodegenUnits),
        EnvAxis::Override(OverrideScope::BuildOverride, OverrideKey::Debug),
        EnvAxis::CodegenBackend,
        EnvAxis::Threads,
        EnvAxis::ShareGenerics,
        EnvAxis::WasmOpt,
        EnvAxis::Pgo,
        EnvAxis::Bolt,
    ];

    /// The key as a sweep file spells it.
    pub const fn key(self) -> &'static str {
        match self {
            EnvAxis::Toolchain => "toolchain",
            EnvAxis::BuildStd => "build-std",
            EnvAxis::Target => "target",
            EnvAxis::Features => "features",
            EnvAxis::Rustflags => "rustflags",
            EnvAxis::TargetCpu => "target-cpu",
            EnvAxis::Linker => "linker",
            EnvAxis::Debug => "debug",
            EnvAxis::SplitDebuginfo => "split-debuginfo",
            EnvAxis::Incremental => "incremental",
            EnvAxis::Override(scope, key) => override_key(scope, key),
            EnvAxis::CodegenBackend => "codegen-backend",
            EnvAxis::Threads => "threads",
            EnvAxis::ShareGenerics => "share-generics",
            EnvAxis::WasmOpt => "wasm-opt",
            EnvAxis::Pgo => "pgo",
            EnvAxis::Bolt => "bolt",
        }
    }

    /// The axis a sweep file calls `key`, if any.
    pub fn from_key(key: &str) -> Option<EnvAxis> {
        EnvAxis::ALL.into_iter().find(|axis| axis.key() == key)
    }

    /// What a user may write for this axis: the fix shown with an invalid value.
    pub fn accepted(self) -> &'static str {
        match self {
            EnvAxis::Toolchain => {
                r#""default" or a rustup toolchain name such as "stable", "nightly" or "1.80.0""#
            }
            EnvAxis::BuildStd => {
                "true or false (true needs a nightly toolchain and its rust-src component)"
            }
            EnvAxis::Target => {
                r#""host" or a target triple such as "x86_64-unknown-linux-musl" or "wasm32-unknown-unknown""#
            }
            EnvAxis::Features => {
                r#"a comma-separated list of cargo features such as "simd-json" or "a,b", or "" for the package's defaults"#
            }
            EnvAxis::Rustflags => {
                r#"rustc flags such as "-C target-cpu=native" or "-C prefer-dynamic", or "" for none"#
            }
            EnvAxis::TargetCpu => {
                r#""default", "x86-64-v2", "x86-64-v3", "x86-64-v4", "native" or a CPU from `rustc --print target-cpus`"#
            }
            EnvAxis::Linker => {
                r#""default" (the toolchain's own), "bfd" (GNU ld), "gold", "lld" or "mold""#
            }
            EnvAxis::Debug => {
                r#"false, "line-directives-only", "line-tables-only", "limited" or true (0, 1, 2, "none" and "full" too)"#
            }
            EnvAxis::SplitDebuginfo => r#""off", "packed" or "unpacked""#,
            EnvAxis::Incremental => "true or false",
            EnvAxis::Override(_, key) => key.accepted(),
            EnvAxis::CodegenBackend => {
                r#""llvm" or "cranelift" (cranelift needs toolchain = "nightly")"#
            }
            EnvAxis::Threads => r#"a number of threads from 1 to 64 (needs toolchain = "nightly")"#,
            EnvAxis::ShareGenerics => r#"true or false (needs toolchain = "nightly")"#,
            EnvAxis::WasmOpt => {
                r#"false, or a wasm-opt level: "-O", "-O1" to "-O4", "-Os" or "-Oz""#
            }
            EnvAxis::Pgo => "true or false (true trains on the sweep's [[train]] workloads)",
            EnvAxis::Bolt => "true or false (true needs llvm-bolt and trains on [[train]])",
        }
    }

    /// Parses one raw value of this axis into its canonical setting.
    pub fn parse(self, raw: &RawValue) -> Option<EnvSetting> {
        use RawValue::{Bool, Str};
        let named = |s: &str, extra: &str| {
            (!s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || extra.contains(c)))
                .then(|| s.to_owned())
        };
        Some(match (self, raw) {
            (EnvAxis::Toolchain, Str(s)) if s == "default" => EnvSetting::Toolchain(None),
            (EnvAxis::Toolchain, Str(s)) => EnvSetting::Toolchain(Some(named(s, "-._")?)),
            (EnvAxis::BuildStd, Bool(b)) => EnvSetting::BuildStd(*b),
            (EnvAxis::Pgo, Bool(b)) => EnvSetting::Pgo(*b),
            (EnvAxis::Bolt, Bool(b)) => EnvSetting::Bolt(*b),
            (EnvAxis::Target, Str(s)) if s == "host" => EnvSetting::Target(None),
            (EnvAxis::Target, Str(s)) if s.contains('-') => {
                EnvSetting::Target(Some(named(s, "-._")?))
            }
            (EnvAxis::Features, Str(s)) => {
                let mut features: Vec<&str> =
                    s.split([',', ' ']).filter(|f| !f.is_empty()).collect();
                features.sort_unstable();
                features.dedup();
                if features.iter().any(|f| named(f, "-_+/.").is_none()) {
                    return None;
                }
                EnvSetting::Features((!features.is_empty()).then(|| features.join(",")))
            }
            (EnvAxis::Rustflags, Str(s)) => {
                let flags: Vec<&str> = s.split_whitespace().collect();
                EnvSetting::Rustflags((!flags.is_empty()).then(|| flags.join(" ")))
            }
            (EnvAxis::TargetCpu, Str(s)) if s == "default" => EnvSetting::TargetCpu(None),
            (EnvAxis::TargetCpu, Str(s)) => EnvSetting::TargetCpu(Some(named(s, "-_.")?)),
            (EnvAxis::Linker, Str(s)) if s == "default" => EnvSetting::Linker(None),
            (EnvAxis::Linker, Str(s)) => EnvSetting::Linker(Some(Linker::from_key(s)?)),
            (EnvAxis::Debug, raw) => EnvSetting::Debug(Some(DebugInfo::parse(raw)?)),
            (EnvAxis::SplitDebuginfo, Str(s)) => {
                EnvSetting::SplitDebuginfo(Some(SplitDebuginfo::from_key(s)?))
            }
            (EnvAxis::Incremental, Bool(b)) => EnvSetting::Incremental(Some(*b)),
            (EnvAxis::Override(scope, key), raw) => {
                EnvSetting::Override(scope, key, Some(key.parse(raw)?))
            }
            (EnvAxis::CodegenBackend, Str(s)) if s == "llvm" => EnvSetting::CodegenBackend(false),
            (EnvAxis::CodegenBackend, Str(s)) if s == "cranelift" => {
                EnvSetting::CodegenBackend(true)
            }
            (EnvAxis::Threads, RawValue::Int(n @ 1..=64)) => {
                EnvSetting::Threads(NonZeroU32::new(*n as u32))
            }
            (EnvAxis::ShareGenerics, Bool(b)) => EnvSetting::ShareGenerics(Some(*b)),
            (EnvAxis::WasmOpt, Bool(false)) => EnvSetting::WasmOpt(None),
            (EnvAxis::WasmOpt, Str(s))
                if ["-O", "-O0", "-O1", "-O2", "-O3", "-O4", "-Os", "-Oz"]
                    .contains(&s.as_str()) =>
            {
                EnvSetting::WasmOpt(Some(s.clone()))
            }
            _ => return None,
        })
    }
}

/// One canonical value of one build axis; `None` and `false` are the plain build's values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EnvSetting {
    /// A rustup toolchain; `None` is the one cargo runs by default.
    Toolchain(Option<String>),
    /// Whether std is built from source.
    BuildStd(bool),
    /// A target triple; `None` is the host.
    Target(Option<String>),
    /// Features, sorted and comma-separated; `None` is the package's defaults.
    Features(Option<String>),
    /// Extra rustc flags, single-spaced; `None` is none.
    Rustflags(Option<String>),
    /// The CPU code is generated for; `None` is the target's baseline.
    TargetCpu(Option<String>),
    /// The linker; `None` is the toolchain's default.
    Linker(Option<Linker>),
    /// Debug info; `None` is the inherited profile's.
    Debug(Option<DebugInfo>),
    /// Split debug info; `None` is the inherited profile's.
    SplitDebuginfo(Option<SplitDebuginfo>),
    /// Incremental compilation; `None` is the inherited profile's.
    Incremental(Option<bool>),
    /// A per-package override; `None` is the inherited profile's.
    Override(OverrideScope, OverrideKey, Option<OverrideValue>),
    /// Whether the Cranelift backend generates code (else LLVM).
    CodegenBackend(bool),
    /// Frontend threads; `None` is rustc's default.
    Threads(Option<NonZeroU32>),
    /// Generic sharing; `None` is rustc's default for the opt-level.
    ShareGenerics(Option<bool>),
    /// A wasm-opt level; `None` is no wasm-opt pass.
    WasmOpt(Option<String>),
    /// Whether the build is profile-guided.
    Pgo(bool),
    /// Whether BOLT optimises the linked executable.
    Bolt(bool),
}

impl EnvSetting {
    /// The axis this value belongs to.
    pub fn axis(&self) -> EnvAxis {
        match self {
            EnvSetting::Toolchain(_) => EnvAxis::Toolchain,
            EnvSetting::BuildStd(_) => EnvAxis::BuildStd,
            EnvSetting::Target(_) => EnvAxis::Target,
            EnvSetting::Features(_) => EnvAxis::Features,
            EnvSetting::Rustflags(_) => EnvAxis::Rustflags,
            EnvSetting::TargetCpu(_) => EnvAxis::TargetCpu,
            EnvSetting::Linker(_) => EnvAxis::Linker,
            EnvSetting::Debug(_) => EnvAxis::Debug,
            EnvSetting::SplitDebuginfo(_) => EnvAxis::SplitDebuginfo,
            EnvSetting::Incremental(_) => EnvAxis::Incremental,
            EnvSetting::Override(scope, key, _) => EnvAxis::Override(*scope, *key),
            EnvSetting::CodegenBackend(_) => EnvAxis::CodegenBackend,
            EnvSetting::Threads(_) => EnvAxis::Threads,
            EnvSetting::ShareGenerics(_) => EnvAxis::ShareGenerics,
            EnvSetting::WasmOpt(_) => EnvAxis::WasmOpt,
            EnvSetting::Pgo(_) => EnvAxis::Pgo,
            EnvSetting::Bolt(_) => EnvAxis::Bolt,
        }
    }

    /// The short form inside variant ids (`nightly`, `bstd`, `x86_64-linux-musl`, `f-simd`,
    /// `rf-prefer-dynamic`, `ld-mold`, `debug-lines`, `split-packed`, `noincr`, `deps-o1`,
    /// `cranelift`, `threads8`, `nosharegen`, `wasmopt-oz`, `pgo`, `bolt`); `None` for a plain
    /// build's value, which adds nothing.
    pub fn id_fragment(&self) -> Option<String> {
        match self {
            EnvSetting::Toolchain(name) => name.as_deref().map(|n| id_safe(n, "")),
            EnvSetting::BuildStd(on) => on.then(|| "bstd".to_owned()),
            EnvSetting::Pgo(on) => on.then(|| "pgo".to_owned()),
            EnvSetting::Bolt(on) => on.then(|| "bolt".to_owned()),
            EnvSetting::Target(triple) => {
                triple.as_deref().map(|t| id_safe(&t.replace("-unknown", ""), ""))
            }
            EnvSetting::Features(features) => features.as_deref().map(|f| id_safe(f, "f-")),
            EnvSetting::Rustflags(flags) => flags.as_deref().map(|f| {
                let words: Vec<&str> = f
                    .split_whitespace()
                    .filter(|w| *w != "-C" && *w != "-Z")
                    .map(|w| w.trim_start_matches("-C").trim_start_matches("-Z"))
                    .collect();
                id_safe(&words.join("-"), "rf-")
            }),
            EnvSetting::TargetCpu(cpu) => cpu.as_deref().map(|c| id_safe(c, "cpu-")),
            EnvSetting::Linker(linker) => linker.map(|l| format!("ld-{}", l.key())),
            EnvSetting::Debug(debug) => debug.map(|d| format!("debug-{}", d.id_word())),
            EnvSetting::SplitDebuginfo(split) => split.map(|s| format!("split-{}", s.key())),
            EnvSetting::Incremental(on) => on.map(|on| if on { "incr" } else { "noincr" }.into()),
            EnvSetting::Override(scope, _, value) => value.map(|v| v.id_fragment(*scope)),
            EnvSetting::CodegenBackend(on) => on.then(|| "cranelift".to_owned()),
            EnvSetting::Threads(n) => n.map(|n| format!("threads{n}")),
            EnvSetting::ShareGenerics(on) => {
                on.map(|on| if on { "sharegen" } else { "nosharegen" }.into())
            }
            EnvSetting::WasmOpt(level) => level
                .as_deref()
                .map(|l| id_safe(&l.trim_start_matches('-').to_lowercase(), "wasmopt-")),
        }
    }
}

/// Cargo's spelling, as in the CSV columns: the toolchain, `true`, the triple, the features, the
/// flags, the level; empty for a plain build's value.
impl fmt::Display for EnvSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvSetting::BuildStd(on) | EnvSetting::Pgo(on) | EnvSetting::Bolt(on) => {
                f.write_str(if *on { "true" } else { "" })
            }
            EnvSetting::Toolchain(v)
            | EnvSetting::Target(v)
            | EnvSetting::Features(v)
            | EnvSetting::Rustflags(v)
            | EnvSetting::TargetCpu(v)
            | EnvSetting::WasmOpt(v) => f.write_str(v.as_deref().unwrap_or_default()),
            EnvSetting::Linker(v) => f.write_str(v.map(Linker::key).unwrap_or_default()),
            EnvSetting::Debug(v) => f.write_str(v.map(DebugInfo::key).unwrap_or_default()),
            EnvSetting::SplitDebuginfo(v) => {
                f.write_str(v.map(SplitDebuginfo::key).unwrap_or_default())
            }
            EnvSetting::Incremental(v) | EnvSetting::ShareGenerics(v) => {
                f.write_str(v.map(|b| if b { "true" } else { "false" }).unwrap_or_default())
            }
            EnvSetting::Override(_, _, v) => match v {
                Some(value) => write!(f, "{value}"),
                None => Ok(()),
            },
            EnvSetting::CodegenBackend(on) => f.write_str(if *on { "cranelift" } else { "" }),
            EnvSetting::Threads(v) => match v {
                Some(n) => write!(f, "{n}"),
                None => Ok(()),
            },
        }
    }
}

/// The sweep-file key of a per-package override: `deps-opt-level`, `hot-debug`,
/// `build-override-codegen-units`.
const fn override_key(scope: OverrideScope, key: OverrideKey) -> &'static str {
    use OverrideKey::{CodegenUnits, Debug, OptLevel};
    use OverrideScope::{BuildOverride, Deps, Hot};
    match (scope, key) {
        (Deps, OptLevel) => "deps-opt-level",
        (Deps, CodegenUnits) => "deps-codegen-units",
        (Deps, Debug) => "deps-debug",
        (Hot, OptLevel) => "hot-opt-level",
        (Hot, CodegenUnits) => "hot-codegen-units",
        (Hot, Debug) => "hot-debug",
        (BuildOverride, OptLevel) => "build-override-opt-level",
        (BuildOverride, CodegenUnits) => "build-override-codegen-units",
        (BuildOverride, Debug) => "build-override-debug",
    }
}

/// `prefix` followed by `text` with every run of characters a profile name cannot hold made one
/// `-`.
fn id_safe(text: &str, prefix: &str) -> String {
    let mut id = prefix.to_owned();
    for c in text.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' };
        if !(c == '-' && id.ends_with('-')) {
            id.push(c);
        }
    }
    id.trim_end_matches('-').to_owned()
}

/// How one variant is built besides its profile: every build axis, resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct BuildEnv {
    /// The rustup toolchain; `None` is cargo's default.
    pub toolchain: Option<String>,
    /// Whether std is built from source.
    pub build_std: bool,
    /// The target triple; `None` is the host.
    pub target: Option<String>,
    /// Features, sorted and comma-separated; `None` is the package's defaults.
    pub features: Option<String>,
    /// Extra rustc flags; `None` is none.
    pub rustflags: Option<String>,
    /// The CPU code is generated for (`-C target-cpu`); `None` is the target's baseline.
    pub target_cpu: Option<String>,
    /// The linker; `None` is the toolchain's default.
    pub linker: Option<Linker>,
    /// The profile's `debug`; `None` is the inherited profile's.
    pub debug: Option<DebugInfo>,
    /// The profile's `split-debuginfo`; `None` is the inherited profile's.
    pub split_debuginfo: Option<SplitDebuginfo>,
    /// The profile's `incremental`; `None` is the inherited profile's.
    pub incremental: Option<bool>,
    /// The per-package overrides that are set.
    pub overrides: BTreeMap<(OverrideScope, OverrideKey), OverrideValue>,
    /// The packages the `hot-*` overrides name (the sweep's `hot-packages`).
    pub hot_packages: Vec<String>,
    /// Whether Cranelift generates the code (nightly), else LLVM.
    pub cranelift: bool,
    /// rustc's frontend threads (nightly); `None` is its default.
    pub threads: Option<NonZeroU32>,
    /// Whether crates share generic instances (nightly); `None` is rustc's default.
    pub share_generics: Option<bool>,
    /// The wasm-opt level run on the output; `None` is no pass.
    pub wasm_opt: Option<String>,
    /// Whether the build is profile-guided (instrumented, trained, rebuilt with the profile).
    pub pgo: bool,
    /// Whether BOLT optimises the linked executable after training it.
    pub bolt: bool,
}

impl BuildEnv {
    /// The value of one axis.
    pub fn get(&self, axis: EnvAxis) -> EnvSetting {
        match axis {
            EnvAxis::Toolchain => EnvSetting::Toolchain(self.toolchain.clone()),
            EnvAxis::BuildStd => EnvSetting::BuildStd(self.build_std),
            EnvAxis::Target => EnvSetting::Target(self.target.clone()),
            EnvAxis::Features => EnvSetting::Features(self.features.clone()),
            EnvAxis::Rustflags => EnvSetting::Rustflags(self.rustflags.clone()),
            EnvAxis::TargetCpu => EnvSetting::TargetCpu(self.target_cpu.clone()),
            EnvAxis::Linker => EnvSetting::Linker(self.linker),
            EnvAxis::Debug => EnvSetting::Debug(self.debug),
            EnvAxis::SplitDebuginfo => EnvSetting::SplitDebuginfo(self.split_debuginfo),
            EnvAxis::Incremental => EnvSetting::Incremental(self.incremental),
            EnvAxis::Override(scope, key) => {
                EnvSetting::Override(scope, key, self.overrides.get(&(scope, key)).copied())
            }
            EnvAxis::CodegenBackend => EnvSetting::CodegenBackend(self.cranelift),
            EnvAxis::Threads => EnvSetting::Threads(self.threads),
            EnvAxis::ShareGenerics => EnvSetting::ShareGenerics(self.share_generics),
            EnvAxis::WasmOpt => EnvSetting::WasmOpt(self.wasm_opt.clone()),
            EnvAxis::Pgo => EnvSetting::Pgo(self.pgo),
            EnvAxis::Bolt => EnvSetting::Bolt(self.bolt),
        }
    }

    /// Replaces the value of the setting's axis.
    pub fn set(&mut self, setting: EnvSetting) {
        match setting {
            EnvSetting::Toolchain(v) => self.toolchain = v,
            EnvSetting::BuildStd(v) => self.build_std = v,
            EnvSetting::Target(v) => self.target = v,
            EnvSetting::Features(v) => self.features = v,
            EnvSetting::Rustflags(v) => self.rustflags = v,
            EnvSetting::TargetCpu(v) => self.target_cpu = v,
            EnvSetting::Linker(v) => self.linker = v,
            EnvSetting::Debug(v) => self.debug = v,
            EnvSetting::SplitDebuginfo(v) => self.split_debuginfo = v,
            EnvSetting::Incremental(v) => self.incremental = v,
            EnvSetting::Override(scope, key, Some(value)) => {
                self.overrides.insert((scope, key), value);
            }
            EnvSetting::Override(scope, key, None) => {
                self.overrides.remove(&(scope, key));
            }
            EnvSetting::CodegenBackend(v) => self.cranelift = v,
            EnvSetting::Threads(v) => self.threads = v,
            EnvSetting::ShareGenerics(v) => self.share_generics = v,
            EnvSetting::WasmOpt(v) => self.wasm_opt = v,
            EnvSetting::Pgo(v) => self.pgo = v,
            EnvSetting::Bolt(v) => self.bolt = v,
        }
    }

    /// The id fragments of the axes that differ from a plain build, each led by `-`: empty for
    /// a plain build, so plain variants keep their five-part ids.
    pub fn id_suffix(&self) -> String {
        EnvAxis::ALL
            .iter()
            .filter_map(|axis| self.get(*axis).id_fragment())
            .map(|f| format!("-{f}"))
            .collect()
    }

    /// The same build without its post-build step: what the step runs on.
    pub fn before_post_build(&self) -> BuildEnv {
        BuildEnv { wasm_opt: None, ..self.clone() }
    }

    /// Why this combination cannot be built, if it cannot.
    pub fn inapplicable(&self) -> Option<&'static str> {
        if self.wasm_opt.is_some() && !self.target.as_deref().is_some_and(|t| t.starts_with("wasm"))
        {
            return Some("wasm-opt applies only to a wasm target");
        }
        if self.build_std && !self.toolchain.as_deref().is_some_and(|t| t.starts_with("nightly")) {
            return Some("build-std needs a nightly toolchain");
        }
        if self.bolt && self.target.as_deref().is_some_and(|t| !t.contains("-linux-")) {
            return Some("BOLT rewrites Linux ELF executables only");
        }
        if !self.nightly_flags().is_empty() && !self.nightly() {
            return Some(
                "codegen-backend, threads and share-generics are -Z flags: they need a nightly toolchain",
            );
        }
        None
    }

    /// Whether the toolchain is a nightly one.
    fn nightly(&self) -> bool {
        self.toolchain.as_deref().is_some_and(|t| t.starts_with("nightly"))
    }

    /// `-C target-cpu=<cpu>`, when the variant names a CPU.
    fn target_cpu_flags(&self) -> Vec<String> {
        let cpu = self.target_cpu.iter();
        cpu.flat_map(|c| ["-C".to_owned(), format!("target-cpu={c}")]).collect()
    }

    /// The rustc `-Z` flags of the nightly axes (backend, threads, generic sharing).
    pub fn nightly_flags(&self) -> Vec<String> {
        self.z_flags(true)
    }

    /// The `-Z` flags, with or without the backend's (which a user's profile can say instead).
    fn z_flags(&self, with_backend: bool) -> Vec<String> {
        let mut flags = Vec::new();
        if self.cranelift && with_backend {
            flags.push("codegen-backend=cranelift".to_owned());
        }
        if let Some(n) = self.threads {
            flags.push(format!("threads={n}"));
        }
        if let Some(on) = self.share_generics {
            flags.push(format!("share-generics={}", if on { "y" } else { "n" }));
        }
        flags.into_iter().flat_map(|f| ["-Z".to_owned(), f]).collect()
    }

    /// The profile keys these axes set, in cargo's spelling, dotted where they are a package
    /// override (`package."*".opt-level`, `package.serde_json.codegen-units`), for a profile
    /// whose `strip` is `strip`.
    ///
    /// Measured on cargo 1.95: a named package's override table makes cargo compile that
    /// package with `-C strip=debuginfo`, whatever the profile's `strip` (`package."*"` does
    /// not). For the binary's own package that keeps the symbol table of a `strip = true`
    /// profile (87,085 bytes of `.symtab` and `.strtab` in a json2csv build). So each named
    /// package's table repeats the profile's `strip`.
    pub fn profile_keys(&self, strip: Strip) -> Vec<(String, toml_edit::Value)> {
        let mut keys = Vec::new();
        if let Some(debug) = self.debug {
            keys.push(("debug".to_owned(), debug.key().into()));
        }
        if let Some(split) = self.split_debuginfo {
            keys.push(("split-debuginfo".to_owned(), split.key().into()));
        }
        if let Some(on) = self.incremental {
            keys.push(("incremental".to_owned(), on.into()));
        }
        for (&(scope, key), value) in &self.overrides {
            for table in scope.tables(&self.hot_packages) {
                keys.push((format!("{table}.{}", key.key()), value.toml_value()));
            }
        }
        if self.overrides.keys().any(|(scope, _)| *scope == OverrideScope::Hot) {
            for table in OverrideScope::Hot.tables(&self.hot_packages) {
                keys.push((format!("{table}.strip"), Setting::Strip(strip).toml_value()));
            }
        }
        keys
    }

    /// The `.cargo/config.toml` lines a user's builds need for what a profile cannot say (the
    /// linker, nightly flags, the Cranelift backend), given the profile the settings are pasted
    /// into; `None` when nothing is needed.
    pub fn config_lines(&self, profile: &str) -> Option<String> {
        let mut flags = self.target_cpu_flags();
        flags.extend(self.linker.into_iter().flat_map(Linker::rustflags).map(String::from));
        flags.extend(self.z_flags(false));
        let mut lines = String::new();
        if !flags.is_empty() {
            let quoted: Vec<String> = flags.iter().map(|f| format!("{f:?}")).collect();
            lines.push_str(&format!("[build]\nrustflags = [{}]\n", quoted.join(", ")));
        }
        if self.cranelift {
            if !lines.is_empty() {
                lines.push('\n');
            }
            lines.push_str(&format!("[unstable]\ncodegen-backend = true\n\n[profile.{profile}]\ncodegen-backend = \"cranelift\"\n"));
        }
        (!lines.is_empty()).then_some(lines)
    }

    /// Whether the build is trained on the sweep's `[[train]]` workloads (PGO or BOLT).
    pub fn trained(&self) -> bool {
        self.pgo || self.bolt
    }

    /// The rustflags, one argument each, then the target CPU's, the linker's and the nightly
    /// axes'.
    pub fn rustflag_args(&self) -> Vec<String> {
        let mut args: Vec<String> = self
            .rustflags
            .as_deref()
            .map(|f| f.split_whitespace().map(String::from).collect())
            .unwrap_or_default();
        args.extend(self.target_cpu_flags());
        args.extend(self.linker.map(Linker::rustflags).into_iter().flatten().map(String::from));
        args.extend(self.nightly_flags());
        args
    }

    /// The features as a list.
    pub fn feature_list(&self) -> Vec<&str> {
        self.features.as_deref().map(|f| f.split(',').collect()).unwrap_or_default()
    }
}

#[cfg(test)]
#[path = "build_env_tests.rs"]
mod tests;

//! The build axes that are not profile keys: which toolchain, whether std is built from source,
//! which target, which cargo features, extra rustflags, a post-build `wasm-opt` pass, and the
//! profile-guided steps (PGO, BOLT) trained on the sweep's `[[train]]` workloads.
//!
//! Like [`crate::plan::settings`], every value a user may write is parsed into one canonical value
//! here, and each value has a short id fragment. This module knows nothing of sweep files,
//! manifests or how a build is run.

use std::fmt;

use crate::plan::settings::RawValue;

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
    /// `linker`: `"default"` (the toolchain's: rust-lld on x86_64 Linux since Rust 1.90), or
    /// the system's `"bfd"` (GNU ld), `"gold"`, `"lld"` or `"mold"` through the C compiler.
    Linker,
    /// `wasm-opt`: a Binaryen optimisation level run on wasm output, or `false`.
    WasmOpt,
    /// `pgo`: build instrumented, train, rebuild with the profile (`-C profile-use`).
    Pgo,
    /// `bolt`: relink with relocations, instrument with `llvm-bolt`, train, optimise.
    Bolt,
}

impl EnvAxis {
    /// All build axes, in the order they appear in ids and vary in a matrix (outermost first).
    pub const ALL: [EnvAxis; 9] = [
        EnvAxis::Toolchain,
        EnvAxis::BuildStd,
        EnvAxis::Target,
        EnvAxis::Features,
        EnvAxis::Rustflags,
        EnvAxis::Linker,
        EnvAxis::WasmOpt,
        EnvAxis::Pgo,
        EnvAxis::Bolt,
    ];

    /// The key as a sweep file spells it.
    pub fn key(self) -> &'static str {
        match self {
            EnvAxis::Toolchain => "toolchain",
            EnvAxis::BuildStd => "build-std",
            EnvAxis::Target => "target",
            EnvAxis::Features => "features",
            EnvAxis::Rustflags => "rustflags",
            EnvAxis::Linker => "linker",
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
            EnvAxis::Linker => {
                r#""default" (the toolchain's own), "bfd" (GNU ld), "gold", "lld" or "mold""#
            }
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
            (EnvAxis::Linker, Str(s)) if s == "default" => EnvSetting::Linker(None),
            (EnvAxis::Linker, Str(s)) => EnvSetting::Linker(Some(Linker::from_key(s)?)),
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
    /// The linker; `None` is the toolchain's default.
    Linker(Option<Linker>),
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
            EnvSetting::Linker(_) => EnvAxis::Linker,
            EnvSetting::WasmOpt(_) => EnvAxis::WasmOpt,
            EnvSetting::Pgo(_) => EnvAxis::Pgo,
            EnvSetting::Bolt(_) => EnvAxis::Bolt,
        }
    }

    /// The short form inside variant ids (`nightly`, `bstd`, `x86_64-linux-musl`, `f-simd`,
    /// `rf-prefer-dynamic`, `wasmopt-oz`, `pgo`, `bolt`); `None` for a plain build's value,
    /// which adds nothing.
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
            EnvSetting::Linker(linker) => linker.map(|l| format!("ld-{}", l.key())),
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
            | EnvSetting::WasmOpt(v) => f.write_str(v.as_deref().unwrap_or_default()),
            EnvSetting::Linker(v) => f.write_str(v.map(Linker::key).unwrap_or_default()),
        }
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

/// A linker other than the toolchain's default, run by the C compiler (`-fuse-ld=`). Since Rust
/// 1.90, rustc links x86_64 Linux programs with its own rust-lld; `-C linker-features=-lld`
/// (stable) turns that off, so the C compiler's choice applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Linker {
    /// GNU ld (`ld.bfd`), the C compiler's default on most Linux systems.
    Bfd,
    /// GNU gold (`ld.gold`).
    Gold,
    /// The system's LLVM lld (`ld.lld`), not rustc's own.
    Lld,
    /// mold (`ld.mold`).
    Mold,
}

impl Linker {
    /// Every linker, in the order a sweep file's values are checked.
    pub const ALL: [Linker; 4] = [Linker::Bfd, Linker::Gold, Linker::Lld, Linker::Mold];

    /// Its name in a sweep file and in the `linker` column.
    pub fn key(self) -> &'static str {
        match self {
            Linker::Bfd => "bfd",
            Linker::Gold => "gold",
            Linker::Lld => "lld",
            Linker::Mold => "mold",
        }
    }

    /// The linker called `key` (as [`Linker::key`] spells it).
    pub fn from_key(key: &str) -> Option<Linker> {
        Linker::ALL.into_iter().find(|l| l.key() == key)
    }

    /// The program the C compiler runs for it: `ld.mold`.
    pub fn program(self) -> String {
        format!("ld.{}", self.key())
    }

    /// The rustc flags that select it.
    pub fn rustflags(self) -> [&'static str; 4] {
        let fuse = match self {
            Linker::Bfd => "link-arg=-fuse-ld=bfd",
            Linker::Gold => "link-arg=-fuse-ld=gold",
            Linker::Lld => "link-arg=-fuse-ld=lld",
            Linker::Mold => "link-arg=-fuse-ld=mold",
        };
        ["-C", "linker-features=-lld", "-C", fuse]
    }

    /// How to install it (Debian's package names).
    pub fn install(self) -> &'static str {
        match self {
            Linker::Bfd | Linker::Gold => "apt-get install binutils (or your system's package)",
            Linker::Lld => "apt-get install lld (or your system's package)",
            Linker::Mold => "apt-get install mold (or your system's package)",
        }
    }

    /// The `.cargo/config.toml` lines that make a user's builds use it.
    pub fn config_lines(self) -> String {
        let [_, features, _, fuse] = self.rustflags();
        format!("[build]\nrustflags = [\"-C\", \"{features}\", \"-C\", \"{fuse}\"]\n")
    }
}

/// The `-Z build-std` flags of a `build-std = true` variant: std and panic_abort from source,
/// with std's `optimize_for_size` feature, as min-sized-rust describes.
pub const BUILD_STD_FLAGS: [&str; 4] =
    ["-Z", "build-std=std,panic_abort", "-Z", "build-std-features=optimize_for_size"];

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
    /// The linker; `None` is the toolchain's default.
    pub linker: Option<Linker>,
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
            EnvAxis::Linker => EnvSetting::Linker(self.linker),
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
            EnvSetting::Linker(v) => self.linker = v,
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
        None
    }

    /// Whether the build is trained on the sweep's `[[train]]` workloads (PGO or BOLT).
    pub fn trained(&self) -> bool {
        self.pgo || self.bolt
    }

    /// The rustflags, one argument each, then the linker's.
    pub fn rustflag_args(&self) -> Vec<&str> {
        let mut args: Vec<&str> =
            self.rustflags.as_deref().map(|f| f.split_whitespace().collect()).unwrap_or_default();
        args.extend(self.linker.map(Linker::rustflags).into_iter().flatten());
        args
    }

    /// The features as a list.
    pub fn feature_list(&self) -> Vec<&str> {
        self.features.as_deref().map(|f| f.split(',').collect()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(axis: EnvAxis, raw: RawValue) -> Option<EnvSetting> {
        axis.parse(&raw)
    }

    fn fragment(axis: EnvAxis, text: &str) -> Option<String> {
        parse(axis, RawValue::Str(text.into())).unwrap().id_fragment()
    }

    #[test]
    fn plain_values_add_nothing_to_ids() {
        assert_eq!(fragment(EnvAxis::Toolchain, "default"), None);
        assert_eq!(fragment(EnvAxis::Target, "host"), None);
        assert_eq!(fragment(EnvAxis::Features, ""), None);
        assert_eq!(fragment(EnvAxis::Rustflags, "  "), None);
        assert_eq!(parse(EnvAxis::WasmOpt, RawValue::Bool(false)).unwrap().id_fragment(), None);
        assert_eq!(BuildEnv::default().id_suffix(), "");
    }

    #[test]
    fn fragments_are_short_and_valid_in_profile_names() {
        assert_eq!(
            fragment(EnvAxis::Target, "x86_64-unknown-linux-musl").as_deref(),
            Some("x86_64-linux-musl")
        );
        assert_eq!(fragment(EnvAxis::Target, "wasm32-unknown-unknown").as_deref(), Some("wasm32"));
        assert_eq!(
            fragment(EnvAxis::Rustflags, "-C target-cpu=native").as_deref(),
            Some("rf-target-cpu-native")
        );
        assert_eq!(
            fragment(EnvAxis::Rustflags, "-Cprefer-dynamic").as_deref(),
            Some("rf-prefer-dynamic")
        );
        assert_eq!(fragment(EnvAxis::Features, "b, a").as_deref(), Some("f-a-b"));
        assert_eq!(fragment(EnvAxis::Toolchain, "1.80.0").as_deref(), Some("1-80-0"));
        assert_eq!(fragment(EnvAxis::WasmOpt, "-Oz").as_deref(), Some("wasmopt-oz"));
        let env = BuildEnv {
            toolchain: Some("nightly".into()),
            build_std: true,
            target: Some("x86_64-unknown-linux-gnu".into()),
            ..BuildEnv::default()
        };
        assert_eq!(env.id_suffix(), "-nightly-bstd-x86_64-linux-gnu");
        let guided = BuildEnv { pgo: true, bolt: true, ..BuildEnv::default() };
        assert_eq!(guided.id_suffix(), "-pgo-bolt");
        assert!(guided.trained() && !BuildEnv::default().trained());
        assert_eq!(EnvSetting::Pgo(true).to_string(), "true");
        assert_eq!(EnvSetting::Bolt(false).to_string(), "");
    }

    #[test]
    fn a_linker_is_an_id_fragment_and_its_flags() {
        assert_eq!(fragment(EnvAxis::Linker, "default"), None);
        assert_eq!(fragment(EnvAxis::Linker, "mold").as_deref(), Some("ld-mold"));
        assert_eq!(parse(EnvAxis::Linker, RawValue::Str("ld".into())), None);
        let env = BuildEnv {
            rustflags: Some("-C target-cpu=native".into()),
            linker: Some(Linker::Bfd),
            ..BuildEnv::default()
        };
        assert_eq!(
            env.rustflag_args(),
            [
                "-C",
                "target-cpu=native",
                "-C",
                "linker-features=-lld",
                "-C",
                "link-arg=-fuse-ld=bfd"
            ]
        );
        assert_eq!(env.id_suffix(), "-rf-target-cpu-native-ld-bfd");
        assert_eq!(EnvSetting::Linker(Some(Linker::Gold)).to_string(), "gold");
        assert!(Linker::Mold.config_lines().contains(r#""-C", "link-arg=-fuse-ld=mold""#));
    }

    #[test]
    fn values_are_canonical() {
        assert_eq!(
            parse(EnvAxis::Features, RawValue::Str("b,a,b".into())),
            parse(EnvAxis::Features, RawValue::Str("a b".into()))
        );
        assert_eq!(
            parse(EnvAxis::Rustflags, RawValue::Str(" -C  lto ".into())),
            Some(EnvSetting::Rustflags(Some("-C lto".into())))
        );
    }

    #[test]
    fn impossible_values_are_rejected() {
        assert_eq!(parse(EnvAxis::Target, RawValue::Str("musl".into())), None);
        assert_eq!(parse(EnvAxis::Toolchain, RawValue::Str("night ly".into())), None);
        assert_eq!(parse(EnvAxis::Toolchain, RawValue::Bool(true)), None);
        assert_eq!(parse(EnvAxis::BuildStd, RawValue::Str("yes".into())), None);
        assert_eq!(parse(EnvAxis::WasmOpt, RawValue::Bool(true)), None);
        assert_eq!(parse(EnvAxis::WasmOpt, RawValue::Str("-O9".into())), None);
        assert_eq!(parse(EnvAxis::Features, RawValue::Str("a;b".into())), None);
        assert_eq!(parse(EnvAxis::Pgo, RawValue::Str("yes".into())), None);
        assert_eq!(parse(EnvAxis::Bolt, RawValue::Str("true".into())), None);
    }

    #[test]
    fn inapplicable_combinations_say_why() {
        let wasm_opt_on_host = BuildEnv { wasm_opt: Some("-Oz".into()), ..BuildEnv::default() };
        assert_eq!(wasm_opt_on_host.inapplicable(), Some("wasm-opt applies only to a wasm target"));
        let on_wasm =
            BuildEnv { target: Some("wasm32-unknown-unknown".into()), ..wasm_opt_on_host };
        assert_eq!(on_wasm.inapplicable(), None);
        assert_eq!(on_wasm.before_post_build().wasm_opt, None);
        let std_on_stable = BuildEnv { build_std: true, ..BuildEnv::default() };
        assert_eq!(std_on_stable.inapplicable(), Some("build-std needs a nightly toolchain"));
        let bolt_on_wasm = BuildEnv {
            bolt: true,
            target: Some("wasm32-unknown-unknown".into()),
            ..BuildEnv::default()
        };
        assert_eq!(bolt_on_wasm.inapplicable(), Some("BOLT rewrites Linux ELF executables only"));
        assert_eq!(
            BuildEnv { toolchain: Some("nightly-2026-05-19".into()), ..std_on_stable }
                .inapplicable(),
            None
        );
    }
}

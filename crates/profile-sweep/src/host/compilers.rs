//! What the variants' build axes need from this machine, checked before anything is built: each
//! named toolchain (a missing one skips its variants, with the command that installs it), each
//! target's standard library or std's sources for build-std (missing ones are input errors with
//! the `rustup` command that fixes them), and `wasm-opt` for post-build steps.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::InputError;
use crate::host::toolchain::{self, NamedToolchain, Toolchain};
use crate::plan::build_env::BuildEnv;
use crate::plan::spec::Sweep;
use crate::plan::variants::Variant;

/// The toolchains and tools a sweep's variants use, resolved once.
#[derive(Debug)]
pub struct Compilers {
    default: Toolchain,
    default_cargo: PathBuf,
    default_rustc: PathBuf,
    named: HashMap<String, Result<NamedToolchain, String>>,
    /// Per (toolchain name, target): the directory of that target's standard library.
    libdirs: HashMap<(Option<String>, String), PathBuf>,
    /// `wasm-opt --version`, or why it cannot be run.
    wasm_opt: Result<String, String>,
}

/// How one variant is built and run here.
#[derive(Debug, Clone, Copy)]
pub struct Compiler<'a> {
    /// The compiler's own description (version, host).
    pub toolchain: &'a Toolchain,
    /// The named toolchain, when the variant names one.
    pub named: Option<&'a NamedToolchain>,
    /// The cargo to run.
    pub cargo: &'a Path,
    /// The target triple the output is for.
    pub target: &'a str,
    /// The target's standard library directory (where `libstd-*.so` is).
    pub libdir: &'a Path,
    /// Whether this machine can run the output (same architecture and operating system).
    pub runs_here: bool,
}

impl Compilers {
    /// Resolves every toolchain the variants name and checks their targets. `default` is what
    /// `rustc` (or `$RUSTC`) and `cargo` give without a toolchain.
    pub fn check(
        variants: &[Variant],
        sweep: &Sweep,
        default: Toolchain,
        default_cargo: &Path,
    ) -> Result<Compilers, InputError> {
        let default_rustc =
            std::env::var_os("RUSTC").map_or_else(|| PathBuf::from("rustc"), PathBuf::from);
        let mut compilers = Compilers {
            default,
            default_cargo: default_cargo.to_owned(),
            default_rustc,
            named: HashMap::new(),
            libdirs: HashMap::new(),
            wasm_opt: Err(String::new()),
        };
        for variant in variants {
            if let Some(name) = &variant.env.toolchain {
                compilers
                    .named
                    .entry(name.clone())
                    .or_insert_with(|| NamedToolchain::resolve(name));
            }
        }
        for variant in variants {
            let env = &variant.env;
            let (rustc, host) = match &env.toolchain {
                None => (compilers.default_rustc.clone(), compilers.default.host.clone()),
                Some(name) => match &compilers.named[name] {
                    Ok(named) => (named.rustc.clone(), named.toolchain.host.clone()),
                    Err(_) => continue,
                },
            };
            let target = env.target.clone().unwrap_or(host);
            let key = (env.toolchain.clone(), target.clone());
            if compilers.libdirs.contains_key(&key) {
                continue;
            }
            let for_toolchain =
                env.toolchain.as_ref().map(|t| format!(" --toolchain {t}")).unwrap_or_default();
            let at = |what: &str| {
                sweep
                    .error_at(offset_of(sweep, what), format!("cannot build for target `{target}`"))
            };
            let libdir = toolchain::target_libdir(&rustc, &target).map_err(|why| {
                at(&target).with_fix(format!(
                    "check the triple (`rustc --print target-list` lists them); rustc said: {why}"
                ))
            })?;
            if env.build_std {
                if !toolchain::has_rust_src(&rustc) {
                    return Err(sweep
                        .error_at(offset_of(sweep, "build-std"), "build-std needs the sources of std, and the rust-src component is not installed")
                        .with_fix(format!("rustup component add rust-src{for_toolchain}")));
                }
            } else if !toolchain::has_std(&libdir) {
                return Err(at(&target).with_fix(format!("the target's standard library is not installed: rustup target add {target}{for_toolchain}")));
            }
            compilers.libdirs.insert(key, libdir);
        }
        if variants.iter().any(|v| v.env.wasm_opt.is_some()) {
            compilers.wasm_opt = wasm_opt_version();
        }
        Ok(compilers)
    }

    /// How `variant` is built here, or why it cannot be (its toolchain or tool is missing).
    pub fn for_variant(&self, variant: &Variant) -> Result<Compiler<'_>, String> {
        let env: &BuildEnv = &variant.env;
        let named = match &env.toolchain {
            None => None,
            Some(name) => Some(self.named[name].as_ref().map_err(Clone::clone)?),
        };
        if env.wasm_opt.is_some() {
            self.wasm_opt.as_ref().map_err(Clone::clone)?;
        }
        let toolchain = named.map_or(&self.default, |n| &n.toolchain);
        let target = env.target.as_deref().unwrap_or(&toolchain.host);
        let (libdir_key, libdir) = self
            .libdirs
            .get_key_value(&(env.toolchain.clone(), target.to_owned()))
            .expect("checked for every variant");
        let arch = |triple: &str| triple.split('-').next().unwrap_or_default().to_owned();
        Ok(Compiler {
            toolchain,
            named,
            cargo: named.map_or(&self.default_cargo, |n| &n.cargo),
            target: &libdir_key.1,
            libdir,
            runs_here: arch(target) == arch(&toolchain.host)
                && target.contains("-linux-")
                && toolchain.host.contains("-linux-"),
        })
    }

    /// Everything resolved here that decides what a build produces: named toolchains' versions
    /// and the wasm-opt version, for the cache key.
    pub fn describe(&self) -> String {
        let mut named: Vec<String> = self
            .named
            .iter()
            .map(|(name, t)| format!("{name}: {:?}", t.as_ref().map(|t| &t.toolchain.verbose)))
            .collect();
        named.sort();
        format!("{named:?}; wasm-opt {:?}", self.wasm_opt)
    }
}

/// Where `needle` (a value of a build axis) is first written in the sweep file, else its start.
fn offset_of(sweep: &Sweep, needle: &str) -> usize {
    sweep.text.find(needle).unwrap_or(0)
}

/// `wasm-opt --version`, or why it cannot run.
fn wasm_opt_version() -> Result<String, String> {
    let missing = "wasm-opt is not installed here; install Binaryen (Debian: `apt-get install binaryen`) to measure wasm-opt variants";
    match Command::new("wasm-opt").arg("--version").output() {
        Ok(output) if output.status.success() => {
            Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
        }
        _ => Err(missing.to_owned()),
    }
}

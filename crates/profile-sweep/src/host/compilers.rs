//! What the variants' build axes need from this machine, checked before anything is built: each
//! named toolchain (a missing one skips its variants, with the command that installs it), each
//! target's standard library or std's sources for build-std (missing ones are input errors with
//! the `rustup` command that fixes them), `wasm-opt` for post-build steps, rustup's `llvm-tools`
//! for PGO and BOLT (an input error when missing), and `llvm-bolt`, each linker and the
//! Cranelift backend (their variants skipped when missing, with the command that installs them).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::InputError;
use crate::host::tool::{Missing, Tool};
use crate::host::toolchain::{self, NamedToolchain, QueryFailed, Toolchain};
use crate::host::windows;
use crate::plan::build_env::{BuildEnv, CRANELIFT_COMPONENT, Linker};
use crate::plan::spec::Sweep;
use crate::plan::variants::Variant;

/// The toolchains and tools a sweep's variants use, resolved once.
#[derive(Debug)]
pub struct Compilers {
    default: Toolchain,
    default_cargo: PathBuf,
    default_rustc: PathBuf,
    named: HashMap<String, Tool<NamedToolchain>>,
    /// Per (toolchain name, target): the directory of that target's standard library.
    libdirs: HashMap<(Option<String>, String), PathBuf>,
    /// `wasm-opt --version`, when a variant runs it.
    wasm_opt: Option<Tool<String>>,
    /// Per toolchain name: the directory of its `llvm-tools` (`llvm-profdata`, `llvm-strip`).
    llvm_tools: HashMap<Option<String>, PathBuf>,
    /// The directory of `llvm-bolt` and `merge-fdata`, when a variant uses BOLT.
    bolt: Option<Tool<PathBuf>>,
    /// Per linker the variants name: its version line.
    linkers: HashMap<Linker, Tool<String>>,
    /// Per toolchain name of a Cranelift variant: whether its rustc has the backend.
    cranelift: HashMap<Option<String>, Tool<()>>,
    /// Per `target-cpu` of a variant this machine's architecture runs: the target features its
    /// code uses that this machine's CPU lacks (empty: it runs here).
    cpu_lacks: HashMap<String, Vec<String>>,
    /// Per `*-windows-gnu` target: the mingw-w64 linker, or why it cannot be used.
    mingw: HashMap<String, Tool<String>>,
    /// Wine and its version, when a variant's target is Windows and the host Linux.
    wine: Option<Tool<(PathBuf, String)>>,
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
    /// The toolchain's `llvm-tools` directory, for a variant trained by PGO or BOLT.
    pub llvm_tools: Option<&'a Path>,
    /// The directory of `llvm-bolt`, for a BOLT variant.
    pub bolt: Option<&'a Path>,
    /// The target features of the variant's `target-cpu` that this machine's CPU lacks: its
    /// output does not run here.
    pub cpu_lacks: &'a [String],
    /// The program its output runs under, with its version: Wine for a Windows executable.
    pub runner: Option<&'a (PathBuf, String)>,
}

impl Compiler<'_> {
    /// Why this machine does not run the output, for a variant that is measured by size only.
    pub fn why_not_run(&self) -> String {
        match self.cpu_lacks {
            [] if self.target.contains("-windows-") => format!(
                "built for {}, which this machine cannot run (install Wine to time it: apt-get install wine64): size only, no runtime",
                self.target
            ),
            [] => format!(
                "built for {}, which this machine cannot run: size only, no runtime",
                self.target
            ),
            lacks => format!(
                "built for a CPU with {} that this machine's lacks: size only, no runtime",
                lacks.join(", ")
            ),
        }
    }
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
            wasm_opt: None,
            llvm_tools: HashMap::new(),
            bolt: None,
            linkers: HashMap::new(),
            cranelift: HashMap::new(),
            cpu_lacks: HashMap::new(),
            mingw: HashMap::new(),
            wine: None,
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
            compilers.check_variant(variant, sweep)?;
        }
        if variants.iter().any(|v| v.env.wasm_opt.is_some()) {
            compilers.wasm_opt = Some(wasm_opt_version());
        }
        if variants.iter().any(|v| v.env.bolt) {
            compilers.bolt = Some(find_bolt());
        }
        for linker in variants.iter().filter_map(|v| v.env.linker) {
            compilers.linkers.entry(linker).or_insert_with(|| linker_version(linker));
        }
        Ok(compilers)
    }

    /// Resolves what one variant's build axes need: llvm-tools, the Cranelift backend, its
    /// `target-cpu`, mingw and Wine for Windows, and its target's standard library.
    fn check_variant(&mut self, variant: &Variant, sweep: &Sweep) -> Result<(), InputError> {
        let env = &variant.env;
        let (rustc, host) = match &env.toolchain {
            None => (self.default_rustc.clone(), self.default.host.clone()),
            Some(name) => match &self.named[name] {
                Tool::Found(named) => (named.rustc.clone(), named.toolchain.host.clone()),
                Tool::Missing(_) => return Ok(()),
            },
        };
        let for_toolchain =
            env.toolchain.as_ref().map(|t| format!(" --toolchain {t}")).unwrap_or_default();
        if env.trained() && !self.llvm_tools.contains_key(&env.toolchain) {
            let Some(tools) = toolchain::llvm_tools(&rustc, &host) else {
                let axis = if env.pgo { "pgo" } else { "bolt" };
                return Err(sweep
                    .error_at(sweep.key_offset(axis), format!("{axis} = true needs llvm-profdata and llvm-strip from rustup's llvm-tools component, which is not installed"))
                    .with_fix(format!("rustup component add llvm-tools{for_toolchain}")));
            };
            self.llvm_tools.insert(env.toolchain.clone(), tools);
        }
        if env.cranelift && !self.cranelift.contains_key(&env.toolchain) {
            let found = cranelift_backend(&rustc, env.toolchain.as_deref());
            self.cranelift.insert(env.toolchain.clone(), found);
        }
        let target = env.target.clone().unwrap_or(host);
        if let Some(cpu) = env.target_cpu.as_ref().filter(|c| !self.cpu_lacks.contains_key(*c)) {
            let lacks = cpu_lacks(&rustc, &target, cpu).map_err(|why| {
                sweep.error_at(offset_of(sweep, cpu), format!("rustc cannot generate code for target-cpu `{cpu}`: {why}"))
                    .with_fix("name a CPU from `rustc --print target-cpus`, or x86-64-v2, x86-64-v3, x86-64-v4 or native")
            })?;
            self.cpu_lacks.insert(cpu.clone(), lacks);
        }
        if windows::needs_mingw(&target) && !self.mingw.contains_key(&target) {
            self.mingw.insert(target.clone(), windows::mingw_linker(&target));
        }
        if self.wine.is_none() {
            self.wine = windows::wine_for(&target, &self.default.host);
        }
        let key = (env.toolchain.clone(), target.clone());
        if self.libdirs.contains_key(&key) {
            return Ok(());
        }
        let at = |what: &str| {
            sweep.error_at(offset_of(sweep, what), format!("cannot build for target `{target}`"))
        };
        let libdir = toolchain::target_libdir(&rustc, &target).map_err(|why| {
            at(&target).with_fix(format!(
                "check the triple (`rustc --print target-list` lists them); rustc said: {why}"
            ))
        })?;
        if env.build_std {
            if !toolchain::has_rust_src(&rustc) {
                return Err(sweep
                    .error_at(sweep.key_offset("build-std"), "build-std needs the sources of std, and the rust-src component is not installed")
                    .with_fix(format!("rustup component add rust-src{for_toolchain}")));
            }
        } else if !toolchain::has_std(&libdir) {
            return Err(at(&target).with_fix(format!("the target's standard library is not installed: rustup target add {target}{for_toolchain}")));
        }
        self.libdirs.insert(key, libdir);
        Ok(())
    }

    /// How `variant` is built here, or what it needs that this machine lacks (a toolchain, a
    /// tool, or a CPU that runs its training).
    pub fn for_variant(&self, variant: &Variant) -> Result<Compiler<'_>, Missing> {
        let env: &BuildEnv = &variant.env;
        let named = match &env.toolchain {
            None => None,
            Some(name) => Some(found(&self.named[name])?),
        };
        if env.wasm_opt.is_some() {
            found(self.wasm_opt.as_ref().expect("resolved for every wasm-opt variant"))?;
        }
        if let Some(linker) = env.linker {
            found(&self.linkers[&linker])?;
        }
        if env.cranelift {
            found(&self.cranelift[&env.toolchain])?;
        }
        let bolt = match env.bolt {
            true => Some(found(self.bolt.as_ref().expect("resolved for every BOLT variant"))?),
            false => None,
        };
        let toolchain = named.map_or(&self.default, |n| &n.toolchain);
        let target = env.target.as_deref().unwrap_or(&toolchain.host);
        let (libdir_key, libdir) = self
            .libdirs
            .get_key_value(&(env.toolchain.clone(), target.to_owned()))
            .expect("checked for every variant");
        let arch = |triple: &str| triple.split('-').next().unwrap_or_default().to_owned();
        let cpu_lacks: &[String] = env
            .target_cpu
            .as_ref()
            .and_then(|cpu| self.cpu_lacks.get(cpu))
            .map_or(&[], Vec::as_slice);
        if let Some(missing) = self.mingw.get(target).and_then(Tool::why_missing) {
            return Err(missing.clone());
        }
        let runs_natively = arch(target) == arch(&toolchain.host)
            && target.contains("-linux-")
            && toolchain.host.contains("-linux-")
            && cpu_lacks.is_empty();
        let runner = match &self.wine {
            Some(Tool::Found(wine)) if windows::runs_under_wine(target, &toolchain.host) => {
                Some(wine)
            }
            _ => None,
        };
        let runs_here = runs_natively || runner.is_some();
        if env.trained() && !runs_natively {
            return Err(Missing {
                why: format!(
                    "PGO and BOLT train by running the build, and this machine cannot run {target}"
                ),
                install: format!("sweep them on a machine that runs {target}"),
            });
        }
        Ok(Compiler {
            toolchain,
            named,
            cargo: named.map_or(&self.default_cargo, |n| &n.cargo),
            target: &libdir_key.1,
            libdir,
            runs_here,
            llvm_tools: self.llvm_tools.get(&env.toolchain).map(PathBuf::as_path),
            bolt: bolt.map(PathBuf::as_path),
            cpu_lacks,
            runner,
        })
    }

    /// Everything resolved here that decides what a build produces: named toolchains' versions
    /// and the tools' versions, for the cache key.
    pub fn describe(&self) -> String {
        let mut named: Vec<String> = self
            .named
            .iter()
            .map(|(name, t)| {
                format!("{name}: {}", described(&t.map(|t| t.toolchain.verbose.clone())))
            })
            .collect();
        named.sort();
        let bolt = self
            .bolt
            .as_ref()
            .map(|b| described(&b.map(|dir| tool_version(&dir.join("llvm-bolt")))));
        let mut linkers: Vec<String> =
            self.linkers.iter().map(|(l, v)| format!("{}: {}", l.key(), described(v))).collect();
        linkers.sort();
        let wasm_opt = self.wasm_opt.as_ref().map(described);
        format!("{named:?}; wasm-opt {wasm_opt:?}; llvm-bolt {bolt:?}; linkers {linkers:?}")
    }
}

/// What a tool resolved to, for the cache key: its version (or place), or why it is missing.
fn described<T: std::fmt::Debug>(tool: &Tool<T>) -> String {
    match tool {
        Tool::Found(found) => format!("{found:?}"),
        Tool::Missing(missing) => format!("missing: {missing}"),
    }
}

/// The found tool, or what is missing.
fn found<T>(tool: &Tool<T>) -> Result<&T, Missing> {
    match tool {
        Tool::Found(found) => Ok(found),
        Tool::Missing(missing) => Err(missing.clone()),
    }
}

/// Where `needle` (a value of a build axis, such as a target triple) is first written in the sweep
/// file, else its start.
fn offset_of(sweep: &Sweep, needle: &str) -> usize {
    sweep.text.find(needle).unwrap_or(0)
}

/// The target features code for `cpu` uses that this machine's CPU lacks, when this machine runs
/// `target`'s architecture (else none: its output does not run here anyway).
fn cpu_lacks(rustc: &Path, target: &str, cpu: &str) -> Result<Vec<String>, QueryFailed> {
    let wanted = toolchain::cpu_features(rustc, target, cpu)?;
    if cpu == "native" || !target.starts_with(std::env::consts::ARCH) {
        return Ok(Vec::new());
    }
    let here = toolchain::cpu_features(rustc, target, "native")?;
    Ok(wanted.into_iter().filter(|f| !here.contains(f)).collect())
}

/// `wasm-opt --version`, or how to install it.
fn wasm_opt_version() -> Tool<String> {
    match tool_version(Path::new("wasm-opt")) {
        Some(version) => Tool::Found(version),
        None => Tool::missing(
            "wasm-opt is not installed here",
            "install Binaryen (Debian: `apt-get install binaryen`) to measure wasm-opt variants",
        ),
    }
}

/// BOLT's directory: that of `llvm-bolt` on `PATH`, else of the newest
/// `/usr/lib/llvm-*/bin/llvm-bolt` (Debian's `bolt-NN` packages). Symlinks are resolved, since
/// llvm-bolt finds its instrumentation runtime relative to its real place.
fn find_bolt() -> Tool<PathBuf> {
    let install = "install BOLT (Debian: `apt-get install bolt-19`) to measure bolt variants";
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join("llvm-bolt"));
    let mut packaged: Vec<PathBuf> = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("llvm-"))
        .map(|e| e.path().join("bin/llvm-bolt"))
        .collect();
    packaged.sort_by_key(|p| std::cmp::Reverse(llvm_major(p)));
    let Some(bolt) =
        on_path.chain(packaged).find(|p| p.is_file()).and_then(|p| p.canonicalize().ok())
    else {
        return Tool::missing("llvm-bolt is not installed here", install);
    };
    let dir = bolt.parent().expect("a file has a parent").to_owned();
    match dir.join("merge-fdata").is_file() {
        true => Tool::Found(dir),
        false => Tool::missing(format!("{} has no merge-fdata beside it", bolt.display()), install),
    }
}

/// The LLVM major version in a path such as `/usr/lib/llvm-19/bin/llvm-bolt` (0 if none).
fn llvm_major(path: &Path) -> u32 {
    let dir = path.components().find_map(|c| c.as_os_str().to_str()?.strip_prefix("llvm-"));
    dir.and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// `ld.<linker> --version`, or how to install it.
fn linker_version(linker: Linker) -> Tool<String> {
    let program = linker.program();
    match tool_version(Path::new(&program)) {
        Some(version) => Tool::Found(version),
        None => Tool::missing(
            format!("{program} is not installed here"),
            format!("{} to measure its variants", linker.install()),
        ),
    }
}

/// Whether `rustc` (of the toolchain `name`) has the Cranelift backend, or how to install it.
fn cranelift_backend(rustc: &Path, name: Option<&str>) -> Tool<()> {
    let output =
        Command::new(rustc).args(["-Zcodegen-backend=cranelift", "--print", "cfg"]).output();
    match output {
        Ok(output) if output.status.success() => Tool::Found(()),
        _ => {
            let toolchain = name.map(|n| format!(" --toolchain {n}")).unwrap_or_default();
            Tool::missing(
                "the Cranelift backend is not installed for this toolchain",
                format!(
                    "run `rustup component add {CRANELIFT_COMPONENT}{toolchain}` to measure its variants"
                ),
            )
        }
    }
}

/// The first line of `tool --version`; `None` when it cannot be run.
fn tool_version(tool: &Path) -> Option<String> {
    match Command::new(tool).arg("--version").output() {
        Ok(output) if output.status.success() => {
            let text = String::from_utf8_lossy(&output.stdout);
            Some(text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default().to_owned())
        }
        _ => None,
    }
}

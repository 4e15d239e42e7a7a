//! Where each build axis lives in a [`Row`]: one table, [`Row::env_text`] and
//! [`Row::set_env_text`], used both to record a variant's [`BuildEnv`] and to read it back, so a
//! new build axis is its entry in [`EnvAxis`], its column (a field of [`Row`]) and one line here.

use crate::plan::build_env::{BuildEnv, EnvAxis};
use crate::plan::settings::RawValue;
use crate::results::rows::Row;

/// The build axes that [`Row::build_env`] reads back, besides every per-package override:
/// those a report may compare variants by. The target, features, rustflags, build-std, PGO and
/// post-build steps are recorded too, but read only as they are written.
pub const READ_BACK: [EnvAxis; 9] = [
    EnvAxis::Toolchain,
    EnvAxis::TargetCpu,
    EnvAxis::Linker,
    EnvAxis::Debug,
    EnvAxis::SplitDebuginfo,
    EnvAxis::Incremental,
    EnvAxis::CodegenBackend,
    EnvAxis::Threads,
    EnvAxis::ShareGenerics,
];

/// The field of a per-package override axis: `$($borrow)*` is `&` or `&mut`.
macro_rules! override_field {
    ($row:expr, $scope:expr, $key:expr, $($borrow:tt)*) => {{
        use crate::plan::build_env::OverrideKey::{CodegenUnits, Debug, OptLevel};
        use crate::plan::build_env::OverrideScope::{BuildOverride, Deps, Hot};
        match ($scope, $key) {
            (Deps, OptLevel) => $($borrow)* $row.deps_opt_level,
            (Deps, CodegenUnits) => $($borrow)* $row.deps_codegen_units,
            (Deps, Debug) => $($borrow)* $row.deps_debug,
            (Hot, OptLevel) => $($borrow)* $row.hot_opt_level,
            (Hot, CodegenUnits) => $($borrow)* $row.hot_codegen_units,
            (Hot, Debug) => $($borrow)* $row.hot_debug,
            (BuildOverride, OptLevel) => $($borrow)* $row.build_override_opt_level,
            (BuildOverride, CodegenUnits) => $($borrow)* $row.build_override_codegen_units,
            (BuildOverride, Debug) => $($borrow)* $row.build_override_debug,
        }
    }};
}

impl Row {
    /// The column of build axis `axis` as the CSV spells it (`None`: empty, the plain build's
    /// value). The target and the post-build steps have columns of their own shape and are not
    /// in this table (`None` for them too).
    pub fn env_text(&self, axis: EnvAxis) -> Option<String> {
        let flag = |on: Option<bool>| on.filter(|on| *on).map(|_| "true".to_owned());
        match axis {
            EnvAxis::Toolchain => self.toolchain.clone(),
            EnvAxis::BuildStd => flag(self.build_std),
            EnvAxis::Features => self.features.clone(),
            EnvAxis::Rustflags => self.rustflags.clone(),
            EnvAxis::Linker => self.linker.clone(),
            EnvAxis::Debug => self.debug.clone(),
            EnvAxis::SplitDebuginfo => self.split_debuginfo.clone(),
            EnvAxis::Incremental => self.incremental.map(|b| b.to_string()),
            EnvAxis::CodegenBackend => self.codegen_backend.clone(),
            EnvAxis::Threads => self.threads.map(|n| n.to_string()),
            EnvAxis::ShareGenerics => self.share_generics.map(|b| b.to_string()),
            EnvAxis::TargetCpu => self.target_cpu.clone(),
            EnvAxis::Pgo => flag(self.pgo),
            EnvAxis::Override(scope, key) => override_field!(self, scope, key, &).clone(),
            EnvAxis::Target | EnvAxis::WasmOpt | EnvAxis::Bolt => None,
        }
    }

    /// Sets the column of build axis `axis` from its CSV spelling (empty: the plain build's
    /// value); the axes [`Row::env_text`] has no column for are left alone.
    pub fn set_env_text(&mut self, axis: EnvAxis, text: &str) {
        let text = (!text.is_empty()).then(|| text.to_owned());
        let flag = text.as_deref().map(|t| t == "true");
        match axis {
            EnvAxis::Toolchain => self.toolchain = text,
            EnvAxis::BuildStd => self.build_std = flag.filter(|on| *on),
            EnvAxis::Features => self.features = text,
            EnvAxis::Rustflags => self.rustflags = text,
            EnvAxis::Linker => self.linker = text,
            EnvAxis::Debug => self.debug = text,
            EnvAxis::SplitDebuginfo => self.split_debuginfo = text,
            EnvAxis::Incremental => self.incremental = flag,
            EnvAxis::CodegenBackend => self.codegen_backend = text,
            EnvAxis::Threads => self.threads = text.and_then(|t| t.parse().ok()),
            EnvAxis::ShareGenerics => self.share_generics = flag,
            EnvAxis::TargetCpu => self.target_cpu = text,
            EnvAxis::Pgo => self.pgo = flag.filter(|on| *on),
            EnvAxis::Override(scope, key) => *override_field!(self, scope, key, &mut) = text,
            EnvAxis::Target | EnvAxis::WasmOpt | EnvAxis::Bolt => {}
        }
    }

    /// The build axes a row's variant was built with, as far as its columns record them: the
    /// [`READ_BACK`] axes, every per-package override and the hot packages.
    pub fn build_env(&self) -> BuildEnv {
        let hot = self.hot_packages.iter().flat_map(|p| p.split_whitespace());
        let mut env =
            BuildEnv { hot_packages: hot.map(String::from).collect(), ..BuildEnv::default() };
        let overrides = EnvAxis::ALL.into_iter().filter(|a| matches!(a, EnvAxis::Override(..)));
        for axis in READ_BACK.into_iter().chain(overrides) {
            let Some(cell) = self.env_text(axis) else { continue };
            let raw = match axis {
                // Strings that look like numbers or booleans are still strings here.
                EnvAxis::Toolchain
                | EnvAxis::TargetCpu
                | EnvAxis::Linker
                | EnvAxis::SplitDebuginfo => RawValue::Str(cell),
                _ => RawValue::from_cell(&cell),
            };
            if let Some(setting) = axis.parse(&raw) {
                env.set(setting);
            }
        }
        env
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::rows::tests::row;

    /// Every axis with a column: what is written is what is read, and a recorded variant's
    /// build axes come back equal.
    #[test]
    fn every_axis_cell_round_trips() {
        for axis in EnvAxis::ALL {
            let mut r = row("a", 1);
            let text = match axis {
                EnvAxis::Threads => "4",
                EnvAxis::Incremental | EnvAxis::ShareGenerics | EnvAxis::BuildStd => "true",
                EnvAxis::Pgo => "true",
                _ => "x-value",
            };
            r.set_env_text(axis, text);
            let expected = match axis {
                EnvAxis::Target | EnvAxis::WasmOpt | EnvAxis::Bolt => None,
                _ => Some(text.to_owned()),
            };
            assert_eq!(r.env_text(axis), expected, "{axis:?}");
            r.set_env_text(axis, "");
            assert_eq!(r.env_text(axis), None, "{axis:?}");
        }
    }
}

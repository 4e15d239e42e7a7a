//! Stage 1, pure: the sweep file, validated ([`spec`]: profile keys in [`settings`], the other
//! build axes in [`build_env`] (their values in `build_values`), what to measure in [`measures`], matrix or ladder in `shape`), expanded into the variants to
//! build ([`variants`]); and the commented starter files `init` writes (`starter`).

pub mod build_env;
mod build_values;
pub mod measurement;
pub mod measures;
pub mod package_overrides;
mod raw;
pub mod rebuilds;
pub mod settings;
mod shape;
pub mod spec;
pub(crate) mod starter;
pub mod variants;

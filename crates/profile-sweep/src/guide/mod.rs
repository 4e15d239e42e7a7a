//! The guide: everything beyond the README's first screen, next to the code it describes, so
//! that `cargo doc -p profile-sweep --open` renders it and rustdoc checks its links. What the
//! tool found on this repository's demo crates is in the repository's `results/README.md`.
//!
//! - [`commands`]: sweeping your own crate, every command and flag, the search.
//! - [`sweep_file`]: every key of a sweep file.
//! - [`reading`]: what each number is good for, how runtime is measured, reading the charts.
//! - [`results_files`]: the CSV columns, re-runs, resume, the cache, shards and disk use.
//! - [`safety`]: what happens to your `Cargo.toml` and files, whatever happens, and how that is
//!   tested.

pub mod commands {
    #![doc = include_str!("commands.md")]
}

pub mod sweep_file {
    #![doc = include_str!("sweep_file.md")]
}

pub mod reading {
    #![doc = include_str!("reading.md")]
}

pub mod results_files {
    #![doc = include_str!("results_files.md")]
}

pub mod safety {
    #![doc = include_str!("safety.md")]
}

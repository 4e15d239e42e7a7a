//! Stage 2: what this machine and the swept workspace offer, checked before anything is built:
//! the workspace's packages and targets ([`workspace`]), the toolchain ([`toolchain`]), the
//! toolchains, targets and tools each variant needs ([`compilers`]), and the machine
//! ([`machine`]).

pub mod compilers;
pub mod machine;
pub mod tool;
pub mod toolchain;
pub mod windows;
pub mod workspace;

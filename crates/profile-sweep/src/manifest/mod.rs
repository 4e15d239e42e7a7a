//! Stage 3: the variants as profiles in the workspace's root `Cargo.toml` ([`profiles`]), and the
//! guard that puts the user's file back, byte for byte, whatever happens ([`guard`]), even after
//! a `kill -9` ([`repair`]).

pub mod guard;
pub mod profiles;
pub mod repair;

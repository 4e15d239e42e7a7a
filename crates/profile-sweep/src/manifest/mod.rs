//! Stage 3: the variants as profiles in the workspace's root `Cargo.toml` ([`profiles`]), and the
//! guard that puts the user's file back, byte for byte, whatever happens ([`guard`]), even after
//! a `kill -9` ([`repair`]); `apply`'s edit of a named profile ([`chosen`]). Every `toml_edit` change goes through [`text`], which keeps the
//! bytes (BOM, CRLF) of every line it does not change.

pub mod chosen;
pub mod guard;
pub mod leftovers;
pub mod profiles;
pub mod repair;
pub mod text;

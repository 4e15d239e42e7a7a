//! Stage 4: building one variant with cargo, and the post-build steps ([`cargo`]); the tools of
//! the profile-guided steps, PGO and BOLT ([`guided`]).

pub mod cargo;
pub mod guided;

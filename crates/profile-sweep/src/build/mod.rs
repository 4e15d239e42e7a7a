//! Stage 4: building one variant with cargo, and the post-build steps ([`cargo`]).

pub mod cargo;

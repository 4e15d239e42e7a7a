//! Stage 5: what a built variant is and does. Its size ([`binary`]), what ships with it
//! ([`shipping`]), its code per crate and function ([`bloat`], for wasm modules through
//! [`wasm`]), where its runs spend their instructions per crate ([`hot`]), its whole-binary runtime ([`runtime`],
//! summarised by [`stats`]) and its bench targets ([`bench`]: [`criterion`], [`divan`],
//! [`gungraun`] and [`libtest`]).

pub mod bench;
pub mod binary;
pub mod bloat;
pub mod criterion;
pub mod divan;
pub mod gungraun;
pub mod hot;
pub mod instructions;
pub mod libtest;
pub mod noise;
pub mod paired;
pub mod runtime;
pub mod shipping;
pub mod stats;
pub mod wasm;

//! Integration tests: the real `xtask` binary sweeping a copy of a tiny fixture workspace with
//! real cargo builds. One test binary for the crate, to keep link times low.

mod attack;
mod axes;
mod bad_input;
mod browser;
mod check;
mod committed;
mod criterion;
mod fixture;
mod guided;
mod harnesses;
mod inner_loop;
mod install;
mod interrupt;
mod overrides;
mod paired;
mod report;
mod resume;
mod runtime;
mod search;
mod shard;
mod sweep;
mod tidy;
mod trust;
mod workflows;

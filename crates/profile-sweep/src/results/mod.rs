//! Stage 6: the results CSV, one row per variant and measurement ([`rows`]), and splitting a
//! sweep across machines and merging the shards' files ([`shard`]); machine-readable progress ([`messages`]).

pub mod messages;
pub mod rows;
pub mod shard;

//! Stage 6: the results of a sweep. [`rows`] is a variant beside one of its measurements, the
//! view every later stage reads; [`layout`] writes and reads them as files (`run.json`,
//! `variants.csv`, `measurements.csv`; the first layout's `results.csv` is still read);
//! [`shard`] splits a sweep across machines and merges the shards; [`messages`] is
//! machine-readable progress.

pub mod layout;
pub mod messages;
pub mod rows;
pub mod shard;

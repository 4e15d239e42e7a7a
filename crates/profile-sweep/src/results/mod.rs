//! Stage 6: the results of a sweep. [`rows`] is a variant beside one of its measurements, the
//! view every later stage reads; [`analysis`] is what the rows say (points per measurement,
//! their Pareto frontier, the recommendations), which the search and the reports both ask, and
//! `build_time` adds rebuild times and the rebuild budget; [`layout`] writes and reads them as files (`run.json`,
//! `variants.csv`, `measurements.csv`; the first layout's `results.csv` is still read);
//! `shard` splits a sweep across machines and merges the shards; [`messages`] is
//! machine-readable progress.

pub mod analysis;
pub(crate) mod breakdown;
pub(crate) mod build_time;
pub mod layout;
pub mod messages;
pub mod row_axes;
pub mod rows;
pub(crate) mod shard;

//! Helpers every stage may use and none owns: crash-safe files, hashing, numbers for people,
//! error text from child processes, signals, the progress display, and what differs between
//! operating systems.

pub mod child_output;
pub mod files;
pub mod hash;
pub mod interrupt;
pub mod platform;
pub mod progress;
pub mod units;

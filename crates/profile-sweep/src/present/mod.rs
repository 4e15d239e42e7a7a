//! Stage 7, from the results alone: what the rows say beyond the queries of
//! [`crate::results::analysis`] ([`verdict`]: the one answer a report leads with; [`effects`]:
//! which settings mattered; [`knobs`]: which setting bought how much per edit), charts
//! ([`chart`]), the Markdown
//! report ([`report`], its tables from [`markdown`]), what grew and shrank between two builds
//! ([`diff`]), two runs side by side ([`compare`]), and a
//! measured variant pasted into a manifest ([`apply`]).

pub mod apply;
pub mod chart;
pub mod compare;
pub mod diff;
pub mod effects;
pub mod knobs;
pub mod markdown;
pub mod report;
pub mod snippet;
pub mod variant_settings;
pub mod verdict;
pub mod versus;

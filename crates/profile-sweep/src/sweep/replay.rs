//! Replaying a search against a complete results file: "building" a variant means looking its
//! rows up, so a strategy is evaluated deterministically, without cargo, in tests.

use super::search::{Measured, Oracle};
use crate::plan::variants::Variant;
use crate::results::analysis;
use crate::results::rows::{Row, Status};

/// An [`Oracle`] that reads a finished sweep's rows instead of building.
#[derive(Debug)]
pub struct Replay<'a> {
    rows: &'a [Row],
    measurement: String,
}

impl<'a> Replay<'a> {
    /// Replays `rows`, steering by `measurement` (a `[[run]]` name, or `instructions:<run>`).
    pub fn new(rows: &'a [Row], measurement: &str) -> Replay<'a> {
        Replay { rows, measurement: measurement.to_owned() }
    }
}

impl Oracle for Replay<'_> {
    fn measure(&mut self, variant: &Variant) -> anyhow::Result<Option<Measured>> {
        let of = |measurement: Option<&str>| {
            self.rows.iter().find(|r| {
                r.variant == variant.id
                    && r.measurement.as_deref() == measurement
                    && r.status == Status::Ok
            })
        };
        let size = of(None).and_then(analysis::shipped_size);
        let mean = of(Some(&self.measurement)).and_then(|r| r.mean_ns);
        Ok(size.zip(mean).map(|(size, mean)| Measured { size, mean }))
    }
}

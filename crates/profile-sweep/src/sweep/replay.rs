//! Replaying a search against a complete results file: "building" a variant means looking its
//! rows up, so a strategy is evaluated deterministically, without cargo, in tests.

use super::search::{Measured, Oracle};
use crate::plan::variants::Variant;
use crate::results::analysis::{self, Point};
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

/// How the variants a search measured compare with the grid's answer, judged on the grid's
/// own rows (so noise between two runs does not enter).
#[derive(Debug, Clone, PartialEq)]
pub struct Recall {
    /// The grid's frontier by means, smallest first.
    pub frontier: Vec<String>,
    /// The frontier variants the search found: measured it, or a variant tied with it
    /// (intervals overlapping) at most 1% larger.
    pub found: Vec<String>,
    /// The grid's two picks against the search's.
    pub picks: Vec<PickAgreement>,
}

/// One pick of the grid against the same pick among the search's variants.
#[derive(Debug, Clone, PartialEq)]
pub struct PickAgreement {
    /// Which pick.
    pub name: &'static str,
    /// The grid's choice.
    pub grid: String,
    /// The search's choice.
    pub search: String,
    /// Equal, or tied and at most 1% larger.
    pub agrees: bool,
}

/// Whether `a` stands for `b`: the same variant, or tied with it and at most 1% larger.
fn stands_for(a: &Point, b: &Point) -> bool {
    a.row.variant == b.row.variant
        || (analysis::tied(a, b) && a.size as f64 <= b.size as f64 * 1.01)
}

/// The [`Recall`] of the variants `searched` (their ids) on `grid`'s rows of `measurement`.
pub fn recall(grid: &[Row], searched: &[&str], measurement: &str) -> Recall {
    let subset: Vec<Row> =
        grid.iter().filter(|r| searched.contains(&r.variant.as_str())).cloned().collect();
    let (all, some) = (analysis::points(grid, measurement), analysis::points(&subset, measurement));
    let exhaustive = analysis::frontier_by_means(&all);
    let found = exhaustive.iter().filter(|f| some.iter().any(|p| stands_for(p, f)));
    let picks = |points| {
        [
            ("smallest near fastest", analysis::smallest_near_fastest(points)),
            ("fastest near smallest", analysis::fastest_near_smallest(points)),
        ]
    };
    let picks = picks(&all)
        .into_iter()
        .zip(picks(&some))
        .filter_map(|((name, grid), (_, search))| {
            let (grid, search) = (grid?.chosen, search?.chosen);
            let agrees = stands_for(search, grid);
            let (grid, search) = (grid.row.variant.clone(), search.row.variant.clone());
            Some(PickAgreement { name, grid, search, agrees })
        })
        .collect();
    Recall {
        frontier: exhaustive.iter().map(|p| p.row.variant.clone()).collect(),
        found: found.map(|p| p.row.variant.clone()).collect(),
        picks,
    }
}

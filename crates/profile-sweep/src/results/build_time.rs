//! The third cost: how long a developer waits for a build. The three-way frontier (size,
//! runtime, rebuild after an edit) and the rebuild budget the recommendations can honour. Pure
//! functions of the points [`crate::results::analysis`] makes.

use crate::results::analysis::{Point, certainly_no_slower};

/// Rebuild times are one timing each, with no interval: two closer than this fraction are a
/// tie, never a win.
pub const REBUILD_TIE: f64 = 0.10;

/// What the recommendations must respect besides size and speed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Budget {
    /// The longest rebuild after an edit a recommended variant may take, in seconds.
    pub max_rebuild_seconds: Option<f64>,
}

impl Budget {
    /// The points the budget allows: all of them without a budget; with one, those whose
    /// rebuild was timed within it.
    pub fn allowed<'a>(&self, points: &[Point<'a>]) -> Vec<Point<'a>> {
        match self.max_rebuild_seconds {
            None => points.to_vec(),
            Some(max) => points
                .iter()
                .filter(|p| p.row.rebuild_seconds.is_some_and(|s| s <= max))
                .cloned()
                .collect(),
        }
    }
}

/// Whether `a` rebuilds no slower than `b`, within the tie band.
fn rebuilds_no_slower(a: f64, b: f64) -> bool {
    a <= b * (1.0 + REBUILD_TIE)
}

/// The three-way frontier: the points with a rebuild time that no other point beats for
/// certain on size, runtime and rebuild time together (no larger, certainly no slower, a rebuild
/// no longer beyond the tie band, and better in one of them). Sorted by size.
pub fn three_way<'a, 'b>(points: &'b [Point<'a>]) -> Vec<&'b Point<'a>> {
    let timed: Vec<(&Point, f64)> =
        points.iter().filter_map(|p| Some((p, p.row.rebuild_seconds?))).collect();
    let dominates = |(a, a_rebuild): (&Point, f64), (b, b_rebuild): (&Point, f64)| {
        a.size <= b.size
            && certainly_no_slower(a, b)
            && rebuilds_no_slower(a_rebuild, b_rebuild)
            && (a.size < b.size
                || a.ci_ns.1 < b.ci_ns.0
                || a_rebuild * (1.0 + REBUILD_TIE) < b_rebuild)
    };
    let mut frontier: Vec<&Point> = timed
        .iter()
        .filter(|&&p| !timed.iter().any(|&q| dominates(q, p)))
        .map(|(p, _)| *p)
        .collect();
    frontier.sort_by(|a, b| a.size.cmp(&b.size).then(a.mean_ns.total_cmp(&b.mean_ns)));
    frontier
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::rows::Row;

    fn row(id: &str, rebuild: Option<f64>) -> Row {
        Row { variant: id.into(), rebuild_seconds: rebuild, ..Row::default() }
    }

    fn point(row: &Row, size: u64, mean: f64) -> Point<'_> {
        Point { row, size, mean_ns: mean, ci_ns: (mean - 1.0, mean + 1.0) }
    }

    #[test]
    fn a_quicker_rebuild_keeps_an_otherwise_beaten_variant_on_the_three_way_frontier() {
        let rows = [row("small-fast-slowbuild", Some(30.0)), row("big-slow-quickbuild", Some(2.0))];
        let points = [point(&rows[0], 100, 10.0), point(&rows[1], 200, 20.0)];
        let ids: Vec<&str> = three_way(&points).iter().map(|p| p.row.variant.as_str()).collect();
        assert_eq!(ids, ["small-fast-slowbuild", "big-slow-quickbuild"]);
    }

    #[test]
    fn rebuild_times_within_the_tie_band_do_not_protect_a_beaten_variant() {
        let rows = [row("winner", Some(10.5)), row("loser", Some(10.0)), row("untimed", None)];
        let points =
            [point(&rows[0], 100, 10.0), point(&rows[1], 200, 20.0), point(&rows[2], 50, 5.0)];
        let ids: Vec<&str> = three_way(&points).iter().map(|p| p.row.variant.as_str()).collect();
        assert_eq!(ids, ["winner"], "5% slower to rebuild is a tie; untimed points are out");
    }

    #[test]
    fn a_budget_keeps_only_variants_timed_within_it() {
        let rows = [row("quick", Some(3.0)), row("slow", Some(90.0)), row("untimed", None)];
        let points: Vec<Point> = rows.iter().map(|r| point(r, 1, 1.0)).collect();
        let budget = Budget { max_rebuild_seconds: Some(10.0) };
        let allowed: Vec<String> =
            budget.allowed(&points).iter().map(|p| p.row.variant.clone()).collect();
        assert_eq!(allowed, ["quick"]);
        assert_eq!(Budget::default().allowed(&points).len(), 3);
    }
}

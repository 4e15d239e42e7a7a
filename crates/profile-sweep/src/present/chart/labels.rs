//! Point labels placed without overlap: each label goes beside its point if there is room,
//! else further out with a leader line, never over another label and never outside the plot.
//! Pure geometry in pixels, so it is tested without drawing.

/// A box in pixels: left and top edges, width and height.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
    /// Width.
    pub w: i32,
    /// Height.
    pub h: i32,
}

impl Rect {
    /// Whether the two boxes share any pixel.
    pub fn intersects(&self, other: &Rect) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }

    /// Whether this box lies wholly inside `area`.
    pub fn inside(&self, area: &Rect) -> bool {
        self.x >= area.x
            && self.y >= area.y
            && self.x + self.w <= area.x + area.w
            && self.y + self.h <= area.y + area.h
    }

    /// Whether `point` is within `margin` pixels of this box.
    fn near(&self, (x, y): (i32, i32), margin: i32) -> bool {
        x >= self.x - margin
            && x <= self.x + self.w + margin
            && y >= self.y - margin
            && y <= self.y + self.h + margin
    }

    /// The point of this box's edge nearest to `point`, where a leader line ends.
    pub fn nearest_to(&self, (x, y): (i32, i32)) -> (i32, i32) {
        (x.clamp(self.x, self.x + self.w), y.clamp(self.y, self.y + self.h))
    }
}

/// Where one label goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// The label's box (text drawn from its top-left corner).
    pub rect: Rect,
    /// Whether the label sits away from its point, so a line must join them.
    pub leader: bool,
}

/// Distances from the point tried in turn, in pixels; beyond the first, a leader line is drawn.
const DISTANCES: [i32; 10] = [8, 22, 38, 56, 78, 104, 134, 170, 215, 270];
/// Space kept between a label and any point it does not belong to, and between labels.
const CLEARANCE: i32 = 4;

/// Places one label of `sizes[i]` (width, height) for each point `anchors[i]`, in order,
/// inside `area`: each at the first spot, nearest first, that overlaps no label placed before
/// and covers no anchor, preferring spots that also cover none of the other `points` drawn. If
/// none is free (a crowded plot), the nearest spot inside `area` is used and overlap is
/// possible.
pub fn place(
    anchors: &[(i32, i32)],
    sizes: &[(i32, i32)],
    points: &[(i32, i32)],
    area: Rect,
) -> Vec<Placement> {
    let mut placed: Vec<Placement> = Vec::with_capacity(anchors.len());
    for (&anchor, &(w, h)) in anchors.iter().zip(sizes) {
        let candidates = candidates(anchor, w, h);
        let free = |rect: &Rect| {
            let padded = Rect {
                x: rect.x - CLEARANCE,
                y: rect.y - CLEARANCE,
                w: w + 2 * CLEARANCE,
                h: h + 2 * CLEARANCE,
            };
            rect.inside(&area)
                && !placed.iter().any(|p| p.rect.intersects(&padded))
                && !anchors.iter().any(|&a| rect.near(a, CLEARANCE))
        };
        let clear = |rect: &Rect| !points.iter().any(|&p| rect.near(p, CLEARANCE));
        let chosen = candidates
            .iter()
            .find(|(rect, _)| free(rect) && clear(rect))
            .or_else(|| candidates.iter().find(|(rect, _)| free(rect)))
            .or_else(|| candidates.iter().find(|(rect, _)| rect.inside(&area)))
            .copied()
            .unwrap_or((clamp_into(candidates[0].0, &area), false));
        placed.push(Placement { rect: chosen.0, leader: chosen.1 });
    }
    placed
}

/// Spots for a `w` x `h` label around `anchor`, nearest first: right above, right below, left
/// above, left below, above and below, at each distance.
fn candidates((x, y): (i32, i32), w: i32, h: i32) -> Vec<(Rect, bool)> {
    DISTANCES
        .iter()
        .enumerate()
        .flat_map(|(i, &d)| {
            let diagonal = d * 7 / 10;
            [
                (x + diagonal, y - diagonal - h),
                (x + diagonal, y + diagonal),
                (x - diagonal - w, y - diagonal - h),
                (x - diagonal - w, y + diagonal),
                (x - w / 2, y - d - h),
                (x - w / 2, y + d),
            ]
            .map(|(left, top)| (Rect { x: left, y: top, w, h }, i > 0))
        })
        .collect()
}

/// `rect` moved (not resized) to lie inside `area` as far as it can.
fn clamp_into(rect: Rect, area: &Rect) -> Rect {
    let x = rect.x.min(area.x + area.w - rect.w).max(area.x);
    let y = rect.y.min(area.y + area.h - rect.h).max(area.y);
    Rect { x, y, ..rect }
}

/// The plot's corners, in the order a legend box is tried: upper right first (where plotters
/// puts it by default), then upper left, lower right, lower left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    /// Top right.
    UpperRight,
    /// Top left.
    UpperLeft,
    /// Bottom right.
    LowerRight,
    /// Bottom left.
    LowerLeft,
}

/// Distance of a legend box from the plot's edges, in pixels (plotters' own margin).
const LEGEND_MARGIN: i32 = 10;

/// The corner of `area` where a legend box of `size` covers none of the `points` and none of
/// the `labels` (with a few pixels to spare); where every corner covers something, the one
/// covering fewest.
pub fn legend_corner(
    area: Rect,
    size: (i32, i32),
    points: &[(i32, i32)],
    labels: &[Rect],
) -> Corner {
    let (w, h) = size;
    let box_at = |corner: Corner| {
        let left = area.x + LEGEND_MARGIN;
        let right = area.x + area.w - LEGEND_MARGIN - w;
        let top = area.y + LEGEND_MARGIN;
        let bottom = area.y + area.h - LEGEND_MARGIN - h;
        let (x, y) = match corner {
            Corner::UpperRight => (right, top),
            Corner::UpperLeft => (left, top),
            Corner::LowerRight => (right, bottom),
            Corner::LowerLeft => (left, bottom),
        };
        Rect { x, y, w, h }
    };
    let covered = |corner: Corner| {
        let rect = box_at(corner);
        points.iter().filter(|p| rect.near(**p, CLEARANCE)).count()
            + labels.iter().filter(|l| rect.intersects(l)).count()
    };
    let corners = [Corner::UpperRight, Corner::UpperLeft, Corner::LowerRight, Corner::LowerLeft];
    corners.into_iter().min_by_key(|c| covered(*c)).unwrap_or(Corner::UpperRight)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AREA: Rect = Rect { x: 0, y: 0, w: 1000, h: 600 };

    fn assert_apart_and_inside(placements: &[Placement]) {
        for (i, a) in placements.iter().enumerate() {
            assert!(a.rect.inside(&AREA), "{a:?} leaves the plot");
            for b in &placements[i + 1..] {
                assert!(!a.rect.intersects(&b.rect), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn labels_of_points_in_a_cluster_do_not_overlap_and_get_leader_lines() {
        // Five frontier points within a few pixels of each other, as near 440 KB in the full
        // matrix's chart.
        let anchors: Vec<(i32, i32)> = (0..5).map(|i| (500 + i * 3, 300 - i * 2)).collect();
        let placements = place(&anchors, &[(180, 16); 5], &[], AREA);
        assert_apart_and_inside(&placements);
        assert!(!placements[0].leader, "the first label sits beside its point");
        assert!(placements.iter().skip(1).any(|p| p.leader), "the crowd needs leader lines");
    }

    #[test]
    fn labels_near_the_edges_stay_inside_the_plot() {
        let anchors = [(995, 5), (5, 595), (995, 595), (5, 5)];
        let placements = place(&anchors, &[(200, 16); 4], &[], AREA);
        assert_apart_and_inside(&placements);
    }

    #[test]
    fn a_label_never_covers_another_point() {
        let anchors = [(500, 300), (520, 285)];
        let others = [(530, 270), (480, 280), (600, 320)];
        let placements = place(&anchors, &[(150, 16); 2], &others, AREA);
        for p in &placements {
            for &a in anchors.iter().chain(&others) {
                assert!(!p.rect.near(a, 0), "{p:?} covers {a:?}");
            }
        }
    }

    #[test]
    fn the_legend_goes_to_the_first_corner_it_covers_nothing_in() {
        let area = Rect { x: 0, y: 0, w: 1000, h: 600 };
        let size = (300, 100);
        assert_eq!(legend_corner(area, size, &[], &[]), Corner::UpperRight);
        // A point under the upper right box, as in the rebuild chart of the default ladder.
        let points = [(900, 60), (100, 500)];
        assert_eq!(legend_corner(area, size, &points, &[]), Corner::UpperLeft);
        let label = Rect { x: 50, y: 30, w: 120, h: 14 };
        assert_eq!(legend_corner(area, size, &points, &[label]), Corner::LowerRight);
        let everywhere = [(900, 60), (100, 60), (900, 550), (100, 550), (120, 550)];
        assert_eq!(legend_corner(area, size, &everywhere, &[]), Corner::UpperRight, "fewest");
    }
}

//! Search instead of the full grid (`strategy = "search"`): measure a fraction of a matrix's
//! variants and still find its Pareto frontier, using what is known of the axes.
//!
//! 1. `strip` changes no executed code, only the size: build the base variant with every `strip`
//!    value, measure the runtime of the one that strips the most (the smallest by construction,
//!    checked against the sizes), search only that slice.
//! 2. Screen every other axis one value at a time from the base: each value's effect on size and
//!    runtime, as a ratio to the base.
//! 3. Refine around the frontier: predict each unmeasured neighbour of a frontier variant (one
//!    axis changed) from its nearest measured variant and the screened ratios, and measure the
//!    one that most plausibly enters the frontier; repeat.
//! 4. Stop when no neighbour is predicted within [`MARGIN`] of entering the frontier, or at the
//!    budget.
//!
//! It can miss a variant that pays only in combination with two or more other changes that each
//! look bad alone (see the synthetic grid in the tests). The measuring is behind [`Oracle`]: cargo
//! in a real sweep, a results file when a strategy is replayed.

use crate::plan::settings::{Axis, ProfileSettings};
use crate::plan::variants::Variant;

/// How much better than the current frontier a prediction must not be ruled out by: a
/// neighbour predicted to be dominated by less than this (in both size and runtime) is still
/// measured, since predictions carry the noise of the screening.
pub const MARGIN: f64 = 0.05;

/// How many variants a search may build: a tenth of the matrix, at least 12 (the screening of
/// a five-axis matrix alone needs about that).
pub fn budget(variants: usize) -> usize {
    (variants / 10).max(12).min(variants)
}

/// What one measured variant gave: its size and the runtime the search steers by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    /// Bytes that ship.
    pub size: u64,
    /// Mean runtime (or instruction count).
    pub mean: f64,
}

/// Builds and measures variants for the search.
pub trait Oracle {
    /// Builds and measures `variant`; `None` when it failed to build or run.
    fn measure(&mut self, variant: &Variant) -> anyhow::Result<Option<Measured>>;

    /// Builds `variant` for its size alone, measuring no runtime: another `strip` value of a
    /// code that is measured. `None` when it failed to build.
    fn measure_size(&mut self, variant: &Variant) -> anyhow::Result<Option<u64>> {
        Ok(self.measure(variant)?.map(|m| m.size))
    }
}

/// What the search did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Each variant measured, in order, by index into the matrix, with what it gave.
    pub measured: Vec<(usize, Option<Measured>)>,
    /// Each variant built for its size alone (see [`Oracle::measure_size`]), with its size.
    pub sized: Vec<(usize, Option<u64>)>,
    /// What it decided and why, one line each.
    pub decisions: Vec<String>,
}

impl Outcome {
    /// How many variants were built: measured, or for their sizes alone.
    pub fn builds(&self) -> usize {
        self.measured.len() + self.sized.len()
    }
}

/// The search's state: the matrix, what is known, and where it stands.
struct State<'a, O> {
    variants: &'a [Variant],
    /// Per variant, its value on each axis (the five profile axes, then the build axes).
    keys: Vec<[String; 6]>,
    oracle: &'a mut O,
    budget: usize,
    outcome: Outcome,
}

/// The axes: the five profile axes by [`Axis::ALL`] position, then the other build axes as one.
const AXES: usize = 6;
/// The position of `strip` among the axes.
const STRIP: usize = 4;

/// Searches `variants` (a matrix expansion), starting from `base`, measuring at most `budget`.
pub fn search<O: Oracle>(
    variants: &[Variant],
    base: usize,
    oracle: &mut O,
    budget: usize,
) -> anyhow::Result<Outcome> {
    let keys = variants.iter().map(key).collect();
    let mut state = State { variants, keys, oracle, budget, outcome: Outcome::default() };
    let Some(base) = state.screen_strip(base)? else {
        state.outcome.decisions.push("stopped: the base variant did not build or run".into());
        return Ok(state.outcome);
    };
    state.screen_axes(base)?;
    state.refine(base)?;
    Ok(state.outcome)
}

/// The variant to start from: the one that agrees with `defaults` (the profile the variants
/// inherit) on the most profile axes, the first of those.
pub fn base_index(variants: &[Variant], defaults: &ProfileSettings) -> usize {
    let agreement = |v: &Variant| {
        v.settings.values().iter().zip(defaults.values()).filter(|(a, b)| **a == *b).count()
    };
    let best = variants.iter().map(agreement).max().unwrap_or(0);
    variants.iter().position(|v| agreement(v) == best).unwrap_or(0)
}

/// A variant's value on each axis.
fn key(variant: &Variant) -> [String; 6] {
    let [a, b, c, d, e] = variant.settings.values().map(|s| s.to_string());
    [a, b, c, d, e, format!("{:?}", variant.env)]
}

impl<O: Oracle> State<'_, O> {
    /// Measures variant `index` unless it was; `None` if it failed or the budget is spent.
    fn measure(&mut self, index: usize) -> anyhow::Result<Option<Measured>> {
        if let Some((_, known)) = self.outcome.measured.iter().find(|(i, _)| *i == index) {
            return Ok(*known);
        }
        if self.outcome.builds() >= self.budget {
            return Ok(None);
        }
        let measured = self.oracle.measure(&self.variants[index])?;
        self.outcome.measured.push((index, measured));
        Ok(measured)
    }

    /// The size of variant `index` if it was built: `Some(None)` when its build failed.
    fn known_size(&self, index: usize) -> Option<Option<u64>> {
        let measured = self.outcome.measured.iter().find(|(i, _)| *i == index);
        let sized = self.outcome.sized.iter().find(|(i, _)| *i == index);
        measured.map(|(_, m)| m.map(|m| m.size)).or_else(|| sized.map(|(_, s)| *s))
    }

    /// Builds variant `index` for its size alone unless it was built; `None` if it failed or
    /// the budget is spent.
    fn measure_size(&mut self, index: usize) -> anyhow::Result<Option<u64>> {
        if let Some(known) = self.known_size(index) {
            return Ok(known);
        }
        if self.outcome.builds() >= self.budget {
            return Ok(None);
        }
        let size = self.oracle.measure_size(&self.variants[index])?;
        self.outcome.sized.push((index, size));
        Ok(size)
    }

    /// The variant with `key`, if the matrix has it.
    fn find(&self, key: &[String; 6]) -> Option<usize> {
        self.keys.iter().position(|k| k == key)
    }

    /// The variants that differ from `index` on `axis` only.
    fn along(&self, index: usize, axis: usize) -> Vec<usize> {
        let of = &self.keys[index];
        (0..self.keys.len())
            .filter(|&i| i != index && (0..AXES).all(|a| (a == axis) != (self.keys[i][a] == of[a])))
            .collect()
    }

    /// Builds the base with every `strip` value, measures the runtime of the one that strips
    /// the most (the same code as the others), and keeps the smallest; returns the base in that
    /// slice. Should another value be smaller after all, it is measured whole too.
    fn screen_strip(&mut self, base: usize) -> anyhow::Result<Option<usize>> {
        let mut slice = vec![base];
        slice.extend(self.along(base, STRIP));
        let strips_most = |i: &&usize| self.variants[**i].settings.strip;
        let timed = *slice.iter().max_by_key(strips_most).expect("the base is in its slice");
        let mut sizes = Vec::new();
        for &index in slice.iter().filter(|&&i| i != timed) {
            if let Some(size) = self.measure_size(index)? {
                sizes.push((index, size));
            }
        }
        let mut best = self.measure(timed)?.map(|m| (timed, m));
        let smallest = sizes.iter().min_by_key(|(_, size)| *size).copied();
        if let Some((index, size)) = smallest
            && best.is_none_or(|(_, b)| size < b.size)
            && let Some(m) = self.measure(index)?
        {
            best = Some((index, m));
        }
        let Some((chosen, smallest)) = best else { return Ok(None) };
        let others: Vec<String> = slice
            .iter()
            .filter(|&&i| i != chosen)
            .filter_map(|&i| self.known_size(i).flatten().map(|size| (i, size)))
            .map(|(i, size)| {
                let saved = 1.0 - smallest.size as f64 / size as f64;
                format!("{:.0}% smaller than {}", saved * 100.0, self.keys[i][STRIP])
            })
            .collect();
        self.outcome.decisions.push(format!(
            "strip = {}: same code by construction, {}; only it is searched further",
            self.keys[chosen][STRIP],
            if others.is_empty() { "the only value".to_owned() } else { others.join(", ") }
        ));
        Ok(Some(chosen))
    }

    /// Measures every other value of every other axis at the base, and says what each did.
    fn screen_axes(&mut self, base: usize) -> anyhow::Result<()> {
        let Some(at_base) = self.measure(base)? else { return Ok(()) };
        for axis in (0..AXES).filter(|&a| a != STRIP) {
            let mut effects = Vec::new();
            for index in self.along(base, axis) {
                if let Some(m) = self.measure(index)? {
                    effects.push(format!(
                        "{} {:+.1}% size, {:+.1}% runtime",
                        self.keys[index][axis],
                        (m.size as f64 / at_base.size as f64 - 1.0) * 100.0,
                        (m.mean / at_base.mean - 1.0) * 100.0
                    ));
                }
            }
            if !effects.is_empty() {
                let name = Axis::ALL.get(axis).map_or("build axes", |a| a.key());
                let from = &self.keys[base][axis];
                self.outcome.decisions.push(format!("{name} from {from}: {}", effects.join("; ")));
            }
        }
        Ok(())
    }

    /// The measured variants no other measured one beats on both size and runtime.
    fn frontier(&self) -> Vec<(usize, Measured)> {
        let ok: Vec<(usize, Measured)> =
            self.outcome.measured.iter().filter_map(|(i, m)| m.map(|m| (*i, m))).collect();
        ok.iter()
            .copied()
            .filter(|(_, p)| {
                !ok.iter().any(|(_, q)| {
                    q.size <= p.size && q.mean <= p.mean && (q.size < p.size || q.mean < p.mean)
                })
            })
            .collect()
    }

    /// The screened ratio of `value` on `axis` to the base's value there, if it was measured.
    fn ratio(&self, base: usize, axis: usize, value: &str) -> Option<(f64, f64)> {
        let at = |index: usize| {
            self.outcome.measured.iter().find(|(i, _)| *i == index).and_then(|(_, m)| *m)
        };
        let mut key = self.keys[base].clone();
        key[axis] = value.to_owned();
        let (screened, base) = (at(self.find(&key)?)?, at(base)?);
        Some((screened.size as f64 / base.size as f64, screened.mean / base.mean))
    }

    /// The predicted sizes and runtimes of `index`: from each of its nearest measured variants
    /// (fewest axes different), times the screened ratios of every axis where they differ.
    fn predict(&self, base: usize, index: usize) -> Vec<(f64, f64)> {
        let key = &self.keys[index];
        let differing = |other: usize| (0..AXES).filter(|&a| self.keys[other][a] != key[a]).count();
        let measured: Vec<(usize, Measured)> = self
            .outcome
            .measured
            .iter()
            .filter_map(|(i, m)| m.map(|m| (*i, m)))
            .filter(|(i, _)| self.keys[*i][STRIP] == key[STRIP])
            .collect();
        let Some(nearest) = measured.iter().map(|(i, _)| differing(*i)).min() else {
            return Vec::new();
        };
        let from = |(near, m): &(usize, Measured)| -> Option<(f64, f64)> {
            let (mut size, mut mean) = (m.size as f64, m.mean);
            for axis in (0..AXES).filter(|&a| self.keys[*near][a] != key[a]) {
                let (to_size, to_mean) = self.ratio(base, axis, &key[axis])?;
                let (from_size, from_mean) = self.ratio(base, axis, &self.keys[*near][axis])?;
                size *= to_size / from_size;
                mean *= to_mean / from_mean;
            }
            Some((size, mean))
        };
        measured.iter().filter(|(i, _)| differing(*i) == nearest).filter_map(from).collect()
    }

    /// Measures the neighbours of the frontier that may enter it, the most promising first,
    /// until none may or the budget is spent.
    fn refine(&mut self, base: usize) -> anyhow::Result<()> {
        while self.outcome.builds() < self.budget {
            let frontier = self.frontier();
            let mut best: Option<(f64, usize)> = None;
            for &(point, _) in &frontier {
                for axis in (0..AXES).filter(|&a| a != STRIP) {
                    for index in self.along(point, axis) {
                        if self.outcome.measured.iter().any(|(i, _)| *i == index) {
                            continue;
                        }
                        // How far the frontier is ahead of it: the largest lead of a frontier
                        // point in its weaker dimension (negative: it would enter). Of the
                        // predictions from its nearest measured variants, the most hopeful.
                        let behind = self
                            .predict(base, index)
                            .into_iter()
                            .map(|(size, mean)| {
                                frontier
                                    .iter()
                                    .map(|(_, f)| 1.0 - (f.size as f64 / size).max(f.mean / mean))
                                    .fold(f64::NEG_INFINITY, f64::max)
                            })
                            .fold(f64::INFINITY, f64::min);
                        if behind < MARGIN && best.is_none_or(|(b, _)| behind < b) {
                            best = Some((behind, index));
                        }
                    }
                }
            }
            let Some((_, index)) = best else {
                let line = format!(
                    "stopped after {} variants: no unmeasured neighbour of the frontier is predicted within {:.0}% of entering it",
                    self.outcome.builds(),
                    MARGIN * 100.0
                );
                self.outcome.decisions.push(line);
                return Ok(());
            };
            self.measure(index)?;
        }
        self.outcome.decisions.push(format!("stopped at the budget of {} variants", self.budget));
        Ok(())
    }
}

//! The order of work in a grid sweep, apart from how a variant is built or measured: every
//! variant is a clean build of its own profile, in strip groups (variants that differ only in
//! `strip`, which share their code breakdown); measurements come after each build, or all at
//! the end in a fixed shuffled order or interleaved, and a signal stops the work between steps.
//!
//! No variant is relinked from another's build: cargo hashes `strip` into every dependency's
//! `-C metadata`, so a relink is not the build a pasted profile gives (see the guide).
//!
//! The work itself is behind [`Executor`]: cargo in a real sweep, a mock in the tests below.

use crate::error::SweepError;
use crate::plan::spec::MeasureOrder;
use crate::plan::variants::Variant;
use crate::util::interrupt;
use crate::util::progress::Progress;

/// What producing one variant gave.
#[derive(Debug)]
pub enum Produced<B> {
    /// Built: measure it (now or later).
    Built {
        /// The built variant.
        built: B,
        /// One line for the user so far.
        summary: String,
    },
    /// Its rows came from the cache: nothing to build or measure.
    Cached {
        /// One line for the user.
        summary: String,
    },
    /// Failed to build or was skipped: its rows say why, there is nothing to measure.
    Finished {
        /// One line for the user.
        summary: String,
    },
}

/// Builds and measures variants, and records what it finds.
pub trait Executor {
    /// A variant built and waiting to be measured.
    type Built;

    /// Builds `variant` cleanly and records its size row (or its cached rows).
    fn produce(&mut self, variant: &Variant) -> anyhow::Result<Produced<Self::Built>>;

    /// Measures a built variant, recording its rows; returns a summary fragment. Stops early,
    /// recording nothing more, once a signal arrives.
    fn measure(&mut self, built: &Self::Built) -> anyhow::Result<String>;

    /// Takes the timed runs of all `built` variants together, interleaved, before each is
    /// measured in turn ([`MeasureOrder::Interleaved`]).
    fn measure_interleaved(&mut self, built: &[&Self::Built]) -> anyhow::Result<()>;

    /// The strip group is done: what its variants shared (their code breakdown) can go.
    fn finish_group(&mut self) -> anyhow::Result<()>;
}

/// How the work is ordered.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// When measurements run.
    pub order: MeasureOrder,
}

/// What the schedule did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Handled {
    /// Variants handled.
    pub variants: usize,
    /// Of them, from the cache.
    pub cached: usize,
}

/// Runs the work of `groups` (strip groups, in order) on `executor`. A signal stops it between
/// steps with [`SweepError::Interrupted`], built from `interrupted_after(finished)`.
pub fn run<E: Executor>(
    executor: &mut E,
    groups: &[Vec<&Variant>],
    plan: Schedule,
    interrupted_after: impl Fn(usize) -> SweepError,
) -> Result<Handled, SweepError> {
    let total: usize = groups.iter().map(Vec::len).sum();
    let stop_if_interrupted =
        |finished| if interrupt::interrupted() { Err(interrupted_after(finished)) } else { Ok(()) };
    let progress = Progress::new(total, "building");
    let mut counts = Handled::default();
    let mut waiting = Vec::new();
    for group in groups {
        for variant in group {
            stop_if_interrupted(counts.variants)?;
            progress.start(counts.variants, &variant.id);
            let produced = executor.produce(variant)?;
            // A signal during the build: its outcome says nothing about the variant.
            stop_if_interrupted(counts.variants)?;
            let worked = !matches!(produced, Produced::Cached { .. });
            let summary = match produced {
                Produced::Built { built, mut summary } => {
                    match plan.order {
                        MeasureOrder::AfterEachBuild => {
                            summary.push_str(&executor.measure(&built)?)
                        }
                        MeasureOrder::Shuffled | MeasureOrder::Interleaved => {
                            waiting.push((variant.id.clone(), built))
                        }
                    }
                    summary
                }
                Produced::Cached { summary } => {
                    counts.cached += 1;
                    summary
                }
                Produced::Finished { summary } => summary,
            };
            progress.finish_variant(counts.variants, &summary, worked);
            counts.variants += 1;
        }
        executor.finish_group()?;
    }
    drop(progress);
    measure_waiting(executor, waiting, plan.order, stop_if_interrupted)?;
    stop_if_interrupted(total)?;
    Ok(counts)
}

/// Measures the variants that waited for every build to finish: in a fixed shuffled order, or
/// with their timed runs interleaved first.
fn measure_waiting<E: Executor>(
    executor: &mut E,
    mut waiting: Vec<(String, E::Built)>,
    order: MeasureOrder,
    stop_if_interrupted: impl Fn(usize) -> Result<(), SweepError>,
) -> Result<(), SweepError> {
    if waiting.is_empty() {
        return Ok(());
    }
    if order == MeasureOrder::Interleaved {
        eprintln!("timing {} variants round-robin, one run of each per round", waiting.len());
        let all: Vec<&E::Built> = waiting.iter().map(|(_, built)| built).collect();
        executor.measure_interleaved(&all)?;
        stop_if_interrupted(0)?;
    } else {
        shuffle(&mut waiting);
    }
    let progress = Progress::new(waiting.len(), "measuring");
    for (index, (id, built)) in waiting.iter().enumerate() {
        stop_if_interrupted(index)?;
        progress.start(index, id);
        let summary = executor.measure(built)?;
        progress.finish_variant(index, &format!("{id}{summary}"), true);
    }
    Ok(())
}

/// Puts items in a pseudo-random order that is the same on every run of the sweep.
fn shuffle<T>(items: &mut [T]) {
    let mut rng = demo_input::Rng::new(0x5eed);
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i as u64 + 1) as usize);
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::plan::settings::BaseProfile;
    use crate::plan::spec::Sweep;
    use crate::plan::variants::{self, strip_groups};

    /// Records what the schedule asked for; variants named in `fail` fail to build, those in
    /// `cached` come from the cache.
    #[derive(Default)]
    struct Mock {
        calls: Vec<String>,
        fail: Vec<String>,
        cached: Vec<String>,
    }

    impl Executor for Mock {
        type Built = String;

        fn produce(&mut self, variant: &Variant) -> anyhow::Result<Produced<String>> {
            let id = variant.id.clone();
            self.calls.push(format!("build {id}"));
            Ok(if self.cached.contains(&id) {
                Produced::Cached { summary: id }
            } else if self.fail.contains(&id) {
                Produced::Finished { summary: id }
            } else {
                Produced::Built { built: id.clone(), summary: id }
            })
        }

        fn measure(&mut self, built: &String) -> anyhow::Result<String> {
            self.calls.push(format!("measure {built}"));
            Ok(String::new())
        }

        fn finish_group(&mut self) -> anyhow::Result<()> {
            self.calls.push("end group".into());
            Ok(())
        }

        fn measure_interleaved(&mut self, built: &[&String]) -> anyhow::Result<()> {
            self.calls.push(format!("interleave {}", built.len()));
            Ok(())
        }
    }

    /// A matrix that holds the baseline (cargo's release profile strips debuginfo).
    const LADDER: &str = r#"
package = "app"
[matrix]
opt-level = [3, "z"]
strip = ["debuginfo", "symbols"]
"#;

    fn variants() -> Vec<Variant> {
        let sweep = Sweep::parse(Path::new("t.toml"), LADDER.to_owned()).unwrap();
        variants::expand(&sweep, BaseProfile::Release.cargo_defaults(false)).variants
    }

    fn schedule(mock: &mut Mock, order: MeasureOrder) -> Handled {
        let variants = variants();
        let groups = strip_groups(&variants);
        let interrupted = |_| unreachable!("no signal in this test");
        run(mock, &groups, Schedule { order }, interrupted).unwrap()
    }

    #[test]
    fn every_variant_is_built_plainly_and_measured_after_its_build() {
        let mut mock = Mock::default();
        let counts = schedule(&mut mock, MeasureOrder::AfterEachBuild);
        assert_eq!(counts, Handled { variants: 4, cached: 0 });
        let calls: Vec<&str> = mock.calls.iter().map(String::as_str).collect();
        assert_eq!(calls.len(), 10, "{calls:#?}");
        assert!(calls[0].starts_with("build o3-"));
        assert!(calls[1].starts_with("measure o3-"));
        assert!(calls[2].starts_with("build o3-"));
        assert_eq!(calls[4], "end group");
        assert!(calls[5].starts_with("build oz-"));
        assert_eq!(calls.iter().filter(|c| c.starts_with("build")).count(), 4);
    }

    #[test]
    fn a_failed_or_cached_build_is_not_measured() {
        let mut mock = Mock::default();
        let ids: Vec<String> = variants().iter().map(|v| v.id.clone()).collect();
        mock.fail.push(ids[0].clone());
        mock.cached.push(ids[2].clone());
        let counts = schedule(&mut mock, MeasureOrder::AfterEachBuild);
        assert_eq!(counts, Handled { variants: 4, cached: 1 });
        let measured = |id: &String| mock.calls.iter().any(|c| c == &format!("measure {id}"));
        assert!(!measured(&ids[0]) && !measured(&ids[2]), "{:#?}", mock.calls);
        assert!(measured(&ids[1]) && measured(&ids[3]), "{:#?}", mock.calls);
    }

    #[test]
    fn shuffled_order_measures_after_all_builds() {
        let mut mock = Mock::default();
        schedule(&mut mock, MeasureOrder::Shuffled);
        let first_measure = mock.calls.iter().position(|c| c.starts_with("measure")).unwrap();
        let last_build = mock.calls.iter().rposition(|c| c.starts_with("build")).unwrap();
        assert!(first_measure > last_build, "{:#?}", mock.calls);
        assert_eq!(mock.calls.iter().filter(|c| c.starts_with("measure")).count(), 4);
    }

    #[test]
    fn interleaved_order_times_all_variants_together_then_measures_each_in_build_order() {
        let mut mock = Mock::default();
        schedule(&mut mock, MeasureOrder::Interleaved);
        let interleave = mock.calls.iter().position(|c| c == "interleave 4").unwrap();
        let last_build = mock.calls.iter().rposition(|c| c.starts_with("build")).unwrap();
        assert!(interleave > last_build, "{:#?}", mock.calls);
        let built: Vec<String> = mock.calls[..interleave]
            .iter()
            .filter_map(|c| c.split_whitespace().nth(1).filter(|_| !c.starts_with("end")))
            .map(str::to_owned)
            .collect();
        let measured: Vec<String> = mock.calls[interleave..]
            .iter()
            .filter_map(|c| c.strip_prefix("measure ").map(str::to_owned))
            .collect();
        assert_eq!(built, measured, "measured in build order, not shuffled");
    }

    #[test]
    fn shuffling_is_a_fixed_permutation() {
        let mut order: Vec<u32> = (0..8).collect();
        shuffle(&mut order);
        let mut again: Vec<u32> = (0..8).collect();
        shuffle(&mut again);
        assert_eq!(order, again, "the same on every run");
        assert_ne!(order, (0..8).collect::<Vec<_>>());
        order.sort();
        assert_eq!(order, (0..8).collect::<Vec<_>>());
    }
}

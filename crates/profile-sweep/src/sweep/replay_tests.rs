//! The search strategy, replayed against complete results (`results/full` of this repository
//! and synthetic ones): deterministic, no cargo.

use std::path::Path;

use crate::plan::settings::BaseProfile;
use crate::plan::spec::Sweep;
use crate::plan::variants::{self, Variant};
use crate::results::analysis;
use crate::results::rows::Row;
use crate::sweep::replay::{Replay, recall};
use crate::sweep::search::{self, Outcome};

fn repo(relative: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative)
}

/// The variants of `sweeps/full.toml` (432) and the search over `rows` of them.
fn replay(rows: &[Row], measurement: &str) -> (Vec<Variant>, Outcome) {
    let sweep = Sweep::load(&repo("sweeps/full.toml")).unwrap();
    let defaults = BaseProfile::Release.cargo_defaults(false);
    let variants = variants::expand(&sweep, defaults).variants;
    assert_eq!(variants.len(), 432);
    let base = search::base_index(&variants, &defaults);
    let outcome = search::search(
        &variants,
        base,
        &mut Replay::new(rows, measurement),
        search::budget(variants.len()),
    )
    .unwrap();
    (variants, outcome)
}

/// The rows of the variants the search measured.
fn measured_rows(rows: &[Row], variants: &[Variant], outcome: &Outcome) -> Vec<Row> {
    let ids: Vec<&str> = outcome.measured.iter().map(|(i, _)| variants[*i].id.as_str()).collect();
    rows.iter().filter(|r| ids.contains(&r.variant.as_str())).cloned().collect()
}

#[test]
fn search_finds_the_full_matrix_answer_from_a_tenth_of_its_builds() {
    let rows = crate::results::layout::load(&repo("results/full")).unwrap();
    let (variants, outcome) = replay(&rows, "convert-50k");
    let used = outcome.builds();
    assert!(used <= 43, "at most 10% of the 432 variants: {used}\n{:#?}", outcome.decisions);
    let searched: Vec<&str> =
        outcome.measured.iter().map(|(i, _)| variants[*i].id.as_str()).collect();
    let recall = recall(&rows, &searched, "convert-50k");
    assert!(
        recall.found.len() * 10 >= recall.frontier.len() * 9,
        "{recall:#?}\n{:#?}",
        outcome.decisions
    );
    assert!(recall.picks.len() == 2 && recall.picks.iter().all(|p| p.agrees), "{recall:#?}");
    let readme = std::fs::read_to_string(repo("results/README.md")).unwrap();
    assert!(
        readme.contains(&format!("it uses {used} of the 432 variants")),
        "results/README.md quotes the replay's count of variants ({used})"
    );
    assert!(
        outcome.decisions[0].starts_with("strip = symbols: same code by construction"),
        "{:?}",
        outcome.decisions
    );
    let sized: Vec<&str> = outcome.sized.iter().map(|(i, _)| variants[*i].id.as_str()).collect();
    assert_eq!(sized.len(), 2, "the other strip values are built for their sizes: {sized:?}");
    assert!(sized.iter().all(|id| !id.ends_with("-sym")), "{sized:?}");
    eprintln!("{used} variants; {recall:#?}; {:#?}", outcome.decisions);
}

/// The committed search `search` against the committed grid `grid` of the same matrix (results
/// directories): the grid's frontier and picks, judged on the grid's rows, are found among the
/// variants the search measured, and the paragraph of `results/README.md` that starts with
/// `paragraph` quotes how many.
fn assert_committed_recall_quoted(grid: &str, search: &str, measurement: &str, paragraph: &str) {
    let grid = crate::results::layout::load(&repo(grid)).unwrap();
    let search = crate::results::layout::load(&repo(search)).unwrap();
    let timed = |r: &&Row| r.measurement.as_deref() == Some(measurement) && r.mean_ns.is_some();
    let searched: Vec<&str> = search.iter().filter(timed).map(|r| r.variant.as_str()).collect();
    let recall = recall(&grid, &searched, measurement);
    eprintln!("{} variants measured; {recall:#?}", searched.len());
    let readme = std::fs::read_to_string(repo("results/README.md")).unwrap();
    let start = readme.find(paragraph).unwrap_or_else(|| panic!("no paragraph {paragraph}"));
    let text = &readme[start + paragraph.len()..];
    let text = text[..text.find("\n**").unwrap_or(text.len())].replace('\n', " ");
    let quoted = format!(
        "finds {} of the {} variants of the grid's frontier",
        recall.found.len(),
        recall.frontier.len()
    );
    assert!(text.contains(&quoted), "results/README.md's {paragraph} quotes `{quoted}`");
    for pick in &recall.picks {
        let verdict = match (pick.agrees, pick.search == pick.grid) {
            (_, true) => "the grid's own".to_owned(),
            (true, false) => format!("tied with the grid's `{}`", pick.grid),
            (false, false) => format!("not the grid's `{}`", pick.grid),
        };
        let quoted = format!("{}: `{}`, {verdict}", pick.name, pick.search);
        assert!(text.contains(&quoted), "{paragraph} quotes `{quoted}` ({pick:?})");
    }
}

#[test]
fn the_committed_search_finds_the_committed_grids_answer() {
    let paragraph = "**A real run, back to back with the grid**";
    assert_committed_recall_quoted("results/full", "results/full-search", "convert-50k", paragraph);
}

#[test]
fn the_committed_search_on_a_real_crate_finds_its_grids_answer() {
    let (grid, search) = ("results/choose-full", "results/choose-full-search");
    let paragraph = "**On a real crate: choose 1.3.7 from crates.io**";
    assert_committed_recall_quoted(grid, search, "fields-50k", paragraph);
}

/// A synthetic grid over `sweeps/full.toml`'s variants: each axis value scales size and
/// runtime by a fixed factor, and variants where `interaction` holds get `(size, runtime)`
/// times `gain` on top, which no one-axis screen can see.
fn synthetic(
    variants: &[Variant],
    interaction: impl Fn(&[String; 5]) -> bool,
    gain: (f64, f64),
) -> Vec<Row> {
    // (size, runtime) factor of each axis value; 1 for the others.
    let factor = |axis: usize, value: &str| -> (f64, f64) {
        match (axis, value) {
            (0, "0") => (2.0, 5.0),
            (0, "1") => (1.2, 1.5),
            (0, "2") => (1.0, 1.05),
            (0, "s") => (0.85, 1.2),
            (0, "z") => (0.83, 1.4),
            (1, "thin") => (0.98, 1.0),
            (1, "fat") => (0.97, 0.99),
            (1, "off") => (1.02, 1.01),
            (2, "1") => (0.99, 0.98),
            (2, "256") => (1.01, 1.02),
            (3, "abort") => (0.97, 1.0),
            (4, "none") => (8.0, 1.0),
            (4, "debuginfo") => (1.3, 1.0),
            _ => (1.0, 1.0),
        }
    };
    variants
        .iter()
        .flat_map(|v| {
            let values = v.settings.values().map(|s| s.to_string());
            let (mut size, mut mean) = (400_000.0, 100e6);
            for (axis, value) in values.iter().enumerate() {
                let (s, t) = factor(axis, value);
                size *= s;
                mean *= t;
            }
            if interaction(&values) {
                (size, mean) = (size * gain.0, mean * gain.1);
            }
            let size_row =
                Row { variant: v.id.clone(), size_bytes: Some(size as u64), ..Row::default() };
            let timed = Row {
                measurement: Some("run".into()),
                mean_ns: Some(mean),
                ci_low_ns: Some(mean * 0.99),
                ci_high_ns: Some(mean * 1.01),
                ..size_row.clone()
            };
            [size_row, timed]
        })
        .collect()
}

/// The frontier by means of the `run` measurement of `rows`.
fn frontier_ids(rows: &[Row]) -> Vec<String> {
    let points = analysis::points(rows, "run");
    analysis::frontier_by_means(&points).iter().map(|p| p.row.variant.clone()).collect()
}

#[test]
fn an_interaction_next_to_the_frontier_is_found_one_behind_bad_steps_is_missed() {
    let sweep = Sweep::load(&repo("sweeps/full.toml")).unwrap();
    let variants = variants::expand(&sweep, BaseProfile::Release.cargo_defaults(false)).variants;
    // Fat LTO, one codegen unit and abort pay extra only together: each alone is already a
    // small win, so the search walks there one axis at a time and finds the whole frontier.
    let rows =
        synthetic(&variants, |v| v[1] == "fat" && v[2] == "1" && v[3] == "abort", (0.7, 0.8));
    let (_, outcome) = replay(&rows, "run");
    let searched = measured_rows(&rows, &variants, &outcome);
    let exhaustive = frontier_ids(&rows);
    assert_eq!(
        exhaustive,
        ["oz-fat-cgu1-abort-sym", "os-fat-cgu1-abort-sym", "o3-fat-cgu1-abort-sym"]
    );
    assert_eq!(frontier_ids(&searched), exhaustive, "{:#?}", outcome.decisions);
    // opt-level 1, lto = "off" and 256 codegen units halve size and runtime, but only together,
    // and each alone is a loss: nothing on the frontier leads there, so the search misses the
    // best variants of the grid (the README says so).
    let hidden = |v: &[String; 5]| v[0] == "1" && v[1] == "off" && v[2] == "256";
    let rows = synthetic(&variants, hidden, (0.5, 0.5));
    let (_, outcome) = replay(&rows, "run");
    let searched = measured_rows(&rows, &variants, &outcome);
    let missed: Vec<String> = frontier_ids(&rows)
        .into_iter()
        .filter(|id| !frontier_ids(&searched).contains(id))
        .collect();
    assert!(
        !missed.is_empty() && missed.iter().all(|id| id.starts_with("o1-nolto-cgu256")),
        "{missed:?}"
    );
}

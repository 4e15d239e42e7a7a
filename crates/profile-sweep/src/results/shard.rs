//! Splitting a sweep across machines (`--shard K/N`) and joining the shards' results (`merge`).
//!
//! A shard takes every N-th group of variants that share a build (see
//! [`crate::plan::variants::strip_groups`]), so the split is deterministic, disjoint and balanced,
//! and
//! no shared build is split. Sizes are comparable across machines, runtimes are not: every shard
//! also measures the sweep's first variant, the reference, first of all; the merge divides each
//! runtime by its own shard's reference runtime.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::error::InputError;
use crate::measure::instructions;
use crate::plan::variants::Variant;
use crate::results::rows::Row;

/// Shard `index` of `count`, both counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, 1..=count.
    pub index: usize,
    /// How many shards.
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `K/N` with 1 <= K <= N.
    fn from_str(text: &str) -> Result<Shard, String> {
        let parsed = text.split_once('/').and_then(|(k, n)| {
            Some((k.trim().parse::<usize>().ok()?, n.trim().parse::<usize>().ok()?))
        });
        match parsed {
            Some((index, count)) if (1..=count).contains(&index) => Ok(Shard { index, count }),
            _ => Err(format!("`{text}` is not a shard: write K/N with 1 <= K <= N, e.g. 2/8")),
        }
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// This shard's groups: every `count`-th group starting at `index - 1`, preceded by the
    /// reference (the first variant of all) on its own when another shard owns it.
    pub fn select(self, groups: Vec<Vec<&Variant>>) -> Vec<Vec<&Variant>> {
        let reference = groups.first().and_then(|g| g.first().copied());
        let mut selected: Vec<Vec<&Variant>> =
            groups.into_iter().skip(self.index - 1).step_by(self.count).collect();
        if let Some(reference) = reference
            && self.index != 1
        {
            selected.insert(0, vec![reference]);
        }
        selected
    }
}

/// What to do about shard files that do not belong together.
const MERGE_FIX: &str = "pass the results directory of every shard of one `sweep --shard K/N` run, built from the same commit with the same toolchain";

/// One shard's results file.
type ShardFile<'a> = (Shard, &'a Path, &'a [Row]);

/// Joins the results of all shards of one sweep: checks they belong together, keeps the
/// reference's rows once (from shard 1), and fills `reference_ratio` for every runtime row.
/// `files` pairs each shard CSV's path with its rows.
pub fn merge(files: &[(PathBuf, Vec<Row>)]) -> Result<Vec<Row>, InputError> {
    let shards = complete_set(files)?;
    check_agreement(&shards)?;
    let reference = &shards[0].2[0].variant;
    let mut merged: Vec<Row> = Vec::new();
    let mut owner: std::collections::HashMap<&str, &Path> = std::collections::HashMap::new();
    for (shard, path, rows) in &shards {
        for row in rows.iter() {
            if row.variant == *reference && shard.index != 1 {
                continue;
            }
            if let Some(other) = owner.insert(&row.variant, path).filter(|other| other != path) {
                let message = format!(
                    "variant {} is also in {}: shards overlap",
                    row.variant,
                    other.display()
                );
                return Err(InputError::in_file(path, message).with_fix(MERGE_FIX));
            }
            let reference_mean = rows
                .iter()
                .find(|r| r.variant == *reference && r.measurement == row.measurement)
                .and_then(|r| r.mean_ns);
            // Counts are exact and machine-independent: they need no common scale.
            let counted = row.unit.as_deref().is_some_and(instructions::is_count_unit);
            let reference_ratio = match (row.mean_ns, reference_mean) {
                (Some(mean), Some(base)) if row.measurement.is_some() && base > 0.0 && !counted => {
                    Some(mean / base)
                }
                _ => None,
            };
            merged.push(Row { reference_ratio, ..row.clone() });
        }
    }
    Ok(merged)
}

/// The shard files in shard order, each shard of one K/N split exactly once.
fn complete_set(files: &[(PathBuf, Vec<Row>)]) -> Result<Vec<ShardFile<'_>>, InputError> {
    let mut shards: Vec<ShardFile<'_>> = Vec::new();
    for (path, rows) in files {
        let shard = shard_of(path, rows)?;
        if let Some((_, other, _)) = shards.iter().find(|(s, _, _)| s.index == shard.index) {
            let message = format!("is shard {shard}, like {}", other.display());
            return Err(InputError::in_file(path, message).with_fix(MERGE_FIX));
        }
        shards.push((shard, path, rows));
    }
    shards.sort_by_key(|(shard, _, _)| shard.index);
    let (first_shard, first_path, _) = *shards.first().ok_or_else(|| {
        InputError::in_file(Path::new("merge"), "no shard files given").with_fix(MERGE_FIX)
    })?;
    let count = first_shard.count;
    if let Some((shard, path, _)) = shards.iter().find(|(s, _, _)| s.count != count) {
        let message =
            format!("is shard {shard}, but {} is shard {first_shard}", first_path.display());
        return Err(InputError::in_file(path, message).with_fix(MERGE_FIX));
    }
    let missing: Vec<String> = (1..=count)
        .filter(|k| !shards.iter().any(|(s, _, _)| s.index == *k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        let message = format!("shard {} of the sweep missing", missing.join(", "));
        return Err(InputError::in_file(first_path, message).with_fix(MERGE_FIX));
    }
    Ok(shards)
}

/// Checks that the shards agree on what makes their sizes comparable (sweep, toolchain, lock
/// file) and start with the same reference variant.
fn check_agreement(shards: &[ShardFile<'_>]) -> Result<(), InputError> {
    let (_, first_path, first_rows) = shards[0];
    type Column = fn(&Row) -> Option<&str>;
    let agreeing: [(&str, Column); 3] = [
        ("sweep", |r| Some(&r.sweep)),
        ("toolchain (rustc)", |r| Some(&r.rustc)),
        ("Cargo.lock (cargo_lock_sha256)", |r| r.cargo_lock_sha256.as_deref()),
    ];
    for (what, value) in agreeing {
        let expected = value(&first_rows[0]);
        for (_, path, rows) in shards {
            if let Some(row) = rows.iter().find(|r| value(r) != expected) {
                let message = format!(
                    "mixes {what}: `{}` here, `{}` in {}",
                    value(row).unwrap_or(""),
                    expected.unwrap_or(""),
                    first_path.display()
                );
                return Err(InputError::in_file(path, message).with_fix(MERGE_FIX));
            }
        }
    }
    let reference = &first_rows[0].variant;
    for (_, path, rows) in shards {
        if rows[0].variant != *reference {
            let message = format!(
                "starts with variant {} but {} with {reference}: every shard measures the same \
                 reference variant first",
                rows[0].variant,
                first_path.display()
            );
            return Err(InputError::in_file(path, message).with_fix(MERGE_FIX));
        }
    }
    Ok(())
}

/// The shard a file's rows say they come from; all rows must agree.
fn shard_of(path: &Path, rows: &[Row]) -> Result<Shard, InputError> {
    let text = rows.first().and_then(|r| r.shard.clone()).unwrap_or_default();
    let shard: Shard = text.parse().map_err(|_| {
        InputError::in_file(
            path,
            "its rows do not say which shard they come from (the shard column is empty)",
        )
        .with_fix("merge the results of `sweep --shard K/N` runs")
    })?;
    if let Some((line, row)) =
        rows.iter().enumerate().find(|(_, r)| r.shard.as_deref() != Some(&text))
    {
        return Err(InputError::in_file(
            path,
            format!(
                "row {} says shard {}, the first row {text}",
                line + 2,
                row.shard.as_deref().unwrap_or("(none)")
            ),
        )
        .with_fix("keep each shard's results in its own directory (--out DIR)"));
    }
    Ok(shard)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::settings::BaseProfile;
    use crate::plan::variants::strip_groups;
    use crate::results::rows::tests::row;

    fn variants(n: usize) -> Vec<Variant> {
        (0..n).map(|i| Variant::named(&format!("v{i}"))).collect()
    }

    #[test]
    fn parses_k_of_n() {
        assert_eq!("2/8".parse(), Ok(Shard { index: 2, count: 8 }));
        assert_eq!(Shard { index: 2, count: 8 }.to_string(), "2/8");
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn shards_are_disjoint_cover_the_matrix_and_all_start_with_the_reference() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../sweeps/full.toml"))
                .unwrap();
        let sweep = crate::plan::spec::Sweep::parse(Path::new("full.toml"), text).unwrap();
        let all = crate::plan::variants::expand(&sweep, BaseProfile::Release.cargo_defaults(false))
            .variants;
        for count in [1, 3, 8] {
            let mut seen: Vec<&str> = Vec::new();
            for index in 1..=count {
                let selected: Vec<&Variant> =
                    Shard { index, count }.select(strip_groups(&all)).concat();
                assert_eq!(
                    selected[0].id, all[0].id,
                    "shard {index}/{count} starts with the reference"
                );
                let own = if index == 1 { &selected[..] } else { &selected[1..] };
                assert!(
                    own.len().abs_diff(all.len() / count) <= 3,
                    "balanced: {} of {}",
                    own.len(),
                    all.len()
                );
                seen.extend(own.iter().map(|v| v.id.as_str()));
            }
            let mut expected: Vec<&str> = all.iter().map(|v| v.id.as_str()).collect();
            expected.sort();
            seen.sort();
            assert_eq!(seen, expected, "{count} shards cover every variant exactly once");
        }
        assert_eq!(
            Shard { index: 2, count: 2 }.select(strip_groups(&variants(1))).concat().len(),
            1,
            "only the reference"
        );
    }

    fn shard_rows(shard: &str, variants: &[(&str, f64)]) -> Vec<Row> {
        variants
            .iter()
            .flat_map(|(v, mean)| {
                let size = Row { shard: Some(shard.into()), ..row(v, 100) };
                let run =
                    Row { measurement: Some("run".into()), mean_ns: Some(*mean), ..size.clone() };
                [size, run]
            })
            .collect()
    }

    #[test]
    fn merge_keeps_one_reference_and_divides_by_each_shards_own() {
        let files = vec![
            (PathBuf::from("b.csv"), shard_rows("2/2", &[("ref", 200.0), ("c", 300.0)])),
            (PathBuf::from("a.csv"), shard_rows("1/2", &[("ref", 100.0), ("b", 50.0)])),
        ];
        let merged = merge(&files).unwrap();
        let summary: Vec<(&str, Option<f64>)> = merged
            .iter()
            .filter(|r| r.measurement.is_some())
            .map(|r| (r.variant.as_str(), r.reference_ratio))
            .collect();
        assert_eq!(summary, [("ref", Some(1.0)), ("b", Some(0.5)), ("c", Some(1.5))]);
        assert_eq!(merged.iter().filter(|r| r.measurement.is_none()).count(), 3);
        assert!(
            merged.iter().filter(|r| r.measurement.is_none()).all(|r| r.reference_ratio.is_none())
        );
    }

    #[test]
    fn merge_refuses_what_does_not_belong_together() {
        let one = (PathBuf::from("a.csv"), shard_rows("1/2", &[("ref", 100.0), ("b", 50.0)]));
        let two = (PathBuf::from("b.csv"), shard_rows("2/2", &[("ref", 200.0), ("c", 300.0)]));
        let error = |files: Vec<(PathBuf, Vec<Row>)>| merge(&files).unwrap_err().to_string();

        assert!(error(vec![one.clone()]).contains("shard 2/2 of the sweep missing"));
        assert!(error(vec![one.clone(), one.clone()]).contains("is shard 1/2, like a.csv"));
        let mut other_toolchain = two.clone();
        other_toolchain.1[3].rustc = "rustc 1.96.0".into();
        assert!(error(vec![one.clone(), other_toolchain]).contains("mixes toolchain (rustc)"));
        let mut other_lock = two.clone();
        other_lock.1.iter_mut().for_each(|r| r.cargo_lock_sha256 = Some("ff".into()));
        let message = error(vec![one.clone(), other_lock]);
        assert!(message.contains("b.csv") && message.contains("mixes Cargo.lock"), "{message}");
        let overlapping =
            (PathBuf::from("b.csv"), shard_rows("2/2", &[("ref", 200.0), ("b", 300.0)]));
        assert!(error(vec![one.clone(), overlapping]).contains("variant b is also in a.csv"));
        let other_reference = (PathBuf::from("b.csv"), shard_rows("2/2", &[("c", 300.0)]));
        assert!(
            error(vec![one.clone(), other_reference])
                .contains("every shard measures the same reference")
        );
        let unsharded = (PathBuf::from("c.csv"), vec![row("ref", 1)]);
        assert!(error(vec![unsharded]).contains("c.csv: its rows do not say which shard"));
        let mut mixed = one.clone();
        mixed.1[2].shard = Some("2/2".into());
        assert!(error(vec![mixed, two]).contains("row 4 says shard 2/2"));
    }
}

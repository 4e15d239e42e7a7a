//! The report's "Profile-guided builds" section: which workloads trained the PGO and BOLT
//! variants and which were measured (with a warning when they are the same), then each trained
//! variant against the plain variant it starts from, a change shown only where the intervals
//! are apart (else `tie`).

use std::fmt::{self, Write};

use super::measurement_section::show;
use super::size_cells;
use crate::present::markdown::{Align, Table};
use crate::results::analysis::{self, Point};
use crate::results::rows::Row;

/// The id fragments of the trained build axes, as [`crate::plan::build_env`] writes them.
const TRAINED_FRAGMENTS: [&str; 2] = ["-pgo", "-bolt"];

/// Whether `row` is a PGO or BOLT variant.
fn trained(row: &Row) -> bool {
    row.trained_on.is_some()
}

/// The variant `row` starts from: its id without the PGO and BOLT fragments.
fn plain_of(variant: &str) -> String {
    TRAINED_FRAGMENTS.iter().fold(variant.to_owned(), |id, fragment| id.replace(fragment, ""))
}

/// Writes the section when some size row is trained; nothing otherwise.
pub(super) fn guided_section(
    out: &mut String,
    rows: &[Row],
    sizes: &[&Row],
    measurements: &[&str],
) -> fmt::Result {
    let Some(example) = sizes.iter().find(|r| trained(r)) else { return Ok(()) };
    writeln!(out, "## Profile-guided builds (PGO, BOLT)\n")?;
    let trained_on = example.trained_on.as_deref().unwrap_or_default();
    writeln!(out, "- trained on: {trained_on}")?;
    let measured: Vec<String> = measurements.iter().map(|m| format!("`{m}`")).collect();
    writeln!(out, "- measured on: {}", measured.join(", "))?;
    let warned = sizes.iter().find_map(|r| {
        r.note.as_deref().filter(|n| n.contains("trained on what it is measured on"))
    });
    if warned.is_some() {
        writeln!(
            out,
            "- **warning**: a training workload is also measured, so the measured gain may be the training input's, not the program's. Measure on inputs the training never saw."
        )?;
    }
    writeln!(
        out,
        "\nEach trained variant against the plain variant it starts from (same profile, no PGO, no BOLT). A change in time is shown only where the two 95% intervals are apart (`tie` otherwise); instruction counts are exact. Build time includes the instrumented build and the training.\n"
    )?;
    let mut table = Table::new(&[
        ("variant", Align::Left),
        ("starts from", Align::Left),
        ("size", Align::Right),
    ]);
    table.column("change", Align::Right);
    for measurement in measurements {
        table.column(*measurement, Align::Right);
        table.column("change", Align::Right);
    }
    table.column("build time", Align::Right);
    let points: Vec<Vec<Point>> = measurements.iter().map(|m| analysis::points(rows, m)).collect();
    for row in sizes.iter().filter(|r| trained(r)) {
        let plain_id = plain_of(&row.variant);
        let plain = sizes.iter().find(|r| r.variant == plain_id);
        let mut cells = vec![format!("`{}`", row.variant), format!("`{plain_id}`")];
        cells.extend(size_cells(row, plain.copied()));
        for (measurement, points) in measurements.iter().zip(&points) {
            let find = |id: &str| points.iter().find(|p| p.row.variant == id);
            let (this, base) = (find(&row.variant), find(&plain_id));
            cells.push(this.map(|p| show(measurement, p.mean_ns)).unwrap_or_default());
            cells.push(match (this, base) {
                (Some(this), Some(base)) if analysis::tied(this, base) => "tie".to_owned(),
                (Some(this), Some(base)) => {
                    format!("{:+.1}%", analysis::change_percent(base.mean_ns, this.mean_ns))
                }
                _ => String::new(),
            });
        }
        cells.push(row.build_seconds.map(|s| format!("{s:.1} s")).unwrap_or_default());
        table.row(cells);
    }
    writeln!(out, "{table}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::rows::Status;

    /// The size row and the `run` row of `variant`, with a mean and interval in ms.
    fn variant(id: &str, size: u64, (mean, low, high): (f64, f64, f64)) -> [Row; 2] {
        let size_row = Row {
            variant: id.into(),
            status: Status::Ok,
            size_bytes: Some(size),
            trained_on: id.contains("-pgo").then(|| "train (no stdin)".into()),
            ..Row::default()
        };
        let run = Row {
            measurement: Some("run".into()),
            mean_ns: Some(mean * 1e6),
            ci_low_ns: Some(low * 1e6),
            ci_high_ns: Some(high * 1e6),
            ..size_row.clone()
        };
        [size_row, run]
    }

    fn section(rows: &[Row]) -> String {
        let sizes: Vec<&Row> = rows.iter().filter(|r| r.measurement.is_none()).collect();
        let mut out = String::new();
        guided_section(&mut out, rows, &sizes, &["run"]).unwrap();
        out
    }

    #[test]
    fn trained_variants_are_compared_with_where_they_start_and_ties_said() {
        let mut rows: Vec<Row> = [
            variant("o3-sym", 1000, (100.0, 98.0, 102.0)),
            variant("o3-sym-pgo", 1010, (80.0, 79.0, 81.0)),
            variant("oz-sym", 800, (150.0, 140.0, 160.0)),
            variant("oz-sym-pgo", 790, (145.0, 130.0, 160.0)),
        ]
        .into_iter()
        .flatten()
        .collect();
        let text = section(&rows);
        assert!(text.contains("- trained on: train (no stdin)"), "{text}");
        assert!(text.contains("- measured on: `run`"), "{text}");
        assert!(
            text.contains("| `o3-sym-pgo` | `o3-sym` | 1,010 B | +1.0% | 80.00 ms | -20.0% |"),
            "{text}"
        );
        assert!(
            text.contains("| `oz-sym-pgo` | `oz-sym` | 790 B | -1.2% | 145.00 ms | tie |"),
            "{text}"
        );
        assert!(!text.contains("warning"), "{text}");
        rows[2].note = Some("PGO: ...; trained on what it is measured on (run): ...".into());
        assert!(section(&rows).contains("**warning**: a training workload is also measured"));
        assert_eq!(section(&rows[..2]), "", "no trained variant, no section");
    }

    #[test]
    fn a_trained_variant_starts_from_its_id_without_the_trained_fragments() {
        assert_eq!(plain_of("o3-fat-cgu1-abort-sym-pgo-bolt"), "o3-fat-cgu1-abort-sym");
        assert_eq!(plain_of("oz-fat-cgu1-abort-sym-bolt"), "oz-fat-cgu1-abort-sym");
        assert_eq!(plain_of("o3-fat-cgu1-abort-sym"), "o3-fat-cgu1-abort-sym");
    }
}

//! Machine-readable progress: with `sweep --message-format json`, one JSON object per line on
//! stdout, as cargo's `--message-format json` does; the human summary goes to stderr.
//!
//! Every object has a `reason`:
//! - `"row"`: a row of the results (a variant beside one measurement) as soon as it is written (a variant's size row, then one
//!   per measurement; cached rows too). `row` holds the row with the CSV's column names as keys
//!   and `null` for empty cells; each column is documented on
//!   [`Row`].
//! - `"sweep-finished"`: the last line. `results_dir` (the results directory), `variants` and `cached`
//!   (how many came from the cache), and `verdict`: `null` when no variant built, else
//!   `variant` (the profile to paste), `profile` (its `[profile.release]` text), `against` (its
//!   size, speed and rebuild against the baseline) and `standing` (`Settled: ...` or
//!   `Tentative: why`), as the report's top says them.
//!
//! The schema version is `schema` on every object (2 for this one: version 1 named the results
//! `results_csv`, a file, before the results became a directory); a field may be added within a
//! version, never renamed or removed.

use std::io::Write;

use serde::Serialize;

use crate::results::rows::Row;

/// The schema version of the messages.
pub const SCHEMA: u32 = 2;

/// One message.
#[derive(Debug, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Message<'a> {
    /// A row as soon as it is written.
    Row(&'a Row),
    /// The sweep is done.
    SweepFinished {
        /// The results directory.
        results_dir: String,
        /// Variants handled.
        variants: usize,
        /// Of them, from the cache.
        cached: usize,
        /// The report's verdict, if any variant built.
        verdict: Option<VerdictMessage>,
    },
}

/// The verdict as a message.
#[derive(Debug, Serialize)]
pub struct VerdictMessage {
    /// The variant to paste.
    pub variant: String,
    /// Its `[profile.release]` table.
    pub profile: String,
    /// Its size, speed and rebuild time against the baseline.
    pub against: String,
    /// `Settled: ...` or `Tentative: why`.
    pub standing: String,
}

/// With its schema version.
#[derive(Serialize)]
struct Versioned<'a> {
    schema: u32,
    #[serde(flatten)]
    message: &'a Message<'a>,
}

/// The message as one line of JSON.
pub fn to_line(message: &Message<'_>) -> serde_json::Result<String> {
    match message {
        // A row is nested under `row`, so its columns never clash with `reason` or `schema`.
        Message::Row(row) => serde_json::to_string(&serde_json::json!({
            "reason": "row",
            "schema": SCHEMA,
            "row": row,
        })),
        other => serde_json::to_string(&Versioned { schema: SCHEMA, message: other }),
    }
}

/// Prints the message as one line on stdout, flushed at once.
pub fn print(message: &Message<'_>) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", to_line(message)?)?;
    stdout.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::rows::tests::row;

    #[test]
    fn rows_and_the_end_are_one_line_each_with_their_reason_and_schema() {
        let size = row("o3-fat", 1234);
        let line = to_line(&Message::Row(&size)).unwrap();
        assert!(!line.contains('\n'));
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!((value["reason"].as_str(), value["schema"].as_u64()), (Some("row"), Some(2)));
        assert_eq!(value["row"]["variant"], "o3-fat");
        assert_eq!(value["row"]["size_bytes"], 1234);
        assert_eq!(value["row"]["measurement"], serde_json::Value::Null);
        let end = Message::SweepFinished {
            results_dir: "out".into(),
            variants: 5,
            cached: 1,
            verdict: Some(VerdictMessage {
                variant: "o3-fat".into(),
                profile: "[profile.release]\nlto = \"fat\"\n".into(),
                against: "1,234 B".into(),
                standing: "Settled: ...".into(),
            }),
        };
        let value: serde_json::Value = serde_json::from_str(&to_line(&end).unwrap()).unwrap();
        assert_eq!(value["reason"], "sweep-finished");
        assert_eq!((value["schema"].as_u64(), value["cached"].as_u64()), (Some(2), Some(1)));
        assert_eq!(value["verdict"]["variant"], "o3-fat");
    }
}

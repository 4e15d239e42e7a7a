//! Convert JSON records to CSV: the seed article's "CLI tool that parses JSON and writes CSV".
//!
//! Input is either one JSON array of objects or a stream of objects (JSON Lines or simply
//! concatenated). The CSV header is the union of all keys in first-seen order; scalars are written
//! as text, nested arrays and objects as compact JSON, `null` and missing keys as empty fields.

use std::fmt;
use std::io::Read;

use serde_json::{Map, Value};

/// What went wrong while converting.
#[derive(Debug)]
pub enum Error {
    /// The input is not valid JSON.
    Json(serde_json::Error),
    /// A record (the n-th, counting from 1) is not a JSON object.
    NotAnObject {
        /// Its position in the input, counting from 1.
        record: usize,
        /// The JSON type it has instead.
        found: &'static str,
    },
    /// Writing the CSV failed.
    #[cfg(feature = "csv")]
    Csv(csv::Error),
    /// Writing the hand-written CSV failed.
    #[cfg(feature = "hand-csv")]
    Write(std::io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Json(e) => write!(f, "invalid JSON: {e}"),
            Error::NotAnObject { record, found } => {
                write!(f, "record {record} is {found}, expected a JSON object")
            }
            #[cfg(feature = "csv")]
            Error::Csv(e) => write!(f, "cannot write CSV: {e}"),
            #[cfg(feature = "hand-csv")]
            Error::Write(e) => write!(f, "cannot write CSV: {e}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Json(e)
    }
}

#[cfg(feature = "csv")]
impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        Error::Csv(e)
    }
}

/// Counts of what [`convert`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Data rows written (the header not included).
    pub records: usize,
    /// Columns in the header.
    pub columns: usize,
}

#[cfg(any(feature = "hand-fmt", feature = "hand-csv"))]
pub mod lean;

#[cfg(not(any(feature = "csv", feature = "hand-csv")))]
compile_error!("json2csv writes CSV with the csv crate (default feature `csv`) or `hand-csv`");

/// Reads JSON records from `input` and writes them as CSV to `output`.
#[cfg(feature = "csv")]
pub fn convert(input: impl Read, output: impl std::io::Write) -> Result<Summary, Error> {
    let records = read_records(input)?;
    let columns = header(&records);
    let mut writer = csv::Writer::from_writer(output);
    writer.write_record(&columns)?;
    let mut row = Vec::with_capacity(columns.len());
    for record in &records {
        row.clear();
        row.extend(columns.iter().map(|key| field(record.get(key.as_str()))));
        writer.write_record(&row)?;
    }
    writer.flush().map_err(csv::Error::from)?;
    Ok(Summary { records: records.len(), columns: columns.len() })
}

/// Parses the whole input into a list of objects.
fn read_records(input: impl Read) -> Result<Vec<Map<String, Value>>, Error> {
    let mut records = Vec::new();
    for value in serde_json::Deserializer::from_reader(input).into_iter::<Value>() {
        match value? {
            Value::Array(items) => records.extend(items),
            other => records.push(other),
        }
    }
    records
        .into_iter()
        .enumerate()
        .map(|(index, value)| match value {
            Value::Object(map) => Ok(map),
            other => Err(Error::NotAnObject { record: index + 1, found: kind(&other) }),
        })
        .collect()
}

/// The union of all keys, in the order they are first seen.
fn header(records: &[Map<String, Value>]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut columns = Vec::new();
    for key in records.iter().flat_map(|record| record.keys()) {
        if seen.insert(key.as_str()) {
            columns.push(key.clone());
        }
    }
    columns
}

/// One CSV field for one JSON value.
#[cfg(feature = "csv")]
fn field(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(all(test, feature = "csv"))]
mod tests {
    use super::*;

    fn to_csv(json: &str) -> Result<String, Error> {
        let mut out = Vec::new();
        convert(json.as_bytes(), &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn array_of_objects_becomes_header_and_rows() {
        let csv = to_csv(r#"[{"a":1,"b":"x"},{"b":"y, z","c":[1,2]}]"#).unwrap();
        assert_eq!(csv, "a,b,c\n1,x,\n,\"y, z\",\"[1,2]\"\n");
    }

    #[test]
    fn json_lines_are_accepted() {
        let csv = to_csv("{\"a\":true}\n{\"a\":null}\n").unwrap();
        assert_eq!(csv, "a\ntrue\n\"\"\n");
    }

    #[test]
    fn non_object_record_is_an_error() {
        let err = to_csv("[{\"a\":1}, 7]").unwrap_err();
        assert_eq!(err.to_string(), "record 2 is a number, expected a JSON object");
    }

    #[test]
    fn invalid_json_is_an_error() {
        assert!(matches!(to_csv("[{\"a\":"), Err(Error::Json(_))));
    }
}

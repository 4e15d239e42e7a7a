//! The conversion with simd-json (no serde support) in place of serde_json.

use std::fmt;
use std::io::{Read, Write};

use simd_json::prelude::*;
use simd_json::{OwnedValue, StaticNode};

use json2csv::Summary;

/// What went wrong while converting with simd-json.
#[derive(Debug)]
pub enum SimdError {
    /// Reading the input failed.
    Read(std::io::Error),
    /// The input is not valid JSON.
    Json(simd_json::Error),
    /// A record (the n-th, counting from 1) is not a JSON object.
    NotAnObject { record: usize, found: &'static str },
    /// Writing the CSV failed.
    Csv(csv::Error),
}

impl fmt::Display for SimdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimdError::Read(e) => write!(f, "cannot read the input: {e}"),
            SimdError::Json(e) => write!(f, "invalid JSON: {e}"),
            SimdError::NotAnObject { record, found } => {
                write!(f, "record {record} is {found}, expected a JSON object")
            }
            SimdError::Csv(e) => write!(f, "cannot write CSV: {e}"),
        }
    }
}

impl std::error::Error for SimdError {}

impl From<csv::Error> for SimdError {
    fn from(e: csv::Error) -> Self {
        SimdError::Csv(e)
    }
}

pub fn convert(mut input: impl Read, output: impl Write) -> Result<Summary, SimdError> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).map_err(SimdError::Read)?;
    let records = match simd_json::to_owned_value(&mut bytes).map_err(SimdError::Json)? {
        OwnedValue::Array(items) => *items,
        other => vec![other],
    };
    let mut objects = Vec::with_capacity(records.len());
    for (index, record) in records.into_iter().enumerate() {
        match record {
            OwnedValue::Object(map) => objects.push(map),
            other => return Err(SimdError::NotAnObject { record: index + 1, found: kind(&other) }),
        }
    }
    // serde_json's objects iterate their keys sorted; so do these, for the same header.
    let mut seen = std::collections::HashSet::new();
    let mut columns: Vec<String> = Vec::new();
    for object in &objects {
        let mut keys: Vec<&str> = object.keys().map(|k| k.as_str()).collect();
        keys.sort_unstable();
        for key in keys {
            if seen.insert(key) {
                columns.push(key.to_owned());
            }
        }
    }
    let mut writer = csv::Writer::from_writer(output);
    writer.write_record(&columns)?;
    let mut row = Vec::with_capacity(columns.len());
    for object in &objects {
        row.clear();
        row.extend(columns.iter().map(|key| match object.get(key.as_str()) {
            None | Some(OwnedValue::Static(StaticNode::Null)) => String::new(),
            Some(OwnedValue::String(text)) => text.clone(),
            Some(other) => other.encode(),
        }));
        writer.write_record(&row)?;
    }
    writer.flush().map_err(csv::Error::from)?;
    Ok(Summary { records: objects.len(), columns: columns.len() })
}

fn kind(value: &OwnedValue) -> &'static str {
    match value {
        OwnedValue::Static(StaticNode::Null) => "null",
        OwnedValue::Static(StaticNode::Bool(_)) => "a boolean",
        OwnedValue::Static(_) => "a number",
        OwnedValue::String(_) => "a string",
        OwnedValue::Array(_) => "an array",
        OwnedValue::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_same_csv_as_the_serde_json_build() {
        let json = r#"[{"id":1,"name":"a, b","price":21.5,"tags":["x"],"note":null},{"price":3,"id":2,"in_stock":true,"tags":[]}]"#;
        let (mut simd, mut serde) = (Vec::new(), Vec::new());
        super::convert(json.as_bytes(), &mut simd).unwrap();
        json2csv::convert(json.as_bytes(), &mut serde).unwrap();
        assert_eq!(String::from_utf8(simd).unwrap(), String::from_utf8(serde).unwrap());
        let error = super::convert("[1]".as_bytes(), Vec::new()).unwrap_err().to_string();
        assert_eq!(error, "record 1 is a number, expected a JSON object");
    }
}

//! The seed article's code-level techniques, each a feature of json2csv, for profile-sweep to
//! measure like any setting (same input, same CSV, byte for byte):
//!
//! - `hand-fmt`, "remove the formatting machinery": every field, message and error is written as
//!   bytes into a buffer by hand (integers digit by digit, floats and nested values through
//!   serde_json's serializer, which writes bytes), never through `Display`, `format!` or
//!   `println!`.
//! - `hand-csv`, "minimise dependencies": the CSV is written by forty lines here instead of the
//!   `csv` crate (with `-default`, so `csv` and `csv-core` are not even compiled); quoting follows
//!   the csv crate's defaults exactly.

use std::io::{Read, Write};

use serde_json::Value;

use crate::{Error, Summary, header, read_records};

/// Reads JSON records from `input` and writes them as CSV to `output`, as [`crate::convert`]
/// does, with the techniques the enabled features choose.
pub fn convert(input: impl Read, output: impl Write) -> Result<Summary, Error> {
    let records = read_records(input)?;
    let columns = header(&records);
    let mut out = Out::new(output);
    let header_fields: Vec<Vec<u8>> = columns.iter().map(|c| c.as_bytes().to_vec()).collect();
    out.record(&header_fields)?;
    let mut row: Vec<Vec<u8>> = vec![Vec::new(); columns.len()];
    for record in &records {
        for (cell, key) in row.iter_mut().zip(&columns) {
            cell.clear();
            field(record.get(key.as_str()), cell);
        }
        out.record(&row)?;
    }
    out.flush()?;
    Ok(Summary { records: records.len(), columns: columns.len() })
}

/// One CSV field for one JSON value, appended to `cell` without any formatting machinery.
#[cfg(feature = "hand-fmt")]
fn field(value: Option<&Value>, cell: &mut Vec<u8>) {
    match value {
        None | Some(Value::Null) => {}
        Some(Value::String(text)) => cell.extend_from_slice(text.as_bytes()),
        Some(Value::Bool(b)) => cell.extend_from_slice(if *b { b"true" } else { b"false" }),
        Some(Value::Number(n)) if n.as_u64().is_some() => write_u64(n.as_u64().unwrap_or(0), cell),
        Some(Value::Number(n)) if n.as_i64().is_some() => {
            cell.push(b'-');
            write_u64(n.as_i64().unwrap_or(0).unsigned_abs(), cell);
        }
        // Floats (shortest round-trip digits), arrays and objects: serde_json's serializer writes
        // bytes directly, the same text its `Display` would give.
        Some(other) => {
            let _ = serde_json::to_writer(&mut *cell, other);
        }
    }
}

/// One CSV field for one JSON value, as the default build writes it (through `Display`).
#[cfg(not(feature = "hand-fmt"))]
fn field(value: Option<&Value>, cell: &mut Vec<u8>) {
    match value {
        None | Some(Value::Null) => {}
        Some(Value::String(text)) => cell.extend_from_slice(text.as_bytes()),
        Some(other) => cell.extend_from_slice(other.to_string().as_bytes()),
    }
}

/// `n` in decimal, digit by digit.
#[cfg(feature = "hand-fmt")]
fn write_u64(mut n: u64, out: &mut Vec<u8>) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

/// The CSV output: the `csv` crate's writer.
#[cfg(not(feature = "hand-csv"))]
struct Out<W: Write>(csv::Writer<W>);

#[cfg(not(feature = "hand-csv"))]
impl<W: Write> Out<W> {
    fn new(output: W) -> Self {
        Out(csv::Writer::from_writer(output))
    }

    fn record(&mut self, fields: &[Vec<u8>]) -> Result<(), Error> {
        Ok(self.0.write_record(fields)?)
    }

    fn flush(&mut self) -> Result<(), Error> {
        Ok(self.0.flush().map_err(csv::Error::from)?)
    }
}

/// The CSV output, written by hand: the `csv` crate's default dialect (`,`, `"`, `\n`), a field
/// quoted when it holds a comma, a quote, `\r` or `\n` (its quotes doubled), and a record of
/// one empty field written as `""`.
#[cfg(feature = "hand-csv")]
struct Out<W: Write> {
    output: std::io::BufWriter<W>,
}

#[cfg(feature = "hand-csv")]
impl<W: Write> Out<W> {
    fn new(output: W) -> Self {
        Out { output: std::io::BufWriter::with_capacity(1 << 16, output) }
    }

    fn record(&mut self, fields: &[Vec<u8>]) -> Result<(), Error> {
        let out = &mut self.output;
        let mut written = 0;
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                out.write_all(b",").map_err(Error::Write)?;
                written += 1;
            }
            if field.iter().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
                out.write_all(b"\"").map_err(Error::Write)?;
                for part in field.split_inclusive(|b| *b == b'"') {
                    out.write_all(part).map_err(Error::Write)?;
                    if part.ends_with(b"\"") {
                        out.write_all(b"\"").map_err(Error::Write)?;
                    }
                }
                out.write_all(b"\"").map_err(Error::Write)?;
            } else {
                out.write_all(field).map_err(Error::Write)?;
            }
            written += field.len();
        }
        if written == 0 && !fields.is_empty() {
            out.write_all(b"\"\"").map_err(Error::Write)?;
        }
        out.write_all(b"\n").map_err(Error::Write)
    }

    fn flush(&mut self) -> Result<(), Error> {
        self.output.flush().map_err(Error::Write)
    }
}

/// Writes `parts` to stderr, one after the other, with no formatting machinery.
#[cfg(feature = "hand-fmt")]
pub fn eprint(parts: &[&[u8]]) {
    let mut stderr = std::io::stderr().lock();
    for part in parts {
        let _ = stderr.write_all(part);
    }
}

/// What went wrong, written to stderr without `Display`: the kind of error, and for a record
/// that is not an object, its position.
#[cfg(feature = "hand-fmt")]
pub fn report(error: &Error) {
    match error {
        Error::NotAnObject { record, found } => {
            let mut position = Vec::new();
            write_u64(*record as u64, &mut position);
            eprint(&[
                b"json2csv: record ",
                &position,
                b" is ",
                found.as_bytes(),
                b", expected a JSON object\n",
            ]);
        }
        Error::Json(e) => {
            let (mut line, mut column) = (Vec::new(), Vec::new());
            write_u64(e.line() as u64, &mut line);
            write_u64(e.column() as u64, &mut column);
            eprint(&[b"json2csv: invalid JSON at line ", &line, b", column ", &column, b"\n"]);
        }
        #[allow(unreachable_patterns)]
        _ => eprint(&[b"json2csv: cannot write the CSV\n"]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inputs and the CSV the default build (the csv crate, `Display`) writes for them.
    const CASES: [(&str, &str); 4] = [
        (r#"[{"a":1,"b":"x"},{"b":"y, z","c":[1,2]}]"#, "a,b,c\n1,x,\n,\"y, z\",\"[1,2]\"\n"),
        ("{\"a\":true}\n{\"a\":null}\n", "a\ntrue\n\"\"\n"),
        (
            r#"[{"n":-12,"f":1.5e300,"g":0.1,"q":"say \"hi\"\r\n","o":{"k":[null,false]}}]"#,
            "f,g,n,o,q\n1.5e+300,0.1,-12,\"{\"\"k\"\":[null,false]}\",\"say \"\"hi\"\"\r\n\"\n",
        ),
        (
            r#"[{"big":18446744073709551615,"neg":-9223372036854775808}]"#,
            "big,neg\n18446744073709551615,-9223372036854775808\n",
        ),
    ];

    #[test]
    fn the_lean_conversion_writes_what_the_default_build_writes() {
        for (json, expected) in CASES {
            let mut out = Vec::new();
            convert(json.as_bytes(), &mut out).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{json}");
        }
    }
}

//! `json2csv [FILE]`: JSON records from FILE (or stdin) to CSV on stdout.

use std::io::{self, BufReader, BufWriter};
use std::process::ExitCode;

#[cfg(not(feature = "simd-json"))]
use json2csv::convert;
#[cfg(feature = "simd-json")]
use simd::convert;

// The seed article's last step, "replace serde_json with simd-json (minimal)": the same
// conversion with simd-json's parser and values, so no serde_json code is linked.
#[cfg(feature = "simd-json")]
mod simd;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stdout = BufWriter::new(io::stdout().lock());
    let result = match args.as_slice() {
        [] => convert(BufReader::new(io::stdin().lock()), stdout),
        [flag] if flag == "-h" || flag == "--help" => {
            println!(
                "usage: json2csv [FILE]\nReads JSON records from FILE or stdin, writes CSV to stdout."
            );
            return ExitCode::SUCCESS;
        }
        [path] => match std::fs::File::open(path) {
            Ok(file) => convert(BufReader::new(file), stdout),
            Err(e) => {
                eprintln!("json2csv: cannot open {path}: {e}");
                return ExitCode::FAILURE;
            }
        },
        _ => {
            eprintln!("usage: json2csv [FILE]");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("json2csv: {e}");
            ExitCode::FAILURE
        }
    }
}

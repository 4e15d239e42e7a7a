//! `json2csv [FILE]`: JSON records from FILE (or stdin) to CSV on stdout.

use std::io::{self, BufReader, BufWriter};
use std::process::ExitCode;

#[cfg(not(any(feature = "simd-json", feature = "hand-fmt", feature = "hand-csv")))]
use json2csv::convert;
// The seed article's code-level techniques (src/lean.rs): no formatting machinery, or no csv
// crate.
#[cfg(all(any(feature = "hand-fmt", feature = "hand-csv"), not(feature = "simd-json")))]
use json2csv::lean::convert;
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
            #[cfg(not(feature = "hand-fmt"))]
            println!(
                "usage: json2csv [FILE]\nReads JSON records from FILE or stdin, writes CSV to stdout."
            );
            #[cfg(feature = "hand-fmt")]
            json2csv::lean::eprint(&[b"usage: json2csv [FILE]\nReads JSON records from FILE or stdin, writes CSV to stdout.\n"]);
            return ExitCode::SUCCESS;
        }
        [path] => match std::fs::File::open(path) {
            Ok(file) => convert(BufReader::new(file), stdout),
            Err(e) => {
                #[cfg(not(feature = "hand-fmt"))]
                eprintln!("json2csv: cannot open {path}: {e}");
                #[cfg(feature = "hand-fmt")]
                json2csv::lean::eprint(&[b"json2csv: cannot open ", path.as_bytes(), b"\n"]);
                #[cfg(feature = "hand-fmt")]
                let _ = e;
                return ExitCode::FAILURE;
            }
        },
        _ => {
            #[cfg(not(feature = "hand-fmt"))]
            eprintln!("usage: json2csv [FILE]");
            #[cfg(feature = "hand-fmt")]
            json2csv::lean::eprint(&[b"usage: json2csv [FILE]\n"]);
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            #[cfg(not(feature = "hand-fmt"))]
            eprintln!("json2csv: {e}");
            #[cfg(feature = "hand-fmt")]
            json2csv::lean::report(&e);
            ExitCode::FAILURE
        }
    }
}

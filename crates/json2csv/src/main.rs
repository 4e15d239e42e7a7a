//! `json2csv [FILE]`: JSON records from FILE (or stdin) to CSV on stdout.

use std::io::{self, BufReader, BufWriter};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stdout = BufWriter::new(io::stdout().lock());
    let result = match args.as_slice() {
        [] => json2csv::convert(BufReader::new(io::stdin().lock()), stdout),
        [flag] if flag == "-h" || flag == "--help" => {
            println!("usage: json2csv [FILE]\nReads JSON records from FILE or stdin, writes CSV to stdout.");
            return ExitCode::SUCCESS;
        }
        [path] => match std::fs::File::open(path) {
            Ok(file) => json2csv::convert(BufReader::new(file), stdout),
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

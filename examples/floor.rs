//! The floor of the benchmark: read and parse every `*.json` file of a
//! directory with serde_json, in parallel, and do nothing else.
//!
//! ```text
//! cargo run --release --example floor -- DIR
//! ```
//!
//! Prints the number of files read (and how many were not JSON). A linter
//! cannot be faster than this on the same files: `scripts/bench.sh` reports
//! idplint's time as a multiple of it.

use std::path::PathBuf;
use std::process::ExitCode;

use rayon::prelude::*;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: floor DIR");
        return ExitCode::from(2);
    };
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    };
    let files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("json"))
                && p.is_file()
        })
        .collect();
    let invalid: usize = files
        .par_iter()
        .map(|path| {
            let parsed = std::fs::read(path)
                .ok()
                .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok());
            usize::from(parsed.is_none())
        })
        .sum();
    println!("{} files, {invalid} not JSON", files.len());
    ExitCode::SUCCESS
}

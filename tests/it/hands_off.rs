//! idplint is offline and hands-off: the same result with no network at all,
//! and the files it lints are never written.

use std::path::{Path, PathBuf};
use std::process::Command;

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_idplint"))
}

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

#[test]
fn same_result_without_a_network() {
    let plain = Command::new(binary())
        .args(["check", "--format", "json"])
        .arg(testdata())
        .output()
        .expect("ran");
    // `unshare -n` gives the process a network namespace with no interfaces.
    let isolated = Command::new("unshare")
        .arg("-n")
        .arg(binary())
        .args(["check", "--format", "json"])
        .arg(testdata())
        .output();
    let out = match isolated {
        Ok(out) if String::from_utf8_lossy(&out.stderr).starts_with("unshare:") => {
            eprintln!(
                "skipped: unshare is not permitted here: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            return;
        }
        Ok(out) => out,
        Err(e) => {
            eprintln!("skipped: unshare is not available: {e}");
            return;
        }
    };
    assert_eq!(
        out.status.code(),
        plain.status.code(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout == plain.stdout,
        "output differs without a network"
    );
}

#[test]
fn linted_files_are_never_written() {
    let files: Vec<PathBuf> = walk(&testdata());
    let before: Vec<_> = files
        .iter()
        .map(|f| {
            (
                std::fs::read(f).unwrap(),
                std::fs::metadata(f).unwrap().modified().unwrap(),
            )
        })
        .collect();
    for format in ["human", "json"] {
        let status = Command::new(binary())
            .args(["check", "--format", format])
            .arg(testdata())
            .status()
            .expect("ran");
        assert!(status.code().is_some_and(|c| c <= 2));
    }
    let after: Vec<_> = files
        .iter()
        .map(|f| {
            (
                std::fs::read(f).unwrap(),
                std::fs::metadata(f).unwrap().modified().unwrap(),
            )
        })
        .collect();
    assert!(before == after, "a linted file changed");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

//! Where `check` writes its report: standard output, or the file of
//! `--output-file`.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::write_failed;

pub(super) enum Output {
    Stdout(io::Stdout),
    File {
        writer: BufWriter<File>,
        /// The path as given, for messages.
        name: String,
        /// The path without links or `.`, to know the file when a walk meets it.
        canonical: PathBuf,
    },
}

impl Output {
    /// Standard output, or the file at `path`, created or emptied; its
    /// directory must exist. A file that cannot be opened is an error, said
    /// on standard error (exit status 2).
    pub(super) fn open(path: Option<&Path>) -> Result<Self, ExitCode> {
        let Some(path) = path else {
            return Ok(Self::Stdout(io::stdout()));
        };
        match File::create(path) {
            Ok(file) => Ok(Self::File {
                writer: BufWriter::new(file),
                name: path.display().to_string(),
                canonical: std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
            }),
            Err(e) => {
                eprintln!("error: cannot write the report to {}: {e}", path.display());
                Err(ExitCode::from(2))
            }
        }
    }

    /// True when the report goes to a terminal.
    pub(super) fn is_terminal(&self) -> bool {
        matches!(self, Self::Stdout(stdout) if stdout.is_terminal())
    }

    /// The file the report goes to, when it is not standard output.
    pub(super) fn file(&self) -> Option<&Path> {
        match self {
            Self::Stdout(_) => None,
            Self::File { canonical, .. } => Some(canonical),
        }
    }

    /// The exit status for a write that failed: `None` when standard
    /// output's reader has gone (the run ends as it would have), else 2,
    /// with a message naming where the report was going.
    pub(super) fn failed(&self, e: &io::Error) -> Option<ExitCode> {
        match self {
            Self::Stdout(_) => write_failed(e),
            Self::File { name, .. } => {
                eprintln!("error: cannot write the report to {name}: {e}");
                Some(ExitCode::from(2))
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Stdout(stdout) => stdout.write(buf),
            Self::File { writer, .. } => writer.write(buf),
        }
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        match self {
            Self::Stdout(stdout) => stdout.write_vectored(bufs),
            Self::File { writer, .. } => writer.write_vectored(bufs),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Stdout(stdout) => stdout.flush(),
            Self::File { writer, .. } => writer.flush(),
        }
    }
}

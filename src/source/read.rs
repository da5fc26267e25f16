//! Reading payload files: each thread reads into one buffer it keeps.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Bytes a thread's read buffer starts with: more than any payload the
/// vendors accept, so one read takes a whole file.
const READ_BUFFER_BYTES: usize = 64 * 1024;

/// The most bytes idplint reads from one input (a file, or standard input).
/// An identity-provider request body is a few kilobytes; a SAML metadata
/// document pasted whole, a few hundred. Past this, the input is an error
/// (exit 2), not parsed: memory and time stay bounded whatever is given.
pub const MAX_INPUT_BYTES: usize = 16 << 20;

/// The most bytes of a configuration or dotenv file.
pub const MAX_SMALL_TEXT_BYTES: usize = 1 << 20;

/// The error for an input past [`MAX_INPUT_BYTES`].
pub fn too_large(limit: usize) -> io::Error {
    io::Error::other(format!(
        "larger than {} MiB, the most idplint reads from one input (a request body is a few kilobytes)",
        limit >> 20
    ))
}

thread_local! {
    /// Each thread reads its files into one buffer, so a file costs no
    /// allocation and no `stat` to size one.
    static READ_BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Calls `lint` with the bytes of the file at `path`.
pub fn with_file<T>(path: &Path, lint: impl FnOnce(&[u8]) -> T) -> io::Result<T> {
    READ_BUFFER.with_borrow_mut(|buffer| {
        let len = read_into(path, buffer)?;
        let result = lint(&buffer[..len]);
        if buffer.len() > READ_BUFFER_BYTES {
            // A large file's buffer is not kept for the small ones after it.
            *buffer = Vec::new();
        }
        Ok(result)
    })
}

/// Reads the file at `path` into `buffer`, from its start, and returns its
/// length. Reading goes on until the end of the file, so a short read is
/// never taken for the end. A file that fills the buffer is measured once,
/// and the buffer grown to its size, so a large file is not read by doubling.
fn read_into(path: &Path, buffer: &mut Vec<u8>) -> io::Result<usize> {
    let mut file = File::open(path)?;
    if buffer.len() < READ_BUFFER_BYTES {
        buffer.resize(READ_BUFFER_BYTES, 0);
    }
    let mut filled = 0;
    let mut measured = false;
    loop {
        if filled > MAX_INPUT_BYTES {
            return Err(too_large(MAX_INPUT_BYTES));
        }
        if filled == buffer.len() {
            let wanted = if measured {
                (buffer.len() * 2).min(MAX_INPUT_BYTES + 1)
            } else {
                measured = true;
                let size = file.metadata().map_or(0, |m| m.len());
                if size > MAX_INPUT_BYTES as u64 {
                    return Err(too_large(MAX_INPUT_BYTES));
                }
                usize::try_from(size)
                    .unwrap_or(usize::MAX)
                    .saturating_add(1)
            };
            buffer.resize(wanted.max(buffer.len() + 1), 0);
        }
        match file.read(&mut buffer[filled..]) {
            Ok(0) => return Ok(filled),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Reads at most `limit` bytes from `reader` (standard input); more is an
/// error.
pub fn read_limited(reader: impl Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

/// A small text file (a configuration or dotenv file): a regular file of at
/// most [`MAX_SMALL_TEXT_BYTES`], so a FIFO or a device cannot hang or fill
/// the run.
pub fn read_small_text(path: &Path) -> io::Result<String> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    let bytes = read_limited(File::open(path)?, MAX_SMALL_TEXT_BYTES)
        .map_err(|_| io::Error::other("larger than 1 MiB"))?;
    String::from_utf8(bytes).map_err(|_| io::Error::other("not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reused buffer gives back each file whole, whatever its size against
    /// the buffer's: empty, smaller, exactly as large, one byte more, several
    /// times larger, and then small again after a large one.
    #[test]
    fn read_into_gives_back_each_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut buffer = Vec::new();
        let sizes = [
            0,
            1,
            3_000,
            READ_BUFFER_BYTES - 1,
            READ_BUFFER_BYTES,
            READ_BUFFER_BYTES + 1,
            5 * READ_BUFFER_BYTES + 17,
            10,
        ];
        for (i, size) in sizes.into_iter().enumerate() {
            let content: Vec<u8> = (0..size).map(|b| (b * 7 + i) as u8).collect();
            let path = dir.path().join(format!("{i}.json"));
            std::fs::write(&path, &content).unwrap();
            let len = read_into(&path, &mut buffer).unwrap();
            assert_eq!(len, size);
            assert!(buffer[..len] == content[..], "file of {size} bytes");
        }
        let missing = read_into(&dir.path().join("missing.json"), &mut buffer);
        assert_eq!(missing.unwrap_err().kind(), std::io::ErrorKind::NotFound);
    }
}

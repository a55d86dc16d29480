//! A part file hashed as it is written, not read back afterwards.
//!
//! The writer rewrites a few bytes of the Parquet footer after the file is
//! complete ([`crate::io::parquet::footer::type_defined_float_order`]), so
//! the hash of what went through [`HashingFile::write`] is not the file's.
//! The hasher's state is therefore kept every [`MARK_EVERY`] bytes; at the
//! end, the state at the last mark before the footer is taken up again and
//! fed the file from there, as it now stands. Only the footer and less than
//! one mark's span before it are read back.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};

use sha2::{Digest, Sha256};

use crate::io::parquet::footer::footer_start;

/// Bytes between two kept hasher states, at least.
pub const MARK_EVERY: u64 = 1 << 20;

/// A file, and the SHA-256 of the bytes written to it so far.
pub struct HashingFile {
    file: File,
    hasher: Sha256,
    written: u64,
    /// (offset, the hasher's state over the bytes before it), ascending.
    marks: Vec<(u64, Sha256)>,
}

impl HashingFile {
    /// `file`, empty, to be written from its start.
    pub fn new(file: File) -> HashingFile {
        HashingFile {
            file,
            hasher: Sha256::new(),
            written: 0,
            marks: vec![(0, Sha256::new())],
        }
    }

    /// The file, to change in place before [`HashingFile::finish`] (within
    /// its Parquet footer only).
    pub fn file_mut(&mut self) -> &mut File {
        &mut self.file
    }

    /// The file's size and sha256 (hex) as it stands, whose bytes before its
    /// Parquet footer are the ones written; a file without a Parquet tail is
    /// hashed again from its start.
    pub fn finish(mut self) -> std::io::Result<(File, u64, String)> {
        let size = self.file.metadata()?.len();
        let footer = footer_start(&mut self.file, size)?.unwrap_or(0);
        let (from, mut hasher) = self
            .marks
            .iter()
            .rev()
            .find(|(at, _)| *at <= footer.min(self.written))
            .cloned()
            .expect("the mark at 0");
        self.file.seek(SeekFrom::Start(from))?;
        let mut tail = (&mut self.file).take(size.saturating_sub(from));
        let mut buf = vec![0u8; 1 << 16];
        loop {
            match tail.read(&mut buf)? {
                0 => break,
                n => hasher.update(&buf[..n]),
            }
        }
        self.file.seek(SeekFrom::End(0))?;
        let digest = wasmprep_contract::hex(&hasher.finalize());
        Ok((self.file, size, digest))
    }
}

impl Write for HashingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        let last = self.marks.last().map_or(0, |(at, _)| *at);
        if self.written - last >= MARK_EVERY {
            self.marks.push((self.written, self.hasher.clone()));
        }
        self.hasher.update(&buf[..n]);
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha256(bytes: &[u8]) -> String {
        wasmprep_contract::hex(&Sha256::digest(bytes))
    }

    /// A body of `body` bytes then a Parquet-shaped tail: a footer of
    /// `footer` bytes, its length and the magic.
    fn written(body: usize, footer: usize) -> (HashingFile, Vec<u8>) {
        let mut bytes: Vec<u8> = (0..body).map(|i| (i * 31 % 251) as u8).collect();
        bytes.extend((0..footer).map(|i| (i % 7) as u8));
        bytes.extend_from_slice(&(footer as u32).to_le_bytes());
        bytes.extend_from_slice(b"PAR1");
        let mut file = HashingFile::new(tempfile::tempfile().unwrap());
        for chunk in bytes.chunks(70_001) {
            file.write_all(chunk).unwrap();
        }
        (file, bytes)
    }

    #[test]
    fn the_digest_is_the_files_whatever_is_rewritten_in_the_footer() {
        for (body, footer) in [(0, 0), (10, 3), (3 << 20, 5_000), (MARK_EVERY as usize, 1)] {
            let (mut file, mut bytes) = written(body, footer);
            if footer > 0 {
                let at = body + footer - 1;
                bytes[at] ^= 0xff;
                let f = file.file_mut();
                f.seek(SeekFrom::Start(at as u64)).unwrap();
                f.write_all(&[bytes[at]]).unwrap();
            }
            let (_, size, digest) = file.finish().unwrap();
            assert_eq!(size, bytes.len() as u64);
            assert_eq!(digest, sha256(&bytes), "{body} + {footer}");
        }
    }

    /// A file whose tail is not Parquet's is hashed from its start, so a
    /// change anywhere shows.
    #[test]
    fn without_a_parquet_tail_the_whole_file_is_hashed_again() {
        let mut file = HashingFile::new(tempfile::tempfile().unwrap());
        let mut bytes = vec![7u8; 3 << 20];
        file.write_all(&bytes).unwrap();
        bytes[5] = 8;
        let f = file.file_mut();
        f.seek(SeekFrom::Start(5)).unwrap();
        f.write_all(&[8]).unwrap();
        let (_, _, digest) = file.finish().unwrap();
        assert_eq!(digest, sha256(&bytes));
    }

    /// A footer length that claims more than the file falls back to the
    /// whole file.
    #[test]
    fn a_tail_that_claims_too_long_a_footer_is_not_trusted() {
        let mut file = HashingFile::new(tempfile::tempfile().unwrap());
        let mut bytes = vec![1u8; 100];
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        bytes.extend_from_slice(b"PAR1");
        file.write_all(&bytes).unwrap();
        let (_, _, digest) = file.finish().unwrap();
        assert_eq!(digest, sha256(&bytes));
    }
}

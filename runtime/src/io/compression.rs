//! Compressed CSV inputs: gzip, zstd and bzip2. A file's compression is
//! read from its first bytes (the formats' magic numbers), so a file is
//! decoded whatever its name; a directory input lists the files whose names
//! end in one of [`CSV_SUFFIXES`].
//!
//! A compressed file cannot be split at byte offsets, so it is one
//! partition.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::{Error, Result};

/// How a CSV file is compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
    Bzip2,
}

/// Names of the CSV files a directory input reads: plain and compressed.
pub const CSV_SUFFIXES: &[&str] = &[
    ".csv",
    ".csv.gz",
    ".csv.gzip",
    ".csv.zst",
    ".csv.zstd",
    ".csv.bz2",
];

/// Bytes read to recognise a compression.
const MAGIC_LEN: usize = 10;

impl Compression {
    /// The compression whose magic number `head` starts with.
    pub fn detect(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else if is_bzip2(head) {
            Compression::Bzip2
        } else {
            Compression::None
        }
    }

    /// The compression of the file at `path`.
    pub fn of_file(path: &Path) -> Result<Compression> {
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut head = Vec::with_capacity(MAGIC_LEN);
        File::open(path)
            .map_err(io)?
            .take(MAGIC_LEN as u64)
            .read_to_end(&mut head)
            .map_err(io)?;
        Ok(Compression::detect(&head))
    }

    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Bzip2 => "bzip2",
        }
    }

    /// The decompressed stream of `file` (read from its start). Multi-member
    /// gzip and bzip2 files and multi-frame zstd files are read whole.
    pub fn reader(self, file: File, path: &Path) -> Result<Box<dyn Read + Send>> {
        Ok(match self {
            Compression::None => Box::new(file),
            Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(file)),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(file).map_err(
                |source| Error::Io {
                    path: path.to_path_buf(),
                    source,
                },
            )?),
            Compression::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(file)),
        })
    }
}

/// bzip2: `BZh`, a block size digit, then the block magic (BCD of pi).
fn is_bzip2(head: &[u8]) -> bool {
    head.len() >= MAGIC_LEN
        && head.starts_with(b"BZh")
        && (b'1'..=b'9').contains(&head[3])
        && (head[4..10] == [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]
            || head[4..10] == [0x17, 0x72, 0x45, 0x38, 0x50, 0x90])
}

/// Whether `name` is that of a CSV file a directory input reads.
pub fn is_csv_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    CSV_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn round_trip(c: Compression, encoded: Vec<u8>, text: &[u8]) {
        assert_eq!(Compression::detect(&encoded), c);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, &encoded).unwrap();
        assert_eq!(Compression::of_file(&path).unwrap(), c);
        let mut out = Vec::new();
        c.reader(File::open(&path).unwrap(), &path)
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, text);
    }

    #[test]
    fn each_compression_is_recognised_and_read_whole() {
        let text = b"a,b\n1,2\n3,4\n".repeat(1000);
        // Two gzip members, as `cat a.gz b.gz` makes.
        let mut gz = Vec::new();
        for half in [&text[..6000], &text[6000..]] {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(half).unwrap();
            gz.extend(e.finish().unwrap());
        }
        round_trip(Compression::Gzip, gz, &text);
        round_trip(
            Compression::Zstd,
            zstd::encode_all(&text[..], 1).unwrap(),
            &text,
        );
        let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        bz.write_all(&text).unwrap();
        round_trip(Compression::Bzip2, bz.finish().unwrap(), &text);
        round_trip(Compression::None, text.clone(), &text);
    }

    #[test]
    fn text_that_starts_like_bzip2_is_plain() {
        assert_eq!(Compression::detect(b"BZh1,col2\n1,2\n"), Compression::None);
        assert!(is_csv_name("trips.CSV.GZ") && is_csv_name("a.csv.zst"));
        assert!(!is_csv_name("a.gz") && !is_csv_name("a.csv.tmp"));
    }
}

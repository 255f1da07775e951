//! Importing and exporting, as services: what `confab import` and
//! `confab export` do, kept apart from the command line so that the
//! dashboard can call the same workflows. See `domain/transfer` for the
//! formats and where each post goes in its thread.

mod disqus_export;
mod export;
mod import;
mod isso;
pub mod jobs;
mod migrate;
mod report;
mod upload;

use std::{
    io::BufRead,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
};

pub use disqus_export::{export_disqus, DisqusCounts};
pub use export::export;
pub use import::{import, Importer, Options, Source};
pub use isso::is_sqlite;
pub use migrate::{migrate, plan, Copied};
pub use report::{Report, Skip};
pub use upload::{import_upload, Upload};

use crate::domain::transfer::{confab, disqus, Limits, ParseError, Record};

/// The formats `confab import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Look at the start of the file.
    Auto,
    Disqus,
    /// WordPress's WXR export.
    Wordpress,
    /// Isso's SQLite database (`comments.db`), read directly.
    Isso,
    /// Remark42's backup (JSON Lines; gzipped or not).
    Remark42,
    /// Commento's JSON export (version 1), which Comentario 2 also writes,
    /// or Comentario 3's (version 3).
    Commento,
    /// Confab's own export.
    Confab,
}

impl Format {
    /// What imported comments are keyed by, with their ids in the file.
    pub fn key(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Disqus => "disqus",
            Self::Wordpress => "wordpress",
            Self::Isso => "isso",
            Self::Remark42 => "remark42",
            Self::Commento => "commento",
            Self::Confab => "confab",
        }
    }

    /// The format of a file that starts with `head`, if it is one we read.
    pub fn detect(head: &[u8]) -> Option<Self> {
        let text = String::from_utf8_lossy(head);
        let text = text.trim_start_matches('\u{feff}').trim_start();
        if text.starts_with("{\"confab_export\"") {
            return Some(Self::Confab);
        }
        if is_remark42_meta(text) {
            return Some(Self::Remark42);
        }
        // Comentario 3 lists its pages first, so the head may hold neither.
        if text.starts_with('{')
            && (text.contains("\"commentHex\"")
                || text.contains("\"commenters\"")
                || text.starts_with("{\"version\":3,\"pages\":"))
        {
            return Some(Self::Commento);
        }
        if !text.starts_with('<') {
            return None;
        }
        if text.contains("<disqus") {
            Some(Self::Disqus)
        } else if text.contains("<rss") && text.contains("wordpress.org/export") {
            Some(Self::Wordpress)
        } else {
            None
        }
    }
}

/// Whether `text` starts as Remark42's meta line does, as Go writes it:
/// `{"version":N,"users":` (or `"posts":`). Commento's export starts with
/// its version too, then `"comments"`.
fn is_remark42_meta(text: &str) -> bool {
    let rest = text
        .strip_prefix("{\"version\":")
        .map(|r| r.trim_start_matches(|c: char| c.is_ascii_digit()));
    matches!(rest, Some(r) if r.starts_with(",\"users\":") || r.starts_with(",\"posts\":"))
}

/// The formats `confab export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Confab's own, lossless: JSON Lines that `confab import` reads back.
    Confab,
    /// Disqus XML, which other comments systems import: visible comments
    /// only.
    Disqus,
}

/// What went wrong with an import. Nothing of it was stored.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Parse(#[from] ParseError),
    #[error("no site {0:?}: add it first with `confab site add {0}`")]
    NoSite(String),
    #[error("the format is not one Confab reads (Disqus XML, WordPress WXR, an Isso database, a Remark42 backup, a Commento export or a Confab export); name it with --format")]
    UnknownFormat,
    #[error("the file is over the import limit of {0} bytes (limits.import_bytes)")]
    TooLarge(u64),
    #[error(transparent)]
    Store(#[from] anyhow::Error),
}

/// The file at `path` as an import's source: an SQLite file (Isso's
/// database) by its path when `format` allows, else read within `limit`
/// bytes, counting them into `read` for a progress bar.
pub fn open(
    path: &std::path::Path,
    format: Format,
    limit: u64,
    read: Option<Arc<AtomicU64>>,
) -> Result<Source<std::io::BufReader<Capped<std::fs::File>>>, ImportError> {
    let cannot = |e: std::io::Error| anyhow::anyhow!("cannot read {}: {e}", path.display());
    let file = std::fs::File::open(path).map_err(cannot)?;
    if file.metadata().map_err(cannot)?.len() > limit {
        return Err(ImportError::TooLarge(limit));
    }
    let read = read.unwrap_or_default();
    let mut reader = std::io::BufReader::with_capacity(64 * 1024, Capped::new(file, limit, read));
    // Isso keeps its comments in an SQLite file: read as a database.
    let sqlite = is_sqlite(reader.fill_buf().map_err(cannot)?);
    Ok(if sqlite && matches!(format, Format::Auto | Format::Isso) {
        Source::IssoDatabase(path.to_owned())
    } else {
        Source::File(reader)
    })
}

/// The records of `reader` in `format` (not `Auto`).
fn records<R: BufRead + Send + 'static>(
    format: Format,
    reader: R,
    limits: Limits,
) -> Box<dyn Iterator<Item = Result<Record, ParseError>> + Send> {
    match format {
        Format::Disqus => Box::new(disqus::records(reader, limits)),
        Format::Wordpress => Box::new(crate::domain::transfer::wxr::records(reader, limits)),
        Format::Commento => Box::new(crate::domain::transfer::commento::records(reader, limits)),
        Format::Remark42 => Box::new(crate::domain::transfer::remark42::records(reader, limits)),
        // Isso's database is read by `isso::records`, never as a file.
        Format::Confab | Format::Auto | Format::Isso => Box::new(confab::records(reader, limits)),
    }
}

/// `reader`, unpacked when it is gzipped (as Remark42's nightly backups
/// are, and any file may be), and then refused past `limit` bytes, so that
/// a small file cannot unpack without bound.
fn unpacked<R: BufRead + Send + 'static>(
    mut reader: R,
    limit: u64,
) -> std::io::Result<Box<dyn BufRead + Send>> {
    if !reader.fill_buf()?.starts_with(&[0x1f, 0x8b]) {
        return Ok(Box::new(reader));
    }
    // Multi: `gzip` concatenates members when it appends to a file.
    let unpacked = flate2::bufread::MultiGzDecoder::new(reader);
    let capped = Capped::new(unpacked, limit, Arc::new(AtomicU64::new(0)));
    Ok(Box::new(std::io::BufReader::with_capacity(
        64 * 1024,
        capped,
    )))
}

/// A reader that fails once more than `limit` bytes came through it, so a
/// file that grows past the configured size, or a pipe, is refused without
/// being read whole. It counts what it read, for a progress bar.
pub struct Capped<R> {
    inner: R,
    limit: u64,
    read: Arc<AtomicU64>,
}

impl<R> Capped<R> {
    pub fn new(inner: R, limit: u64, read: Arc<AtomicU64>) -> Self {
        Self { inner, limit, read }
    }
}

impl<R: std::io::Read> std::io::Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let total = self.read.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if total > self.limit {
            return Err(std::io::Error::other(format!(
                "over the import limit of {} bytes (limits.import_bytes)",
                self.limit
            )));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::*;

    #[test]
    fn each_format_is_found_from_the_start_of_its_file() {
        let cases = [
            ("{\"confab_export\":{}}", Some(Format::Confab)),
            ("{\"version\":1,\"users\":[]}\n{}", Some(Format::Remark42)),
            ("{\"version\":0,\"posts\":null}", Some(Format::Remark42)),
            (
                "{\"version\":1,\"comments\":[{\"commentHex\":\"a\"}]}",
                Some(Format::Commento),
            ),
            (
                "{\"version\":3,\"pages\":[{\"id\":\"p\"}",
                Some(Format::Commento),
            ),
            ("\u{feff}<?xml?><disqus>", Some(Format::Disqus)),
            (
                "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\">",
                Some(Format::Wordpress),
            ),
            ("{\"version\":1}", None),
            ("id,body", None),
        ];
        for (head, format) in cases {
            assert_eq!(Format::detect(head.as_bytes()), format, "{head}");
        }
    }

    fn gzip(text: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(text).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn a_gzipped_file_is_unpacked_and_a_plain_one_passes_as_it_is() {
        let mut text = String::new();
        unpacked(std::io::Cursor::new(gzip(b"{\"version\":1}")), 100)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "{\"version\":1}");
        text.clear();
        unpacked(&b"<disqus/>"[..], 3)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "<disqus/>");
    }

    #[test]
    fn a_gzipped_file_that_unpacks_past_the_limit_is_refused() {
        let bomb = gzip(&vec![b'\n'; 1 << 20]);
        assert!(bomb.len() < 4096, "{}", bomb.len());

        let err = unpacked(std::io::Cursor::new(bomb), 64 * 1024)
            .unwrap()
            .read_to_end(&mut Vec::new())
            .unwrap_err();
        assert!(err.to_string().contains("import limit"), "{err}");
    }
}

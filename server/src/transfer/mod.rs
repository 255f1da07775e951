//! Importing and exporting, as services: what `confab import` and
//! `confab export` do, kept apart from the command line so that the
//! dashboard can call the same workflows. See `domain/transfer` for the
//! formats and where each post goes in its thread.

mod disqus_export;
mod export;
mod import;
mod isso;
mod report;

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
pub use report::{Report, Skip};

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
    /// Commento's JSON export (version 1), which Comentario 2 also writes.
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
        if text.starts_with('{')
            && (text.contains("\"commentHex\"") || text.contains("\"commenters\""))
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
    #[error("the format is not one Confab reads (Disqus XML, WordPress WXR, an Isso database, a Commento export or a Confab export); name it with --format")]
    UnknownFormat,
    #[error("the file is over the import limit of {0} bytes (limits.import_bytes)")]
    TooLarge(u64),
    #[error(transparent)]
    Store(#[from] anyhow::Error),
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
        // Isso's database is read by `isso::records`, never as a file.
        Format::Confab | Format::Auto | Format::Isso => Box::new(confab::records(reader, limits)),
    }
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

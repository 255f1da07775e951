//! Moving comments in and out of the store: an import is one transaction
//! the import service drives row by row (so that nothing of a failed file
//! stays, and a dry run rolls back), an export reads rows as a stream (so
//! that memory stays bounded whatever the site's size).

use async_trait::async_trait;
use futures::stream::BoxStream;

use super::{Page, SiteSpec};
use crate::domain::transfer::resolve::Stored;

/// A page as an import file names it.
#[derive(Debug, Clone)]
pub struct ImportPage {
    pub site_id: i64,
    pub key: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub locked: bool,
    pub now_ms: i64,
}

/// A comment to import, placed and rendered.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub site_id: i64,
    /// With `source_id`, what a later import of the same file finds.
    pub format: &'static str,
    pub source_id: String,
    /// The id to keep, when it is free (Confab's own format).
    pub id: Option<i64>,
    pub page_id: i64,
    pub parent: Option<i64>,
    pub depth: i64,
    pub author: String,
    pub email: Option<String>,
    pub website: Option<String>,
    pub avatar: String,
    pub source: String,
    pub html: String,
    pub status: &'static str,
    pub held_reason: Option<String>,
    pub created: i64,
    pub edited: Option<i64>,
    pub score: i64,
    pub pinned: bool,
    pub edit_token_hash: String,
    pub voter_hash: String,
}

/// A comment as an export writes it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportRow {
    pub id: i64,
    pub page: String,
    pub parent_id: Option<i64>,
    pub status: String,
    pub author: String,
    pub email: Option<String>,
    pub website: Option<String>,
    pub source: String,
    /// What readers see of it, sanitised: what a Disqus export carries.
    pub html: String,
    pub score: i64,
    pub created: i64,
    pub edited: Option<i64>,
    pub pinned: bool,
}

/// Imports and exports.
#[async_trait]
pub trait Transfer: Send + Sync {
    /// Starts an import's transaction. On SQLite it holds the one write
    /// connection until it finishes: live posts wait for it.
    async fn begin_import(&self) -> anyhow::Result<Box<dyn ImportTx>>;
    /// The site's pages, by key.
    async fn export_pages(&self, site_id: i64) -> anyhow::Result<Vec<Page>>;
    /// The site's comments in id order, every status, as they are read.
    fn export_comments(&self, site_id: i64) -> BoxStream<'_, anyhow::Result<ExportRow>>;
}

/// One import's transaction.
#[async_trait]
pub trait ImportTx: Send {
    /// Creates a site with its settings: a Confab export can bring its own.
    async fn create_site(&mut self, spec: &SiteSpec, settings: &str) -> anyhow::Result<i64>;
    /// The page's id, created if new. A page keeps the title and URL it
    /// has; a lock in the file locks it.
    async fn page(&mut self, page: &ImportPage) -> anyhow::Result<i64>;
    /// Where an earlier import of `format` stored `source_id`.
    async fn imported(
        &mut self,
        site_id: i64,
        format: &str,
        source_id: &str,
    ) -> anyhow::Result<Option<Stored>>;
    /// The comment `id`, if it is on the site: a Confab export brought
    /// back to the database it came from finds its comments so.
    async fn on_site(&mut self, site_id: i64, id: i64) -> anyhow::Result<Option<Stored>>;
    /// Stores a comment and what it was in the file; returns its id.
    async fn insert(&mut self, row: &ImportRow) -> anyhow::Result<i64>;
    /// Commits, or rolls everything back (a dry run).
    async fn finish(self: Box<Self>, commit: bool) -> anyhow::Result<()>;
}

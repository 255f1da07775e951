//! Storage behind one trait, with SQLite and PostgreSQL picked at runtime by
//! the URL scheme. Both backends run the same SQL (see `sql.rs`); what
//! differs is connecting, tuning and the migrations.

mod accounts_sql;
pub mod admin;
mod batch;
pub mod memo;
mod moderation_sql;
pub mod ops;
mod postgres;
pub(crate) mod rows;
mod sql;
mod sqlite;
mod write_sql;

use std::sync::Arc;

use anyhow::bail;
use async_trait::async_trait;
use confab_api::CommentStatus;
use serde::{Deserialize, Serialize};

pub use crate::domain::verdict::Moderation;
pub use admin::{
    Accounts, AdminCommentRow, AuditRow, BanRow, ModerationStore, Moderator, NewAudit, NewBan,
    ScreenQuery, Search, SessionRow,
};
pub use ops::{Operations, PoolUsage};
pub use postgres::PostgresStore;
pub use rows::{now_ms, rfc3339, CommentMeta, CommentRow, Page};
pub use sqlite::SqliteStore;

/// Opens the database `url` points at and brings its schema up to date.
pub async fn connect(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else if is_postgres(url) {
        Ok(Arc::new(PostgresStore::connect(url).await?))
    } else {
        bail!("unsupported database URL (expected sqlite: or postgres:)")
    }
}

pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres:") || url.starts_with("postgresql:")
}

/// A site that embeds Confab.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// Browser origins allowed to call the API for this site.
    pub origins: Vec<String>,
    pub moderation: Moderation,
    /// Free-form JSON for settings that have no column yet.
    pub settings: serde_json::Value,
}

impl Site {
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o == origin)
    }
}

/// A site as configured: upserting it replaces name, origins and moderation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSpec {
    pub slug: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub origins: Vec<String>,
    #[serde(default)]
    pub moderation: Moderation,
}

/// A comment that passed validation, ready to store.
#[derive(Debug, Clone)]
pub struct NewCommentRow {
    pub site_id: i64,
    pub page: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub parent: Option<i64>,
    /// Replies deeper than this attach to the ancestor at this depth.
    pub max_depth: i64,
    pub author: String,
    pub email: Option<String>,
    pub website: Option<String>,
    pub avatar: String,
    pub source: String,
    pub html: String,
    pub status: CommentStatus,
    pub notify: bool,
    pub edit_token_hash: String,
    pub ip_hash: String,
    pub voter_hash: String,
    /// Why the comment waits for a moderator, when it does.
    pub held_reason: Option<String>,
    pub now_ms: i64,
}

/// What became of a new comment. Refusals roll back: nothing is stored.
#[derive(Debug)]
pub enum Created {
    Comment(CommentRow),
    PageLocked,
    ParentNotFound,
}

/// Everything Confab keeps. Moderation's part lives in the [`Accounts`] and
/// [`ModerationStore`] traits (see `admin.rs`), operations' in [`Operations`].
#[async_trait]
pub trait Store: Accounts + ModerationStore + Operations + Send + Sync + 'static {
    /// A round trip to the database, for `/healthz`.
    async fn ping(&self) -> anyhow::Result<()>;

    async fn upsert_site(&self, site: &SiteSpec) -> anyhow::Result<Site>;
    /// From memory when it was read in the last few seconds (see `memo.rs`).
    async fn site(&self, slug: &str) -> anyhow::Result<Option<Site>>;
    /// Forgets the sites held in memory: for whoever learns that another
    /// process changed a site. Site writes through this store call it.
    fn forget_sites(&self);
    async fn sites(&self) -> anyhow::Result<Vec<Site>>;
    /// Whether any site allows `origin`: the CORS layer's question.
    async fn origin_known(&self, origin: &str) -> anyhow::Result<bool>;

    async fn page(&self, site_id: i64, key: &str) -> anyhow::Result<Option<Page>>;
    /// Locks or unlocks a page, creating it if needed.
    async fn set_page_locked(&self, site_id: i64, key: &str, locked: bool) -> anyhow::Result<()>;

    /// Approved and deleted comments of a page: what a thread is built from.
    async fn thread_rows(&self, page_id: i64) -> anyhow::Result<Vec<CommentRow>>;
    /// Visible comments per page key; keys without comments are left out.
    async fn counts(&self, site_id: i64, keys: &[String]) -> anyhow::Result<Vec<(String, i64)>>;

    /// Stores a comment, creating its page on first use. Concurrent calls
    /// share one transaction (see `batch.rs`); each returns after COMMIT.
    async fn create_comment(&self, new: &NewCommentRow) -> anyhow::Result<Created>;
    async fn comment_meta(&self, id: i64) -> anyhow::Result<Option<CommentMeta>>;
    /// Replaces the text of a comment that is not deleted.
    async fn edit_comment(
        &self,
        id: i64,
        source: &str,
        html: &str,
        now_ms: i64,
    ) -> anyhow::Result<Option<CommentRow>>;
    /// Marks a comment deleted and forgets what it said and who said it.
    /// False when it was already deleted.
    async fn delete_comment(&self, id: i64) -> anyhow::Result<bool>;
    async fn set_status(&self, id: i64, status: CommentStatus) -> anyhow::Result<()>;
    async fn set_pinned(&self, id: i64, pinned: bool) -> anyhow::Result<()>;
    /// Whether this voter identity has an approved comment on the site.
    async fn has_approved(&self, site_id: i64, voter_hash: &str) -> anyhow::Result<bool>;

    /// Records `voter`'s vote (0 withdraws it) and returns the new score.
    async fn vote(&self, comment_id: i64, voter_hash: &str, value: i64) -> anyhow::Result<i64>;
}

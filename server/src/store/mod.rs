//! Storage behind one trait, with SQLite and PostgreSQL picked at runtime by
//! the URL scheme. Both backends run the same SQL (see `sql.rs`); what
//! differs is connecting, tuning and the migrations.

mod accounts_sql;
pub mod admin;
mod batch;
mod comments_sql;
pub mod memo;
pub mod migrate;
mod migrate_sql;
mod moderation_sql;
pub mod ops;
mod postgres;
pub(crate) mod rows;
mod secrets_sql;
mod sites_sql;
mod sql;
mod sqlite;
pub mod traits;
pub mod transfer;
mod transfer_sql;
mod write_sql;

use std::sync::Arc;

use anyhow::bail;
use confab_api::CommentStatus;
use serde::{Deserialize, Serialize};

pub use crate::domain::verdict::Moderation;
pub use admin::{
    AdminCommentRow, AuditRow, BanRow, Moderator, NewAudit, NewBan, ScreenQuery, Search, SessionRow,
};
pub use ops::{Operations, PoolUsage};
pub use postgres::PostgresStore;
pub use rows::{now_ms, rfc3339, CommentMeta, CommentRow, Page};
pub use sqlite::SqliteStore;
pub use traits::{Accounts, Comments, ModerationStore, Secrets, Sites, Store};
pub use transfer::{ExportRow, ImportPage, ImportRow, ImportTx, Transfer};

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

    /// Whether `url` is on one of the site's origins: the only URLs a page
    /// may link to, since moderators follow them from the dashboard.
    pub fn owns_url(&self, url: &str) -> bool {
        url::Url::parse(url).is_ok_and(|u| self.allows_origin(&u.origin().ascii_serialization()))
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

/// What an edit that screening holds sets, besides the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    pub status: CommentStatus,
    pub reason: String,
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

/// Who votes: the voter identity (`t:` token hash or `ip:` hash) and the
/// day's IP hash of where they vote from.
#[derive(Debug, Clone, Copy)]
pub struct Voter<'a> {
    pub voter: &'a str,
    pub ip_hash: &'a str,
}

/// What became of a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voted {
    /// Recorded; the new score.
    Changed(i64),
    /// The voter had already voted so (or withdrawn); the score, as it was.
    Unchanged(i64),
    /// Another voter at the same address has a vote on this comment. Nothing
    /// was stored.
    AddressTaken,
}

/// What became of a new comment. Refusals roll back: nothing is stored.
#[derive(Debug)]
pub enum Created {
    Comment(CommentRow),
    PageLocked,
    ParentNotFound,
}

//! The moderators' JSON API under `/admin/api`, which the dashboard calls.
//! Unlike the public types, these carry what only moderators may see: the
//! e-mail an author gave, the day-salted IP hash and the author-token hash.

use serde::{Deserialize, Serialize};

use crate::CommentStatus;

/// `POST /admin/api/login`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Login {
    pub email: String,
    pub password: String,
    /// Where to go afterwards: a same-origin path, else `/admin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// `GET /admin/api/session` and the answer to a login.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub email: String,
    pub sites: Vec<AdminSite>,
    /// Send as `X-CSRF-Token` with every state-changing request.
    pub csrf_token: String,
    /// The checked `next` of the login, or `/admin`.
    pub next: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminSite {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// `open`, `all` or `first-time`.
    pub moderation: String,
}

/// A comment as moderators see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminComment {
    pub id: i64,
    pub site_id: i64,
    /// The site's slug.
    pub site: String,
    pub page: String,
    pub parent: Option<i64>,
    pub author: String,
    pub email: Option<String>,
    pub website: Option<String>,
    /// The IP address keyed with that day's salt: comparable within a day.
    pub ip_hash: String,
    /// `t:` and a hash of the widget's author token, or `ip:` and the IP hash.
    pub author_hash: String,
    /// The markdown as written.
    pub source: String,
    pub html: String,
    pub status: CommentStatus,
    /// RFC 3339, UTC.
    pub created: String,
    pub edited: Option<String>,
    pub score: i64,
    pub pinned: bool,
    /// Why it was held or flagged, when it was.
    pub held_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageInfo {
    pub key: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub locked: bool,
}

/// One held or flagged comment with what a moderator needs to decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueItem {
    pub comment: AdminComment,
    pub page: PageInfo,
    pub parent: Option<AdminComment>,
    /// The author's latest other comments on the same site.
    pub others: Vec<AdminComment>,
}

/// `GET /admin/api/queue`: newest first; pass `next_before` as `before`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Queue {
    pub items: Vec<QueueItem>,
    pub next_before: Option<i64>,
}

/// `GET /admin/api/comments`: search results, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommentList {
    pub comments: Vec<AdminComment>,
    pub next_before: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModAction {
    Approve,
    Spam,
    Delete,
    Pin,
    Unpin,
}

impl ModAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Spam => "spam",
            Self::Delete => "delete",
            Self::Pin => "pin",
            Self::Unpin => "unpin",
        }
    }
}

/// `POST /admin/api/comments/bulk`: all or nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkAction {
    pub ids: Vec<i64>,
    pub action: ModAction,
}

/// `PATCH /admin/api/comments/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminEdit {
    pub body: String,
}

/// `PUT /admin/api/sites/{site}/pages/info`: what moderators see a page
/// as. Both fields are set; null or blank clears one. The URL must be on
/// one of the site's origins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageEdit {
    pub page: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

/// `POST /admin/api/sites/{site}/pages/lock`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageLock {
    pub page: String,
    pub locked: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BanKind {
    Email,
    /// A day-salted IP hash: it matches for the rest of that day only.
    Ip,
    /// An author hash (`t:...`): the widget's long-lived author token.
    Author,
}

impl BanKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Ip => "ip",
            Self::Author => "author",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "email" => Self::Email,
            "ip" => Self::Ip,
            "author" => Self::Author,
            _ => return None,
        })
    }
}

/// `POST /admin/api/sites/{site}/bans`: give `value`, or `comment` to ban
/// that comment's e-mail, IP hash or author.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewBan {
    pub kind: Option<BanKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Seconds until the ban lapses; none means permanent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_secs: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ban {
    pub id: i64,
    pub kind: BanKind,
    pub value: String,
    pub reason: Option<String>,
    pub expires: Option<String>,
    pub created: String,
}

/// What a site does with a banned author's comment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BanMode {
    /// 403 `forbidden`.
    #[default]
    Refuse,
    /// Pretend success (202) and hold it, so the author does not notice.
    Hold,
}

/// `GET`/`PUT /admin/api/sites/{site}/settings`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SiteSettings {
    pub ban_mode: BanMode,
    /// Comments containing one of these words are refused (422).
    pub blocked_words: Vec<String>,
    /// Comments containing one of these words wait in the queue.
    pub suspect_words: Vec<String>,
}

/// One line of `GET /admin/api/sites/{site}/audit`, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub moderator: String,
    pub action: String,
    /// `comment:12`, `page:/news/x`, `ban:3`, `settings`.
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditLog {
    pub entries: Vec<AuditEntry>,
    pub next_before: Option<i64>,
}

/// Where a site's import, started from the dashboard, stands:
/// `GET /admin/api/sites/{site}/import`. One runs at a time per site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportStatus {
    pub state: ImportState,
    /// The upload's name, as the browser gave it.
    pub file: String,
    pub dry_run: bool,
    /// Records read so far (pages, comments and the rest).
    pub records: u64,
    /// When it has ended well.
    pub report: Option<ImportReport>,
    /// When it failed: why, with the line in the file. Nothing was stored.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportState {
    Running,
    Done,
    Failed,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    pub format: String,
    pub pages: u64,
    pub imported: u64,
    /// Comments an earlier import already stored: left as they are.
    pub present: u64,
    /// Comments not stored, with why.
    pub skipped: Vec<ImportSkip>,
    /// Replies whose parent was missing, stored at the top level.
    pub reattached: Vec<ImportSkip>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSkip {
    /// The comment's id in the file.
    pub source_id: String,
    pub reason: String,
}

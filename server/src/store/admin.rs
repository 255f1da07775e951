//! The rows moderation reads and writes: moderators, sessions, comments as
//! moderators see them, bans, the audit log, and what screening asks. The
//! traits that store them are in `traits.rs`.

use confab_api::{
    admin::{AdminComment, AuditEntry, Ban, BanKind},
    CommentStatus,
};

use super::rows::rfc3339;

/// The columns of [`AdminCommentRow`], over [`ADMIN_FROM`].
pub(super) const ADMIN_COLUMNS: &str =
    "c.id, p.site_id, s.slug AS site, p.key AS page, c.parent_id, c.author,
    c.email, c.website, c.ip_hash, c.voter_hash, c.avatar, c.source, c.html, c.status, c.created,
    c.edited, c.score, c.pinned, c.held_reason, c.trained";
pub(super) const ADMIN_FROM: &str =
    "comments c JOIN pages p ON p.id = c.page_id JOIN sites s ON s.id = p.site_id";

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Moderator {
    pub id: i64,
    pub email: String,
    pub password_hash: Option<String>,
}

/// A live session and who it belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub moderator_id: i64,
    pub email: String,
    pub csrf: String,
    pub last_seen: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AdminCommentRow {
    pub id: i64,
    pub site_id: i64,
    pub site: String,
    pub page: String,
    pub parent_id: Option<i64>,
    pub author: String,
    pub email: Option<String>,
    pub website: Option<String>,
    pub ip_hash: String,
    pub voter_hash: String,
    pub avatar: String,
    pub source: String,
    pub html: String,
    pub status: String,
    pub created: i64,
    pub edited: Option<i64>,
    pub score: i64,
    pub pinned: bool,
    pub held_reason: Option<String>,
    /// `spam` or `ham`: what the spam model learned from this comment.
    pub trained: Option<String>,
}

impl AdminCommentRow {
    pub fn status(&self) -> CommentStatus {
        CommentStatus::parse(&self.status).unwrap_or(CommentStatus::Pending)
    }

    /// The comment as readers see it, for the page's event stream.
    pub fn public(&self) -> confab_api::Comment {
        super::CommentRow {
            id: self.id,
            parent_id: self.parent_id,
            author: self.author.clone(),
            website: self.website.clone(),
            avatar: self.avatar.clone(),
            html: self.html.clone(),
            status: self.status.clone(),
            created: self.created,
            edited: self.edited,
            score: self.score,
            pinned: self.pinned,
        }
        .into_api()
    }

    pub fn into_api(self) -> AdminComment {
        AdminComment {
            status: self.status(),
            id: self.id,
            site_id: self.site_id,
            site: self.site,
            page: self.page,
            parent: self.parent_id,
            author: self.author,
            email: self.email,
            website: self.website,
            ip_hash: self.ip_hash,
            author_hash: self.voter_hash,
            source: self.source,
            html: self.html,
            created: rfc3339(self.created),
            edited: self.edited.map(rfc3339),
            score: self.score,
            pinned: self.pinned,
            held_reason: self.held_reason,
        }
    }
}

/// What screening asks about a new comment; see `screen_facts`.
#[derive(Debug, Clone)]
pub struct ScreenQuery<'a> {
    pub site_id: i64,
    pub page: &'a str,
    pub source: &'a str,
    pub email: Option<&'a str>,
    pub ip_hash: &'a str,
    pub voter_hash: &'a str,
    pub now_ms: i64,
    /// The start of the duplicate window; `None` skips the check.
    pub duplicate_since: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BanRow {
    pub id: i64,
    pub site_id: i64,
    pub kind: String,
    pub value: String,
    pub reason: Option<String>,
    pub expires: Option<i64>,
    pub created: i64,
}

impl BanRow {
    pub fn into_api(self) -> Ban {
        Ban {
            id: self.id,
            kind: BanKind::parse(&self.kind).unwrap_or(BanKind::Email),
            value: self.value,
            reason: self.reason,
            expires: self.expires.map(rfc3339),
            created: rfc3339(self.created),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewBan {
    pub site_id: i64,
    pub kind: BanKind,
    pub value: String,
    pub reason: Option<String>,
    pub expires: Option<i64>,
    pub now_ms: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub moderator: String,
    pub action: String,
    pub target: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub created: i64,
}

impl AuditRow {
    pub fn into_api(self) -> AuditEntry {
        let parse = |j: Option<String>| j.and_then(|j| serde_json::from_str(&j).ok());
        AuditEntry {
            id: self.id,
            moderator: self.moderator,
            action: self.action,
            target: self.target,
            before: parse(self.before_json),
            after: parse(self.after_json),
            created: rfc3339(self.created),
        }
    }
}

/// One moderator action, for the audit log.
#[derive(Debug, Clone)]
pub struct NewAudit {
    pub site_id: i64,
    pub moderator_id: Option<i64>,
    pub moderator: String,
    pub action: String,
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub now_ms: i64,
}

/// A search over comments; every filter narrows. `site_ids` is never empty
/// when it comes from a moderator: it is their sites, or one of them.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub site_ids: Vec<i64>,
    pub statuses: Vec<CommentStatus>,
    /// Words in the text, matched case-insensitively.
    pub text: Option<String>,
    pub author: Option<String>,
    pub email: Option<String>,
    pub page: Option<String>,
    pub ip_hash: Option<String>,
    pub author_hash: Option<String>,
    /// Only ids below this: the cursor.
    pub before: Option<i64>,
    pub limit: i64,
}

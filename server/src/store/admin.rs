//! What moderation stores: moderators, sessions, bans, the audit log and the
//! spam model's counts. Two traits, `Accounts` and `ModerationStore`, so that each
//! backend's shared SQL stays in files of a readable size; [`super::Store`]
//! requires both.

use async_trait::async_trait;
use confab_api::{
    admin::{AdminComment, AuditEntry, Ban, BanKind},
    CommentStatus,
};

use super::rows::rfc3339;
use crate::domain::spam::SpamModel;

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

#[async_trait]
pub trait Accounts: Send + Sync {
    /// Adds a moderator, or adds sites to one; sets the password hash when
    /// one is given.
    async fn add_moderator(
        &self,
        email: &str,
        password_hash: Option<&str>,
        site_ids: &[i64],
    ) -> anyhow::Result<Moderator>;
    async fn moderator_by_email(&self, email: &str) -> anyhow::Result<Option<Moderator>>;
    async fn moderator(&self, id: i64) -> anyhow::Result<Option<Moderator>>;
    /// Every moderator with the slugs of their sites.
    async fn moderators(&self) -> anyhow::Result<Vec<(Moderator, Vec<String>)>>;
    /// Removes a moderator and ends their sessions. False when unknown.
    async fn remove_moderator(&self, email: &str) -> anyhow::Result<bool>;
    async fn moderator_site_ids(&self, moderator_id: i64) -> anyhow::Result<Vec<i64>>;
    async fn moderators_of_site(&self, site_id: i64) -> anyhow::Result<Vec<Moderator>>;
    /// Sets the password and ends the moderator's other sessions.
    async fn set_password(&self, moderator_id: i64, hash: &str) -> anyhow::Result<()>;

    async fn add_setup_token(
        &self,
        token_hash: &str,
        moderator_id: i64,
        expires: i64,
    ) -> anyhow::Result<()>;
    /// The moderator a setup token is for, if it has not expired.
    async fn setup_token(&self, token_hash: &str, now_ms: i64) -> anyhow::Result<Option<i64>>;
    /// Spends a setup token: it works once.
    async fn take_setup_token(&self, token_hash: &str, now_ms: i64) -> anyhow::Result<Option<i64>>;

    async fn add_session(
        &self,
        token_hash: &str,
        moderator_id: i64,
        csrf: &str,
        now_ms: i64,
    ) -> anyhow::Result<()>;
    /// The session, if it was used after `idle_since`.
    async fn session(
        &self,
        token_hash: &str,
        idle_since: i64,
    ) -> anyhow::Result<Option<SessionRow>>;
    async fn touch_session(&self, token_hash: &str, now_ms: i64) -> anyhow::Result<()>;
    async fn remove_session(&self, token_hash: &str) -> anyhow::Result<()>;

    /// The salt for IP hashes on `day` (days since the epoch), made on first
    /// use. Older salts are deleted, which is what makes old hashes
    /// unlinkable.
    async fn daily_salt(&self, day: i64) -> anyhow::Result<String>;

    /// A named server secret, stored on first use: `fresh` when none exists
    /// yet. Returns the stored value and whether it was just made.
    async fn secret_or_insert(&self, name: &str, fresh: &str) -> anyhow::Result<(String, bool)>;
}

#[async_trait]
pub trait ModerationStore: Send + Sync {
    async fn site_by_id(&self, id: i64) -> anyhow::Result<Option<super::Site>>;
    async fn set_site_settings(&self, site_id: i64, settings: &str) -> anyhow::Result<()>;

    async fn admin_comment(&self, id: i64) -> anyhow::Result<Option<AdminCommentRow>>;
    async fn search(&self, search: &Search) -> anyhow::Result<Vec<AdminCommentRow>>;
    /// The ban and duplicate checks of a new comment in one round trip:
    /// whether an active ban matches, and whether it is a duplicate.
    async fn screen_facts(&self, q: &ScreenQuery<'_>) -> anyhow::Result<(bool, bool)>;
    /// Whether this author or IP said exactly this on this page since `since`.
    async fn is_duplicate(
        &self,
        site_id: i64,
        page: &str,
        source: &str,
        voter_hash: &str,
        ip_hash: &str,
        since: i64,
    ) -> anyhow::Result<bool>;

    async fn add_ban(&self, ban: &NewBan) -> anyhow::Result<BanRow>;
    async fn bans(&self, site_id: i64) -> anyhow::Result<Vec<BanRow>>;
    async fn remove_ban(&self, site_id: i64, id: i64) -> anyhow::Result<Option<BanRow>>;
    /// The first ban in force against any of these identities.
    async fn active_ban(
        &self,
        site_id: i64,
        email: Option<&str>,
        ip_hash: &str,
        voter_hash: &str,
        now_ms: i64,
    ) -> anyhow::Result<Option<BanRow>>;

    async fn add_audit(&self, entry: &NewAudit) -> anyhow::Result<()>;
    async fn audit_log(
        &self,
        site_id: i64,
        before: Option<i64>,
        limit: i64,
    ) -> anyhow::Result<Vec<AuditRow>>;

    /// Teaches the site's spam model what a moderator decided about a
    /// comment (`Some(true)` spam, `Some(false)` not, `None` neither),
    /// unlearning what it learned from this comment before.
    async fn train(&self, comment_id: i64, label: Option<bool>) -> anyhow::Result<()>;
    async fn spam_model(&self, site_id: i64) -> anyhow::Result<SpamModel>;
}

//! The store's traits, one per concern. [`Store`] is all of them: the
//! handlers and services hold an `Arc<dyn Store>`; each backend implements
//! every part with the SQL of the matching `*_sql.rs` file.

use async_trait::async_trait;
use confab_api::CommentStatus;

use super::{
    AdminCommentRow, AuditRow, BanRow, CommentMeta, CommentRow, Created, Held, Moderator, NewAudit,
    NewBan, NewCommentRow, Operations, Page, ScreenQuery, Search, SessionRow, Site, SiteSpec,
    Voted, Voter,
};
use crate::domain::spam::SpamModel;

/// Everything Confab keeps.
#[async_trait]
pub trait Store:
    Sites
    + Comments
    + ModerationStore
    + Accounts
    + Secrets
    + Operations
    + super::Transfer
    + super::migrate::Migrate
    + Send
    + Sync
    + 'static
{
    /// A round trip to the database, for `/healthz`.
    async fn ping(&self) -> anyhow::Result<()>;
}

/// Sites, their settings and their pages.
#[async_trait]
pub trait Sites: Send + Sync {
    async fn upsert_site(&self, site: &SiteSpec) -> anyhow::Result<Site>;
    /// From memory when it was read in the last few seconds (see `memo.rs`).
    async fn site(&self, slug: &str) -> anyhow::Result<Option<Site>>;
    /// The site when it is in memory (see `memo.rs`), without a query: for
    /// the cached-read fast path, which answers only from memory.
    fn remembered_site(&self, slug: &str) -> Option<std::sync::Arc<Site>>;
    async fn site_by_id(&self, id: i64) -> anyhow::Result<Option<Site>>;
    /// Forgets the sites held in memory: for whoever learns that another
    /// process changed a site. Site writes through this store call it.
    fn forget_sites(&self);
    async fn sites(&self) -> anyhow::Result<Vec<Site>>;
    /// Whether any site allows `origin`: the CORS layer's question.
    async fn origin_known(&self, origin: &str) -> anyhow::Result<bool>;
    async fn set_site_settings(&self, site_id: i64, settings: &str) -> anyhow::Result<()>;

    async fn page(&self, site_id: i64, key: &str) -> anyhow::Result<Option<Page>>;
    /// Locks or unlocks a page, creating it if needed.
    async fn set_page_locked(&self, site_id: i64, key: &str, locked: bool) -> anyhow::Result<()>;
    /// Sets a page's title and URL, creating it if needed.
    async fn set_page_info(
        &self,
        site_id: i64,
        key: &str,
        title: Option<&str>,
        url: Option<&str>,
    ) -> anyhow::Result<()>;
}

/// What readers and authors do: threads, counts, posting, editing,
/// deleting and voting.
#[async_trait]
pub trait Comments: Send + Sync {
    /// Approved and deleted comments of a page: what a thread is built from.
    async fn thread_rows(&self, page_id: i64) -> anyhow::Result<Vec<CommentRow>>;
    /// Visible comments per page key; keys without comments are left out.
    async fn counts(&self, site_id: i64, keys: &[String]) -> anyhow::Result<Vec<(String, i64)>>;

    /// Stores a comment, creating its page on first use. Concurrent calls
    /// share one transaction (see `batch.rs`); each returns after COMMIT.
    async fn create_comment(&self, new: &NewCommentRow) -> anyhow::Result<Created>;
    async fn comment_meta(&self, id: i64) -> anyhow::Result<Option<CommentMeta>>;
    /// Replaces the text of a comment that is not deleted, and with `held`
    /// its status and held reason too.
    async fn edit_comment(
        &self,
        id: i64,
        source: &str,
        html: &str,
        held: Option<&Held>,
        now_ms: i64,
    ) -> anyhow::Result<Option<CommentRow>>;
    /// Marks a comment deleted and forgets what it said and who said it.
    /// False when it was already deleted.
    async fn delete_comment(&self, id: i64) -> anyhow::Result<bool>;

    /// Records `voter`'s vote (0 withdraws it): one per voter and, among
    /// the votes that count, one per address.
    async fn vote(&self, comment_id: i64, voter: &Voter<'_>, value: i64) -> anyhow::Result<Voted>;
}

/// What moderators see and decide, and what screening asks before a
/// comment is stored: bans, the audit log and the spam model's counts.
#[async_trait]
pub trait ModerationStore: Send + Sync {
    async fn admin_comment(&self, id: i64) -> anyhow::Result<Option<AdminCommentRow>>;
    async fn search(&self, search: &Search) -> anyhow::Result<Vec<AdminCommentRow>>;
    async fn set_status(&self, id: i64, status: CommentStatus) -> anyhow::Result<()>;
    /// Sets `to` only if the comment is still `from`; false if it changed
    /// meanwhile, so two moderators (or a mailed link) can't undo each other.
    async fn change_status(
        &self,
        id: i64,
        from: CommentStatus,
        to: CommentStatus,
    ) -> anyhow::Result<bool>;
    async fn set_pinned(&self, id: i64, pinned: bool) -> anyhow::Result<()>;

    /// The ban and duplicate checks of a new comment in one round trip:
    /// whether an active ban matches, and whether it is a duplicate.
    async fn screen_facts(&self, q: &ScreenQuery<'_>) -> anyhow::Result<(bool, bool)>;
    /// Whether this voter identity has an approved comment on the site.
    async fn has_approved(&self, site_id: i64, voter_hash: &str) -> anyhow::Result<bool>;

    async fn add_ban(&self, ban: &NewBan) -> anyhow::Result<BanRow>;
    async fn bans(&self, site_id: i64) -> anyhow::Result<Vec<BanRow>>;
    async fn remove_ban(&self, site_id: i64, id: i64) -> anyhow::Result<Option<BanRow>>;

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

/// Moderators, their setup links and their sessions.
#[async_trait]
pub trait Accounts: Send + Sync {
    /// Adds a moderator, or adds sites to one. The password hash is stored
    /// only when they have none: adding never replaces a password.
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
    /// Takes sites away from a moderator.
    async fn remove_moderator_sites(
        &self,
        moderator_id: i64,
        site_ids: &[i64],
    ) -> anyhow::Result<()>;
    /// Sets the password and ends the moderator's sessions and setup links.
    async fn set_password(&self, moderator_id: i64, hash: &str) -> anyhow::Result<()>;
    /// Removes the password and ends the moderator's sessions and setup
    /// links, for `confab moderator reset`, which then issues a new link.
    async fn reset_password(&self, moderator_id: i64) -> anyhow::Result<()>;

    async fn add_setup_token(
        &self,
        token_hash: &str,
        moderator_id: i64,
        expires: i64,
    ) -> anyhow::Result<()>;
    /// The moderator a setup token is for, if it has not expired and they
    /// have no password.
    async fn setup_token(&self, token_hash: &str, now_ms: i64) -> anyhow::Result<Option<i64>>;
    /// Spends a setup token, atomically: sets the first password of the
    /// moderator it is for (None when the token is unknown or expired, or
    /// they have a password), ending their sessions and other links.
    async fn redeem_setup_token(
        &self,
        token_hash: &str,
        password_hash: &str,
        now_ms: i64,
    ) -> anyhow::Result<Option<i64>>;

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
}

/// Secrets the server keeps in the database, so that every instance
/// sharing it agrees.
#[async_trait]
pub trait Secrets: Send + Sync {
    /// The salt for IP hashes on `day` (days since the epoch), made on first
    /// use. Older salts are deleted, which is what makes old hashes
    /// unlinkable.
    async fn daily_salt(&self, day: i64) -> anyhow::Result<String>;
    /// A named server secret, stored on first use: `fresh` when none exists
    /// yet. Returns the stored value and whether it was just made.
    async fn secret_or_insert(&self, name: &str, fresh: &str) -> anyhow::Result<(String, bool)>;
}

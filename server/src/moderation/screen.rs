//! What happens to a new or edited comment before it is stored: the rate
//! limit (new ones only), then the facts gathered here (one query for bans
//! and duplicates, the spam model, the author's history), on which
//! `domain::verdict` decides. Every check is local.

use std::time::Instant;

use confab_api::ComposeSignals;

use crate::{
    domain::{
        verdict::{self, Facts, Moderation, Refusal, Rules, Verdict},
        visible::Visible,
    },
    store::{now_ms, ScreenQuery, Site},
    AppState,
};

/// A comment that passed input validation, as far as screening cares.
pub struct Candidate<'a> {
    pub site: &'a Site,
    pub page: &'a str,
    pub source: &'a str,
    /// What readers will see of it: the words and links checked.
    pub seen: &'a Visible,
    /// An edit of a stored comment, which is no duplicate of itself.
    pub edit: bool,
    pub email: Option<&'a str>,
    pub ip_hash: &'a str,
    /// `t:` and the author token's hash, or `ip:` and the IP hash.
    pub voter: &'a str,
    pub signals: &'a ComposeSignals,
}

/// The verdict on `c`, or why it is refused. Counts nothing, so a changed
/// text can be screened again as well as a new one; new comments count
/// against [`rate_limit`] first.
pub async fn screen(
    state: &AppState,
    c: &Candidate<'_>,
) -> anyhow::Result<Result<Verdict, Refusal>> {
    let settings = super::settings(c.site);
    let rules = Rules {
        moderation: c.site.moderation,
        ban_mode: settings.ban_mode,
        blocked_words: &settings.blocked_words,
        suspect_words: &settings.suspect_words,
        spam_threshold: state.config.spam.threshold,
        max_links: state.config.spam.max_links,
        min_compose_ms: state.config.spam.min_compose_ms,
    };
    Ok(verdict::verdict(&facts(state, c).await?, &rules))
}

/// Everything the rules look at, read from the store and the spam model.
async fn facts<'a>(state: &AppState, c: &Candidate<'a>) -> anyhow::Result<Facts<'a>> {
    let now = now_ms();
    let window = state.config.spam.duplicate_window_secs;
    // Both checks only read, so they run before the write and outside its
    // transaction, as one query.
    let (banned, duplicate) = state
        .store
        .screen_facts(&ScreenQuery {
            site_id: c.site.id,
            page: c.page,
            source: c.source,
            email: c.email,
            ip_hash: c.ip_hash,
            voter_hash: c.voter,
            now_ms: now,
            duplicate_since: (window > 0 && !c.edit)
                .then(|| now.saturating_sub(i64::try_from(window * 1000).unwrap_or(i64::MAX))),
        })
        .await?;
    let spam_score = state
        .spam
        .score(state.store.as_ref(), c.site.id, c.source)
        .await?;
    // Only the widget's author token proves "the same author", and only the
    // first-time mode asks.
    let known_author = c.site.moderation == Moderation::FirstTime
        && c.voter.starts_with("t:")
        && state.store.has_approved(c.site.id, c.voter).await?;
    Ok(Facts {
        text: &c.seen.text,
        links: c.seen.links,
        banned,
        duplicate,
        honeypot: c
            .signals
            .honeypot
            .as_deref()
            .is_some_and(|h| !h.trim().is_empty()),
        spam_score,
        known_author,
        compose_ms: c.signals.compose_ms,
    })
}

/// Counts a new comment per IP and per page. Every attempt counts (refused
/// ones too), before the other checks, so a flood cannot probe them for free.
pub fn rate_limit(state: &AppState, c: &Candidate<'_>) -> Result<(), Refusal> {
    let limits = &state.config.limits;
    let now = Instant::now();
    let ip_key = format!("ip:{}", c.ip_hash);
    let page_key = format!("page:{}:{}", c.site.id, c.page);
    let keys = [
        (ip_key.as_str(), limits.posts_per_minute_ip),
        (page_key.as_str(), limits.posts_per_minute_page),
    ];
    state
        .posts
        .hit_all(&keys, now)
        .map_err(|retry_after_secs| Refusal::RateLimited { retry_after_secs })
}

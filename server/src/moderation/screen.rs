//! What happens to a new comment before it is stored. Refusals come first,
//! so a refused comment stores nothing; then the checks that flag it as spam;
//! then those that hold it for a moderator. Every check is local.

use std::time::Instant;

use axum::http::StatusCode;
use confab_api::{admin::BanMode, CommentStatus, ComposeSignals, ErrorCode};

use crate::{
    domain::words,
    store::{now_ms, Moderation, ScreenQuery, Site},
    AppState, Error, Result,
};

/// A comment that passed input validation, as far as screening cares.
pub struct Candidate<'a> {
    pub site: &'a Site,
    pub page: &'a str,
    pub source: &'a str,
    pub email: Option<&'a str>,
    pub ip_hash: &'a str,
    /// `t:` and the author token's hash, or `ip:` and the IP hash.
    pub voter: &'a str,
    pub signals: &'a ComposeSignals,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub status: CommentStatus,
    pub held_reason: Option<String>,
}

pub async fn screen(state: &AppState, c: &Candidate<'_>) -> Result<Verdict> {
    rate_limit(state, c)?;
    let settings = super::settings(c.site);
    if let Some(word) = words::find_listed(c.source, &settings.blocked_words) {
        return Err(Error::invalid(
            "body",
            format!("this site does not accept comments containing {word:?}"),
        ));
    }
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
            duplicate_since: (window > 0)
                .then(|| now.saturating_sub(i64::try_from(window * 1000).unwrap_or(i64::MAX))),
        })
        .await?;
    if banned && settings.ban_mode == BanMode::Refuse {
        return Err(Error::forbidden("you may not comment on this site"));
    }
    if duplicate {
        return Err(Error::client(
            StatusCode::CONFLICT,
            ErrorCode::Conflict,
            "you already posted this comment here",
        ));
    }

    let mut spam = Vec::new();
    let mut held = Vec::new();
    if banned {
        held.push("banned author".to_owned());
    }
    // A honeypot hit is kept as spam, not refused: the bot learns nothing,
    // and a person whose browser filled the field in can still be approved.
    if c.signals
        .honeypot
        .as_deref()
        .is_some_and(|h| !h.trim().is_empty())
    {
        spam.push("honeypot filled in".to_owned());
    }
    let score = state
        .spam
        .score(state.store.as_ref(), c.site.id, c.source)
        .await?;
    if score >= state.config.spam.threshold {
        spam.push(format!("spam score {score:.2}"));
    }
    match c.site.moderation {
        Moderation::Open => {}
        Moderation::All => held.push("the site holds every comment".into()),
        Moderation::FirstTime => {
            // Only the widget's author token proves "the same author": an
            // e-mail is unverified and an IP hash is shared and changes daily.
            let known =
                c.voter.starts_with("t:") && state.store.has_approved(c.site.id, c.voter).await?;
            if !known {
                held.push("first comment".into());
            }
        }
    }
    if let Some(word) = words::find_listed(c.source, &settings.suspect_words) {
        held.push(format!("suspect word {word:?}"));
    }
    let links = words::count_links(c.source);
    if links > state.config.spam.max_links {
        held.push(format!("{links} links"));
    }
    let min = state.config.spam.min_compose_ms;
    if let Some(ms) = c.signals.compose_ms.filter(|ms| *ms < min) {
        held.push(format!("written in {ms} ms"));
    }

    Ok(if !spam.is_empty() {
        spam.extend(held);
        Verdict {
            status: CommentStatus::Spam,
            held_reason: Some(spam.join("; ")),
        }
    } else if !held.is_empty() {
        Verdict {
            status: CommentStatus::Pending,
            held_reason: Some(held.join("; ")),
        }
    } else {
        Verdict {
            status: CommentStatus::Approved,
            held_reason: None,
        }
    })
}

/// Per IP and per page, counted on every attempt (refused ones too), so a
/// flood cannot probe the other checks for free.
fn rate_limit(state: &AppState, c: &Candidate<'_>) -> Result<()> {
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
        .map_err(|retry_after_secs| Error::RateLimited { retry_after_secs })
}

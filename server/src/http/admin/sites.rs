//! Per-site moderation: page locks, titles and links, bans, word lists and
//! ban mode, and the audit log. Every route names a site id; one that is not the moderator's
//! (or does not exist) is a 403.

use axum::{extract::State, http::StatusCode, Json};
use confab_api::admin::{
    AdminSite, AuditLog, Ban, BanKind, NewBan, PageEdit, PageInfo, PageLock, SiteSettings,
};
use serde::Deserialize;

use super::session::{sites_of, Moderator};
use crate::{
    domain::{input, PageKey},
    http::extract::{AppJson, AppPath, AppQuery},
    moderation::{self, actions::record},
    store::{self, now_ms, Page, Site},
    AppState, Error, Result,
};

/// Entries in one word list, and characters in one entry.
const MAX_WORDS: usize = 500;
const MAX_WORD_CHARS: usize = 100;

pub async fn list(State(state): State<AppState>, m: Moderator) -> Result<Json<Vec<AdminSite>>> {
    Ok(Json(sites_of(&state, &m.sites).await?))
}

pub(super) async fn own_site(state: &AppState, m: &Moderator, id: i64) -> Result<Site> {
    m.check_site(id)?;
    state
        .store
        .site_by_id(id)
        .await?
        .ok_or_else(|| Error::forbidden("not one of your sites"))
}

pub async fn lock_page(
    State(state): State<AppState>,
    m: Moderator,
    AppPath(site_id): AppPath<i64>,
    AppJson(req): AppJson<PageLock>,
) -> Result<Json<PageInfo>> {
    let site = own_site(&state, &m, site_id).await?;
    let key = PageKey::parse(&req.page).map_err(|msg| Error::invalid("page", msg))?;
    let before = state.store.page(site.id, key.as_str()).await?;
    state
        .store
        .set_page_locked(site.id, key.as_str(), req.locked)
        .await?;
    state.bus.changed(&site.slug, key.as_str(), None).await;
    let action = if req.locked { "lock" } else { "unlock" };
    record(
        &state,
        &m.actor(),
        site.id,
        action,
        format!("page:{key}"),
        Some(serde_json::json!({ "locked": before.as_ref().is_some_and(|p| p.locked) })),
        Some(serde_json::json!({ "locked": req.locked })),
    )
    .await?;
    let mut info = page_info(&site, key.as_str(), before);
    info.locked = req.locked;
    Ok(Json(info))
}

/// A page as moderators see it. A URL off the site's origins (stored before
/// they were checked, or since the origins changed) is left out: the
/// dashboard would link to it.
pub fn page_info(site: &Site, key: &str, page: Option<Page>) -> PageInfo {
    let page = page.unwrap_or_else(|| Page {
        id: 0,
        key: key.to_owned(),
        title: None,
        url: None,
        locked: false,
    });
    PageInfo {
        key: key.to_owned(),
        url: page.url.filter(|u| site.owns_url(u)),
        title: page.title,
        locked: page.locked,
    }
}

/// Sets the title and link a page shows in the dashboard, which its first
/// commenter gave.
pub async fn edit_page(
    State(state): State<AppState>,
    m: Moderator,
    AppPath(site_id): AppPath<i64>,
    AppJson(req): AppJson<PageEdit>,
) -> Result<Json<PageInfo>> {
    let site = own_site(&state, &m, site_id).await?;
    let key = PageKey::parse(&req.page).map_err(|msg| Error::invalid("page", msg))?;
    let title = input::plain_line("title", req.title.as_deref(), input::TITLE_MAX)?;
    let url = input::http_url("url", req.url.as_deref(), input::URL_MAX)?;
    if url.as_deref().is_some_and(|u| !site.owns_url(u)) {
        return Err(Error::invalid(
            "url",
            "must be on one of the site's origins",
        ));
    }
    let before = state.store.page(site.id, key.as_str()).await?;
    state
        .store
        .set_page_info(site.id, key.as_str(), title.as_deref(), url.as_deref())
        .await?;
    let shown = |p: Option<&Page>| serde_json::json!({ "title": p.and_then(|p| p.title.clone()), "url": p.and_then(|p| p.url.clone()) });
    let after = state.store.page(site.id, key.as_str()).await?;
    record(
        &state,
        &m.actor(),
        site.id,
        "page",
        format!("page:{key}"),
        Some(shown(before.as_ref())),
        Some(shown(after.as_ref())),
    )
    .await?;
    Ok(Json(page_info(&site, key.as_str(), after)))
}

pub async fn bans(
    State(state): State<AppState>,
    m: Moderator,
    AppPath(site_id): AppPath<i64>,
) -> Result<Json<Vec<Ban>>> {
    let site = own_site(&state, &m, site_id).await?;
    let rows = state.store.bans(site.id).await?;
    Ok(Json(
        rows.into_iter().map(store::BanRow::into_api).collect(),
    ))
}

pub async fn ban(
    State(state): State<AppState>,
    m: Moderator,
    AppPath(site_id): AppPath<i64>,
    AppJson(req): AppJson<NewBan>,
) -> Result<(StatusCode, Json<Ban>)> {
    let site = own_site(&state, &m, site_id).await?;
    let kind = req
        .kind
        .ok_or_else(|| Error::invalid("kind", "kind is email, ip or author"))?;
    let value = match (req.value.as_deref(), req.comment) {
        (Some(v), None) => input::plain_line("value", Some(v), 256)?
            .ok_or_else(|| Error::invalid("value", "value is empty"))?,
        (None, Some(id)) => {
            let c = match state.store.admin_comment(id).await? {
                Some(c) if c.site_id == site.id => c,
                _ => return Err(Error::forbidden("not a comment of this site")),
            };
            match kind {
                BanKind::Email => c
                    .email
                    .ok_or_else(|| Error::invalid("comment", "that comment has no e-mail"))?,
                BanKind::Ip => c.ip_hash,
                BanKind::Author => c.voter_hash,
            }
        }
        _ => return Err(Error::invalid("value", "give either value or comment")),
    };
    let value = if kind == BanKind::Email {
        value.to_lowercase()
    } else {
        value
    };
    let reason = input::plain_line("reason", req.reason.as_deref(), 500)?;
    let now = now_ms();
    let expires = match req.expires_in_secs {
        None => None,
        Some(secs) if secs > 0 && secs <= 100 * 365 * 86_400 => {
            Some(now + i64::try_from(secs * 1000).unwrap_or(i64::MAX))
        }
        Some(_) => return Err(Error::invalid("expires_in_secs", "1 second to 100 years")),
    };
    let row = state
        .store
        .add_ban(&store::NewBan {
            site_id: site.id,
            kind,
            value,
            reason,
            expires,
            now_ms: now,
        })
        .await?;
    let ban = row.into_api();
    let after = serde_json::to_value(&ban).ok();
    record(
        &state,
        &m.actor(),
        site.id,
        "ban",
        format!("ban:{}", ban.id),
        None,
        after,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(ban)))
}

pub async fn unban(
    State(state): State<AppState>,
    m: Moderator,
    AppPath((site_id, id)): AppPath<(i64, i64)>,
) -> Result<StatusCode> {
    let site = own_site(&state, &m, site_id).await?;
    let row = state
        .store
        .remove_ban(site.id, id)
        .await?
        .ok_or_else(|| Error::not_found("no such ban"))?;
    let before = serde_json::to_value(row.into_api()).ok();
    record(
        &state,
        &m.actor(),
        site.id,
        "unban",
        format!("ban:{id}"),
        before,
        None,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn settings(
    State(state): State<AppState>,
    m: Moderator,
    AppPath(site_id): AppPath<i64>,
) -> Result<Json<SiteSettings>> {
    let site = own_site(&state, &m, site_id).await?;
    Ok(Json(moderation::settings(&site)))
}

pub async fn set_settings(
    State(state): State<AppState>,
    m: Moderator,
    AppPath(site_id): AppPath<i64>,
    AppJson(req): AppJson<SiteSettings>,
) -> Result<Json<SiteSettings>> {
    let site = own_site(&state, &m, site_id).await?;
    let new = SiteSettings {
        ban_mode: req.ban_mode,
        blocked_words: word_list("blocked_words", &req.blocked_words)?,
        suspect_words: word_list("suspect_words", &req.suspect_words)?,
    };
    let before = moderation::settings(&site);
    // Other keys of the settings object belong to other features: keep them.
    let mut stored = match site.settings.clone() {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    if let serde_json::Value::Object(ours) =
        serde_json::to_value(&new).map_err(anyhow::Error::from)?
    {
        stored.extend(ours);
    }
    state
        .store
        .set_site_settings(site.id, &serde_json::Value::Object(stored).to_string())
        .await?;
    state.bus.sites_changed().await;
    record(
        &state,
        &m.actor(),
        site.id,
        "settings",
        "settings".into(),
        serde_json::to_value(&before).ok(),
        serde_json::to_value(&new).ok(),
    )
    .await?;
    Ok(Json(new))
}

pub fn word_list(field: &'static str, words: &[String]) -> Result<Vec<String>> {
    if words.len() > MAX_WORDS {
        return Err(Error::invalid(
            field,
            format!("at most {MAX_WORDS} entries"),
        ));
    }
    let mut out = Vec::with_capacity(words.len());
    for w in words {
        if let Some(w) = input::plain_line(field, Some(w), MAX_WORD_CHARS)? {
            out.push(w);
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    before: Option<i64>,
    limit: Option<i64>,
}

pub async fn audit(
    State(state): State<AppState>,
    m: Moderator,
    AppPath(site_id): AppPath<i64>,
    AppQuery(q): AppQuery<AuditQuery>,
) -> Result<Json<AuditLog>> {
    let site = own_site(&state, &m, site_id).await?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(Error::invalid("limit", "limit is 1 to 200"));
    }
    let rows = state.store.audit_log(site.id, q.before, limit).await?;
    let next_before = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    Ok(Json(AuditLog {
        entries: rows.into_iter().map(store::AuditRow::into_api).collect(),
        next_before,
    }))
}

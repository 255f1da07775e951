//! Moderator sessions: a random cookie whose hash, with the session's CSRF
//! token, lives in the database, so any instance can serve any moderator.
//! The cookie is `HttpOnly` and `SameSite=Strict`, `Secure` (and named
//! `__Host-...`) under https; a session ends after `session_idle_secs`
//! without a request, or at logout.

use std::time::Instant;

use axum::{
    extract::{FromRequestParts, State},
    http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use confab_api::admin::{AdminSite, Login, Session};
use sha2::{Digest, Sha256};

use crate::{
    domain::{redirect, secrets},
    http::{client::Client, extract::AppJson},
    moderation::{passwords, Actor},
    store::now_ms,
    AppState, Error, Result,
};

pub const CSRF_HEADER: &str = "x-csrf-token";
/// Sessions are touched at most this often, to spare the database a write
/// per request.
const TOUCH_EVERY_MS: i64 = 60_000;

/// A logged-in moderator. On state-changing methods the extractor also
/// checks the CSRF token, so a handler that takes one is protected.
pub struct Moderator {
    pub id: i64,
    pub email: String,
    pub sites: Vec<i64>,
    pub csrf: String,
}

impl Moderator {
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id,
            email: self.email.clone(),
        }
    }

    /// 403 unless the site is one of the moderator's. Unknown ids get the
    /// same answer, so ids of other tenants cannot be probed.
    pub fn check_site(&self, site_id: i64) -> Result<()> {
        if self.sites.contains(&site_id) {
            Ok(())
        } else {
            Err(Error::forbidden("not one of your sites"))
        }
    }

    /// The sites a listing covers: the one asked for, or all of theirs.
    pub fn scope(&self, site: Option<i64>) -> Result<Vec<i64>> {
        match site {
            Some(id) => self.check_site(id).map(|()| vec![id]),
            None => Ok(self.sites.clone()),
        }
    }
}

impl FromRequestParts<AppState> for Moderator {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let token = cookie(&parts.headers, cookie_name(state))
            .ok_or_else(|| Error::unauthorized("log in first"))?;
        let hash = secrets::token_hash(token);
        let now = now_ms();
        let idle_ms = i64::try_from(state.config.session_idle_secs * 1000).unwrap_or(i64::MAX);
        let session = state
            .store
            .session(&hash, now.saturating_sub(idle_ms))
            .await?
            .ok_or_else(|| Error::unauthorized("your session has ended; log in again"))?;
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !same_secret(sent, &session.csrf) {
                return Err(Error::forbidden("missing or wrong X-CSRF-Token"));
            }
        }
        if now - session.last_seen > TOUCH_EVERY_MS {
            state.store.touch_session(&hash, now).await?;
        }
        Ok(Self {
            id: session.moderator_id,
            sites: state.store.moderator_site_ids(session.moderator_id).await?,
            email: session.email,
            csrf: session.csrf,
        })
    }
}

/// Compares secrets through their hashes, so the time taken says nothing
/// about how much of a guess was right.
fn same_secret(a: &str, b: &str) -> bool {
    !a.is_empty() && Sha256::digest(a) == Sha256::digest(b)
}

fn cookie_name(state: &AppState) -> &'static str {
    if state.config.secure_cookies() {
        "__Host-confab_admin"
    } else {
        "confab_admin"
    }
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name && !v.is_empty()).then_some(v)
        })
}

fn set_cookie(state: &AppState, value: &str, max_age: Option<u64>) -> HeaderValue {
    let mut c = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict",
        cookie_name(state)
    );
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if state.config.secure_cookies() {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub async fn login(
    State(state): State<AppState>,
    client: Client,
    AppJson(login): AppJson<Login>,
) -> Result<Response> {
    let email = login.email.trim().to_lowercase();
    let limits = &state.config.limits;
    let ip_key = format!("ip:{}", client.ip_hash);
    let now = Instant::now();
    // Checked before the password, so that a limited caller learns nothing,
    // not even that a guess was right. Counted as a failure at once, so that
    // guesses sent all together cannot all pass before the first one fails.
    // Per IP a hard limit; per e-mail a growing wait, which spares
    // addresses that logged in before (see `login_delays.rs`).
    let limited = |retry_after_secs| Error::RateLimited { retry_after_secs };
    state
        .logins
        .hit(&ip_key, limits.login_failures_per_ip, now)
        .map_err(limited)?;
    let attempt = match state
        .login_delays
        .attempt(client.ip, &email, limits.login_delays(), now)
    {
        Ok(attempt) => attempt,
        Err(secs) => {
            // Waiting out a delay someone else caused costs this address nothing.
            state.logins.uncount(&ip_key);
            return Err(limited(secs));
        }
    };
    let moderator = state.store.moderator_by_email(&email).await?;
    let stored = moderator.as_ref().and_then(|m| m.password_hash.clone());
    let ok = passwords::verify(login.password, stored).await?;
    let moderator = match moderator {
        Some(m) if ok && m.password_hash.is_some() => m,
        _ => {
            let policy = limits.login_delays();
            state.login_delays.failed(attempt, policy, Instant::now());
            return Err(Error::unauthorized("wrong e-mail or password"));
        }
    };
    // It was not a failure after all.
    state.login_delays.succeeded(attempt, Instant::now());
    state.logins.uncount(&ip_key);
    let (token, hash) = secrets::new_token();
    let csrf = secrets::new_token().0;
    state
        .store
        .add_session(&hash, moderator.id, &csrf, now_ms())
        .await?;
    let session = describe(
        &state,
        Moderator {
            id: moderator.id,
            sites: state.store.moderator_site_ids(moderator.id).await?,
            email: moderator.email,
            csrf,
        },
        redirect::same_origin_path(login.next.as_deref()),
    )
    .await?;
    let mut response = Json(session).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, set_cookie(&state, &token, None));
    no_store(response.headers_mut());
    Ok(response)
}

pub async fn logout(
    State(state): State<AppState>,
    _moderator: Moderator,
    headers: HeaderMap,
) -> Result<Response> {
    if let Some(token) = cookie(&headers, cookie_name(&state)) {
        state
            .store
            .remove_session(&secrets::token_hash(token))
            .await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, set_cookie(&state, "", Some(0)));
    Ok(response)
}

pub async fn current(State(state): State<AppState>, moderator: Moderator) -> Result<Response> {
    let mut response = Json(describe(&state, moderator, "/admin").await?).into_response();
    no_store(response.headers_mut());
    Ok(response)
}

async fn describe(state: &AppState, m: Moderator, next: &str) -> Result<Session> {
    Ok(Session {
        sites: sites_of(state, &m.sites).await?,
        email: m.email,
        csrf_token: m.csrf,
        next: next.to_owned(),
    })
}

pub async fn sites_of(state: &AppState, ids: &[i64]) -> Result<Vec<AdminSite>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(s) = state.store.site_by_id(*id).await? {
            out.push(AdminSite {
                id: s.id,
                slug: s.slug,
                name: s.name,
                moderation: s.moderation.to_string(),
            });
        }
    }
    Ok(out)
}

/// Answers that carry a CSRF token must not sit in any cache.
fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; confab_admin=tok; b=2"),
        );
        assert_eq!(cookie(&h, "confab_admin"), Some("tok"));
        assert_eq!(cookie(&h, "__Host-confab_admin"), None);
    }

    #[test]
    fn an_empty_csrf_token_never_matches() {
        assert!(!same_secret("", ""));
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abd", "abc"));
    }
}

//! Extractors that turn every rejection into our error shape, and the small
//! facts about the caller that several routes need.

use axum::{
    extract::{FromRequest, FromRequestParts},
    http::{header, request::Parts, HeaderMap},
};

use crate::{error::Error, store::Site, AppState, Result};

/// `Json<T>`, but a bad body answers `{"error":{"code":"invalid_json",...}}`
/// (or 413 / 415) instead of axum's plain text.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(Error))]
pub struct AppJson<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(Error))]
pub struct AppQuery<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(Error))]
pub struct AppPath<T>(pub T);

/// The `Origin` header, when the browser sent one. Requests without it (curl,
/// servers) are not cross-site requests and pass every origin check.
pub struct Origin(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Origin {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self> {
        match parts.headers.get(header::ORIGIN) {
            None => Ok(Self(None)),
            Some(v) => match v.to_str() {
                Ok(s) => Ok(Self(Some(s.to_owned()))),
                Err(_) => Err(Error::origin_not_allowed()),
            },
        }
    }
}

impl Origin {
    pub fn check(&self, site: &Site) -> Result<()> {
        match &self.0 {
            Some(origin) if !site.allows_origin(origin) => Err(Error::origin_not_allowed()),
            _ => Ok(()),
        }
    }
}

/// Loads a site by slug and checks the caller's origin against it: the
/// prelude of every `/sites/{site}/...` route.
pub async fn site(state: &AppState, slug: &str, origin: &Origin) -> Result<Site> {
    // Slugs are short and plain; anything else cannot name a site, and need
    // not reach the database.
    let plausible = (1..=64).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if !plausible {
        return Err(Error::site_not_found());
    }
    let site = state
        .store
        .site(slug)
        .await?
        .ok_or_else(Error::site_not_found)?;
    origin.check(&site)?;
    Ok(site)
}

/// The edit token from `Authorization: Bearer ...`.
pub fn bearer(headers: &HeaderMap) -> Result<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            Error::client(
                axum::http::StatusCode::UNAUTHORIZED,
                confab_api::ErrorCode::Unauthorized,
                "this needs the comment's edit token as a bearer token",
            )
        })
}

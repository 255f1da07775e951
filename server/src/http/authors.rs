//! `POST /api/v1/authors`: issues an author token, the identity a reader
//! votes and posts under (`X-Confab-Author`). The server signs it, so that a
//! client cannot mint voters; see `domain/author_token.rs`.

use std::time::Instant;

use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use confab_api::{AuthorToken, ErrorBody};

use super::{client::Address, extract::Origin};
use crate::{domain::author_token, AppState, Error, Result};

#[utoipa::path(
    post,
    path = "/api/v1/authors",
    tag = "votes",
    responses(
        (status = 201, description = "A new token for `X-Confab-Author`", body = AuthorToken),
        (status = 403, description = "`origin_not_allowed`: no site allows this origin", body = ErrorBody),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = ErrorBody),
    )
)]
pub async fn issue(
    State(state): State<AppState>,
    origin: Origin,
    Address(ip_hash): Address,
) -> Result<Response> {
    // Any of the sites' pages may ask (CORS lets only those read the
    // answer anyway); requests without an Origin are not cross-site.
    if let Some(o) = &origin.0 {
        if !state.store.origin_known(o).await? {
            return Err(Error::origin_not_allowed());
        }
    }
    let limit = state.config.limits.author_tokens_per_hour_ip;
    state
        .authors
        .hit(&ip_hash, limit, Instant::now())
        .map_err(|retry_after_secs| Error::RateLimited { retry_after_secs })?;
    let token = author_token::issue(&state.signing_key);
    let mut response = (StatusCode::CREATED, Json(AuthorToken { token })).into_response();
    // A credential: no shared cache may keep it for the next reader.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

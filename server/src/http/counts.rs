//! `POST /api/v1/sites/{site}/counts`: comment counts for a list of pages,
//! for "12 comments" links on index pages.

use std::collections::BTreeMap;

use axum::{extract::State, Json};
use confab_api::{Counts, CountsRequest, ErrorBody};

use super::extract::{self, AppJson, AppPath, Origin};
use crate::{domain::PageKey, AppState, Error, Result};

#[utoipa::path(
    post,
    path = "/api/v1/sites/{site}/counts",
    tag = "comments",
    params(("site" = String, Path, description = "Site slug")),
    request_body(content = CountsRequest),
    responses(
        (status = 200, description = "Keyed by the page keys as sent", body = Counts),
        (status = 400, description = "`invalid_json` or `bad_request`", body = ErrorBody),
        (status = 403, description = "`origin_not_allowed`", body = ErrorBody),
        (status = 404, description = "`site_not_found`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`validation`: too many pages or a bad page key", body = ErrorBody),
    )
)]
pub async fn counts(
    State(state): State<AppState>,
    AppPath(slug): AppPath<String>,
    origin: Origin,
    AppJson(req): AppJson<CountsRequest>,
) -> Result<Json<Counts>> {
    let site = extract::site(&state, &slug, &origin).await?;
    let max = state.config.limits.count_pages;
    if req.pages.len() > max {
        return Err(Error::invalid(
            "pages",
            format!("at most {max} pages at once"),
        ));
    }
    // Answer under the keys the client sent, however they normalise.
    let mut keys = Vec::with_capacity(req.pages.len());
    for raw in &req.pages {
        let key = PageKey::parse(raw).map_err(|m| Error::invalid("pages", m))?;
        keys.push((raw.clone(), key.to_string()));
    }
    let normalised: Vec<String> = keys.iter().map(|(_, k)| k.clone()).collect();
    let found: BTreeMap<String, i64> = state
        .store
        .counts(site.id, &normalised)
        .await?
        .into_iter()
        .collect();
    let counts = keys
        .into_iter()
        .map(|(raw, key)| (raw, found.get(&key).copied().unwrap_or(0)))
        .collect();
    Ok(Json(Counts { counts }))
}

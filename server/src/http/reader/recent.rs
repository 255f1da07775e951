//! `GET /api/v1/sites/{site}/recent`: the site's latest published comments
//! across its pages, for sidebars and home pages (`recent.js`) and for the
//! site's Atom feed.

use std::collections::HashMap;

use axum::{extract::State, http::HeaderMap, response::Response};
use confab_api::{CommentStatus, ErrorBody, Recent, RecentComment};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    domain::visible,
    encoded::Encoded,
    http::{
        extract::{self, AppPath, AppQuery, Origin},
        thread,
    },
    store::{rfc3339, Page, Search, Site},
    AppState, Error, Result,
};

/// The most a list holds.
pub const MAX: i64 = 50;
/// Characters of text an excerpt keeps.
const EXCERPT_CHARS: usize = 160;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecentQuery {
    /// How many, 1 to 50; 10 when absent.
    limit: Option<i64>,
}

/// A recent comment, and its whole HTML for the feed.
pub struct Latest {
    pub comment: RecentComment,
    pub html: String,
    /// Unix milliseconds.
    pub created: i64,
    pub edited: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/api/v1/sites/{site}/recent",
    tag = "comments",
    params(("site" = String, Path, description = "Site slug"), RecentQuery),
    responses(
        (status = 200, description = "The latest published comments, newest first", body = Recent, headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag"),
        (status = 400, description = "`bad_request`: a bad query", body = ErrorBody),
        (status = 403, description = "`origin_not_allowed`", body = ErrorBody),
        (status = 404, description = "`site_not_found`", body = ErrorBody),
        (status = 422, description = "`validation`: a limit out of range", body = ErrorBody),
    )
)]
pub async fn recent(
    State(state): State<AppState>,
    AppPath(slug): AppPath<String>,
    AppQuery(q): AppQuery<RecentQuery>,
    origin: Origin,
    headers: HeaderMap,
) -> Result<Response> {
    let site = extract::site(&state, &slug, &origin).await?;
    let limit = q.limit.unwrap_or(10);
    if !(1..=MAX).contains(&limit) {
        return Err(Error::invalid("limit", format!("limit is 1 to {MAX}")));
    }
    let comments = latest(&state, &site, None, limit)
        .await?
        .into_iter()
        .map(|l| l.comment)
        .collect();
    let body = serde_json::to_vec(&Recent { comments }).map_err(anyhow::Error::from)?;
    Ok(thread::respond(
        &Encoded::plain(body),
        &headers,
        "application/json",
    ))
}

/// The `limit` latest published comments of `site`, or of its `page` alone,
/// newest first, with their pages' titles and addresses.
pub async fn latest(
    state: &AppState,
    site: &Site,
    page: Option<&Page>,
    limit: i64,
) -> Result<Vec<Latest>> {
    let rows = state
        .store
        .search(&Search {
            site_ids: vec![site.id],
            statuses: vec![CommentStatus::Approved],
            page: page.map(|p| p.key.clone()),
            limit,
            ..Search::default()
        })
        .await?;
    // A list holds a few pages at most: one lookup each, none for the page
    // the caller already has.
    let mut pages: HashMap<String, Option<Page>> = page
        .map(|p| (p.key.clone(), Some(p.clone())))
        .into_iter()
        .collect();
    for row in &rows {
        if !pages.contains_key(&row.page) {
            let page = state.store.page(site.id, &row.page).await?;
            pages.insert(row.page.clone(), page);
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let page = pages.get(&row.page).and_then(Option::as_ref);
            let comment = RecentComment {
                id: row.id,
                title: page.and_then(|p| p.title.clone()),
                // Only the site's own addresses are links anyone follows.
                url: page
                    .and_then(|p| p.url.clone())
                    .filter(|u| site.owns_url(u)),
                page: row.page,
                author: row.author,
                excerpt: visible::excerpt(&row.html, EXCERPT_CHARS),
                created: rfc3339(row.created),
            };
            Latest {
                comment,
                html: row.html,
                created: row.created,
                edited: row.edited,
            }
        })
        .collect())
}

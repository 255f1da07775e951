//! `GET /api/v1/sites/{site}/thread`: the comments of a page, nested, one
//! page of top-level comments (or of one comment's replies) at a time,
//! served from the thread cache.

use std::sync::Arc;

use axum::{
    extract::State,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use confab_api::{ErrorBody, ErrorCode, Sort, Thread};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{
    encoding,
    extract::{self, AppPath, AppQuery, Origin},
};
use crate::{
    cache::{self, Encoded},
    domain::{
        cursor::{ReplyKey, SortKey},
        tree, PageKey,
    },
    AppState, Error, Result,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThreadQuery {
    /// The page key: a URL path (`/blog/post`) or an id (`post-42`).
    page: String,
    /// `oldest` (default), `newest` or `top`; pinned comments lead in all.
    sort: Option<String>,
    /// `next_cursor` from the previous page; with `parent`, that
    /// comment's `replies_cursor` or the previous page's `next_cursor`.
    cursor: Option<String>,
    /// Top-level comments per page; with `parent`, replies per page.
    limit: Option<usize>,
    /// The id of a comment on the page: answers its next replies instead
    /// of top-level comments (oldest first, whatever `sort`).
    parent: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/api/v1/sites/{site}/thread",
    tag = "comments",
    params(("site" = String, Path, description = "Site slug"), ThreadQuery),
    responses(
        (status = 200, description = "The thread", body = Thread, headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag"),
        (status = 400, description = "`bad_request`: a bad cursor or query", body = ErrorBody),
        (status = 404, description = "`site_not_found`, or `parent_not_found`: `parent` is not shown on the page", body = ErrorBody),
        (status = 403, description = "`origin_not_allowed`", body = ErrorBody),
        (status = 422, description = "`validation`: bad page key, sort or limit", body = ErrorBody),
    )
)]
pub async fn get_thread(
    State(state): State<AppState>,
    AppPath(slug): AppPath<String>,
    AppQuery(q): AppQuery<ThreadQuery>,
    origin: Origin,
    headers: HeaderMap,
) -> Result<Response> {
    let site = extract::site(&state, &slug, &origin).await?;
    let limits = &state.config.limits;
    let wanted = q.wanted(limits)?;
    let (page_id, variant) = wanted.cache_key(&site.slug, &q);
    let cacheable = wanted.cacheable(limits);
    let Wanted {
        key, slice, limit, ..
    } = wanted;
    let encoded = cached(&state, page_id, variant, cacheable, || async {
        Ok(match load(&state, site.id, &key, slice, limit).await? {
            Some(thread) => Made::Page(serde_json::to_vec(&thread).map_err(anyhow::Error::from)?),
            None => Made::Unknown(serde_json::to_vec(&empty(&key)).map_err(anyhow::Error::from)?),
        })
    })
    .await?;
    Ok(respond(&encoded, &headers, JSON))
}

pub const JSON: &str = "application/json";

/// What a thread query asks for, checked.
pub struct Wanted {
    key: PageKey,
    sort: Sort,
    limit: usize,
    slice: tree::Slice,
}

impl ThreadQuery {
    /// Parses a raw query string as the handler's extractor does.
    pub fn from_query(query: &str) -> Option<Self> {
        serde_urlencoded::from_str(query).ok()
    }

    pub fn wanted(&self, limits: &crate::config::Limits) -> Result<Wanted> {
        let key = PageKey::parse(&self.page).map_err(|m| Error::invalid("page", m))?;
        let sort = match self.sort.as_deref() {
            None | Some("oldest") => Sort::Oldest,
            Some("newest") => Sort::Newest,
            Some("top") => Sort::Top,
            Some(_) => return Err(Error::invalid("sort", "sort is oldest, newest or top")),
        };
        let limit = self.limit.unwrap_or(limits.page_size);
        if !(1..=limits.max_page_size).contains(&limit) {
            return Err(Error::invalid(
                "limit",
                format!("limit is 1 to {}", limits.max_page_size),
            ));
        }
        let slice = slice(self.cursor.as_deref(), self.parent, sort)?;
        Ok(Wanted {
            key,
            sort,
            limit,
            slice,
        })
    }

    /// Where a cached answer to this query is kept, when answers for its
    /// `limit` are kept at all: the handler and the cached-read fast path
    /// (`http/fast.rs`) look in the same place.
    pub fn cached_at(
        &self,
        site: &str,
        limits: &crate::config::Limits,
    ) -> Option<(cache::PageId, cache::Variant)> {
        let wanted = self.wanted(limits).ok()?;
        wanted
            .cacheable(limits)
            .then(|| wanted.cache_key(site, self))
    }
}

impl Wanted {
    /// Whether answers for this `limit` are cached: any other limit would
    /// be one more copy of the page in memory.
    fn cacheable(&self, limits: &crate::config::Limits) -> bool {
        cache::caches_limit(self.limit, limits.page_size)
    }

    fn cache_key(&self, site: &str, q: &ThreadQuery) -> (cache::PageId, cache::Variant) {
        let page_id = (site.to_owned(), self.key.to_string());
        let variant = (
            "json",
            self.sort.as_str(),
            q.cursor.clone(),
            self.limit,
            q.parent,
        );
        (page_id, variant)
    }
}

/// A response to cache, or one for a page without comments, which is not
/// cached: random page keys must cost no memory.
pub enum Made {
    Page(Vec<u8>),
    Unknown(Vec<u8>),
}

/// The `variant` of `page_id` from the thread cache, or else made by `make`
/// and, when `cacheable`, compressed once (off the async workers) and
/// stored, rather than compressed per read. Every form of a page's thread
/// (JSON, HTML, Atom) goes through here, so one write drops them all.
pub async fn cached<F, Fut>(
    state: &AppState,
    page_id: cache::PageId,
    variant: cache::Variant,
    cacheable: bool,
    make: F,
) -> Result<Arc<Encoded>>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Made>>,
{
    let ticket = match cacheable.then(|| state.threads.get(&page_id, &variant)) {
        Some(Ok(hit)) => return Ok(hit),
        Some(Err(ticket)) => Some(ticket),
        None => None,
    };
    let (body, ticket) = match (make().await?, ticket) {
        (Made::Page(body), Some(ticket)) => (body, ticket),
        (Made::Page(body) | Made::Unknown(body), _) => return Ok(Arc::new(Encoded::plain(body))),
    };
    let encoded = tokio::task::spawn_blocking(move || Encoded::compressed(body))
        .await
        .map_err(anyhow::Error::from)?
        .map_err(anyhow::Error::from)?;
    let encoded = Arc::new(encoded);
    state.threads.put(page_id, variant, ticket, encoded.clone());
    Ok(encoded)
}

/// Which comments the query asks for: a page of top-level ones, or the
/// next replies of one comment.
pub fn slice(cursor: Option<&str>, parent: Option<i64>, sort: Sort) -> Result<tree::Slice> {
    let cursor = cursor.filter(|c| !c.is_empty());
    let bad_cursor = || Error::bad_request("invalid cursor").with_field("cursor");
    Ok(match parent {
        None => tree::Slice::Top {
            sort,
            after: cursor
                .map(|c| SortKey::decode(c, sort).ok_or_else(bad_cursor))
                .transpose()?,
        },
        Some(parent) => tree::Slice::Replies {
            parent,
            after: cursor
                .map(|c| ReplyKey::decode(c).ok_or_else(bad_cursor))
                .transpose()?,
        },
    })
}

/// The thread of a page without comments: pages come into being with their
/// first comment.
pub fn empty(key: &PageKey) -> Thread {
    Thread {
        page: key.to_string(),
        total: 0,
        locked: Some(false),
        comments: Vec::new(),
        next_cursor: None,
    }
}

/// The thread, or none when the page has no comments yet.
pub async fn load(
    state: &AppState,
    site_id: i64,
    key: &PageKey,
    slice: tree::Slice,
    limit: usize,
) -> Result<Option<Thread>> {
    let parent_not_found = || {
        Error::client(
            StatusCode::NOT_FOUND,
            ErrorCode::ParentNotFound,
            "no such comment is shown on this page",
        )
        .with_field("parent")
    };
    let Some(page) = state.store.page(site_id, key.as_str()).await? else {
        if let tree::Slice::Replies { .. } = slice {
            return Err(parent_not_found());
        }
        return Ok(None);
    };
    let rows = state.store.thread_rows(page.id).await?;
    let built = tree::build(
        rows.into_iter().map(|r| r.into_flat()).collect(),
        slice,
        limit,
        state.config.limits.nested_limit,
    )
    .ok_or_else(parent_not_found)?;
    Ok(Some(Thread {
        page: key.to_string(),
        total: built.total,
        locked: Some(page.locked),
        comments: built.comments,
        next_cursor: built.next,
    }))
}

/// The coding of `encoded` the client prefers, or a `304` when its copy is
/// current. Every coding carries the same ETag, and `Vary` tells caches
/// between that the bytes depend on `Accept-Encoding`.
pub fn respond(encoded: &Encoded, headers: &HeaderMap, content_type: &'static str) -> Response {
    // Revalidate every time: the ETag makes that a cheap 304.
    let mut out = HeaderMap::with_capacity(6);
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(etag) = HeaderValue::from_str(&encoded.etag) {
        out.insert(header::ETAG, etag);
    }
    if encoding::etag_matches(headers, &encoded.etag) {
        return (StatusCode::NOT_MODIFIED, out).into_response();
    }
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let (body, coding) = encoded.pick(encoding::preferred(headers));
    if let Some(coding) = coding.header() {
        out.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    (out, body.clone()).into_response()
}

//! The thread without JavaScript: as an HTML fragment for articles and
//! crawlers, as a full page with a form that posts, and as Atom feeds, plus
//! the site's recent comments. Each reads the thread the JSON API reads,
//! through the same cache, and posts through the same posting service.

mod feeds;
mod form;
mod fragment;
mod links;
mod page;
pub mod recent;
mod shell;

use axum::{
    extract::State,
    http::{header, HeaderMap},
    response::Response,
    routing::get,
    Router,
};
use confab_api::{ErrorBody, Sort};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    extract::{self, AppPath, AppQuery, Origin},
    thread::{self, Made},
};
use crate::{
    domain::{
        texts::{self, Lang},
        PageKey,
    },
    store::Site,
    AppState, Error, Result,
};
use links::Links;

/// The documented routes, which join the API's in its OpenAPI document.
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(thread_html))
        .routes(routes!(feeds::page_feed))
        .routes(routes!(feeds::recent_feed))
        .routes(routes!(recent::recent))
}

/// The full page, which is for people, not for API clients.
pub fn router() -> Router<AppState> {
    Router::new().route("/t/{site}", get(page::show).post(page::post))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HtmlQuery {
    /// The page key, as for the JSON thread.
    page: String,
    /// `next_cursor` of the page before (the `rel="next"` link's).
    cursor: Option<String>,
    /// A comment whose further replies to show instead of the top level.
    parent: Option<i64>,
    /// A language code (`de`, `pt-BR`); else `Accept-Language` decides.
    lang: Option<String>,
    /// `reader` (default), or `widget`: the stand-in `/embed.js` shows
    /// while the widget loads, with the widget's header and form, inert.
    view: Option<String>,
}

impl HtmlQuery {
    /// Parses a raw query string as the handler's extractor does.
    pub fn from_query(query: &str) -> Option<Self> {
        serde_urlencoded::from_str(query).ok()
    }

    /// The page, whether `view` asks for the widget's stand-in, and which
    /// comments: checked.
    fn wanted(&self) -> Result<(PageKey, bool, crate::domain::tree::Slice)> {
        let key = PageKey::parse(&self.page).map_err(|m| Error::invalid("page", m))?;
        let widget = match self.view.as_deref() {
            None | Some("reader") => false,
            Some("widget") => true,
            Some(_) => return Err(Error::invalid("view", "view is reader or widget")),
        };
        let slice = thread::slice(self.cursor.as_deref(), self.parent, Sort::Oldest)?;
        Ok((key, widget, slice))
    }

    fn cache_key(
        &self,
        site: &str,
        key: &PageKey,
        widget: bool,
        lang: &'static Lang,
        limit: usize,
    ) -> (crate::cache::PageId, crate::cache::Variant) {
        let view = if widget { "widget" } else { "oldest" };
        let variant = (lang.t.lang, view, self.cursor.clone(), limit, self.parent);
        ((site.to_owned(), key.to_string()), variant)
    }

    /// Where the cached fragment for this query is kept, for a reader whose
    /// headers are `headers`: the handler and the cached-read fast path
    /// (`http/fast.rs`) look in the same place.
    pub fn cached_at(
        &self,
        site: &str,
        headers: &HeaderMap,
        limit: usize,
    ) -> Option<(crate::cache::PageId, crate::cache::Variant)> {
        let (key, widget, _) = self.wanted().ok()?;
        let lang = language(self.lang.as_deref(), headers);
        Some(self.cache_key(site, &key, widget, lang, limit))
    }
}

#[utoipa::path(
    get,
    path = "/sites/{site}/thread.html",
    tag = "reading",
    params(("site" = String, Path, description = "Site slug"), HtmlQuery),
    responses(
        (status = 200, description = "The thread as an HTML fragment, in the widget's markup, with schema.org `Comment` microdata", content_type = "text/html", body = String, headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag"),
        (status = 400, description = "`bad_request`: a bad cursor or query", body = ErrorBody),
        (status = 403, description = "`origin_not_allowed`", body = ErrorBody),
        (status = 404, description = "`site_not_found`, or `parent_not_found`", body = ErrorBody),
        (status = 422, description = "`validation`: a bad page key or view", body = ErrorBody),
    )
)]
pub async fn thread_html(
    State(state): State<AppState>,
    AppPath(slug): AppPath<String>,
    AppQuery(q): AppQuery<HtmlQuery>,
    origin: Origin,
    headers: HeaderMap,
) -> Result<Response> {
    let site = extract::site(&state, &slug, &origin).await?;
    let lang = language(q.lang.as_deref(), &headers);
    let encoded = fragment_of(&state, &site, &q, lang).await?;
    Ok(by_language(thread::respond(&encoded, &headers, HTML)))
}

pub const HTML: &str = "text/html; charset=utf-8";

/// `response`, told to caches as depending on `Accept-Language` too: the
/// language may come from it.
pub fn by_language(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::VARY,
        header::HeaderValue::from_static("accept-encoding, accept-language"),
    );
    response
}

/// The fragment for `q` in `lang`, from the thread cache.
async fn fragment_of(
    state: &AppState,
    site: &Site,
    q: &HtmlQuery,
    lang: &'static Lang,
) -> Result<std::sync::Arc<crate::cache::Encoded>> {
    let (key, widget, slice) = q.wanted()?;
    let limit = state.config.limits.page_size;
    let (page_id, variant) = q.cache_key(&site.slug, &key, widget, lang, limit);
    thread::cached(state, page_id, variant, true, || async {
        let loaded = thread::load(state, site.id, &key, slice, limit).await?;
        let known = loaded.is_some();
        let shown = loaded.unwrap_or_else(|| thread::empty(&key));
        let links = Links {
            locked: shown.locked == Some(true),
            ..Links::new(state, &site.slug, key.as_str(), lang.t.lang)
        };
        let draw = fragment::Draw {
            lang,
            links: &links,
            widget,
        };
        let html = fragment::thread(&shown, draw).into_string().into_bytes();
        Ok(if known {
            Made::Page(html)
        } else {
            Made::Unknown(html)
        })
    })
    .await
}

/// The reader's language: `lang` when we speak it, else `Accept-Language`.
fn language(wanted: Option<&str>, headers: &HeaderMap) -> &'static Lang {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    texts::negotiate(wanted, accept)
}

//! Atom feeds: a page's latest comments (`feed.atom?page=KEY`) and the whole
//! site's (`recent.atom`). atom_syndication writes the XML and escapes
//! every value; a comment's sanitised HTML goes in as `type="html"`
//! content, escaped once more, as Atom wants.

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Person, Text};
use axum::{extract::State, http::HeaderMap, response::Response};
use confab_api::ErrorBody;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{by_language, language, recent, recent::Latest, Links};
use crate::{
    domain::{texts::Lang, visible, PageKey},
    encoded::Encoded,
    http::{
        extract::{self, AppPath, AppQuery, Origin},
        thread::{self, Made},
    },
    store::{rfc3339, Site},
    AppState, Error, Result,
};

/// Entries a feed holds: the latest.
const ENTRIES: i64 = 50;
const ATOM: &str = "application/atom+xml; charset=utf-8";

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// The page key; only for a page's feed.
    page: Option<String>,
    /// A language code for the feed's own words; else `Accept-Language`.
    lang: Option<String>,
}

#[utoipa::path(
    get,
    path = "/sites/{site}/feed.atom",
    tag = "reading",
    params(("site" = String, Path, description = "Site slug"), FeedQuery),
    responses(
        (status = 200, description = "The page's latest comments as Atom", content_type = "application/atom+xml", body = String, headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag"),
        (status = 400, description = "`bad_request`: a bad query", body = ErrorBody),
        (status = 403, description = "`origin_not_allowed`", body = ErrorBody),
        (status = 404, description = "`site_not_found`", body = ErrorBody),
        (status = 422, description = "`validation`: no page key, or a bad one", body = ErrorBody),
    )
)]
pub async fn page_feed(
    State(state): State<AppState>,
    AppPath(slug): AppPath<String>,
    AppQuery(q): AppQuery<FeedQuery>,
    origin: Origin,
    headers: HeaderMap,
) -> Result<Response> {
    let site = extract::site(&state, &slug, &origin).await?;
    let raw = q.page.as_deref().unwrap_or_default();
    let key = PageKey::parse(raw).map_err(|m| Error::invalid("page", m))?;
    let lang = language(q.lang.as_deref(), &headers);
    let page_id = (site.slug.clone(), key.to_string());
    let variant = ("atom", lang.t.lang, None, ENTRIES as usize, None);
    let encoded = thread::cached(&state, page_id, variant, true, || async {
        let page = state.store.page(site.id, key.as_str()).await?;
        let latest = match &page {
            Some(p) => recent::latest(&state, &site, Some(p), ENTRIES).await?,
            None => Vec::new(),
        };
        let title = page.as_ref().and_then(|p| p.title.as_deref());
        let links = Links::new(&state, &site.slug, key.as_str(), lang.t.lang);
        let feed = feed(
            lang,
            &links,
            &format!("{}: {}", lang.t.thread, title.unwrap_or(key.as_str())),
            &self_url(&state, &site, "feed.atom", Some(key.as_str())),
            &latest,
        );
        let body = feed.to_string().into_bytes();
        Ok(if page.is_some() {
            Made::Page(body)
        } else {
            Made::Unknown(body)
        })
    })
    .await?;
    Ok(by_language(thread::respond(&encoded, &headers, ATOM)))
}

#[utoipa::path(
    get,
    path = "/sites/{site}/recent.atom",
    tag = "reading",
    params(("site" = String, Path, description = "Site slug"), FeedQuery),
    responses(
        (status = 200, description = "The site's latest comments on every page as Atom", content_type = "application/atom+xml", body = String, headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag"),
        (status = 400, description = "`bad_request`: a bad query", body = ErrorBody),
        (status = 403, description = "`origin_not_allowed`", body = ErrorBody),
        (status = 404, description = "`site_not_found`", body = ErrorBody),
    )
)]
pub async fn recent_feed(
    State(state): State<AppState>,
    AppPath(slug): AppPath<String>,
    AppQuery(q): AppQuery<FeedQuery>,
    origin: Origin,
    headers: HeaderMap,
) -> Result<Response> {
    let site = extract::site(&state, &slug, &origin).await?;
    let lang = language(q.lang.as_deref(), &headers);
    let latest = recent::latest(&state, &site, None, ENTRIES).await?;
    let links = Links::new(&state, &site.slug, "", lang.t.lang);
    let title = format!("{}: {}", lang.t.thread, site.name);
    let self_url = self_url(&state, &site, "recent.atom", None);
    let body = feed(lang, &links, &title, &self_url, &latest).to_string();
    let encoded = Encoded::plain(body.into_bytes());
    Ok(by_language(thread::respond(&encoded, &headers, ATOM)))
}

/// This feed's own address.
fn self_url(state: &AppState, site: &Site, file: &str, page: Option<&str>) -> String {
    let base = format!("{}/sites/{}/{file}", state.config.public_url(), site.slug);
    match page {
        Some(key) => {
            let q = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("page", key)
                .finish();
            format!("{base}?{q}")
        }
        None => base,
    }
}

/// The feed of `latest`, newest first. Its `updated` is its newest
/// comment's, so an unchanged thread makes the same bytes and ETag.
fn feed(lang: &Lang, links: &Links, title: &str, self_url: &str, latest: &[Latest]) -> Feed {
    let entries: Vec<Entry> = latest.iter().map(|l| entry(lang, links, l)).collect();
    let updated = entries
        .iter()
        .map(|e| *e.updated())
        .max()
        .unwrap_or_else(|| time(0));
    let mut feed = Feed::default();
    feed.set_title(Text::plain(title));
    feed.set_id(self_url);
    feed.set_updated(updated);
    feed.set_lang(Some(lang.t.lang.to_owned()));
    feed.set_links(vec![link("self", self_url)]);
    feed.set_entries(entries);
    feed
}

/// One comment, linked on the full page of its own page.
fn entry(lang: &Lang, links: &Links, item: &Latest) -> Entry {
    let c = &item.comment;
    let permalink = format!("{}#confab-{}", links.of(&c.page).full(&[]), c.id);
    let name = if c.author.is_empty() {
        lang.t.anonymous
    } else {
        &c.author
    };
    let mut author = Person::default();
    author.set_name(name);
    let mut content = Content::default();
    content.set_content_type(Some("html".to_owned()));
    content.set_value(Some(item.html.clone()));
    let mut entry = Entry::default();
    entry.set_title(Text::plain(format!(
        "{name}: {}",
        visible::excerpt(&item.html, 60)
    )));
    entry.set_id(permalink.clone());
    entry.set_published(Some(time(item.created)));
    entry.set_updated(time(item.edited.unwrap_or(item.created)));
    entry.set_authors(vec![author]);
    entry.set_links(vec![link("alternate", &permalink)]);
    entry.set_content(Some(content));
    entry
}

fn link(rel: &str, href: &str) -> Link {
    let mut link = Link::default();
    link.set_rel(rel);
    link.set_href(href);
    link
}

/// Unix milliseconds as the feed's time type.
fn time(ms: i64) -> FixedDateTime {
    FixedDateTime::parse_from_rfc3339(&rfc3339(ms)).unwrap_or_default()
}

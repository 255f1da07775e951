//! Cached reads answered before the router: a thread (JSON or HTML) that
//! is in the thread cache, for a site in memory, goes out from here with
//! the headers the router's layers would have added, and nothing else runs.
//!
//! The profile of a cached read through the router showed the bytes were
//! the least of it: the timeout's timer, the middleware's boxed futures,
//! the metrics labels built per request, the site copied out of memory for
//! each extractor and the CORS layer's second look at the origins. Anything
//! this path is not sure of (another method, a query it cannot read, a
//! site or answer not in memory, an origin the site does not allow) goes
//! to the router, which answers it, errors included, as before.

use std::time::Instant;

use axum::{
    body::Body,
    http::{header, Method, Request, Response},
};

use super::{layers, reader, thread};
use crate::AppState;

/// The routes answered here, as the metrics name them.
pub const ROUTES: [&str; 2] = [JSON_ROUTE, HTML_ROUTE];
const JSON_ROUTE: &str = "/api/v1/sites/{site}/thread";
const HTML_ROUTE: &str = "/sites/{site}/thread.html";

/// The answer to `req` from the cache, or none when the router must see it.
pub fn answer<B>(state: &AppState, req: &Request<B>) -> Option<Response<Body>> {
    if req.method() != Method::GET {
        return None;
    }
    let (slug, route) = route(req.uri().path())?;
    // Timed from here: every other request pays nothing for the clock.
    let start = Instant::now();
    let site = state.store.remembered_site(slug)?;
    let headers = req.headers();
    let origin = match headers.get(header::ORIGIN) {
        None => None,
        Some(o) if o.to_str().is_ok_and(|o| site.allows_origin(o)) => Some(o),
        Some(_) => return None,
    };
    let query = req.uri().query().unwrap_or("");
    let limits = &state.config.limits;
    let (at, html) = if route == JSON_ROUTE {
        let q = thread::ThreadQuery::from_query(query)?;
        (q.cached_at(&site.slug, limits)?, false)
    } else {
        let q = reader::HtmlQuery::from_query(query)?;
        (q.cached_at(&site.slug, headers, limits.page_size)?, true)
    };
    let hit = state.threads.peek(&at.0, &at.1)?;
    let mut response = if html {
        reader::by_language(thread::respond(&hit, headers, reader::HTML))
    } else {
        thread::respond(&hit, headers, thread::JSON)
    };
    layers::finish_api(&mut response, headers, origin);
    let secs = start.elapsed().as_secs_f64();
    state.metrics.fast_answer(route, response.status(), secs);
    tracing::debug!(uri = %req.uri(), status = %response.status(), "cached read");
    Some(response)
}

/// The site slug and the route of a path this module answers. A slug the
/// router would percent-decode is not in memory under that spelling, so
/// such a request goes to the router.
fn route(path: &str) -> Option<(&str, &'static str)> {
    if let Some(rest) = path.strip_prefix("/api/v1/sites/") {
        let slug = rest.strip_suffix("/thread")?;
        return (!slug.is_empty() && !slug.contains('/')).then_some((slug, JSON_ROUTE));
    }
    let slug = path.strip_prefix("/sites/")?.strip_suffix("/thread.html")?;
    (!slug.is_empty() && !slug.contains('/')).then_some((slug, HTML_ROUTE))
}

#[cfg(test)]
mod tests {
    use super::route;

    #[test]
    fn only_the_two_thread_routes_are_recognised() {
        assert_eq!(
            route("/api/v1/sites/demo/thread"),
            Some(("demo", super::JSON_ROUTE))
        );
        assert_eq!(
            route("/sites/demo/thread.html"),
            Some(("demo", super::HTML_ROUTE))
        );
        for other in [
            "/api/v1/sites//thread",
            "/api/v1/sites/a/b/thread",
            "/api/v1/sites/demo/thread/",
            "/api/v1/sites/demo/counts",
            "/sites/demo/feed.atom",
            "/t/demo",
        ] {
            assert_eq!(route(other), None, "{other}");
        }
    }
}

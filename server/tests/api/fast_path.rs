//! Cached thread reads answered ahead of the router (`http/fast.rs`): they
//! must be what the router would have answered, header for header, and
//! anything the fast path is not sure of must still reach the router.

use axum::{
    body::{to_bytes, Body},
    http::{HeaderMap, Request, Response},
};
use tower::ServiceExt;

use crate::helpers::*;
use confab::http::fast;
use confab_testkit::on_both_backends;

on_both_backends!(
    a_cached_read_gets_the_very_answer_the_router_gives,
    what_the_fast_path_is_not_sure_of_goes_to_the_router,
    a_cached_read_over_the_wire_is_counted_under_its_route
);

const CHROMIUM: &str = "gzip, deflate, br, zstd";

fn request(uri: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut r = Request::get(uri);
    for (name, value) in headers {
        r = r.header(*name, *value);
    }
    r.body(Body::empty()).unwrap()
}

/// Status, headers but the per-request ones, and body. hyper writes
/// `Content-Length` from the body when a response has none, which the
/// last test checks on the wire.
async fn seen(r: Response<Body>) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let status = r.status().as_u16();
    let mut headers: Vec<(String, String)> = r
        .headers()
        .iter()
        .filter(|(n, _)| !matches!(n.as_str(), "date" | "x-request-id" | "content-length"))
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    let body = to_bytes(r.into_body(), usize::MAX).await.unwrap().to_vec();
    (status, headers, body)
}

async fn by_router(app: &TestApp, req: Request<Body>) -> Response<Body> {
    confab::router(app.state.clone())
        .oneshot(req)
        .await
        .unwrap()
}

/// Fills the cache for `uri` with a read through the router.
async fn warm(app: &TestApp, uri: &str) {
    let r = by_router(app, request(uri, &[("origin", ORIGIN)])).await;
    assert_eq!(r.status(), 200, "{uri}");
}

async fn a_cached_read_gets_the_very_answer_the_router_gives(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app.comment("/fast", "The buses run again at night").await;
    app.reply("/fast", first.comment.id, "Since Monday, yes")
        .await;
    let json = "/api/v1/sites/demo/thread?page=/fast";
    let html = "/sites/demo/thread.html?page=/fast&view=widget";
    warm(&app, json).await;
    warm(&app, html).await;
    let etag = by_router(&app, request(json, &[])).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let cases: [&[(&str, &str)]; 6] = [
        &[],
        &[("origin", ORIGIN)],
        &[("origin", ORIGIN), ("accept-encoding", CHROMIUM)],
        &[("accept-encoding", "gzip"), ("x-request-id", "abc-1")],
        &[("origin", ORIGIN), ("accept-language", "de")],
        &[("origin", ORIGIN), ("if-none-match", &etag)],
    ];
    for uri in [json, html] {
        for headers in cases {
            // The router first: another language is another entry, which
            // this read fills.
            let routed = by_router(&app, request(uri, headers)).await;
            let fast = fast::answer(&app.state, &request(uri, headers))
                .unwrap_or_else(|| panic!("{uri} {headers:?} is cached"));
            let ids = |h: &HeaderMap| h.get("x-request-id").is_some();
            assert!(ids(fast.headers()) && ids(routed.headers()));
            if let Some((_, id)) = headers.iter().find(|(n, _)| *n == "x-request-id") {
                assert_eq!(fast.headers()["x-request-id"], *id);
            }
            let (fast, routed) = (seen(fast).await, seen(routed).await);
            assert_eq!(
                (fast.0, &fast.1),
                (routed.0, &routed.1),
                "{uri} {headers:?}"
            );
            assert!(fast.2 == routed.2, "{uri} {headers:?}: the bodies differ");
        }
    }
}

async fn what_the_fast_path_is_not_sure_of_goes_to_the_router(backend: Backend) {
    let app = spawn_app(backend).await;
    app.comment("/fast", "The buses run again at night").await;
    let json = "/api/v1/sites/demo/thread?page=/fast";
    warm(&app, json).await;
    let passed = [
        // Not in the cache: a page never read, a limit never cached.
        request("/api/v1/sites/demo/thread?page=/other", &[]),
        request(&format!("{json}&limit=7"), &[]),
        // The router answers these with an error.
        request(json, &[("origin", "https://elsewhere.example")]),
        request(&format!("{json}&sort=sideways"), &[]),
        request(&format!("{json}&limit=x"), &[]),
        request("/api/v1/sites/demo/thread", &[]),
        request("/api/v1/sites/nosuch/thread?page=/fast", &[]),
        request("/sites/demo/thread.html?page=/fast&view=gallery", &[]),
        Request::head(json).body(Body::empty()).unwrap(),
    ];
    for req in passed {
        let what = format!("{} {}", req.method(), req.uri());
        assert!(fast::answer(&app.state, &req).is_none(), "{what}");
    }
    // A write drops the entry, so the next read goes to the router again.
    assert!(fast::answer(&app.state, &request(json, &[])).is_some());
    app.comment("/fast", "And on Sundays").await;
    assert!(fast::answer(&app.state, &request(json, &[])).is_none());
    let routed = by_router(
        &app,
        request(json, &[("origin", "https://elsewhere.example")]),
    )
    .await;
    assert_eq!(routed.status(), 403);
}

async fn a_cached_read_over_the_wire_is_counted_under_its_route(backend: Backend) {
    let app = spawn_app(backend).await;
    app.comment("/fast", "The buses run again at night").await;
    let read = |etag: Option<String>| {
        let mut r = app
            .client
            .get(app.url("/api/v1/sites/demo/thread?page=/fast"))
            .header("origin", ORIGIN);
        if let Some(etag) = etag {
            r = r.header("if-none-match", etag);
        }
        r.send()
    };
    let first = read(None).await.unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let before = app.state.threads.stats();
    let body = first.bytes().await.unwrap();
    for _ in 0..3 {
        let hit = read(None).await.unwrap();
        assert_eq!(hit.status(), 200);
        assert_eq!(hit.content_length(), Some(body.len() as u64));
        assert_eq!(hit.bytes().await.unwrap(), body);
    }
    assert_eq!(read(Some(etag)).await.unwrap().status(), 304);
    assert_eq!(app.state.threads.stats().hits, before.hits + 4);
    let metrics = app.get_raw("/metrics").await.text().await.unwrap();
    let series = |status: u16| {
        format!(
            "confab_http_requests_total{{method=\"GET\",route=\"/api/v1/sites/{{site}}/thread\",status=\"{status}\"}} "
        )
    };
    let count = |status| {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(&series(status)))
            .unwrap_or_else(|| panic!("no series for {status} in\n{metrics}"))
            .trim()
            .to_owned()
    };
    assert_eq!(count(200), "4", "the first read and three hits");
    assert_eq!(count(304), "1");
    let fast = metrics
        .lines()
        .find_map(|l| l.strip_prefix("confab_http_fast_answers_total "))
        .expect("the fast path's counter");
    assert_eq!(
        fast.trim(),
        "4",
        "every hit was answered ahead of the router"
    );
}

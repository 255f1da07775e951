//! Open event streams are capped per address and in all (#20, item 6): one
//! client cannot hold every connection with streams.

use confab_api::ErrorCode;

use crate::{events::Events, helpers::*};
use confab_testkit::on_both_backends;

on_both_backends!(streams_past_the_cap_for_one_address_or_in_all_get_429_with_retry_after);

/// A stream request from `forwarded` (through the trusted local proxy), or
/// from the test's own address.
async fn stream(app: &TestApp, forwarded: Option<&str>) -> reqwest::Response {
    let mut r = app
        .client
        .get(app.url("/api/v1/sites/demo/events?page=/p"))
        .header("origin", ORIGIN);
    if let Some(ip) = forwarded {
        r = r.header("x-forwarded-for", ip);
    }
    r.send().await.unwrap()
}

async fn assert_refused(r: reqwest::Response) {
    assert_eq!(
        r.headers().get("retry-after").map(|v| v.to_str().unwrap()),
        Some("30")
    );
    assert_error(r, 429, ErrorCode::RateLimited).await;
}

async fn streams_past_the_cap_for_one_address_or_in_all_get_429_with_retry_after(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.limits.streams_per_ip = 2;
        c.limits.max_streams = 3;
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let _first = Events::open(&app, "/p").await;
    let _second = Events::open(&app, "/q").await;
    assert_refused(stream(&app, None).await).await;

    // Another reader still gets one, up to the server's cap.
    let other = stream(&app, Some("203.0.113.7")).await;
    assert_eq!(other.status(), 200);
    assert_refused(stream(&app, Some("203.0.113.8")).await).await;

    // Plain requests are not streams: the thread still reads.
    assert_eq!(app.thread_raw("page=/p").await.status(), 200);
    drop(other);
}

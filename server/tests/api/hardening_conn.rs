//! The attack pass on connections, the thread cache and the HTML pages'
//! headers (security issue #23, items 3, 4 and 13): slow and idle clients,
//! a connection flood, slow bodies on every route, many cached variants of
//! one big page, and the demo article served everywhere without a policy.
//! Everything is bounded and on loopback.

use std::time::{Duration, Instant};

use confab_testkit::on_both_backends;
use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::*;

on_both_backends!(
    a_client_sending_its_headers_slowly_is_cut_off_at_the_header_timeout,
    an_idle_connection_is_closed_after_the_idle_timeout,
    a_slow_body_times_out_on_the_admin_routes_too,
    past_max_connections_a_new_connection_is_closed_and_the_server_recovers,
    the_demo_article_is_off_unless_configured,
    every_html_page_has_a_content_security_policy_and_every_family_nosniff,
    many_variants_of_big_pages_keep_the_thread_cache_within_its_byte_budget
);

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// Reads what the server sends until it closes the connection, for at
/// most `limit`: when it closed, and what it sent, or `None` if still open.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<(Duration, String)> {
    let start = Instant::now();
    let mut got = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|()| (start.elapsed(), String::from_utf8_lossy(&got).into_owned()))
}

/// Writes `lines` one every 200 ms, stopping when the server has closed.
async fn trickle(stream: &mut TcpStream, lines: impl Iterator<Item = String>) {
    for line in lines {
        if stream.write_all(line.as_bytes()).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The finding: one header line every 5 s was still open after 55 s.
async fn a_client_sending_its_headers_slowly_is_cut_off_at_the_header_timeout(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.limits.header_read_timeout_secs = 1;
        c.limits.keep_alive_idle_secs = 60;
    })
    .await;
    let mut stream = connect(&app).await;
    let start = Instant::now();
    let head = std::iter::once("GET /healthz HTTP/1.1\r\nHost: x\r\n".to_owned());
    // 40 lines at 200 ms: 8 s of headers, never finished.
    let lines = head.chain((0..40).map(|i| format!("X-Slow-{i}: 1\r\n")));
    trickle(&mut stream, lines).await;
    let closed = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    let took = start.elapsed();
    assert!(closed.is_some(), "still open after {took:?}");
    assert!(took < Duration::from_secs(5), "closed only after {took:?}");
}

/// The finding: an idle connection was still open after 60 s.
async fn an_idle_connection_is_closed_after_the_idle_timeout(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.limits.header_read_timeout_secs = 60;
        c.limits.keep_alive_idle_secs = 1;
    })
    .await;
    // One that never says a word.
    let mut silent = connect(&app).await;
    let (after, _) = read_until_closed(&mut silent, Duration::from_secs(4))
        .await
        .expect("a silent connection is closed");
    assert!(
        after >= Duration::from_millis(900),
        "closed after {after:?}"
    );
    // One kept alive after its request, then left idle.
    let mut used = connect(&app).await;
    let request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    used.write_all(request.as_bytes()).await.unwrap();
    let (_, sent) = read_until_closed(&mut used, Duration::from_secs(4))
        .await
        .expect("an idle kept-alive connection is closed");
    assert!(sent.starts_with("HTTP/1.1 200"), "{sent}");
}

/// The finding: a slow body to `/admin/api/login` or `/admin/setup` was
/// still open after 51 s, where `/api/v1/preview` timed out at 30.
async fn a_slow_body_times_out_on_the_admin_routes_too(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.limits.request_timeout_secs = 1;
        c.limits.keep_alive_idle_secs = 60;
    })
    .await;
    let routes = [
        ("/admin/api/login", "application/json"),
        ("/admin/setup", "application/x-www-form-urlencoded"),
        ("/api/v1/preview", "application/json"),
    ];
    for (path, kind) in routes {
        let mut stream = connect(&app).await;
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {kind}\r\nContent-Length: 1000\r\n\r\n"
        );
        let start = Instant::now();
        // 15 bytes at 200 ms: 3 s of a body that never ends.
        trickle(
            &mut stream,
            std::iter::once(head).chain((0..15).map(|_| "a".to_owned())),
        )
        .await;
        let (_, sent) = read_until_closed(&mut stream, Duration::from_secs(3))
            .await
            .unwrap_or_else(|| panic!("{path}: still open after {:?}", start.elapsed()));
        assert!(sent.starts_with("HTTP/1.1 408"), "{path}: {sent}");
    }
}

/// The finding: with 512 file descriptors, 600 idle connections made
/// `/healthz` time out. Past the cap a connection is closed at once.
async fn past_max_connections_a_new_connection_is_closed_and_the_server_recovers(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.limits.max_connections = 3;
        c.limits.header_read_timeout_secs = 60;
        c.limits.keep_alive_idle_secs = 60;
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut stream = connect(&app).await;
        let request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut buf = [0u8; 12];
        stream.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"HTTP/1.1 200");
        held.push(stream);
    }
    let mut fourth = connect(&app).await;
    let closed = read_until_closed(&mut fourth, Duration::from_secs(3)).await;
    assert_eq!(closed.map(|(_, sent)| sent), Some(String::new()));
    drop(held.pop());
    confab_testkit::until(Duration::from_secs(5), "a freed slot", || async {
        let fresh = reqwest::Client::new();
        let r = fresh.get(app.url("/healthz")).send().await;
        r.is_ok_and(|r| r.status() == 200)
    })
    .await;
}

/// The finding: `/` served the demo article on every production instance.
async fn the_demo_article_is_off_unless_configured(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app.get_raw("/").await;
    assert_eq!(r.status(), 404);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found", "{body}");
}

/// The finding: the demo article had no CSP. Every page of HTML gets one,
/// and every route family `nosniff`.
async fn every_html_page_has_a_content_security_policy_and_every_family_nosniff(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.demo = true).await;
    let html = [
        "/",
        "/admin",
        "/admin/setup?token=nope",
        "/admin/mail?token=nope",
    ];
    for path in html {
        let r = app.get_raw(path).await;
        assert!(r.status().as_u16() < 500, "{path}: {}", r.status());
        let h = r.headers();
        assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.starts_with("default-src 'none';"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
    }
    let article = app.get_raw("/").await;
    let csp = article.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let others = [
        "/api/v1/sites/demo/thread?page=/a",
        "/api/v1/openapi.json",
        "/healthz",
        "/metrics",
        "/embed.js",
        "/admin/api/session",
        "/no/such/route",
    ];
    for path in others {
        let r = app.get_raw(path).await;
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
    }
}

/// The finding: 64 HEAD requests with `limit=137…200` on a big page took
/// the RSS from 185 MiB to 1,359 MiB. The cache now weighs what it holds.
async fn many_variants_of_big_pages_keep_the_thread_cache_within_its_byte_budget(backend: Backend) {
    const BUDGET: usize = 1024 * 1024;
    let app = spawn_app_with(backend, |c| c.limits.thread_cache_bytes = BUDGET).await;
    let pages: Vec<String> = (0..6).map(|p| format!("/big-{p}")).collect();
    for page in &pages {
        for i in 0..10 {
            // About 1 kB of text that no spam check holds.
            let body: String = (0..150)
                .map(|w| format!("w{}x{i} ", (w * 7 + i) % 97))
                .collect();
            let posted = app
                .post_comment_raw(&json!({ "page": page, "body": body.trim() }))
                .await;
            assert_eq!(posted.status(), 201);
        }
    }
    let mut served = 0;
    for page in &pages {
        for sort in ["oldest", "newest", "top"] {
            for limit in 1..=120 {
                let r = app
                    .thread_raw(&format!("page={page}&sort={sort}&limit={limit}"))
                    .await;
                assert_eq!(r.status(), 200);
                served += r.bytes().await.unwrap().len();
                let held = app.state.threads.bytes();
                assert!(held <= BUDGET, "{held} bytes cached after {served} served");
            }
        }
    }
    // The attack was real, and the cache was used all the same.
    assert!(served > 10 * BUDGET, "only {served} bytes served");
    assert!(app.state.threads.bytes() > BUDGET / 4);
    let metrics = app.get_raw("/metrics").await.text().await.unwrap();
    let gauge = metrics
        .lines()
        .find_map(|l| l.strip_prefix("confab_thread_cache_bytes "))
        .expect("a confab_thread_cache_bytes gauge");
    assert!(gauge.parse::<usize>().unwrap() <= BUDGET, "{gauge}");
}

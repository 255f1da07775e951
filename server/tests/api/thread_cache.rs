//! The thread cache as browsers meet it: compressed bodies stored once per
//! change, and a cache that random page keys cannot fill or flush.

use std::io::Read;

use futures::{stream, StreamExt};
use reqwest::Response;

use crate::helpers::*;
use confab_testkit::on_both_backends;

/// What Chromium sends.
const CHROMIUM: &str = "gzip, deflate, br, zstd";

on_both_backends!(
    a_browsers_read_is_served_from_the_cached_brotli_body_not_compressed_again,
    each_accept_encoding_gets_its_coding_of_one_body_and_one_etag,
    a_flood_of_unknown_page_keys_stores_nothing_and_leaves_the_hot_thread_cached
);

async fn read(app: &TestApp, page: &str, accept: Option<&str>, etag: Option<&str>) -> Response {
    let mut r = app
        .client
        .get(app.url(&format!("/api/v1/sites/demo/thread?page={page}")))
        .header("origin", ORIGIN);
    if let Some(accept) = accept {
        r = r.header("accept-encoding", accept);
    }
    if let Some(etag) = etag {
        r = r.header("if-none-match", etag);
    }
    r.send().await.unwrap()
}

fn header(r: &Response, name: &str) -> Option<String> {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut &bytes[..], &mut out).unwrap();
    out
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

async fn a_browsers_read_is_served_from_the_cached_brotli_body_not_compressed_again(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    for n in 0..20 {
        app.comment("/hot", &format!("Comment number {n} about the buses"))
            .await;
    }
    let first = read(&app, "/hot", Some(CHROMIUM), None).await;
    assert_eq!(first.status(), 200);
    assert_eq!(header(&first, "content-encoding").as_deref(), Some("br"));
    let first = first.bytes().await.unwrap();
    let before = app.state.threads.stats();
    for _ in 0..5 {
        let again = read(&app, "/hot", Some(CHROMIUM), None).await;
        assert_eq!(again.bytes().await.unwrap(), first);
    }
    let after = app.state.threads.stats();
    assert_eq!(after.hits, before.hits + 5);
    assert_eq!(
        after.misses, before.misses,
        "every read after the first hit"
    );
    // The bytes sent are the very ones the cache holds, made when it was filled.
    let page = ("demo".to_owned(), "/hot".to_owned());
    let held = app
        .state
        .threads
        .get(&page, &("json", "oldest", None, 50, None))
        .expect("the thread is cached");
    assert_eq!(held.br.as_deref(), Some(&first[..]));
    let plain = read(&app, "/hot", None, None).await.bytes().await.unwrap();
    assert_eq!(unbrotli(&first), plain);
}

async fn each_accept_encoding_gets_its_coding_of_one_body_and_one_etag(backend: Backend) {
    let app = spawn_app(backend).await;
    app.comment("/p", "The night buses are back").await;
    let plain = read(&app, "/p", None, None).await;
    assert_eq!(header(&plain, "content-encoding"), None);
    let etag = header(&plain, "etag").unwrap();
    assert!(header(&plain, "vary").unwrap().contains("accept-encoding"));
    let plain = plain.bytes().await.unwrap().to_vec();
    for (accept, coding) in [
        (CHROMIUM, Some("br")),
        ("gzip", Some("gzip")),
        ("br;q=0, gzip", Some("gzip")),
        ("deflate", None),
        ("identity", None),
    ] {
        // Twice: the first may fill the cache, the second is served from it.
        for _ in 0..2 {
            let r = read(&app, "/p", Some(accept), None).await;
            assert_eq!(r.status(), 200, "{accept}");
            assert_eq!(
                header(&r, "content-encoding").as_deref(),
                coding,
                "{accept}"
            );
            assert_eq!(header(&r, "etag").as_deref(), Some(&etag[..]), "{accept}");
            assert!(header(&r, "vary").unwrap().contains("accept-encoding"));
            let body = r.bytes().await.unwrap();
            let decoded = match coding {
                Some("br") => unbrotli(&body),
                Some(_) => gunzip(&body),
                None => body.to_vec(),
            };
            assert_eq!(decoded, plain, "{accept}");
            let fresh = read(&app, "/p", Some(accept), Some(&etag)).await;
            assert_eq!(fresh.status(), 304, "{accept}");
            assert_eq!(header(&fresh, "content-encoding"), None);
            assert!(fresh.bytes().await.unwrap().is_empty());
        }
    }
}

async fn a_flood_of_unknown_page_keys_stores_nothing_and_leaves_the_hot_thread_cached(
    backend: Backend,
) {
    // A budget small enough that caching the unknown pages would overflow it.
    let app = spawn_app_with(backend, |c| c.limits.thread_cache_bytes = 256 * 1024).await;
    app.comment("/hot", "The one thread everyone reads").await;
    assert_eq!(read(&app, "/hot", Some(CHROMIUM), None).await.status(), 200);
    let held = app.state.threads.stats();
    assert!(held.bytes > 0);
    let statuses: Vec<u16> = stream::iter(0..3_000)
        .map(|n| {
            let app = &app;
            async move {
                let r = read(
                    app,
                    &format!("/random-{n}-{}", n * 7919),
                    Some(CHROMIUM),
                    None,
                )
                .await;
                let status = r.status().as_u16();
                let thread: confab_api::Thread = serde_json::from_slice(&r.bytes().await.unwrap())
                    .unwrap_or_else(|_| {
                        panic!("an unknown page answers an empty thread, uncompressed")
                    });
                assert_eq!(thread.total, 0);
                status
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert!(statuses.iter().all(|s| *s == 200));
    let after = app.state.threads.stats();
    assert_eq!(after.bytes, held.bytes, "unknown pages took cache memory");
    assert_eq!(after.evictions, 0);
    let hot = read(&app, "/hot", Some(CHROMIUM), None).await;
    assert_eq!(hot.status(), 200);
    assert_eq!(
        app.state.threads.stats().hits,
        after.hits + 1,
        "the hot thread was dropped"
    );
}

//! Hostile input, flooding: one client firing posts as fast as it can gets 429s
//! with `Retry-After` while another client's reads carry on, and
//! `X-Forwarded-For` is believed only from a configured proxy.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::Instant,
};

use confab_api::{ErrorBody, ErrorCode};
use serde_json::json;

use crate::helpers::*;
use confab_testkit::on_both_backends;

const FLOODERS: usize = 64;
const FLOOD_POSTS: u64 = 4_000;

/// Posts once from the address `forwarded` claims, returning the status.
async fn post_from(app: &TestApp, forwarded: Option<&str>, n: u64) -> u16 {
    let mut r = app
        .client
        .post(app.url("/api/v1/sites/demo/comments"))
        .header("origin", ORIGIN);
    if let Some(ip) = forwarded {
        r = r.header("x-forwarded-for", ip);
    }
    let body = json!({"page": format!("/xff-{n}"), "body": format!("post number {n}")});
    r.json(&body).send().await.unwrap().status().as_u16()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i]
}

on_both_backends!(
    a_client_flooding_posts_gets_429s_while_another_keeps_reading,
    a_forged_x_forwarded_for_from_an_untrusted_peer_does_not_dodge_the_limit,
    x_forwarded_for_from_a_trusted_proxy_separates_its_clients,
    password_guesses_sent_all_at_once_get_no_more_tries_than_the_limit
);

async fn a_client_flooding_posts_gets_429s_while_another_keeps_reading(backend: Backend) {
    let app = Arc::new(
        spawn_app_with(backend, |c| {
            c.limits.posts_per_minute_ip = 5;
            c.limits.posts_per_minute_page = 30;
        })
        .await,
    );
    app.comment("/read", "something to read").await;
    let fired = Arc::new(AtomicU64::new(0));
    let flooding = Arc::new(AtomicBool::new(true));
    let reader = start_reading(app.clone(), flooding.clone());

    // The flooder: one address, many connections, a new author token and
    // page per post, so only the per-address limit can stop it.
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..FLOODERS {
        tasks.push(tokio::spawn(flood_over_one_connection(
            app.clone(),
            fired.clone(),
        )));
    }
    let (mut created, mut limited) = (0, 0);
    for t in tasks {
        let (c, l) = t.await.unwrap();
        created += c;
        limited += l;
    }
    let secs = start.elapsed().as_secs_f64();
    flooding.store(false, Ordering::Relaxed);
    let (mut ms, failures) = reader.await.unwrap();
    ms.sort_by(f64::total_cmp);

    println!(
        "flood: {FLOOD_POSTS} posts in {secs:.2} s ({:.0}/s): {created} stored, {limited} got 429; \
         meanwhile {} reads, p50 {:.1} ms, p99 {:.1} ms",
        FLOOD_POSTS as f64 / secs, ms.len(), percentile(&ms, 50.0), percentile(&ms, 99.0)
    );
    // The comment to read came from the same address: one of its five.
    assert_eq!(created, 4, "the per-address limit");
    assert_eq!(limited, FLOOD_POSTS - 4);
    assert!(
        failures.is_empty(),
        "reads failed during the flood: {failures:?}"
    );
    assert!(
        ms.len() >= 10,
        "only {} reads finished during the flood",
        ms.len()
    );
    let stored = app.thread("/read").await.total;
    assert_eq!(stored, 1);
}

/// The reader: another client, reading one thread over and over while
/// `flooding`; each read's time in ms, and the statuses of those that failed.
fn start_reading(
    app: Arc<TestApp>,
    flooding: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<(Vec<f64>, Vec<u16>)> {
    tokio::spawn(async move {
        let client = reqwest::Client::new();
        let mut ms = Vec::new();
        let mut failures = Vec::new();
        while flooding.load(Ordering::Relaxed) {
            let t = Instant::now();
            let r = client
                .get(app.url("/api/v1/sites/demo/thread?page=/read"))
                .header("origin", ORIGIN)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            r.bytes().await.unwrap();
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
            if status != 200 {
                failures.push(status);
            }
        }
        (ms, failures)
    })
}

/// One of the flooder's connections: posts until `fired` reaches
/// `FLOOD_POSTS`, checking each 429; how many were created and limited.
async fn flood_over_one_connection(app: Arc<TestApp>, fired: Arc<AtomicU64>) -> (u64, u64) {
    let client = reqwest::Client::new();
    let (mut created, mut limited) = (0u64, 0u64);
    loop {
        let n = fired.fetch_add(1, Ordering::Relaxed);
        if n >= FLOOD_POSTS {
            break;
        }
        let r = client
            .post(app.url("/api/v1/sites/demo/comments"))
            .header("origin", ORIGIN)
            .header(
                "x-confab-author",
                confab::domain::author_token::issue(&app.state.signing_key),
            )
            .json(&json!({
                "page": format!("/flood-{}", n % 50),
                "body": format!("flood {n}"),
            }))
            .send()
            .await
            .unwrap();
        match r.status().as_u16() {
            201 | 202 => created += 1,
            429 => {
                let retry = retry_after(&r);
                assert!((1..=60).contains(&retry), "Retry-After: {retry}");
                let body: ErrorBody = r.json().await.unwrap();
                assert_eq!(body.error.code, ErrorCode::RateLimited);
                limited += 1;
            }
            other => panic!("the flood got {other}: {}", r.text().await.unwrap()),
        }
    }
    (created, limited)
}

async fn a_forged_x_forwarded_for_from_an_untrusted_peer_does_not_dodge_the_limit(
    backend: Backend,
) {
    // No trusted proxies: the peer is the client, whatever it claims.
    let app = spawn_app_with(backend, |c| {
        c.limits.posts_per_minute_ip = 3;
        c.limits.posts_per_minute_page = 0;
    })
    .await;
    let mut statuses = Vec::new();
    for n in 0..8u64 {
        statuses.push(post_from(&app, Some(&format!("198.51.100.{n}")), n).await);
    }
    assert_eq!(statuses, [201, 201, 201, 429, 429, 429, 429, 429]);
}

async fn x_forwarded_for_from_a_trusted_proxy_separates_its_clients(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.limits.posts_per_minute_ip = 3;
        c.limits.posts_per_minute_page = 0;
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    // Eight clients behind the proxy, one post each: all pass.
    for n in 0..8u64 {
        assert_eq!(
            post_from(&app, Some(&format!("198.51.100.{n}")), n).await,
            201
        );
    }
    // One client that prepends forged hops is still itself: the nearest
    // untrusted hop is what the proxy saw.
    let mut statuses = Vec::new();
    for n in 0..5u64 {
        let chain = format!("10.9.8.{n}, 192.0.2.{n}, 203.0.113.9");
        statuses.push(post_from(&app, Some(&chain), 100 + n).await);
    }
    assert_eq!(statuses, [201, 201, 201, 429, 429]);
    // And the proxy's own address, with no header, is one more client.
    assert_eq!(post_from(&app, None, 200).await, 201);
}

async fn password_guesses_sent_all_at_once_get_no_more_tries_than_the_limit(backend: Backend) {
    let app = Arc::new(spawn_app_with(backend, |c| c.limits.login_failures_per_email = 3).await);
    app.add_moderator("mod@example.org", &["demo"]).await;
    let guesses: Vec<_> = (0..30)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                app.login("mod@example.org", &format!("guess number {i}"), None)
                    .await
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for g in guesses {
        statuses.push(g.await.unwrap());
    }
    let tried = statuses.iter().filter(|s| **s == 401).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((tried, limited), (3, 27), "{statuses:?}");
}

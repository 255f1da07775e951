//! The attack pass on the server: each finding it made, tried again the way
//! it was found. Floods are bounded in count and run on loopback only.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use confab_api::ErrorBody;
use rand::{distributions::Alphanumeric, Rng};
use serde_json::json;

use confab_testkit::{on_both_backends, Running};

use crate::{crash::start, helpers::*};

/// `VmRSS` of a process, in bytes.
fn rss(pid: u32) -> u64 {
    confab_testkit::rss_kib(pid).expect("the server's VmRSS") * 1024
}

/// The `confab` binary on a fresh SQLite file, its own process, so that its
/// memory is measured alone.
async fn binary(db: &TestDb, dir: &std::path::Path, limits: &str) -> Running {
    let config = dir.join("confab.toml");
    let toml = format!(
        "listen = \"127.0.0.1:0\"\ndatabase_url = \"{}\"\n[limits]\n{limits}\n\
         [[sites]]\nslug = \"demo\"\nname = \"Demo\"\norigins = [\"{ORIGIN}\"]\n",
        db.url
    );
    std::fs::write(&config, toml).unwrap();
    // Ready once `/healthz` answers: the address is logged before the
    // sites are stored.
    start(&config).await
}

/// Runs `clients` tasks that each POST `/admin/setup` `each` times with
/// `token`, sampling the server's RSS meanwhile. Returns the peak RSS and
/// the statuses seen.
async fn setup_flood(
    server: &Running,
    token: &str,
    clients: usize,
    each: usize,
) -> (u64, Vec<u16>) {
    let pid = server.child.id();
    let done = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(rss(pid)));
    let sampler = {
        let (done, peak) = (done.clone(), peak.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss(pid), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (url, origin, token) = (
            format!("{}/admin/setup", server.base),
            server.base.clone(),
            token.to_owned(),
        );
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut statuses = Vec::new();
            for _ in 0..each {
                let form = [("token", token.as_str()), ("password", "twelve chars")];
                let r = http.post(&url).header("origin", &origin).form(&form);
                statuses.push(r.send().await.unwrap().status().as_u16());
            }
            statuses
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.extend(t.await.unwrap());
    }
    done.store(true, Ordering::Relaxed);
    sampler.await.unwrap();
    peak.fetch_max(rss(pid), Ordering::Relaxed);
    (peak.load(Ordering::Relaxed), statuses)
}

const MB: u64 = 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_setup_flood_with_bogus_tokens_hashes_nothing_and_keeps_memory_under_200_mb() {
    let db = TestDb::new(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    // No per-address limit: the token check alone must stop the hashing.
    let server = binary(&db, dir.path(), "login_failures_per_ip = 0").await;
    let (peak, statuses) = setup_flood(&server, "bogus-token-0123456789", 64, 4).await;
    assert!(statuses.iter().all(|s| *s == 404), "{statuses:?}");
    assert!(peak < 200 * MB, "RSS peaked at {} MB", peak / MB);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_setups_racing_for_one_real_token_hash_a_few_at_a_time_and_one_wins() {
    let db = TestDb::new(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    // Every request waits its turn for a hash, and 64 unoptimised argon2
    // hashes on a busy machine can take longer than the default 30 s
    // request timeout: that would answer 408, which this test is not about.
    let limits = "login_failures_per_ip = 0\nrequest_timeout_secs = 600";
    let server = binary(&db, dir.path(), limits).await;
    let store = confab::store::connect(&db.url).await.unwrap();
    let site = store.site("demo").await.unwrap().unwrap().id;
    let m = store
        .add_moderator("new@example.org", None, &[site])
        .await
        .unwrap();
    let (token, hash) = confab::domain::secrets::new_token();
    let expires = confab::store::now_ms() + 60_000;
    store.add_setup_token(&hash, m.id, expires).await.unwrap();
    // Every request passes the token check before the first one takes it,
    // so only the cap on concurrent hashes bounds the memory.
    let (peak, statuses) = setup_flood(&server, &token, 64, 1).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 404),
        "{statuses:?}"
    );
    assert!(peak < 200 * MB, "RSS peaked at {} MB", peak / MB);
}

/// A method token of `len` random letters.
fn odd_method(len: usize) -> reqwest::Method {
    let name: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(|c| char::from(c).to_ascii_uppercase())
        .collect();
    reqwest::Method::from_bytes(name.as_bytes()).unwrap()
}

on_both_backends!(
    setup_attempts_from_one_address_are_limited_with_retry_after,
    made_up_method_names_share_one_metrics_label_and_keep_metrics_small,
    every_route_family_says_nosniff_and_the_admin_api_is_never_cached,
    a_body_query_or_path_of_the_wrong_shape_names_the_field_in_plain_words,
    a_name_with_invisible_characters_is_refused_and_stores_nothing
);

async fn setup_attempts_from_one_address_are_limited_with_retry_after(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.limits.login_failures_per_ip = 5).await;
    let attempt = || {
        app.client
            .post(app.url("/admin/setup"))
            .header("origin", &app.address)
            .form(&[
                ("token", "guessed-token"),
                ("password", "a long enough password"),
            ])
    };
    for i in 0..5 {
        assert_eq!(attempt().send().await.unwrap().status(), 404, "attempt {i}");
    }
    let r = attempt().send().await.unwrap();
    assert_eq!(r.status(), 429);
    assert!(retry_after(&r) > 0);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
}

async fn made_up_method_names_share_one_metrics_label_and_keep_metrics_small(backend: Backend) {
    let app = spawn_app(backend).await;
    for _ in 0..300 {
        let r = app
            .client
            .request(
                odd_method(4096),
                app.url("/api/v1/sites/demo/thread?page=/a"),
            )
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{}", r.status());
    }
    let r = app.get_raw("/metrics").await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(text.len() < 100 * 1024, "/metrics is {} bytes", text.len());
    assert!(text.contains("method=\"other\""), "{text}");
}

/// The attack pass's header finding: the admin JSON (e-mails, IP hashes)
/// had no `Cache-Control`, and the API's JSON no `nosniff`.
async fn every_route_family_says_nosniff_and_the_admin_api_is_never_cached(backend: Backend) {
    let app = spawn_app(backend).await;
    let public = [
        "/api/v1/sites/demo/thread?page=/a",
        "/api/v1/sites/demo/counts?page=/a",
        "/api/v1/sites/nowhere/thread?page=/a",
        "/api/v1/openapi.json",
        "/healthz",
        "/readyz",
        "/metrics",
        "/embed.js",
        "/count.js",
        "/no/such/route",
    ];
    for path in public {
        let r = app.get_raw(path).await;
        assert!(r.status().as_u16() < 500, "{path}: {}", r.status());
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
    }
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let json = [
        "/admin/api/session",
        "/admin/api/sites",
        "/admin/api/queue",
        "/admin/api/comments",
        "/admin/api/no-such-route",
    ];
    for path in json {
        let r = admin.get(path).await;
        assert!(r.status().as_u16() < 500, "{path}: {}", r.status());
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
        // And without a session: the refusal is not cached either.
        let r = app.get_raw(path).await;
        assert_eq!(
            r.headers()["cache-control"],
            "no-store",
            "{path}, logged out"
        );
    }
}

/// The attack pass's finding: validation errors echoed serde's internals
/// (`expected i8`, ``Cannot parse … to a `i64` ``).
async fn a_body_query_or_path_of_the_wrong_shape_names_the_field_in_plain_words(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app
        .comment("/shape", "something to vote on")
        .await
        .comment
        .id;
    let vote = format!("/api/v1/comments/{id}/vote");
    let comments = "/api/v1/sites/demo/comments";
    let cases: Vec<(&str, reqwest::Response, u16, &str, Option<&str>)> = vec![
        (
            "a vote out of range",
            app.post_json(&vote, &json!({"value": 500})).await,
            400,
            "invalid_json",
            Some("value"),
        ),
        (
            // The comment is flattened into the body beside its signals,
            // and serde's flatten loses the path: plain words, no field.
            "a page that is a number",
            app.post_json(comments, &json!({"page": 5, "body": "x"}))
                .await,
            400,
            "invalid_json",
            None,
        ),
        (
            "no body",
            app.post_json(comments, &json!({"page": "/shape"})).await,
            400,
            "invalid_json",
            Some("body"),
        ),
        (
            "a limit that is a word",
            app.get_raw("/api/v1/sites/demo/thread?page=/a&limit=many")
                .await,
            400,
            "bad_request",
            Some("limit"),
        ),
        (
            "an id that is a word",
            app.post_json("/api/v1/comments/abc/vote", &json!({"value": 1}))
                .await,
            400,
            "bad_request",
            Some("id"),
        ),
    ];
    for (what, r, status, code, field) in cases {
        assert_eq!(r.status().as_u16(), status, "{what}");
        let body: ErrorBody = r.json().await.unwrap();
        assert_eq!(body.error.code.as_str(), code, "{what}");
        assert_eq!(body.error.field.as_deref(), field, "{what}");
        let m = &body.error.message;
        for internal in [
            "i8",
            "i64",
            "usize",
            "expected",
            "line 1",
            "column",
            "Cannot parse",
            "invalid digit",
            "deserialize",
        ] {
            assert!(!m.contains(internal), "{what}: {internal:?} in {m:?}");
        }
        assert!(
            m.contains(field.unwrap_or("")),
            "{what}: {m:?} names the field"
        );
    }
}

/// The attack pass's finding: `Ad\u{200b}min` was accepted and displayed
/// as "Admin".
async fn a_name_with_invisible_characters_is_refused_and_stores_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    for author in [
        "Ad\u{200B}min",
        "Ad\u{200D}min",
        "Admin\u{E0041}",
        "Ad\u{2028}min",
    ] {
        let body = json!({"page": "/names", "body": "hello", "author": author});
        let r = app.post_comment_raw(&body).await;
        assert_eq!(r.status(), 422, "{author:?}");
        let e: ErrorBody = r.json().await.unwrap();
        assert_eq!(e.error.field.as_deref(), Some("author"), "{author:?}");
    }
    let thread = app.thread("/names").await;
    assert_eq!(thread.total, 0, "nothing was stored");
    let ok = json!({"page": "/names", "body": "hello", "author": "Zoë Ann-Marie"});
    assert_eq!(app.post_comment_raw(&ok).await.status(), 201);
}

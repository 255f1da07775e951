//! The cross-cutting behaviour: one error shape for every refusal, CORS,
//! request ids and compression.

use confab_api::ErrorCode;

use crate::helpers::*;
use confab_testkit::on_both_backends;

on_both_backends!(
    malformed_json_is_400_invalid_json,
    a_body_that_is_not_json_is_415,
    a_body_over_the_limit_is_413_and_stores_nothing,
    unknown_routes_and_methods_answer_in_our_shape
);

async fn malformed_json_is_400_invalid_json(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app
        .client
        .post(app.url("/api/v1/sites/demo/comments"))
        .header("content-type", "application/json")
        .body("{\"page\": \"/p\",")
        .send()
        .await
        .unwrap();
    assert_error(r, 400, ErrorCode::InvalidJson).await;
    let r = app
        .post_comment_raw(&serde_json::json!({"page": "/p"}))
        .await;
    assert_error(r, 400, ErrorCode::InvalidJson).await;
}

async fn a_body_that_is_not_json_is_415(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app
        .client
        .post(app.url("/api/v1/sites/demo/comments"))
        .header("content-type", "text/plain")
        .body("page=/p&body=hi")
        .send()
        .await
        .unwrap();
    assert_error(r, 415, ErrorCode::UnsupportedMediaType).await;
}

async fn a_body_over_the_limit_is_413_and_stores_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let huge = "x".repeat(70 * 1024);
    let r = app
        .post_comment_raw(&serde_json::json!({"page": "/p", "body": huge}))
        .await;
    assert_error(r, 413, ErrorCode::PayloadTooLarge).await;
    assert_eq!(app.thread("/p").await.total, 0);
}

async fn unknown_routes_and_methods_answer_in_our_shape(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app
        .client
        .get(app.url("/api/v1/nothing/here"))
        .send()
        .await
        .unwrap();
    assert_error(r, 404, ErrorCode::NotFound).await;
    let r = app
        .client
        .put(app.url("/api/v1/preview"))
        .send()
        .await
        .unwrap();
    assert_error(r, 405, ErrorCode::BadRequest).await;
}

#[tokio::test]
async fn cors_allows_the_sites_origins_and_only_them() {
    let app = spawn_app(Backend::Sqlite).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(
                reqwest::Method::OPTIONS,
                app.url("/api/v1/sites/demo/comments"),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,x-confab-author",
            )
            .send()
    };
    let ok = preflight(ORIGIN).await.unwrap();
    assert_eq!(ok.headers()["access-control-allow-origin"], ORIGIN);
    let evil = preflight("https://evil.example").await.unwrap();
    assert!(evil.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn the_widget_files_keep_their_own_open_cors() {
    let app = spawn_app(Backend::Sqlite).await;
    let r = app
        .client
        .get(app.url("/embed.js"))
        .header("origin", "https://any.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let allowed: Vec<_> = r
        .headers()
        .get_all("access-control-allow-origin")
        .iter()
        .collect();
    assert_eq!(allowed, ["*"]);
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut seen = std::collections::HashSet::new();
    for _ in 0..20 {
        let r = app.client.get(app.url("/healthz")).send().await.unwrap();
        let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert!(!id.is_empty());
        assert!(seen.insert(id), "two requests got the same id");
    }
    let r = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "from-the-proxy")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "from-the-proxy");
}

#[tokio::test]
async fn api_responses_are_compressed_when_the_client_accepts_it() {
    let app = spawn_app(Backend::Sqlite).await;
    for i in 0..20 {
        app.comment("/p", &format!("comment number {i} with some text"))
            .await;
    }
    let r = app
        .client
        .get(app.url("/api/v1/sites/demo/thread?page=/p"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
}

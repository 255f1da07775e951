use confab_api::{ErrorCode, Preview};
use serde_json::json;

use crate::helpers::*;
use confab_testkit::on_both_backends;

on_both_backends!(
    a_preview_renders_like_the_real_thing,
    a_preview_refuses_empty_bodies_and_unknown_origins
);

async fn a_preview_renders_like_the_real_thing(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app
        .post_json(
            "/api/v1/preview",
            &json!({"body": "*hi* <script>x</script>"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let preview: Preview = r.json().await.unwrap();
    assert!(preview.html.starts_with("<p><em>hi</em>"));
    assert!(!preview.html.contains("<script"));
    assert_eq!(app.thread("/p").await.total, 0);
}

async fn a_preview_refuses_empty_bodies_and_unknown_origins(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app.post_json("/api/v1/preview", &json!({"body": ""})).await;
    assert_error(r, 422, ErrorCode::Validation).await;
    let r = app
        .client
        .post(app.url("/api/v1/preview"))
        .header("origin", "https://evil.example")
        .json(&json!({"body": "x"}))
        .send()
        .await
        .unwrap();
    assert_error(r, 403, ErrorCode::OriginNotAllowed).await;
}

use confab_api::{ErrorCode, Preview};
use serde_json::json;

use crate::helpers::*;
use confab_testkit::on_both_backends;

on_both_backends!(
    a_preview_renders_like_the_real_thing,
    a_preview_refuses_empty_bodies_and_unknown_origins,
    a_bare_address_is_a_link_and_a_code_block_takes_focus_in_the_stored_comment
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

async fn a_bare_address_is_a_link_and_a_code_block_takes_focus_in_the_stored_comment(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let body = "Timetables: https://transit.example/night?route=N1\n\n```\nhttps://not.a.link\n```";
    let r = app
        .post_comment_raw(&json!({ "page": "/p", "body": body }))
        .await;
    assert_eq!(r.status(), 201);
    let html = &app.thread("/p").await.comments[0].html;
    let link = r#"<a href="https://transit.example/night?route=N1" rel="nofollow ugc noopener noreferrer">"#;
    assert!(html.contains(link), "{html}");
    assert!(
        html.contains(r#"<pre tabindex="0"><code>https://not.a.link"#),
        "{html}"
    );
    assert_eq!(html.matches("<a ").count(), 1, "{html}");
}

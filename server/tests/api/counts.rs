use confab_api::{Counts, ErrorCode};
use serde_json::json;

use crate::helpers::*;
use confab_testkit::on_both_backends;

on_both_backends!(
    counts_are_per_page_under_the_keys_as_sent,
    counts_take_a_bounded_list_of_valid_keys
);

async fn counts_are_per_page_under_the_keys_as_sent(backend: Backend) {
    let app = spawn_app(backend).await;
    app.comment("/a", "1").await;
    let parent = app.comment("/a", "2").await.comment;
    app.reply("/a", parent.id, "3").await;
    let gone = app.comment("/b", "x").await;
    app.delete(gone.comment.id, &gone.edit_token).await;
    let r = app
        .post_json(
            "/api/v1/sites/demo/counts",
            &json!({"pages": ["/a?x=1", "/b", "/none"]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let counts: Counts = r.json().await.unwrap();
    assert_eq!(counts.counts["/a?x=1"], 3);
    assert_eq!(counts.counts["/b"], 0);
    assert_eq!(counts.counts["/none"], 0);
}

async fn counts_take_a_bounded_list_of_valid_keys(backend: Backend) {
    let app = spawn_app(backend).await;
    let many: Vec<String> = (0..101).map(|i| format!("/p{i}")).collect();
    let r = app
        .post_json("/api/v1/sites/demo/counts", &json!({ "pages": many }))
        .await;
    assert_error(r, 422, ErrorCode::Validation).await;
    let r = app
        .post_json("/api/v1/sites/demo/counts", &json!({"pages": ["bad key"]}))
        .await;
    assert_error(r, 422, ErrorCode::Validation).await;
    let r = app
        .post_json("/api/v1/sites/nope/counts", &json!({"pages": []}))
        .await;
    assert_error(r, 404, ErrorCode::SiteNotFound).await;
    let r = app
        .post_json("/api/v1/sites/demo/counts", &json!({"pages": []}))
        .await;
    assert_eq!(r.json::<Counts>().await.unwrap().counts.len(), 0);
}

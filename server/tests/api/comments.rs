use confab::store::Moderation;
use confab_api::{CommentStatus, ErrorCode, NewComment};
use serde_json::json;

use crate::helpers::*;
use confab_testkit::on_both_backends;

on_both_backends!(
    a_new_comment_is_published_with_an_edit_token,
    markdown_is_sanitised_before_it_is_stored,
    a_site_that_moderates_everything_holds_comments_with_202,
    first_time_moderation_holds_only_authors_never_approved,
    a_reply_needs_a_visible_parent_on_the_same_page,
    a_locked_page_refuses_comments_and_stores_nothing,
    an_unknown_site_is_404_and_a_foreign_origin_403,
    requests_without_an_origin_are_allowed,
    every_field_is_validated_and_named_when_wrong,
    a_malformed_author_token_is_refused
);

async fn a_new_comment_is_published_with_an_edit_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app
        .post_comment_raw(&json!({
            "page": "/p", "title": "A post", "url": "http://localhost:8080/p",
            "author": "  Ann  ", "website": "https://ann.example", "body": "Hello *world*"
        }))
        .await;
    assert_eq!(r.status(), 201);
    let created: confab_api::CreatedComment = r.json().await.unwrap();
    let c = created.comment;
    assert_eq!(c.author, "Ann");
    assert_eq!(c.website.as_deref(), Some("https://ann.example"));
    assert_eq!(c.html, "<p>Hello <em>world</em></p>");
    assert_eq!(c.status, CommentStatus::Approved);
    assert_eq!(c.avatar.len(), 32);
    assert!(created.edit_token.len() >= 32);
    let page = app
        .store()
        .page(app.demo_id().await, "/p")
        .await
        .unwrap()
        .expect("page created");
    assert_eq!(page.title.as_deref(), Some("A post"));
}

async fn markdown_is_sanitised_before_it_is_stored(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app
        .comment(
            "/p",
            "<img src=x onerror=alert(1)> [x](javascript:alert(1)) [y](https://y.example)",
        )
        .await
        .comment;
    assert!(!c.html.contains("<img"));
    assert!(!c.html.contains("javascript:"));
    assert!(c.html.contains(r#"rel="nofollow ugc noopener noreferrer""#));
}

async fn a_site_that_moderates_everything_holds_comments_with_202(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.sites[0].moderation = Moderation::All).await;
    let r = app
        .post_comment_raw(&json!({"page": "/p", "body": "hi"}))
        .await;
    assert_eq!(r.status(), 202);
    let created: confab_api::CreatedComment = r.json().await.unwrap();
    assert_eq!(created.comment.status, CommentStatus::Pending);
}

async fn first_time_moderation_holds_only_authors_never_approved(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.sites[0].moderation = Moderation::FirstTime).await;
    let first = app
        .post_comment_as(READER, &json!({"page": "/p", "body": "hi"}))
        .await;
    assert_eq!(first.status(), 202);
    let first: confab_api::CreatedComment = first.json().await.unwrap();
    app.store()
        .set_status(first.comment.id, CommentStatus::Approved)
        .await
        .unwrap();
    let second = app
        .post_comment_as(READER, &json!({"page": "/p", "body": "again"}))
        .await;
    assert_eq!(second.status(), 201);
    // The same IP without the author token is not known: an IP is
    // shared, and an e-mail could be anyone's.
    let anonymous = app
        .post_comment_raw(&json!({"page": "/p", "body": "third"}))
        .await;
    assert_eq!(anonymous.status(), 202);
    let other = app
        .post_comment_as(
            "another-reader-token-42",
            &json!({"page": "/p", "body": "x"}),
        )
        .await;
    assert_eq!(other.status(), 202);
}

async fn a_reply_needs_a_visible_parent_on_the_same_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let elsewhere = app.comment("/other", "x").await.comment;
    for parent in [elsewhere.id, 999_999] {
        let r = app
            .post_comment_raw(&json!({"page": "/p", "parent": parent, "body": "re"}))
            .await;
        let e = assert_error(r, 422, ErrorCode::ParentNotFound).await;
        assert_eq!(e.field.as_deref(), Some("parent"));
    }
    app.store()
        .set_status(elsewhere.id, CommentStatus::Pending)
        .await
        .unwrap();
    let r = app
        .post_comment_raw(&json!({"page": "/other", "parent": elsewhere.id, "body": "re"}))
        .await;
    assert_error(r, 422, ErrorCode::ParentNotFound).await;
    assert_eq!(app.thread("/p").await.total, 0);
    assert!(
        app.store()
            .page(app.demo_id().await, "/p")
            .await
            .unwrap()
            .is_none(),
        "a refusal stores nothing"
    );
}

async fn a_locked_page_refuses_comments_and_stores_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.store()
        .set_page_locked(app.demo_id().await, "/p", true)
        .await
        .unwrap();
    let r = app
        .post_comment_raw(&json!({"page": "/p", "body": "hi"}))
        .await;
    assert_error(r, 409, ErrorCode::PageLocked).await;
    let thread = app.thread("/p").await;
    assert_eq!(thread.total, 0);
    assert_eq!(thread.locked, Some(true));
}

async fn an_unknown_site_is_404_and_a_foreign_origin_403(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app
        .post_json(
            "/api/v1/sites/nope/comments",
            &json!({"page": "/p", "body": "hi"}),
        )
        .await;
    assert_error(r, 404, ErrorCode::SiteNotFound).await;
    let r = app
        .client
        .post(app.url("/api/v1/sites/demo/comments"))
        .header("origin", "https://evil.example")
        .json(&json!({"page": "/p", "body": "hi"}))
        .send()
        .await
        .unwrap();
    assert_error(r, 403, ErrorCode::OriginNotAllowed).await;
    assert_eq!(app.thread("/p").await.total, 0);
}

async fn requests_without_an_origin_are_allowed(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app
        .client
        .post(app.url("/api/v1/sites/demo/comments"))
        .json(&json!({"page": "/p", "body": "from curl"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}

async fn every_field_is_validated_and_named_when_wrong(backend: Backend) {
    let app = spawn_app(backend).await;
    let long = "x".repeat(10_001);
    let cases = [
        (json!({"page": "/p", "body": "   "}), "body"),
        (json!({"page": "/p", "body": long}), "body"),
        (json!({"page": "/p", "body": "nul \u{0} byte"}), "body"),
        (json!({"page": "no spaces please", "body": "hi"}), "page"),
        (
            json!({"page": "/p", "body": "hi", "author": "a".repeat(65)}),
            "author",
        ),
        (
            json!({"page": "/p", "body": "hi", "author": "a\u{0}b"}),
            "author",
        ),
        (
            json!({"page": "/p", "body": "hi", "email": "not-an-address"}),
            "email",
        ),
        (
            json!({"page": "/p", "body": "hi", "website": "javascript:alert(1)"}),
            "website",
        ),
        (
            json!({"page": "/p", "body": "hi", "url": "ftp://x.example/p"}),
            "url",
        ),
        (
            json!({"page": "/p", "body": "hi", "title": "t".repeat(300)}),
            "title",
        ),
    ];
    for (body, field) in cases {
        let e = assert_error(
            app.post_comment_raw(&body).await,
            422,
            ErrorCode::Validation,
        )
        .await;
        assert_eq!(e.field.as_deref(), Some(field), "for {body}");
    }
    assert_eq!(app.thread("/p").await.total, 0);
}

async fn a_malformed_author_token_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app
        .client
        .post(app.url("/api/v1/sites/demo/comments"))
        .header("x-confab-author", "short")
        .json(&NewComment {
            page: "/p".into(),
            body: "hi".into(),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    assert_error(r, 400, ErrorCode::BadRequest).await;
}

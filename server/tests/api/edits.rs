use confab_api::{Comment, CommentStatus, ErrorCode};

use crate::helpers::*;
use confab_testkit::on_both_backends;

on_both_backends!(
    the_author_can_edit_within_the_window,
    editing_needs_the_right_token,
    the_edit_window_closes,
    an_edit_is_validated_like_a_new_comment,
    unknown_or_malformed_ids_are_refused,
    a_deleted_comment_stays_as_a_placeholder_while_it_has_replies,
    a_deleted_comment_can_be_neither_edited_nor_deleted_again,
    comment_routes_check_the_origin_against_the_comments_site
);

async fn the_author_can_edit_within_the_window(backend: Backend) {
    let app = spawn_app(backend).await;
    let created = app.comment("/p", "frist").await;
    let r = app
        .edit(created.comment.id, &created.edit_token, "**first**")
        .await;
    assert_eq!(r.status(), 200);
    let edited: Comment = r.json().await.unwrap();
    assert_eq!(edited.html, "<p><strong>first</strong></p>");
    assert!(edited.edited.is_some());
    assert_eq!(app.thread("/p").await.comments[0].html, edited.html);
}

async fn editing_needs_the_right_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let created = app.comment("/p", "mine").await;
    let other = app.comment("/p", "theirs").await;
    let r = app
        .client
        .patch(app.url(&format!("/api/v1/comments/{}", created.comment.id)))
        .json(&serde_json::json!({"body": "x"}))
        .send()
        .await
        .unwrap();
    assert_error(r, 401, ErrorCode::Unauthorized).await;
    let r = app.edit(created.comment.id, &other.edit_token, "x").await;
    assert_error(r, 403, ErrorCode::Forbidden).await;
    let r = app.delete(created.comment.id, "not-the-token").await;
    assert_error(r, 403, ErrorCode::Forbidden).await;
    assert_eq!(app.thread("/p").await.total, 2);
}

async fn the_edit_window_closes(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.edit_window_secs = 0).await;
    let created = app.comment("/p", "too late").await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let r = app.edit(created.comment.id, &created.edit_token, "x").await;
    assert_error(r, 403, ErrorCode::EditWindowClosed).await;
    let r = app.delete(created.comment.id, &created.edit_token).await;
    assert_error(r, 403, ErrorCode::EditWindowClosed).await;
}

async fn an_edit_is_validated_like_a_new_comment(backend: Backend) {
    let app = spawn_app(backend).await;
    let created = app.comment("/p", "ok").await;
    let r = app
        .edit(created.comment.id, &created.edit_token, "  ")
        .await;
    assert_error(r, 422, ErrorCode::Validation).await;
}

async fn unknown_or_malformed_ids_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_error(app.edit(424_242, "t", "x").await, 404, ErrorCode::NotFound).await;
    assert_error(app.delete(424_242, "t").await, 404, ErrorCode::NotFound).await;
    let r = app
        .client
        .delete(app.url("/api/v1/comments/abc"))
        .send()
        .await
        .unwrap();
    assert_error(r, 400, ErrorCode::BadRequest).await;
}

async fn a_deleted_comment_stays_as_a_placeholder_while_it_has_replies(backend: Backend) {
    let app = spawn_app(backend).await;
    let parent = app.comment("/p", "parent").await;
    let reply = app.reply("/p", parent.comment.id, "reply").await;
    let leaf = app.comment("/p", "leaf").await;
    assert_eq!(
        app.delete(parent.comment.id, &parent.edit_token)
            .await
            .status(),
        204
    );
    assert_eq!(
        app.delete(leaf.comment.id, &leaf.edit_token).await.status(),
        204
    );
    let thread = app.thread("/p").await;
    assert_eq!(thread.total, 1);
    assert_eq!(thread.comments.len(), 1, "the deleted leaf vanished");
    let placeholder = &thread.comments[0];
    assert_eq!(placeholder.status, CommentStatus::Deleted);
    assert_eq!(
        (placeholder.author.as_str(), placeholder.html.as_str()),
        ("", "")
    );
    assert_eq!(placeholder.replies[0].id, reply.comment.id);
}

async fn a_deleted_comment_can_be_neither_edited_nor_deleted_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.comment("/p", "bye").await;
    assert_eq!(app.delete(c.comment.id, &c.edit_token).await.status(), 204);
    assert_error(
        app.delete(c.comment.id, &c.edit_token).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_error(
        app.edit(c.comment.id, &c.edit_token, "back").await,
        404,
        ErrorCode::NotFound,
    )
    .await;
}

async fn comment_routes_check_the_origin_against_the_comments_site(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.comment("/p", "hi").await;
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/comments/{}", c.comment.id)))
        .header("origin", "https://evil.example")
        .bearer_auth(&c.edit_token)
        .send()
        .await
        .unwrap();
    assert_error(r, 403, ErrorCode::OriginNotAllowed).await;
    assert_eq!(app.thread("/p").await.total, 1);
}

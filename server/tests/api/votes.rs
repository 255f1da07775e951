use confab_api::{CommentStatus, ErrorCode, VoteResult};

use crate::helpers::*;
use confab_testkit::on_both_backends;

const OTHER: &str = "another-reader-0123456789";

on_both_backends!(
    each_voter_counts_once_and_may_change_or_withdraw,
    nobody_votes_on_their_own_comment,
    without_an_author_token_the_ip_stands_in_for_the_voter,
    only_published_comments_take_votes,
    a_vote_is_1_minus_1_or_0
);

async fn each_voter_counts_once_and_may_change_or_withdraw(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.comment("/p", "vote me").await.comment;
    let r = app.vote(c.id, 1, READER).await;
    assert_eq!(
        r.json::<VoteResult>().await.unwrap(),
        VoteResult { score: 1, value: 1 }
    );
    let again: VoteResult = app.vote(c.id, 1, READER).await.json().await.unwrap();
    assert_eq!(again.score, 1, "the same vote twice counts once");
    let other: VoteResult = app.vote(c.id, 1, OTHER).await.json().await.unwrap();
    assert_eq!(other.score, 2);
    let changed: VoteResult = app.vote(c.id, -1, READER).await.json().await.unwrap();
    assert_eq!(
        changed,
        VoteResult {
            score: 0,
            value: -1
        }
    );
    let withdrawn: VoteResult = app.vote(c.id, 0, READER).await.json().await.unwrap();
    assert_eq!(withdrawn, VoteResult { score: 1, value: 0 });
    assert_eq!(app.thread("/p").await.comments[0].score, 1);
}

async fn nobody_votes_on_their_own_comment(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app
        .client
        .post(app.url("/api/v1/sites/demo/comments"))
        .header("x-confab-author", app.token(READER))
        .json(&serde_json::json!({"page": "/p", "body": "mine"}))
        .send()
        .await
        .unwrap();
    let mine: confab_api::CreatedComment = r.json().await.unwrap();
    assert_error(
        app.vote(mine.comment.id, 1, READER).await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
}

async fn without_an_author_token_the_ip_stands_in_for_the_voter(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.comment("/p", "posted without a token").await.comment;
    let r = app
        .client
        .post(app.url(&format!("/api/v1/comments/{}/vote", c.id)))
        .json(&serde_json::json!({"value": 1}))
        .send()
        .await
        .unwrap();
    assert_error(r, 403, ErrorCode::Forbidden).await;
}

async fn only_published_comments_take_votes(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_error(app.vote(987_654, 1, READER).await, 404, ErrorCode::NotFound).await;
    let held = app.comment("/p", "held").await;
    app.store()
        .set_status(held.comment.id, CommentStatus::Pending)
        .await
        .unwrap();
    assert_error(
        app.vote(held.comment.id, 1, READER).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    let gone = app.comment("/p", "gone").await;
    app.delete(gone.comment.id, &gone.edit_token).await;
    assert_error(
        app.vote(gone.comment.id, 1, READER).await,
        409,
        ErrorCode::Conflict,
    )
    .await;
}

async fn a_vote_is_1_minus_1_or_0(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.comment("/p", "x").await.comment;
    let e = assert_error(app.vote(c.id, 2, READER).await, 422, ErrorCode::Validation).await;
    assert_eq!(e.field.as_deref(), Some("value"));
    assert_error(
        app.vote(c.id, 1000, READER).await,
        400,
        ErrorCode::InvalidJson,
    )
    .await;
}

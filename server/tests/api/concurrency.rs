//! Many writers at once: SQLite must queue them, never fail with "database
//! is locked", and PostgreSQL must keep vote counts exact.

use confab_api::VoteResult;
use futures::future::join_all;
use serde_json::json;

use crate::helpers::*;
use confab_testkit::on_both_backends;

on_both_backends!(
    thirty_two_concurrent_posters_all_get_201,
    concurrent_votes_keep_the_score_exact
);

async fn thirty_two_concurrent_posters_all_get_201(backend: Backend) {
    let app = spawn_app(backend).await;
    let posts = (0..32).map(|i| {
        let body = json!({"page": "/busy", "body": format!("comment {i}")});
        let app = &app;
        async move { app.post_comment_raw(&body).await.status().as_u16() }
    });
    let statuses = join_all(posts).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    assert_eq!(app.thread("/busy").await.total, 32);
}

async fn concurrent_votes_keep_the_score_exact(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.comment("/p", "popular").await.comment;
    let votes = (0..16).map(|i| {
        let app = &app;
        async move {
            app.vote(c.id, 1, &format!("voter-token-number-{i:04}"))
                .await
        }
    });
    for r in join_all(votes).await {
        assert_eq!(r.status(), 200);
    }
    let last: VoteResult = app.vote(c.id, 0, READER).await.json().await.unwrap();
    assert_eq!(last.score, 16);
}

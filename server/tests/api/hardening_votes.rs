//! Security issue #23, item 7: vote stuffing. One address may not buy a
//! score with made-up voters: author tokens are issued and signed by the
//! server, votes count once per address as well as per token, and votes
//! are rate limited.

use confab::store::Moderation;
use confab_api::{AuthorToken, CommentStatus, ErrorCode, VoteResult};
use reqwest::Response;
use serde_json::json;

use crate::helpers::*;
use confab_testkit::on_both_backends;

/// What the widget minted for itself before the server issued tokens.
const MINTED: &str = "0123456789abcdef0123456789abcdef";

/// Bounded floods: enough to show a limit, few enough to stay quick.
const STUFFERS: usize = 40;

on_both_backends!(
    many_author_tokens_from_one_address_move_a_score_by_at_most_one,
    a_vote_that_changes_nothing_keeps_the_cached_page,
    votes_from_one_address_are_rate_limited,
    a_client_made_author_token_is_refused_naming_the_header,
    a_server_issued_token_works_for_voting_posting_and_first_time_trust,
    author_tokens_are_rate_limited_per_address
);

impl TestApp {
    /// `POST /api/v1/authors` from 127.0.0.1, as the widget asks.
    async fn issue_author(&self) -> Response {
        self.client
            .post(self.url("/api/v1/authors"))
            .header("origin", ORIGIN)
            .send()
            .await
            .unwrap()
    }

    /// Votes from 127.0.0.1 with `token`.
    async fn vote_with(&self, id: i64, value: i64, token: &str) -> Response {
        self.client
            .post(self.url(&format!("/api/v1/comments/{id}/vote")))
            .header("origin", ORIGIN)
            .header("x-confab-author", token)
            .json(&json!({ "value": value }))
            .send()
            .await
            .unwrap()
    }
}

async fn many_author_tokens_from_one_address_move_a_score_by_at_most_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app
        .post_comment_as("the-author", &json!({"page": "/p", "body": "stuff me"}))
        .await;
    let c = c
        .json::<confab_api::CreatedComment>()
        .await
        .unwrap()
        .comment;
    let mut statuses = Vec::new();
    for n in 0..STUFFERS {
        let token = app.token(&format!("stuffer-{n}"));
        statuses.push(app.vote_with(c.id, 1, &token).await.status().as_u16());
    }
    assert_eq!(statuses[0], 200);
    assert!(statuses[1..].iter().all(|s| *s == 409), "{statuses:?}");
    assert_eq!(app.thread("/p").await.comments[0].score, 1);

    // The refusal names its reason; without a token, the address is the
    // voter, and it has voted too.
    let second = app.vote_with(c.id, -1, &app.token("stuffer-1")).await;
    let e = assert_error(second, 409, ErrorCode::Conflict).await;
    assert!(e.message.contains("address"), "{}", e.message);
    let tokenless = app
        .client
        .post(app.url(&format!("/api/v1/comments/{}/vote", c.id)))
        .json(&json!({"value": 1}))
        .send()
        .await
        .unwrap();
    assert_error(tokenless, 409, ErrorCode::Conflict).await;

    // The first voter still changes their vote; a reader elsewhere counts.
    let changed = app.vote_with(c.id, -1, &app.token("stuffer-0")).await;
    assert_eq!(
        changed.json::<VoteResult>().await.unwrap(),
        VoteResult {
            score: -1,
            value: -1
        }
    );
    let elsewhere: VoteResult = app.vote(c.id, 1, READER).await.json().await.unwrap();
    assert_eq!(elsewhere.score, 0);
}

async fn a_vote_that_changes_nothing_keeps_the_cached_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.comment("/p", "cached").await.comment;
    let misses = || app.state.threads.stats().misses;
    assert_eq!(app.vote(c.id, 1, READER).await.status(), 200);
    app.thread("/p").await;
    let before = misses();
    for _ in 0..3 {
        let again: VoteResult = app.vote(c.id, 1, READER).await.json().await.unwrap();
        assert_eq!(again.score, 1);
        assert_eq!(app.thread("/p").await.comments[0].score, 1);
    }
    assert_eq!(misses(), before, "repeating a vote dropped the cached page");
    // A vote that changes the score is seen at once.
    assert_eq!(app.vote(c.id, -1, READER).await.status(), 200);
    assert_eq!(app.thread("/p").await.comments[0].score, -1);
}

async fn votes_from_one_address_are_rate_limited(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.limits.votes_per_minute_ip = 5).await;
    let c = app.comment("/p", "popular").await.comment;
    let (mut ok, mut limited) = (0, 0);
    // One reader toggling a vote: each request changes the score.
    for n in 0..STUFFERS {
        let r = app.vote(c.id, (n % 2 == 0).into(), READER).await;
        match r.status().as_u16() {
            200 => ok += 1,
            429 => {
                let wait = retry_after(&r);
                assert!((1..=60).contains(&wait), "Retry-After: {wait}");
                assert_error(r, 429, ErrorCode::RateLimited).await;
                limited += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((ok, limited), (5, STUFFERS - 5));
    // The fifth vote was an up vote, and nothing after it counted.
    assert_eq!(app.thread("/p").await.comments[0].score, 1);
    // Another address has its own allowance.
    assert_eq!(app.vote(c.id, 1, "someone-elsewhere").await.status(), 200);
}

async fn a_client_made_author_token_is_refused_naming_the_header(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.comment("/p", "x").await.comment;
    let e = assert_error(
        app.vote_with(c.id, 1, MINTED).await,
        401,
        ErrorCode::Unauthorized,
    )
    .await;
    assert_eq!(e.field.as_deref(), Some("x-confab-author"));
    assert!(e.message.contains("X-Confab-Author"), "{}", e.message);
    // A token signed by another server's key is as good as made up.
    let foreign = confab::domain::author_token::issue(b"another server's key");
    let posted = app
        .client
        .post(app.url("/api/v1/sites/demo/comments"))
        .header("origin", ORIGIN)
        .header("x-confab-author", foreign)
        .json(&json!({"page": "/p", "body": "from a forged author"}))
        .send()
        .await
        .unwrap();
    let e = assert_error(posted, 401, ErrorCode::Unauthorized).await;
    assert_eq!(e.field.as_deref(), Some("x-confab-author"));
    let thread = app.thread("/p").await;
    assert_eq!((thread.total, thread.comments[0].score), (1, 0));
}

async fn a_server_issued_token_works_for_voting_posting_and_first_time_trust(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.sites[0].moderation = Moderation::FirstTime).await;
    let r = app.issue_author().await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let AuthorToken { token } = r.json().await.unwrap();
    assert!(
        (16..=128).contains(&token.len())
            && token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{token}"
    );
    let post = |body: &'static str| {
        app.client
            .post(app.url("/api/v1/sites/demo/comments"))
            .header("origin", ORIGIN)
            .header("x-confab-author", &token)
            .json(&json!({"page": "/p", "body": body}))
            .send()
    };
    let first = post("my first words").await.unwrap();
    assert_eq!(first.status(), 202, "a first-time author is held");
    let first: confab_api::CreatedComment = first.json().await.unwrap();
    app.store()
        .set_status(first.comment.id, CommentStatus::Approved)
        .await
        .unwrap();
    assert_eq!(
        post("known now").await.unwrap().status(),
        201,
        "the token is a known author"
    );
    assert_error(
        app.vote_with(first.comment.id, 1, &token).await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    let theirs = app
        .post_comment_as(READER, &json!({"page": "/p", "body": "theirs"}))
        .await;
    let theirs: confab_api::CreatedComment = theirs.json().await.unwrap();
    app.store()
        .set_status(theirs.comment.id, CommentStatus::Approved)
        .await
        .unwrap();
    let voted: VoteResult = app
        .vote_with(theirs.comment.id, 1, &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(voted, VoteResult { score: 1, value: 1 });
}

async fn author_tokens_are_rate_limited_per_address(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.limits.author_tokens_per_hour_ip = 3).await;
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let r = app.issue_author().await;
        assert_eq!(r.status(), 201);
        tokens.push(r.json::<AuthorToken>().await.unwrap().token);
    }
    tokens.dedup();
    assert_eq!(tokens.len(), 3, "each token is new");
    for _ in 0..STUFFERS {
        let r = app.issue_author().await;
        let wait = retry_after(&r);
        assert!((1..=3600).contains(&wait), "Retry-After: {wait}");
        assert_error(r, 429, ErrorCode::RateLimited).await;
    }
}

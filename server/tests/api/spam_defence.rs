//! The local spam defence on new comments: rate limits, word lists, bans,
//! the honeypot, compose time, links, duplicates and the learned score.
//! Refused comments store nothing.

use confab_api::{CommentStatus, ErrorCode};
use serde_json::{json, Value};

use crate::admin_helpers::Admin;
use crate::helpers::*;
use confab_testkit::on_both_backends;

/// Every stored comment's status and held reason, newest first.
async fn stored(admin: &Admin<'_>) -> Vec<(String, String)> {
    let all = admin
        .json("/admin/api/comments?status=pending,approved,spam")
        .await;
    all["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["status"].as_str().unwrap().to_owned(),
                c["held_reason"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

async fn settings(admin: &Admin<'_>, body: Value) {
    let site = admin.app.demo_id().await;
    let r = admin
        .send(
            reqwest::Method::PUT,
            &format!("/admin/api/sites/{site}/settings"),
            &body,
        )
        .await;
    assert_eq!(r.status(), 200);
}

on_both_backends!(
    posting_too_fast_from_one_ip_gets_429_with_retry_after,
    a_busy_page_is_rate_limited_on_its_own,
    blocked_words_are_refused_and_suspect_words_wait,
    a_banned_email_author_or_ip_is_refused_until_the_ban_ends,
    a_site_in_hold_mode_quietly_holds_banned_authors,
    a_filled_honeypot_looks_held_but_is_kept_as_spam,
    comments_written_too_fast_or_with_many_links_wait,
    the_same_text_twice_on_a_page_is_a_conflict,
    a_high_spam_score_sends_a_comment_to_the_queue_as_spam
);

async fn posting_too_fast_from_one_ip_gets_429_with_retry_after(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.limits.posts_per_minute_ip = 2).await;
    app.comment("/a", "one").await;
    app.comment("/b", "two").await;
    let r = app
        .post_comment_raw(&json!({"page": "/c", "body": "three"}))
        .await;
    let retry = retry_after(&r);
    assert!((1..=60).contains(&retry));
    assert_error(r, 429, ErrorCode::RateLimited).await;
    assert_eq!(app.thread("/c").await.total, 0);
}

async fn a_busy_page_is_rate_limited_on_its_own(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.limits.posts_per_minute_page = 2).await;
    app.comment("/p", "one").await;
    app.comment("/p", "two").await;
    let r = app
        .post_comment_raw(&json!({"page": "/p", "body": "three"}))
        .await;
    assert_error(r, 429, ErrorCode::RateLimited).await;
    assert_eq!(
        app.post_comment_raw(&json!({"page": "/q", "body": "elsewhere"}))
            .await
            .status(),
        201
    );
}

async fn blocked_words_are_refused_and_suspect_words_wait(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    settings(
        &admin,
        json!({"blocked_words": ["casino"], "suspect_words": ["crypto deal"]}),
    )
    .await;
    let r = app
        .post_comment_raw(&json!({"page": "/p", "body": "Best CASINO!"}))
        .await;
    let e = assert_error(r, 422, ErrorCode::Validation).await;
    assert_eq!(e.field.as_deref(), Some("body"));
    assert_eq!(
        app.post_comment_raw(&json!({"page": "/p", "body": "occasional"}))
            .await
            .status(),
        201
    );
    let r = app
        .post_comment_raw(&json!({"page": "/p", "body": "a Crypto deal for you"}))
        .await;
    assert_eq!(r.status(), 202);
    let got = stored(&admin).await;
    assert_eq!(got.len(), 2, "the refused one stored nothing");
    assert_eq!(
        got[0],
        ("pending".into(), "suspect word \"crypto deal\"".into())
    );
}

async fn a_banned_email_author_or_ip_is_refused_until_the_ban_ends(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let site = app.demo_id().await;
    let bans = format!("/admin/api/sites/{site}/bans");
    let r = admin
        .post(
            &bans,
            &json!({"kind": "email", "value": "Troll@Example.org"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let ban: Value = r.json().await.unwrap();
    let r = app
        .post_comment_raw(&json!({"page": "/p", "body": "hi", "email": "troll@example.org"}))
        .await;
    assert_error(r, 403, ErrorCode::Forbidden).await;
    assert_eq!(
        admin
            .send(
                reqwest::Method::DELETE,
                &format!("{bans}/{}", ban["id"]),
                &json!(null)
            )
            .await
            .status(),
        204
    );
    assert_eq!(
        app.post_comment_raw(&json!({"page": "/p", "body": "hi", "email": "troll@example.org"}))
            .await
            .status(),
        201
    );

    let c = app
        .post_comment_as(READER, &json!({"page": "/p", "body": "first"}))
        .await;
    let c: confab_api::CreatedComment = c.json().await.unwrap();
    admin
        .post(
            &bans,
            &json!({"kind": "author", "comment": c.comment.id, "expires_in_secs": 1}),
        )
        .await;
    let r = app
        .post_comment_as(READER, &json!({"page": "/p", "body": "second"}))
        .await;
    assert_error(r, 403, ErrorCode::Forbidden).await;
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(
        app.post_comment_as(READER, &json!({"page": "/p", "body": "third"}))
            .await
            .status(),
        201,
        "the ban expired"
    );

    admin
        .post(&bans, &json!({"kind": "ip", "comment": c.comment.id}))
        .await;
    let r = app
        .post_comment_raw(&json!({"page": "/p", "body": "from the same ip"}))
        .await;
    assert_error(r, 403, ErrorCode::Forbidden).await;
    let listed = admin.json(&bans).await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
}

async fn a_site_in_hold_mode_quietly_holds_banned_authors(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let site = app.demo_id().await;
    settings(&admin, json!({"ban_mode": "hold"})).await;
    admin
        .post(
            &format!("/admin/api/sites/{site}/bans"),
            &json!({"kind": "email", "value": "troll@example.org"}),
        )
        .await;
    let r = app
        .post_comment_raw(&json!({"page": "/p", "body": "hi", "email": "troll@example.org"}))
        .await;
    assert_eq!(r.status(), 202);
    assert_eq!(
        stored(&admin).await[0],
        ("pending".into(), "banned author".into())
    );
}

async fn a_filled_honeypot_looks_held_but_is_kept_as_spam(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let r = app
        .post_comment_raw(&json!({"page": "/p", "body": "hi", "honeypot": "http://x"}))
        .await;
    assert_eq!(r.status(), 202);
    let created: confab_api::CreatedComment = r.json().await.unwrap();
    assert_eq!(
        created.comment.status,
        CommentStatus::Pending,
        "the bot is not told"
    );
    assert_eq!(app.status_of(created.comment.id).await, CommentStatus::Spam);
    assert_eq!(app.thread("/p").await.total, 0);
    let r = app
        .post_comment_raw(&json!({"page": "/p", "body": "a person", "honeypot": " "}))
        .await;
    assert_eq!(r.status(), 201, "a blank honeypot is fine");
    let queue = admin.json("/admin/api/queue").await;
    assert_eq!(
        queue["items"][0]["comment"]["held_reason"],
        "honeypot filled in"
    );
}

async fn comments_written_too_fast_or_with_many_links_wait(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    assert_eq!(
        app.post_comment_raw(&json!({"page": "/p", "body": "quick", "compose_ms": 500}))
            .await
            .status(),
        202
    );
    assert_eq!(
        app.post_comment_raw(&json!({"page": "/p", "body": "slow", "compose_ms": 5000}))
            .await
            .status(),
        201
    );
    assert_eq!(
        app.post_comment_raw(&json!({"page": "/p", "body": "unsent"}))
            .await
            .status(),
        201
    );
    let three = "https://a.example https://b.example https://c.example";
    assert_eq!(
        app.post_comment_raw(&json!({"page": "/p", "body": three}))
            .await
            .status(),
        201
    );
    let four = format!("{three} www.d.example");
    assert_eq!(
        app.post_comment_raw(&json!({"page": "/p", "body": four}))
            .await
            .status(),
        202
    );
    let reasons: Vec<String> = stored(&admin)
        .await
        .into_iter()
        .map(|(_, r)| r)
        .filter(|r| !r.is_empty())
        .collect();
    assert_eq!(reasons, ["4 links", "written in 500 ms"]);
}

async fn the_same_text_twice_on_a_page_is_a_conflict(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(
        app.post_comment_as(READER, &json!({"page": "/p", "body": "me too"}))
            .await
            .status(),
        201
    );
    let r = app
        .post_comment_as(READER, &json!({"page": "/p", "body": "me too"}))
        .await;
    assert_error(r, 409, ErrorCode::Conflict).await;
    assert_eq!(app.thread("/p").await.total, 1);
    assert_eq!(
        app.post_comment_as(READER, &json!({"page": "/q", "body": "me too"}))
            .await
            .status(),
        201
    );
}

async fn a_high_spam_score_sends_a_comment_to_the_queue_as_spam(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.sites[0].moderation = confab::store::Moderation::All
    })
    .await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let spam = [
        "Cheap pills!!! Buy now at https://pills.example/buy best price",
        "Make $5000 a week from home, click https://money.example now",
        "Buy cheap watches, best price, https://watches.example limited offer",
        "Casino bonus! Win big today at https://casino.example click here",
        "Best price viagra, buy now https://pills.example discreet shipping",
        "Earn money fast, work from home, https://money.example click",
    ];
    let ham = [
        "I rode the night bus last winter and it was always full.",
        "The council should publish the ridership figures per route.",
        "Moving the layover stop a block east seems like a fair compromise.",
        "Electric buses would help with the noise the residents mention.",
        "As a nurse I can confirm the last bus used to leave far too early.",
        "Does anyone know when the timetables will be published?",
    ];
    let mut spam_ids = Vec::new();
    for s in spam {
        spam_ids.push(app.comment("/train", s).await.comment.id);
    }
    let mut ham_ids = Vec::new();
    for h in ham {
        ham_ids.push(app.comment("/train", h).await.comment.id);
    }
    admin
        .post(
            "/admin/api/comments/bulk",
            &json!({"ids": spam_ids, "action": "spam"}),
        )
        .await;
    admin
        .post(
            "/admin/api/comments/bulk",
            &json!({"ids": ham_ids, "action": "approve"}),
        )
        .await;
    let site = app.demo_id().await;
    let mut spec = app.store().site_by_id(site).await.unwrap().unwrap();
    spec.moderation = confab::store::Moderation::Open;
    app.store()
        .upsert_site(&confab::store::SiteSpec {
            slug: spec.slug,
            name: spec.name,
            origins: spec.origins,
            moderation: spec.moderation,
        })
        .await
        .unwrap();

    let r = app
        .post_comment_raw(&json!({
            "page": "/p",
            "body": "Buy cheap pills now, best price at https://pills.example",
        }))
        .await;
    assert_eq!(r.status(), 202);
    let flagged: confab_api::CreatedComment = r.json().await.unwrap();
    assert_eq!(app.status_of(flagged.comment.id).await, CommentStatus::Spam);
    let r = app
        .post_comment_raw(
            &json!({"page": "/p", "body": "The night bus route to the hospital was a good idea."}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let queue = admin.json("/admin/api/queue").await;
    assert!(queue["items"][0]["comment"]["held_reason"]
        .as_str()
        .unwrap()
        .starts_with("spam score"));
}

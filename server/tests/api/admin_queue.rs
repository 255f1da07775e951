//! The queue and the moderators' decisions: what they change, what readers
//! then see, and what the audit log keeps.

use confab_api::{ErrorCode, Event, NewComment};
use reqwest::Method;
use serde_json::json;

use crate::events::Events;
use crate::helpers::*;
use confab_testkit::on_both_backends;

async fn holding_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |c| {
        c.sites[0].moderation = confab::store::Moderation::All
    })
    .await
}

on_both_backends!(
    the_queue_shows_each_held_comment_with_its_page_parent_and_the_authors_other_comments,
    approving_a_held_comment_publishes_it_live,
    moderators_edit_delete_and_act_in_bulk,
    search_finds_comments_by_text_author_email_page_and_ip_hash,
    locking_a_page_refuses_new_comments_until_unlocked,
    every_moderator_action_is_in_the_audit_log_with_before_and_after,
    decisions_train_the_spam_model_and_reversals_untrain_it
);

async fn the_queue_shows_each_held_comment_with_its_page_parent_and_the_authors_other_comments(
    backend: Backend,
) {
    let app = holding_app(backend).await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let parent = app
        .comment_with(NewComment {
            page: "/p".into(),
            title: Some("Night buses".into()),
            body: "parent".into(),
            ..NewComment::default()
        })
        .await
        .comment
        .id;
    admin.act(parent, "approve").await;
    let earlier = app
        .post_comment_as(READER, &json!({"page": "/q", "body": "earlier"}))
        .await;
    assert_eq!(earlier.status(), 202);
    let held = app
        .post_comment_as(
            READER,
            &json!({"page": "/p", "parent": parent, "body": "a reply"}),
        )
        .await;
    let held: confab_api::CreatedComment = held.json().await.unwrap();
    let queue = admin.json("/admin/api/queue").await;
    let item = &queue["items"][0];
    assert_eq!(item["comment"]["id"], held.comment.id);
    assert_eq!(
        item["comment"]["held_reason"],
        "the site holds every comment"
    );
    assert_eq!(item["page"]["title"], "Night buses");
    assert_eq!(item["parent"]["id"], parent);
    assert_eq!(item["others"][0]["source"], "earlier");
    assert_eq!(
        queue["items"].as_array().unwrap().len(),
        2,
        "approved comments leave the queue"
    );
}

async fn approving_a_held_comment_publishes_it_live(backend: Backend) {
    let app = holding_app(backend).await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let id = app.comment("/p", "held").await.comment.id;
    assert_eq!(app.thread("/p").await.total, 0, "cached as empty");
    let mut events = Events::open(&app, "/p").await;
    let after = admin.act(id, "approve").await;
    assert_eq!(after["status"], "approved");
    assert!(matches!(events.next().await.1, Event::Created { comment } if comment.id == id));
    assert_eq!(
        app.thread("/p").await.total,
        1,
        "the thread cache was invalidated"
    );
    admin.act(id, "pin").await;
    assert!(matches!(events.next().await.1, Event::Edited { comment } if comment.pinned));
    admin.act(id, "spam").await;
    assert_eq!(events.next().await.1, Event::Deleted { id });
    assert_eq!(app.thread("/p").await.total, 0);
}

async fn moderators_edit_delete_and_act_in_bulk(backend: Backend) {
    let app = holding_app(backend).await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let a = app.comment("/p", "one").await.comment.id;
    let b = app.comment("/p", "two").await.comment.id;
    let r = admin
        .post(
            "/admin/api/comments/bulk",
            &json!({"ids": [a, b, a], "action": "approve"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.thread("/p").await.total, 2);
    let r = admin
        .send(
            Method::PATCH,
            &format!("/admin/api/comments/{a}"),
            &json!({"body": "**edited**"}),
        )
        .await;
    let edited: serde_json::Value = r.json().await.unwrap();
    assert!(edited["html"]
        .as_str()
        .unwrap()
        .contains("<strong>edited</strong>"));
    admin.act(b, "delete").await;
    let r = admin
        .post(&format!("/admin/api/comments/{b}/approve"), &json!({}))
        .await;
    assert_error(r, 404, ErrorCode::NotFound).await;
    let r = admin
        .post(&format!("/admin/api/comments/{a}/frobnicate"), &json!({}))
        .await;
    assert_eq!(r.status(), 404);
    let r = admin
        .post(
            "/admin/api/comments/bulk",
            &json!({"ids": [], "action": "spam"}),
        )
        .await;
    assert_error(r, 422, ErrorCode::Validation).await;
}

async fn search_finds_comments_by_text_author_email_page_and_ip_hash(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let c = app
        .comment_with(NewComment {
            page: "/p".into(),
            author: Some("Ann".into()),
            email: Some("ann@example.org".into()),
            body: "Buses at 100%_ night".into(),
            ..NewComment::default()
        })
        .await
        .comment
        .id;
    app.comment("/q", "something else").await;
    let ip = app.store().admin_comment(c).await.unwrap().unwrap().ip_hash;
    for query in [
        "q=100%25_",
        "q=BUSES",
        "author=an",
        "email=ANN@example.org",
        "page=/p",
        &format!("ip_hash={ip}&page=/p"),
    ] {
        let found = admin.json(&format!("/admin/api/comments?{query}")).await;
        let ids: Vec<i64> = found["comments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [c], "{query}");
    }
    let r = admin.get("/admin/api/comments?status=bogus").await;
    assert_error(r, 422, ErrorCode::Validation).await;
    let r = admin.get("/admin/api/comments?limit=0").await;
    assert_error(r, 422, ErrorCode::Validation).await;
}

async fn locking_a_page_refuses_new_comments_until_unlocked(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let site = app.demo_id().await;
    let path = format!("/admin/api/sites/{site}/pages/lock");
    assert_eq!(
        admin
            .post(&path, &json!({"page": "/p", "locked": true}))
            .await
            .status(),
        200
    );
    let r = app
        .post_comment_raw(&json!({"page": "/p", "body": "hi"}))
        .await;
    assert_error(r, 409, ErrorCode::PageLocked).await;
    assert_eq!(app.thread("/p").await.locked, Some(true));
    admin
        .post(&path, &json!({"page": "/p", "locked": false}))
        .await;
    assert_eq!(
        app.post_comment_raw(&json!({"page": "/p", "body": "hi"}))
            .await
            .status(),
        201
    );
}

async fn every_moderator_action_is_in_the_audit_log_with_before_and_after(backend: Backend) {
    let app = holding_app(backend).await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let site = app.demo_id().await;
    let id = app.comment("/p", "held").await.comment.id;
    admin.act(id, "approve").await;
    admin
        .post(
            &format!("/admin/api/sites/{site}/pages/lock"),
            &json!({"page": "/p", "locked": true}),
        )
        .await;
    let log = admin.json(&format!("/admin/api/sites/{site}/audit")).await;
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["action"], "lock");
    assert_eq!(entries[1]["action"], "approve");
    assert_eq!(entries[1]["moderator"], "mod@example.org");
    assert_eq!(entries[1]["target"], format!("comment:{id}"));
    assert_eq!(entries[1]["before"]["status"], "pending");
    assert_eq!(entries[1]["after"]["status"], "approved");
}

async fn decisions_train_the_spam_model_and_reversals_untrain_it(backend: Backend) {
    let app = holding_app(backend).await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let site = app.demo_id().await;
    let id = app.comment("/p", "cheap pills here").await.comment.id;
    admin.act(id, "spam").await;
    assert_eq!(
        app.store().spam_model(site).await.unwrap().documents(),
        (1, 0)
    );
    admin.act(id, "approve").await;
    assert_eq!(
        app.store().spam_model(site).await.unwrap().documents(),
        (0, 1)
    );
    admin.act(id, "approve").await;
    assert_eq!(
        app.store().spam_model(site).await.unwrap().documents(),
        (0, 1),
        "learned once"
    );
}

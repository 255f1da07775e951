//! Tenant isolation: a moderator of one site can neither see nor touch
//! another site through any admin route.

use confab_api::CommentStatus;
use reqwest::Method;
use serde_json::json;

use crate::helpers::*;
use confab_testkit::on_both_backends;

const OTHER_ORIGIN: &str = "https://other.example";

on_both_backends!(a_moderator_of_one_site_cannot_see_or_act_on_another_through_any_route);

async fn a_moderator_of_one_site_cannot_see_or_act_on_another_through_any_route(backend: Backend) {
    let app = spawn_app(backend).await;
    let other = app.add_site("other", OTHER_ORIGIN).await;
    let theirs = app
        .client
        .post(app.url("/api/v1/sites/other/comments"))
        .header("origin", OTHER_ORIGIN)
        .json(&json!({
            "page": "/secret",
            "body": "not for demo's moderators",
            "email": "x@example.org",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), 201);
    let theirs: confab_api::CreatedComment = theirs.json().await.unwrap();
    let c = theirs.comment.id;
    let mine = app.comment("/p", "mine").await.comment.id;
    let admin = app.admin("mod@example.org", &["demo"]).await;

    let routes: Vec<(Method, String, serde_json::Value)> = vec![
        (
            Method::GET,
            format!("/admin/api/queue?site={other}"),
            json!(null),
        ),
        (
            Method::GET,
            format!("/admin/api/comments?site={other}"),
            json!(null),
        ),
        (Method::GET, format!("/admin/api/comments/{c}"), json!(null)),
        (
            Method::PATCH,
            format!("/admin/api/comments/{c}"),
            json!({"body": "defaced"}),
        ),
        (
            Method::POST,
            format!("/admin/api/comments/{c}/approve"),
            json!({}),
        ),
        (
            Method::POST,
            format!("/admin/api/comments/{c}/spam"),
            json!({}),
        ),
        (
            Method::POST,
            format!("/admin/api/comments/{c}/delete"),
            json!({}),
        ),
        (
            Method::POST,
            format!("/admin/api/comments/{c}/pin"),
            json!({}),
        ),
        (
            Method::POST,
            format!("/admin/api/comments/{c}/unpin"),
            json!({}),
        ),
        (
            Method::POST,
            "/admin/api/comments/bulk".into(),
            json!({"ids": [mine, c], "action": "spam"}),
        ),
        (
            Method::POST,
            format!("/admin/api/sites/{other}/pages/lock"),
            json!({"page": "/secret", "locked": true}),
        ),
        (
            Method::GET,
            format!("/admin/api/sites/{other}/bans"),
            json!(null),
        ),
        (
            Method::POST,
            format!("/admin/api/sites/{other}/bans"),
            json!({"kind": "email", "value": "a@b.cd"}),
        ),
        (
            Method::DELETE,
            format!("/admin/api/sites/{other}/bans/1"),
            json!(null),
        ),
        (
            Method::GET,
            format!("/admin/api/sites/{other}/settings"),
            json!(null),
        ),
        (
            Method::PUT,
            format!("/admin/api/sites/{other}/settings"),
            json!({"blocked_words": ["x"]}),
        ),
        (
            Method::GET,
            format!("/admin/api/sites/{other}/audit"),
            json!(null),
        ),
        // Ids that exist nowhere get the same answer as foreign ones.
        (
            Method::GET,
            "/admin/api/comments/999999".into(),
            json!(null),
        ),
        (
            Method::GET,
            "/admin/api/sites/999999/audit".into(),
            json!(null),
        ),
        // A ban on my site built from their comment.
        (
            Method::POST,
            format!("/admin/api/sites/{}/bans", app.demo_id().await),
            json!({"kind": "ip", "comment": c}),
        ),
    ];
    for (method, path, body) in routes {
        let mut req = admin.request(method.clone(), &path);
        if !body.is_null() {
            req = req.json(&body);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 403, "{method} {path}");
    }
    let after = app.store().admin_comment(c).await.unwrap().unwrap();
    assert_eq!(after.status(), CommentStatus::Approved);
    assert_eq!(
        (after.source.as_str(), after.pinned),
        ("not for demo's moderators", false)
    );
    assert_eq!(
        app.status_of(mine).await,
        CommentStatus::Approved,
        "bulk is all or nothing"
    );
    assert!(app.store().bans(other).await.unwrap().is_empty());
    assert!(app
        .store()
        .audit_log(other, None, 10)
        .await
        .unwrap()
        .is_empty());
    assert!(
        !app.store()
            .page(other, "/secret")
            .await
            .unwrap()
            .unwrap()
            .locked
    );

    // Listings without a site cover only the moderator's own.
    let all = admin.json("/admin/api/comments").await;
    let ids: Vec<i64> = all["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [mine]);
    let by_email = admin.json("/admin/api/comments?email=x@example.org").await;
    assert!(by_email["comments"].as_array().unwrap().is_empty());
}

//! The attack pass on what comments say and where pages point (issue #23,
//! items 5, 10 and 11): an author's edit is screened like a new comment,
//! the word lists and the link limit see what readers see, and a page's
//! title and link are no longer the first commenter's to set.

use confab_api::{Comment, CommentStatus, CreatedComment, ErrorCode, NewComment};
use reqwest::Method;
use serde_json::{json, Value};

use crate::admin_helpers::Admin;
use crate::helpers::*;
use confab_testkit::on_both_backends;

on_both_backends!(
    an_edit_with_a_blocked_word_is_refused_like_a_post,
    an_approved_comment_edited_into_spam_on_a_moderated_site_waits_again,
    an_edit_that_adds_too_many_links_leaves_the_thread_on_an_open_site,
    an_edit_on_a_locked_page_is_refused,
    an_edit_from_a_banned_ip_is_refused,
    words_hidden_by_references_markup_or_a_soft_hyphen_are_still_blocked,
    links_written_with_character_references_are_counted,
    a_page_url_off_the_sites_origins_is_dropped_with_its_title,
    moderators_set_a_pages_title_and_url_on_their_own_sites_only
);

/// A moderator of `demo`, with `settings` stored for the site.
async fn moderator_with<'a>(app: &'a TestApp, settings: Value) -> Admin<'a> {
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let site = app.demo_id().await;
    let path = format!("/admin/api/sites/{site}/settings");
    let r = admin.send(Method::PUT, &path, &settings).await;
    assert_eq!(r.status(), 200, "settings saved");
    admin
}

/// The stored source of comment `id`.
async fn source_of(app: &TestApp, id: i64) -> String {
    let c = app.store().admin_comment(id).await.unwrap();
    c.expect("comment").source
}

async fn an_edit_with_a_blocked_word_is_refused_like_a_post(backend: Backend) {
    let app = spawn_app(backend).await;
    moderator_with(&app, json!({"blocked_words": ["casino"]})).await;
    let created = app.comment("/p", "hello").await;
    let id = created.comment.id;
    let r = app.edit(id, &created.edit_token, "Best casino here").await;
    let e = assert_error(r, 422, ErrorCode::Validation).await;
    assert_eq!(e.field.as_deref(), Some("body"));
    assert_eq!(source_of(&app, id).await, "hello", "nothing changed");
    assert_eq!(app.thread("/p").await.comments[0].html, "<p>hello</p>");
    // An edit is no duplicate of the comment it edits.
    let r = app.edit(id, &created.edit_token, "hello").await;
    assert_eq!(r.status(), 200);
}

async fn an_approved_comment_edited_into_spam_on_a_moderated_site_waits_again(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.sites[0].moderation = confab::store::Moderation::All
    })
    .await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let created = app.comment("/p", "A fair point about buses").await;
    let id = created.comment.id;
    admin.act(id, "approve").await;
    // Read once, so that a cached thread would still hold the old text.
    assert_eq!(app.thread("/p").await.total, 1);

    let spam = "Cheap pills at [this shop](https://pills.example/buy)";
    let r = app.edit(id, &created.edit_token, spam).await;
    assert_eq!(r.status(), 200);
    let edited: Comment = r.json().await.unwrap();
    assert_eq!(edited.status, CommentStatus::Pending, "the author is told");
    assert_eq!(app.status_of(id).await, CommentStatus::Pending);
    let thread = app.thread("/p").await;
    assert_eq!(thread.total, 0, "no longer public: {thread:?}");
    let queue = admin.json("/admin/api/queue").await;
    let held = &queue["items"][0]["comment"];
    assert_eq!(held["id"], id);
    assert_eq!(held["source"], spam);
    assert!(
        held["held_reason"]
            .as_str()
            .unwrap()
            .starts_with("edited: the site holds every comment"),
        "{held}"
    );
}

async fn an_edit_that_adds_too_many_links_leaves_the_thread_on_an_open_site(backend: Backend) {
    let app = spawn_app(backend).await;
    let created = app.comment("/p", "no links yet").await;
    let links = "https://a.test https://b.test https://c.test https://d.test";
    let r = app
        .edit(created.comment.id, &created.edit_token, links)
        .await;
    assert_eq!(r.status(), 200);
    let edited: Comment = r.json().await.unwrap();
    assert_eq!(edited.status, CommentStatus::Pending);
    assert_eq!(app.thread("/p").await.total, 0);
    let stored = app.store().admin_comment(created.comment.id).await.unwrap();
    assert_eq!(
        stored.unwrap().held_reason.as_deref(),
        Some("edited: 4 links")
    );
}

async fn an_edit_on_a_locked_page_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let created = app.comment("/p", "before the lock").await;
    let site = app.demo_id().await;
    let lock = json!({"page": "/p", "locked": true});
    let r = admin
        .post(&format!("/admin/api/sites/{site}/pages/lock"), &lock)
        .await;
    assert_eq!(r.status(), 200);
    let r = app
        .edit(created.comment.id, &created.edit_token, "after the lock")
        .await;
    assert_error(r, 409, ErrorCode::PageLocked).await;
    assert_eq!(source_of(&app, created.comment.id).await, "before the lock");
}

async fn an_edit_from_a_banned_ip_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let created = app.comment("/p", "before the ban").await;
    let site = app.demo_id().await;
    let ban = json!({"kind": "ip", "comment": created.comment.id});
    let r = admin
        .post(&format!("/admin/api/sites/{site}/bans"), &ban)
        .await;
    assert_eq!(r.status(), 201);
    let r = app
        .edit(created.comment.id, &created.edit_token, "after the ban")
        .await;
    assert_error(r, 403, ErrorCode::Forbidden).await;
    assert_eq!(source_of(&app, created.comment.id).await, "before the ban");
}

async fn words_hidden_by_references_markup_or_a_soft_hyphen_are_still_blocked(backend: Backend) {
    let app = spawn_app(backend).await;
    moderator_with(&app, json!({"blocked_words": ["casino"]})).await;
    for body in ["best c&#97;sino", "best cas*i*no", "best cas\u{00AD}ino"] {
        let r = app
            .post_comment_raw(&json!({"page": "/p", "body": body}))
            .await;
        let e = assert_error(r, 422, ErrorCode::Validation).await;
        assert_eq!(e.field.as_deref(), Some("body"), "{body:?}");
    }
    assert_eq!(app.thread("/p").await.total, 0);
    // Whole words still: the word split across paragraphs is two words.
    let r = app
        .post_comment_raw(&json!({"page": "/p", "body": "cas\n\nino"}))
        .await;
    assert_eq!(r.status(), 201);
}

async fn links_written_with_character_references_are_counted(backend: Backend) {
    let app = spawn_app(backend).await;
    let hidden = "[a](https&#58;//a.test) ".repeat(6);
    let r = app
        .post_comment_raw(&json!({"page": "/p", "body": hidden}))
        .await;
    assert_eq!(r.status(), 202, "held like six plain links");
    let created: CreatedComment = r.json().await.unwrap();
    assert_eq!(
        created
            .comment
            .html
            .matches("href=\"https://a.test\"")
            .count(),
        6
    );
    let stored = app.store().admin_comment(created.comment.id).await.unwrap();
    assert_eq!(stored.unwrap().held_reason.as_deref(), Some("6 links"));
}

async fn a_page_url_off_the_sites_origins_is_dropped_with_its_title(backend: Backend) {
    let app = spawn_app(backend).await;
    let bait = app
        .comment_with(NewComment {
            page: "/bait".into(),
            title: Some("Moderators: session expired, log in here".into()),
            url: Some("https://evil.example/login".into()),
            body: "first!".into(),
            ..NewComment::default()
        })
        .await;
    assert_eq!(bait.comment.status, CommentStatus::Approved, "still posted");
    let site = app.demo_id().await;
    let page = app.store().page(site, "/bait").await.unwrap().unwrap();
    assert_eq!((page.title, page.url), (None, None));

    let own = format!("{ORIGIN}/news?id=1");
    app.comment_with(NewComment {
        page: "/news".into(),
        title: Some("News".into()),
        url: Some(own.clone()),
        body: "on the site".into(),
        ..NewComment::default()
    })
    .await;
    let page = app.store().page(site, "/news").await.unwrap().unwrap();
    assert_eq!(page.title.as_deref(), Some("News"));
    assert_eq!(page.url, Some(own));
}

async fn moderators_set_a_pages_title_and_url_on_their_own_sites_only(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.sites[0].moderation = confab::store::Moderation::All
    })
    .await;
    let other = app.add_site("other", "https://other.example").await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let held = app.comment("/p", "held").await;
    let site = app.demo_id().await;
    let path = format!("/admin/api/sites/{site}/pages/info");
    // A URL stored before origins were checked is not shown.
    app.store()
        .set_page_info(
            site,
            "/p",
            Some("Log in here"),
            Some("https://evil.example/"),
        )
        .await
        .unwrap();
    let queue = admin.json("/admin/api/queue").await;
    assert_eq!(queue["items"][0]["page"]["url"], Value::Null);

    let url = format!("{ORIGIN}/p");
    let r = admin
        .send(
            Method::PUT,
            &path,
            &json!({"page": "/p", "title": "Night buses", "url": url}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let info: Value = r.json().await.unwrap();
    assert_eq!(
        (info["title"].as_str(), info["url"].as_str()),
        (Some("Night buses"), Some(url.as_str()))
    );
    let queue = admin.json("/admin/api/queue").await;
    assert_eq!(queue["items"][0]["comment"]["id"], held.comment.id);
    assert_eq!(queue["items"][0]["page"]["title"], "Night buses");
    assert_eq!(queue["items"][0]["page"]["url"], url.as_str());

    let foreign = json!({"page": "/p", "title": "x", "url": "https://evil.example/p"});
    let r = admin.send(Method::PUT, &path, &foreign).await;
    let e = assert_error(r, 422, ErrorCode::Validation).await;
    assert_eq!(e.field.as_deref(), Some("url"));
    let r = admin
        .send(
            Method::PUT,
            &format!("/admin/api/sites/{other}/pages/info"),
            &json!({"page": "/p"}),
        )
        .await;
    assert_error(r, 403, ErrorCode::Forbidden).await;
    let page = app.store().page(site, "/p").await.unwrap().unwrap();
    assert_eq!(
        page.title.as_deref(),
        Some("Night buses"),
        "refusals change nothing"
    );
    assert!(app.store().page(other, "/p").await.unwrap().is_none());

    let audit = admin.json(&format!("/admin/api/sites/{site}/audit")).await;
    let entry = &audit["entries"][0];
    assert_eq!(
        (entry["action"].as_str(), entry["target"].as_str()),
        (Some("page"), Some("page:/p"))
    );
    assert_eq!(entry["before"]["title"], "Log in here");
    assert_eq!(entry["after"]["url"], url.as_str());
}

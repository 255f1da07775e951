//! E-mail to moderators through a real SMTP conversation, and the one-click
//! links in it: a GET only shows a form, the same-origin POST acts.

use confab::config::{Smtp, SmtpTls};
use confab_api::{CommentStatus, Event};
use serde_json::json;

use crate::events::Events;
use crate::helpers::*;
use confab_testkit::on_both_backends;
use confab_testkit::{decode_qp, SmtpSink};

pub(crate) async fn app_with_mail(backend: Backend, sink: &SmtpSink) -> TestApp {
    let port = sink.port;
    spawn_app_with(backend, move |c| {
        c.sites[0].moderation = confab::store::Moderation::All;
        c.smtp = Some(Smtp {
            host: "127.0.0.1".into(),
            port,
            username: None,
            password: None,
            from: "Confab <confab@example.org>".into(),
            tls: SmtpTls::None,
        });
    })
    .await
}

/// The value of `token=` in the first link after `label`.
pub(crate) fn link_after(text: &str, label: &str) -> String {
    let at = text.find(label).expect(label);
    let rest = &text[at..];
    let start = rest.find("http").unwrap();
    rest[start..].split_whitespace().next().unwrap().to_owned()
}

pub(crate) fn token_of(link: &str) -> String {
    link.split("token=").nth(1).unwrap().to_owned()
}

pub(crate) async fn post_form(
    app: &TestApp,
    path: &str,
    token: &str,
    origin: &str,
) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("origin", origin)
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
}

on_both_backends!(
    a_held_comment_e_mails_its_moderators_with_escaped_fields_and_links,
    an_approve_link_asks_first_and_only_its_post_publishes_live,
    a_delete_link_deletes_and_a_link_for_a_removed_moderator_does_nothing
);

async fn a_held_comment_e_mails_its_moderators_with_escaped_fields_and_links(backend: Backend) {
    let mut sink = SmtpSink::start().await;
    let app = app_with_mail(backend, &sink).await;
    app.add_moderator("mod@example.org", &["demo"]).await;
    let r = app
        .post_comment_raw(&json!({
            "page": "/p", "author": "<script>alert(1)</script>",
            "body": "I <b>think</b> & so on"
        }))
        .await;
    assert_eq!(r.status(), 202);
    let mail = sink.next().await;
    assert_eq!(mail.recipients, ["mod@example.org"]);
    let data = decode_qp(&mail.data);
    assert!(data.contains("multipart/alternative"));
    assert!(data.contains("text/plain"));
    assert!(data.contains("text/html"));
    assert!(data.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(data.contains("I &lt;b&gt;think&lt;/b&gt; &amp; so on"));
    let html_part = &data[data.find("text/html").unwrap()..];
    assert!(
        !html_part.contains("<script>"),
        "no raw author name in the HTML part"
    );
    let approve = link_after(&data, "Approve: ");
    assert!(approve.starts_with(&format!("{}/admin/mail?token=", app.address)));
    assert!(link_after(&data, "Delete: ").contains("/admin/mail?token="));
}

async fn an_approve_link_asks_first_and_only_its_post_publishes_live(backend: Backend) {
    let mut sink = SmtpSink::start().await;
    let app = app_with_mail(backend, &sink).await;
    app.add_moderator("mod@example.org", &["demo"]).await;
    let held = app.comment("/p", "please approve me").await.comment;
    let approve = link_after(&decode_qp(&sink.next().await.data), "Approve: ");
    let mut events = Events::open(&app, "/p").await;

    let page = app.client.get(&approve).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["referrer-policy"], "same-origin");
    let html = page.text().await.unwrap();
    assert!(html.contains("<form method=\"post\" action=\"/admin/mail\">"));
    assert!(html.contains("please approve me"));
    assert_eq!(
        app.status_of(held.id).await,
        CommentStatus::Pending,
        "a GET changes nothing"
    );
    assert_eq!(app.thread("/p").await.total, 0);

    let token = token_of(&approve);
    let r = post_form(&app, "/admin/mail", &token, "https://evil.example").await;
    assert_eq!(r.status(), 403);
    let r = post_form(&app, "/admin/mail", &format!("{token}x"), &app.address).await;
    assert_eq!(r.status(), 404, "a tampered token");
    assert_eq!(app.status_of(held.id).await, CommentStatus::Pending);

    let r = post_form(&app, "/admin/mail", &token, &app.address).await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.status_of(held.id).await, CommentStatus::Approved);
    assert_eq!(app.thread("/p").await.total, 1);
    let (name, event) = events.next().await;
    assert_eq!(name, "created");
    assert!(matches!(event, Event::Created { comment } if comment.id == held.id));
}

async fn a_delete_link_deletes_and_a_link_for_a_removed_moderator_does_nothing(backend: Backend) {
    let mut sink = SmtpSink::start().await;
    let app = app_with_mail(backend, &sink).await;
    app.add_moderator("mod@example.org", &["demo"]).await;
    let doomed = app.comment("/p", "delete me").await.comment;
    let delete = token_of(&link_after(&decode_qp(&sink.next().await.data), "Delete: "));
    let r = post_form(&app, "/admin/mail", &delete, &app.address).await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.status_of(doomed.id).await, CommentStatus::Deleted);

    let held = app.comment("/p", "approve me later").await.comment;
    let approve = token_of(&link_after(
        &decode_qp(&sink.next().await.data),
        "Approve: ",
    ));
    app.store()
        .remove_moderator("mod@example.org")
        .await
        .unwrap();
    let r = post_form(&app, "/admin/mail", &approve, &app.address).await;
    assert_eq!(r.status(), 403);
    // Added again, they are a new moderator: old links stay dead.
    app.add_moderator("mod@example.org", &["demo"]).await;
    let r = post_form(&app, "/admin/mail", &approve, &app.address).await;
    assert_eq!(r.status(), 403);
    assert_eq!(app.status_of(held.id).await, CommentStatus::Pending);
}

#[tokio::test]
async fn without_smtp_nothing_is_sent_and_posting_still_works() {
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.sites[0].moderation = confab::store::Moderation::All
    })
    .await;
    app.add_moderator("mod@example.org", &["demo"]).await;
    assert_eq!(
        app.post_comment_raw(&json!({"page": "/p", "body": "hi"}))
            .await
            .status(),
        202
    );
}

#[tokio::test]
async fn an_unreachable_smtp_server_does_not_fail_the_post() {
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.sites[0].moderation = confab::store::Moderation::All;
        c.smtp = Some(Smtp {
            host: "127.0.0.1".into(),
            port: 1,
            username: None,
            password: None,
            from: "c@example.org".into(),
            tls: SmtpTls::None,
        });
    })
    .await;
    app.add_moderator("mod@example.org", &["demo"]).await;
    let r = app
        .post_comment_raw(&json!({"page": "/p", "body": "hi"}))
        .await;
    assert_eq!(r.status(), 202);
}

//! Posting without JavaScript: the full page's form, through the same
//! posting service and screening as the JSON API.

use confab_api::CommentStatus;
use reqwest::{redirect::Policy, Response};

use crate::helpers::*;
use confab_testkit::on_both_backends;

on_both_backends!(
    a_posted_form_publishes_and_answers_303_to_the_new_comment,
    a_reply_form_names_the_comment_and_posts_under_it,
    a_refused_form_comes_back_with_the_text_kept_and_the_reason_beside_the_field,
    a_form_posted_at_once_waits_for_a_moderator,
    a_form_a_bot_filled_in_is_kept_as_spam,
    a_forged_or_foreign_form_stores_nothing,
    a_locked_page_shows_no_form_and_takes_no_post,
    a_form_past_the_rate_limit_comes_back_with_retry_after_and_the_text_kept
);

/// A reader without JavaScript: a browser that does not follow redirects,
/// so the test sees them.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// The full page of `query`, as HTML.
async fn page(app: &TestApp, query: &str) -> String {
    let r = browser()
        .get(app.url(&format!("/t/demo?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    r.text().await.unwrap()
}

/// The value of the form's hidden `name` field.
fn hidden(html: &str, name: &str) -> String {
    let before = format!(r#"name="{name}" value=""#);
    crate::reader::link_after(html, &before)
}

/// Posts `fields` to the page's form as the browser would, from this
/// server's own origin.
async fn post(app: &TestApp, query: &str, fields: &[(&str, &str)]) -> Response {
    browser()
        .post(app.url(&format!("/t/demo?{query}")))
        .header("origin", &app.address)
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// A form of `/a` that a reader filled in slowly enough to pass the
/// compose-time check (which the test config sets to nothing).
async fn fresh_token(app: &TestApp, query: &str) -> String {
    hidden(&page(app, query).await, "token")
}

async fn quick_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |c| c.spam.min_compose_ms = 0).await
}

async fn a_posted_form_publishes_and_answers_303_to_the_new_comment(backend: Backend) {
    let app = quick_app(backend).await;
    let token = fresh_token(&app, "page=/a").await;
    let r = post(
        &app,
        "page=/a",
        &[
            ("body", "Hello *without* scripts"),
            ("author", "Ana"),
            ("token", &token),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let thread = app.thread("/a").await;
    let id = thread.comments[0].id;
    assert_eq!(thread.comments[0].author, "Ana");
    assert_eq!(
        thread.comments[0].html,
        "<p>Hello <em>without</em> scripts</p>"
    );
    let to = r.headers()["location"].to_str().unwrap();
    assert!(
        to.ends_with(&format!("/t/demo?page=%2Fa&lang=en#confab-{id}")),
        "{to}"
    );
    let shown = browser()
        .get(to)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(shown.contains(&format!(r#"id="confab-{id}""#)));
}

async fn a_reply_form_names_the_comment_and_posts_under_it(backend: Backend) {
    let app = quick_app(backend).await;
    let parent = app
        .comment_with(confab_api::NewComment {
            page: "/a".into(),
            author: Some("Maria".into()),
            body: "Parent".into(),
            ..Default::default()
        })
        .await
        .comment;
    let html = page(&app, &format!("page=/a&reply_to={}", parent.id)).await;
    assert!(
        html.contains(r#"data-testid="replying">Reply: <b dir="auto">Maria</b>"#),
        "{html}"
    );
    assert_eq!(hidden(&html, "parent"), parent.id.to_string());
    let fields = [
        ("body", "The answer"),
        ("parent", &parent.id.to_string()),
        ("token", &hidden(&html, "token")),
    ];
    let r = post(&app, "page=/a", &fields).await;
    assert_eq!(r.status(), 303);
    let thread = app.thread("/a").await;
    assert_eq!(thread.comments[0].replies[0].html, "<p>The answer</p>");
    // A reply link to a comment not on this page names nobody.
    let elsewhere = app.comment("/b", "other page").await.comment;
    let html = page(&app, &format!("page=/a&reply_to={}", elsewhere.id)).await;
    assert!(!html.contains(r#"data-testid="replying""#));
}

async fn a_refused_form_comes_back_with_the_text_kept_and_the_reason_beside_the_field(
    backend: Backend,
) {
    let app = quick_app(backend).await;
    let token = fresh_token(&app, "page=/a").await;
    let body = "My long & thoughtful <comment>";
    let r = post(
        &app,
        "page=/a",
        &[
            ("body", body),
            ("email", "not an address"),
            ("token", &token),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("My long &amp; thoughtful &lt;comment&gt;</textarea>"),
        "{html}"
    );
    assert!(html.contains(r#"value="not an address""#));
    assert!(html.contains(r#"data-testid="error-email">Please check your comment"#));
    assert!(html.contains(r#"aria-invalid="true" aria-describedby="cf-email-error""#));
    let r = post(&app, "page=/a", &[("body", "  "), ("token", &token)]).await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains(r#"data-testid="error-body""#));
    assert_eq!(app.thread("/a").await.total, 0, "nothing stored");
}

async fn a_form_posted_at_once_waits_for_a_moderator(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = fresh_token(&app, "page=/a").await;
    let r = post(&app, "page=/a", &[("body", "Too quick"), ("token", &token)]).await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.contains("held=1"), "{to}");
    let shown = browser()
        .get(&to)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(shown.contains(r#"data-testid="held">Thanks! Your comment is awaiting moderation."#));
    assert_eq!(app.thread("/a").await.total, 0);
}

async fn a_form_a_bot_filled_in_is_kept_as_spam(backend: Backend) {
    let app = quick_app(backend).await;
    let token = fresh_token(&app, "page=/a").await;
    let fields = [
        ("body", "I am a bot"),
        ("hp", "http://spam.example"),
        ("token", &token),
    ];
    let r = post(&app, "page=/a", &fields).await;
    assert!(r.headers()["location"].to_str().unwrap().contains("held=1"));
    let search = confab::store::Search {
        site_ids: vec![app.demo_id().await],
        limit: 10,
        ..Default::default()
    };
    let stored = app.store().search(&search).await.unwrap();
    assert_eq!(stored[0].status(), CommentStatus::Spam);
    assert_eq!(app.thread("/a").await.total, 0);
}

async fn a_forged_or_foreign_form_stores_nothing(backend: Backend) {
    let app = quick_app(backend).await;
    let token = fresh_token(&app, "page=/a").await;
    let fields = [("body", "forged"), ("token", token.as_str())];
    let r = browser()
        .post(app.url("/t/demo?page=/a"))
        .header("origin", "https://evil.example")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = post(&app, "page=/a", &[("body", "no token")]).await;
    assert_eq!(r.status(), 400);
    assert!(
        r.text().await.unwrap().contains("no token</textarea>"),
        "the text is kept"
    );
    let r = post(&app, "page=/b", &fields).await;
    assert_eq!(r.status(), 400, "a token for another page");
    let tampered = format!("{}x", token);
    let r = post(&app, "page=/a", &[("body", "x"), ("token", &tampered)]).await;
    assert_eq!(r.status(), 400);
    let r = post(
        &app,
        "page=/a",
        &[("body", "x"), ("parent", "abc"), ("token", &token)],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert_eq!(app.thread("/a").await.total, 0);
    assert_eq!(app.thread("/b").await.total, 0);
}

async fn a_locked_page_shows_no_form_and_takes_no_post(backend: Backend) {
    let app = quick_app(backend).await;
    app.comment("/a", "before the lock").await;
    let token = fresh_token(&app, "page=/a").await;
    let site = app.demo_id().await;
    app.store().set_page_locked(site, "/a", true).await.unwrap();
    app.state.bus.changed("demo", "/a", None).await;
    let html = page(&app, "page=/a").await;
    assert!(html.contains(r#"data-testid="locked""#));
    assert!(!html.contains(r#"id="confab-form""#));
    assert!(!html.contains(r#"data-testid="reply""#), "no reply links");
    let r = post(&app, "page=/a", &[("body", "after"), ("token", &token)]).await;
    assert_eq!(r.status(), 409);
    assert!(
        r.text().await.unwrap().contains(">after</textarea>"),
        "the text is kept"
    );
    assert_eq!(app.thread("/a").await.total, 1);
}

async fn a_form_past_the_rate_limit_comes_back_with_retry_after_and_the_text_kept(
    backend: Backend,
) {
    let app = spawn_app_with(backend, |c| {
        c.spam.min_compose_ms = 0;
        c.limits.posts_per_minute_ip = 1;
    })
    .await;
    let token = fresh_token(&app, "page=/a").await;
    let r = post(&app, "page=/a", &[("body", "first"), ("token", &token)]).await;
    assert_eq!(r.status(), 303);
    let r = post(
        &app,
        "page=/a",
        &[("body", "second, too soon"), ("token", &token)],
    )
    .await;
    assert_eq!(r.status(), 429);
    assert!(retry_after(&r) > 0);
    let html = r.text().await.unwrap();
    assert!(html.contains("second, too soon</textarea>"), "{html}");
    assert!(html.contains(r#"data-testid="error">You are commenting very fast."#));
    assert_eq!(app.thread("/a").await.total, 1);
}

//! A reader with JavaScript turned off, in Chromium: the thread on its own
//! page, posting, replying, a refusal that keeps the text, and axe-core on
//! the page (run by the test; the page itself runs no script).

use std::time::Duration;

use confab_testkit::until;
use fantoccini::{elements::Element, Locator};
use serde_json::json;

use crate::harness::{browser, browser_without_javascript, spawn_site_with, Browser};

const PAGE: &str = "/news/night-buses-return";

async fn find(b: &Browser, css: &str) -> Element {
    b.client.find(Locator::Css(css)).await.unwrap()
}

async fn text(b: &Browser, css: &str) -> String {
    find(b, css).await.text().await.unwrap()
}

/// Types `value` into the form's field `name`.
async fn fill(b: &Browser, name: &str, value: &str) {
    let field = find(b, &format!("#confab-form [name={name}]")).await;
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

/// Sends the form and waits for the page it leads to: until this page's
/// document is gone, then for the next one's form.
async fn submit(b: &Browser) {
    let before = find(b, "html").await;
    find(b, "[data-testid=post]").await.click().await.unwrap();
    until(
        Duration::from_secs(10),
        "the page after the post",
        || async { before.tag_name().await.is_err() },
    )
    .await;
    b.client
        .wait()
        .for_element(Locator::Css("#confab-form"))
        .await
        .unwrap();
}

/// Posts `body` with an e-mail address the server refuses.
async fn post_with_a_bad_address(b: &Browser, body: &str) {
    fill(b, "body", body).await;
    fill(b, "email", "nope").await;
    // The browser's own check would stop the post before the server sees it.
    let off = "document.querySelector('#confab-form').noValidate = true; return 1";
    b.js(off, vec![]).await;
    submit(b).await;
}

#[tokio::test]
async fn a_reader_without_javascript_reads_posts_replies_and_keeps_the_text_of_a_refusal() {
    let site = spawn_site_with(|c| c.spam.min_compose_ms = 0).await;
    let first = site
        .post_comment_as("Maria", "The 14 runs **late** again.", None)
        .await;
    let b = browser_without_javascript().await;
    let url = format!("{}t/demo?page={PAGE}", site.confab);
    b.client.goto(&url).await.unwrap();
    assert_eq!(
        b.js("return 1 + 1", vec![]).await,
        json!(2),
        "the test's scripts run"
    );
    let id = first["id"].as_i64().unwrap();
    let body = text(&b, &format!("#confab-{id} .cf-body")).await;
    assert_eq!(body, "The 14 runs late again.");
    assert_eq!(text(&b, "[data-testid=count]").await, "1 comment");

    fill(&b, "body", "Posted with scripts off").await;
    fill(&b, "author", "Noor").await;
    submit(&b).await;
    let here = b.client.current_url().await.unwrap();
    let mine = here
        .fragment()
        .unwrap()
        .trim_start_matches("confab-")
        .to_owned();
    let posted = text(&b, &format!("#confab-{mine} .cf-body")).await;
    assert_eq!(posted, "Posted with scripts off");
    assert_eq!(text(&b, "[data-testid=count]").await, "2 comments");

    find(&b, &format!("#confab-{id} [data-testid=reply]"))
        .await
        .click()
        .await
        .unwrap();
    assert_eq!(text(&b, "[data-testid=replying] b").await, "Maria");
    fill(&b, "body", "A reply, no scripts").await;
    submit(&b).await;
    let reply = text(
        &b,
        &format!("[data-testid=comment-{id}] .cf-indent .cf-body"),
    )
    .await;
    assert_eq!(reply, "A reply, no scripts");

    post_with_a_bad_address(&b, "Kept after a refusal").await;
    let kept = find(&b, "#confab-form [name=body]")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Kept after a refusal"));
    assert!(text(&b, "[data-testid=error-email]")
        .await
        .starts_with("Please check"));

    b.close().await;

    // axe needs the browser's timers, which a profile without JavaScript
    // holds back even for the test's scripts; the page runs none of its own
    // either way (its policy allows none), so a browser with JavaScript
    // sees the same page.
    let b = browser().await;
    b.client
        .goto(&format!("{url}&reply_to={id}"))
        .await
        .unwrap();
    assert_eq!(
        b.axe_violations_in("html").await,
        json!([]),
        "the reply form"
    );
    post_with_a_bad_address(&b, "Kept").await;
    find(&b, "[data-testid=error-email]").await;
    assert_eq!(
        b.axe_violations_in("html").await,
        json!([]),
        "the refused form"
    );
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    let shot = dir.join("reader-no-js.png");
    std::fs::write(&shot, b.client.screenshot().await.unwrap()).unwrap();
    b.close().await;
}

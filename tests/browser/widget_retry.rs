//! What a reader sees when the server says no.

use serde_json::{json, Value};

use crate::harness::{browser, site_with_article_changed, spawn_site, Browser};

const BODY: &str = "[data-testid=composer] [data-testid=body]";
const SUBMIT: &str = "[data-testid=composer] [data-testid=submit]";

/// The composer once its notice says something: the notice, the text
/// left in the box and the button's label.
async fn composer_after_failure(b: &Browser) -> Value {
    b.wait_widget(
        "the composer's notice",
        "const notice = root.querySelector('[data-testid=composer] [data-testid=notice]:not([hidden])');
         return notice?.textContent && { notice: notice.textContent,
             body: root.querySelector(args[0]).value,
             button: root.querySelector(args[1]).textContent };",
        vec![json!(BODY), json!(SUBMIT)],
    )
    .await
}

#[tokio::test]
async fn a_failed_post_keeps_the_text_and_offers_a_retry() {
    let site = spawn_site().await;
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    b.wait_shadow_text("empty").await;
    // A moderator closes the page while the reader writes: a refusal by the
    // real server, and one that can be taken back.
    let store = &site.state.store;
    let demo = store.site("demo").await.unwrap().unwrap().id;
    let page = "/news/night-buses-return";
    store.set_page_locked(demo, page, true).await.unwrap();

    b.widget_type(BODY, "Worth the wait").await;
    b.widget_click(SUBMIT).await;
    let failed = json!({ "notice": "Comments are closed on this page.",
                         "body": "Worth the wait", "button": "Try again" });
    assert_eq!(composer_after_failure(&b).await, failed);

    // The text is a draft too, so a reload after the failure keeps it.
    b.client.refresh().await.unwrap();
    let draft = b
        .wait_widget(
            "the draft",
            "return root.querySelector(args[0])?.value",
            vec![json!(BODY)],
        )
        .await;
    assert_eq!(draft, json!("Worth the wait"));
    b.widget_click(SUBMIT).await;
    assert_eq!(composer_after_failure(&b).await, failed);

    store.set_page_locked(demo, page, false).await.unwrap();
    b.widget_click(SUBMIT).await;
    let posted = b
        .wait_widget(
            "the retried comment",
            // Settled: the button is enabled again once the post is done.
            "const li = root.querySelector('.cf-item');
             return li && !root.querySelector(args[1]).disabled && [li.querySelector('.cf-body').textContent.trim(),
                 root.querySelector(args[0]).value,
                 root.querySelector(args[1]).textContent,
                 root.querySelector('[data-testid=composer] [data-testid=notice]:not([hidden])')
                     ?.textContent ?? ''];",
            vec![json!(BODY), json!(SUBMIT)],
        )
        .await;
    assert_eq!(posted, json!(["Worth the wait", "", "Post comment", ""]));

    // Posted, the draft is gone: a reload does not offer the text again.
    b.client.refresh().await.unwrap();
    let after = b
        .wait_widget(
            "the thread after a reload",
            "const li = root.querySelector('.cf-item');
             return li && [li.querySelector('.cf-body').textContent.trim(),
                           root.querySelector(args[0]).value];",
            vec![json!(BODY)],
        )
        .await;
    assert_eq!(after, json!(["Worth the wait", ""]));
    b.close().await;
}

#[tokio::test]
async fn a_thread_the_server_refuses_says_why_and_offers_a_retry() {
    // The placeholder names a site this server does not have: the loader's
    // first request gets the server's 404 `site_not_found`, which the widget
    // must read as a refusal, not as a thread or a lost connection.
    let (_site, origin) =
        site_with_article_changed("data-site=\"demo\"", "data-site=\"nosuch\"").await;

    let b = browser().await;
    b.client
        .goto(&format!("{origin}/news/night-buses-return"))
        .await
        .unwrap();
    let shown = b
        .wait_widget(
            "the load error",
            "const error = root.querySelector('[data-testid=load-error]:not([hidden])');
             const retry = [...root.querySelectorAll('button:not([hidden])')]
                 .find((b) => b.textContent == 'Try again');
             return error && { error: error.textContent.trim(), role: error.getAttribute('role'),
                               retry: !!retry,
                               comments: root.querySelectorAll('.cf-item').length };",
            vec![],
        )
        .await;
    let expected = json!({
        "error": "Comments could not be loaded. Comments are not enabled for this site.",
        "role": "alert",
        "retry": true,
        "comments": 0,
    });
    assert_eq!(shown, expected);
    b.close().await;
}

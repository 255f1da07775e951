//! What the thread says while it loads, fails and recovers (#22, part 5).

use serde_json::{json, Value};

use crate::harness::{browser, spawn_site, Browser};

/// The sort menu's value, the bodies in order, and the error line if shown.
async fn thread_state(b: &Browser) -> Value {
    b.in_widget(
        "const error = root.querySelector('[data-testid=load-error]:not([hidden])');
         return { sort: root.querySelector('[data-testid=sort]').value,
                  heading: root.querySelector('[data-testid=count]').textContent,
                  bodies: [...root.querySelectorAll('.cf-item .cf-body')].map((e) => e.textContent),
                  error: error?.textContent.trim() ?? null };",
        vec![],
    )
    .await
}

#[tokio::test]
async fn a_new_order_that_fails_to_load_keeps_the_old_list_and_label_and_says_why_until_a_retry() {
    let site = spawn_site().await;
    site.post_comment("First in", None).await;
    site.post_comment("Second in", None).await;
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    b.wait_widget(
        "both comments",
        "return root.querySelectorAll('.cf-item').length == 2",
        vec![],
    )
    .await;
    // The connection goes: every request the widget makes now fails.
    b.js(
        "window.online = window.fetch;
         window.fetch = () => Promise.reject(new TypeError('Failed to fetch'));
         return true",
        vec![],
    )
    .await;
    b.in_widget(
        "const s = root.querySelector('[data-testid=sort]');
         s.value = 'newest'; s.dispatchEvent(new Event('change')); return true",
        vec![],
    )
    .await;
    b.wait_widget(
        "the failure",
        "return root.querySelector('[data-testid=load-error]:not([hidden])')",
        vec![],
    )
    .await;
    let failed = json!({
        "sort": "oldest", "heading": "2 comments", "bodies": ["First in", "Second in"],
        "error": "Comments could not be loaded. Could not reach the comment service. \
                  Check your connection and try again.",
    });
    assert_eq!(thread_state(&b).await, failed);

    // Back online, a retry loads the thread again and the error goes.
    b.js("window.fetch = window.online; return true", vec![])
        .await;
    b.in_widget(
        "[...root.querySelectorAll('button')].find((e) => e.textContent == 'Try again' && !e.hidden).click();
         return true",
        vec![],
    )
    .await;
    b.wait_widget(
        "the recovery",
        "return !root.querySelector('[data-testid=load-error]:not([hidden])')",
        vec![],
    )
    .await;
    let recovered = json!({
        "sort": "oldest", "heading": "2 comments", "bodies": ["First in", "Second in"],
        "error": null,
    });
    assert_eq!(thread_state(&b).await, recovered);
    b.close().await;
}

//! Open widgets follow the thread without a reload.

use std::time::Duration;

use confab_testkit::until;
use serde_json::json;

use crate::harness::{browser, spawn_site};

#[tokio::test]
async fn an_open_page_shows_and_politely_announces_a_comment_posted_elsewhere() {
    let site = spawn_site().await;
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    b.wait_shadow_text("empty").await;
    // The widget's event stream is connected before the post.
    until(
        Duration::from_secs(15),
        "the widget's event stream",
        || async { site.state.events.receiver_count() > 0 },
    )
    .await;

    let id = site.post_comment("Live from elsewhere", None).await["id"].clone();
    let text = b
        .wait_widget(
            "the live comment",
            "return root.querySelector(`[data-testid=comment-${args[0]}] .cf-body`)?.textContent",
            vec![id],
        )
        .await;
    assert_eq!(text, json!("Live from elsewhere"));
    assert_eq!(b.wait_shadow_text("count").await, "1 comment");
    let live = b
        .in_widget(
            "const l = root.querySelector('[data-testid=live]');
             return [l.getAttribute('aria-live'), l.textContent];",
            vec![],
        )
        .await;
    assert_eq!(live, json!(["polite", "New comment by Ada"]));
    b.close().await;
}

#[tokio::test]
async fn pages_in_the_back_forward_cache_let_their_streams_go_and_take_them_up_on_return() {
    let site = spawn_site().await;
    let b = browser().await;
    // A reader goes through eight articles. Were the pages left behind to
    // keep their event streams, six would hold every connection Chromium
    // allows one server, and the seventh widget would wait forever.
    for visit in 0..8 {
        b.client
            .goto(&format!("{}?visit={visit}", site.article))
            .await
            .unwrap();
        b.wait_shadow_text("empty").await;
        b.js(
            "window.visit = arguments[0]; return true",
            vec![json!(visit)],
        )
        .await;
    }
    let live = |id: serde_json::Value| {
        let b = &b;
        async move {
            b.wait_widget(
                "the live comment",
                "return root.querySelector(`[data-testid=comment-${args[0]}] .cf-body`)?.textContent",
                vec![id],
            )
            .await
        }
    };
    let id = site.post_comment("Seen on the eighth", None).await["id"].clone();
    assert_eq!(live(id).await, json!("Seen on the eighth"));

    // Back: the seventh page, as it was left (the cache kept its script
    // state), with its stream taken up again. The cache is the browser's
    // to give: Chromium skips a page that still had a request in flight
    // when it was left (a loaded CI machine makes that likelier), so one
    // more round is allowed, from the seventh page settled. A widget that
    // made pages ineligible fails both.
    b.client.back().await.unwrap();
    let mut restored = b.js("return window.visit ?? null", vec![]).await;
    if restored != json!(6) {
        let why = b.js(NOT_RESTORED, vec![]).await;
        eprintln!("the seventh page was not restored from the back-forward cache: {why}");
        b.wait_shadow_text("count").await;
        b.js("window.visit = 6; return true", vec![]).await;
        b.client.forward().await.unwrap();
        b.wait_shadow_text("count").await;
        b.client.back().await.unwrap();
        restored = b.js("return window.visit ?? null", vec![]).await;
    }
    let why = b.js(NOT_RESTORED, vec![]).await;
    assert_eq!(
        restored,
        json!(6),
        "the page came from the back-forward cache (not restored because: {why})"
    );
    let id = site.post_comment("Seen on the seventh again", None).await["id"].clone();
    assert_eq!(live(id).await, json!("Seen on the seventh again"));
    b.close().await;
}

/// Why Chromium did not restore the page from the back-forward cache, as
/// it says in the navigation entry (null when it did, or cannot tell).
const NOT_RESTORED: &str = "const n = performance.getEntriesByType('navigation')[0];
    return JSON.stringify(n?.notRestoredReasons ?? null)";

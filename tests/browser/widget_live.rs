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

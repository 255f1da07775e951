use serde_json::json;

use crate::harness::{browser, spawn_site};

#[tokio::test]
async fn the_widget_mounts_in_an_open_shadow_root_on_another_origin_and_invites_the_first_comment()
{
    let site = spawn_site().await;
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();

    let empty = b.wait_shadow_text("empty").await;
    assert!(empty.contains("No comments yet"), "empty state: {empty:?}");

    let page = b
        .js(
            "const el = document.querySelector('[data-confab]');
             return { mode: el.shadowRoot.mode, origin: location.origin,
                      scripts: document.scripts.length,
                      lightText: el.textContent.trim() };",
            vec![],
        )
        .await;
    assert_eq!(page["mode"], json!("open"));
    assert_eq!(
        page["scripts"],
        json!(1),
        "one script tag embeds the widget"
    );
    let origin = page["origin"].as_str().unwrap();
    assert!(
        !site.confab.starts_with(origin),
        "the article ({origin}) and Confab ({}) must be different origins",
        site.confab
    );
    // The placeholder's own text stays as the no-JavaScript fallback.
    assert_eq!(page["lightText"], json!("No comments"));
    b.close().await;
}

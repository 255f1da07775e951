//! `count.js`: comment counts on a listing page, with no wasm.

use serde_json::json;

use crate::harness::{browser, spawn_site};

#[tokio::test]
async fn count_js_fills_every_marked_element_on_a_listing_page_with_one_request() {
    let site = spawn_site().await;
    site.post_comment("First!", None).await;
    site.post_comment("Second, and the last one.", None).await;
    let listing = site.article.replace("night-buses-return", "");
    let b = browser().await;
    b.client.goto(&listing).await.unwrap();

    let mut seen = json!(null);
    for _ in 0..100 {
        seen = b
            .js(
                "return [...document.querySelectorAll('[data-confab-count]')].map(e => e.textContent);",
                vec![],
            )
            .await;
        if seen.as_array().is_some_and(|a| a.iter().all(|t| t != "…")) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(seen, json!(["2 comments", "0"]));

    let requests = b
        .js(
            "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/counts'));",
            vec![],
        )
        .await;
    assert_eq!(requests.as_array().map(Vec::len), Some(1), "{requests}");
    b.close().await;
}

//! `recent.js` on a page of the site: the latest comments, newest first, as
//! text, each linking to itself.

use serde_json::json;

use crate::harness::{browser, site_and_article_elsewhere};

#[tokio::test]
async fn recent_js_lists_the_sites_latest_comments_as_text_linking_to_each() {
    let (site, origin) = site_and_article_elsewhere(|article| {
        let home = article
            .replace("embed.js", "recent.js")
            .replace("data-confab ", "data-confab-recent data-limit=\"2\" ");
        axum::Router::new().route(
            "/",
            axum::routing::get(move || async move { axum::response::Html(home) }),
        )
    })
    .await;
    site.post_comment_as("Ada", "Oldest", None).await;
    site.post_comment_as("<b>Bo</b>", "Middle <img src=x onerror=alert(1)>", None)
        .await;
    let newest = site.post_comment_as("", "Newest", None).await;
    let b = browser().await;
    b.client.goto(&format!("{origin}/")).await.unwrap();
    let items = crate::moderation::wait_page(
        &b,
        "the recent list",
        "const root = document.querySelector('[data-confab-recent]').shadowRoot;
         const items = root ? [...root.querySelectorAll('li')] : [];
         return items.length ? items.map(li => ({ id: Number(li.dataset.id),
             text: li.querySelector('q').textContent, by: li.querySelector('small').textContent,
             href: li.querySelector('a').getAttribute('href'), imgs: li.querySelectorAll('img, b').length,
             datetime: li.querySelector('time').dateTime })) : null;",
        vec![],
    )
    .await;
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 2, "data-limit: {items:?}");
    assert_eq!(items[0]["id"], newest["id"]);
    assert_eq!(items[0]["text"], json!("Newest"));
    assert!(
        !items[0]["by"].as_str().unwrap().contains('·'),
        "anonymous: no name"
    );
    assert_eq!(
        items[1]["text"],
        json!("Middle <img src=x onerror=alert(1)>")
    );
    assert!(items[1]["by"].as_str().unwrap().starts_with("<b>Bo</b> · "));
    assert_eq!(items[1]["imgs"], json!(0), "text, never markup");
    let id = newest["id"].as_i64().unwrap();
    let href = format!(
        "{}t/demo?page=%2Fnews%2Fnight-buses-return#confab-{id}",
        site.confab
    );
    assert_eq!(items[0]["href"], json!(href));
    assert_eq!(items[0]["datetime"], newest["created"]);
    b.close().await;
}

//! A site that moderates everything: the author is told, and keeps seeing
//! their comment, marked, until a moderator decides.
//!
//! Uses `harness::spawn_site_with`, which lands with the moderation browser
//! tests; `main.rs` lists this module from then on.

use serde_json::json;

use crate::harness::{browser, spawn_site_with};

#[tokio::test]
async fn a_held_comment_is_announced_and_stays_visible_to_its_author_marked_awaiting_moderation() {
    let site = spawn_site_with(|c| c.sites[0].moderation = confab::store::Moderation::All).await;
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    b.wait_shadow_text("empty").await;

    b.widget_type("[data-testid=composer] [data-testid=body]", "Held back")
        .await;
    b.widget_click("[data-testid=composer] [data-testid=submit]")
        .await;
    let notice = b
        .wait_widget(
            "the notice",
            "return root.querySelector('[data-testid=composer] [data-testid=notice]').textContent",
            vec![],
        )
        .await;
    assert_eq!(
        notice,
        json!("Thanks! Your comment is awaiting moderation.")
    );

    b.client.refresh().await.unwrap();
    let mine = b
        .wait_widget(
            "the held comment after a reload",
            "const li = root.querySelector('.cf-item');
             return li && [li.querySelector('[data-testid=pending]')?.textContent,
                           li.querySelector('.cf-body').textContent,
                           root.querySelector('[data-testid=count]').textContent,
                           li.querySelector('[data-testid=reply]').hidden];",
            vec![],
        )
        .await;
    // Nobody else sees it, so the public count stays at zero, and nobody
    // answers it yet.
    assert_eq!(
        mine,
        json!(["Awaiting moderation", "Held back", "0 comments", true])
    );
    b.close().await;
}

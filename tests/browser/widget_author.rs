//! The reader's author token: the widget asks the server for one, keeps it,
//! and replaces one the server refuses, such as the tokens older widgets
//! made up for themselves (security issue #23, item 7).

use std::time::Duration;

use confab_testkit::until;
use serde_json::json;

use crate::harness::{browser, spawn_site};

/// What an older widget stored: 32 hex digits of its own making.
const MINTED: &str = "0123456789abcdef0123456789abcdef";

#[tokio::test]
async fn the_widget_swaps_a_token_it_made_for_one_the_server_issued_and_keeps_it() {
    let site = spawn_site().await;
    let id = site.post_comment("Vote on me", None).await["id"]
        .as_i64()
        .unwrap();
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    b.js(
        "localStorage.setItem('confab:author', arguments[0])",
        vec![json!(MINTED)],
    )
    .await;
    let stored = || async {
        let v = b
            .js("return localStorage.getItem('confab:author')", vec![])
            .await;
        v.as_str().unwrap_or_default().to_owned()
    };
    let score = format!("[data-testid=comment-{id}] [data-testid=score]");
    let shows = "return root.querySelector(args[0]).textContent === args[1]";

    b.widget_click(&format!("[data-testid=comment-{id}] [data-testid=vote-up]"))
        .await;
    b.wait_widget("the up vote", shows, vec![json!(score), json!("1")])
        .await;
    until(Duration::from_secs(15), "the counted vote", || async {
        site.first_score().await == json!(1)
    })
    .await;
    let token = stored().await;
    assert_ne!(token, MINTED);
    assert!(
        confab::domain::author_token::verify(&token, &site.state.signing_key),
        "the widget keeps a token the server signed: {token:?}"
    );

    // The next vote goes out under the same token: no new one is fetched.
    b.widget_click(&format!(
        "[data-testid=comment-{id}] [data-testid=vote-down]"
    ))
    .await;
    b.wait_widget("the down vote", shows, vec![json!(score), json!("-1")])
        .await;
    until(Duration::from_secs(15), "the changed vote", || async {
        site.first_score().await == json!(-1)
    })
    .await;
    assert_eq!(stored().await, token);
    b.close().await;
}

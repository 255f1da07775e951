//! The dashboard speaks the browser's language: German to a browser set to
//! German, English to one set to a language it has no file for.

use serde_json::{json, Value};

use crate::harness::{browser_speaking, Browser};
use crate::moderation::{held_site_with, log_in, wait_page};

/// The text of the element matched by `selector`, once it is there.
async fn text(b: &Browser, selector: &str) -> Value {
    let script = "return document.querySelector(arguments[0])?.textContent";
    wait_page(b, selector, script, vec![json!(selector)]).await
}

/// Waits until `selector`'s text is `want`, so a page still saying the
/// language it had before fails with what it said.
async fn shows(b: &Browser, selector: &str, want: &str) {
    let script = "return document.querySelector(arguments[0])?.textContent === arguments[1]";
    let said = wait_page(b, selector, script, vec![json!(selector), json!(want)]);
    said.await;
}

#[tokio::test]
async fn the_dashboard_speaks_german_to_a_german_browser() {
    let site = held_site_with(None, |_| {}).await;
    let id = site.post_comment("Bitte prüfen", None).await["id"]
        .as_i64()
        .unwrap();
    let b = browser_speaking("de-DE,de").await;
    b.client
        .goto(&format!("{}admin", site.confab))
        .await
        .unwrap();
    shows(&b, "[data-testid=login] h1", "Anmeldung zur Moderation").await;
    assert_eq!(
        text(&b, "[data-testid=login-submit]").await,
        json!("Anmelden")
    );
    let lang = "return document.documentElement.lang";
    assert_eq!(b.js(lang, vec![]).await, json!("de"));

    log_in(&b, &site).await;
    shows(&b, "#queue-h", "Warteschlange").await;
    assert_eq!(text(&b, "[data-testid=logout]").await, json!("Abmelden"));
    assert_eq!(
        text(&b, "[data-testid=tab-audit]").await,
        json!("Protokoll")
    );
    let approve = format!("[data-testid=approve-{id}]");
    assert_eq!(text(&b, &approve).await, json!("Freigeben"));
    let status = format!("[data-testid=status-{id}]");
    assert_eq!(text(&b, &status).await, json!("wartet"));

    b.press(&[], "a").await;
    let done = format!("Kommentar {id} freigegeben");
    shows(&b, "[data-testid=notice]", &done).await;
    shows(
        &b,
        "[data-testid=queue-empty]",
        "Die Warteschlange ist leer.",
    )
    .await;
    assert_eq!(b.js(lang, vec![]).await, json!("de"), "still German");
    b.close().await;
}

#[tokio::test]
async fn the_dashboard_speaks_english_to_a_browser_whose_language_it_lacks() {
    let site = held_site_with(None, |_| {}).await;
    let b = browser_speaking("fr-FR,fr").await;
    log_in(&b, &site).await;
    shows(&b, "#queue-h", "Queue").await;
    shows(&b, "[data-testid=queue-empty]", "Nothing waits for you.").await;
    let lang = b.js("return document.documentElement.lang", vec![]).await;
    assert_eq!(lang, json!("en"));
    b.close().await;
}

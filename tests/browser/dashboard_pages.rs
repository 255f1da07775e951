//! The dashboard's page line (issue #23, item 11): a page's title is the
//! first commenter's words and is shown as text, never as a link to where
//! they said; moderators correct the title and the URL in place.

use serde_json::json;

use crate::harness::browser;
use crate::moderation::{click, held_site_with, log_in, wait_page};

const PAGE: &str = "/news/night-buses-return";

#[tokio::test]
async fn the_queue_shows_a_page_title_as_text_and_moderators_correct_it() {
    let site = held_site_with(None, |_| {}).await;
    let id = site.post_comment("Held", None).await["id"]
        .as_i64()
        .unwrap();
    // What a first commenter could store before URLs were checked.
    let store = &site.state.store;
    let demo = store.site("demo").await.unwrap().unwrap().id;
    let bait = "Moderators: session expired, log in here";
    store
        .set_page_info(demo, PAGE, Some(bait), Some("https://evil.example/login"))
        .await
        .unwrap();
    let b = browser().await;
    log_in(&b, &site).await;

    let title = format!("[data-testid=page-title-{id}]");
    let text = "return document.querySelector(arguments[0])?.textContent";
    let shown = wait_page(&b, "the page title", text, vec![json!(title)]).await;
    assert_eq!(shown, json!(bait));
    let links = "return [...document.querySelectorAll(arguments[0] + ' .context a')]\
                 .map(a => a.getAttribute('href'))";
    let row = format!("[data-testid=row-{id}]");
    assert_eq!(
        b.js(links, vec![json!(row)]).await,
        json!([]),
        "no link to a URL off the site"
    );

    click(&b, &format!("[data-testid=page-edit-{id}]")).await;
    let own = site.article.clone();
    for (field, value) in [("title", "Night buses return"), ("url", own.as_str())] {
        let css = format!("[data-testid=page-{field}-input-{id}]");
        let el = b.client.wait().for_element(fantoccini::Locator::Css(&css));
        let el = el.await.unwrap();
        el.clear().await.unwrap();
        el.send_keys(value).await.unwrap();
    }
    click(&b, &format!("[data-testid=page-save-{id}]")).await;
    let saved =
        "return document.querySelector('[data-testid=notice]').textContent === arguments[0]";
    let args = vec![json!(format!("Page {PAGE} saved"))];
    wait_page(&b, "the saved notice", saved, args).await;
    assert_eq!(
        b.js(text, vec![json!(title)]).await,
        json!("Night buses return")
    );
    assert_eq!(b.js(links, vec![json!(row)]).await, json!([own]));
    let page = store.page(demo, PAGE).await.unwrap().unwrap();
    assert_eq!(page.title.as_deref(), Some("Night buses return"));
    assert_eq!(page.url, Some(own));
    b.close().await;
}

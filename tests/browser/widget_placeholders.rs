//! Several placeholders on one page, each with its own thread, language
//! and theme.

use serde_json::json;

use crate::harness::{browser, site_with_article_changed, spawn_site, Browser};

/// A placeholder with `data` as its `data-` attributes, put first or last
/// (`prepend` or `append`) in the body, and the loader again, as a page
/// that adds comments to a second story would.
async fn add_placeholder(b: &Browser, confab: &str, data: serde_json::Value, at: &str) {
    b.js(
        "const el = document.createElement('div');
         el.setAttribute('data-confab', '');
         Object.assign(el.dataset, arguments[1]);
         document.body[arguments[2]](el);
         const s = document.createElement('script');
         s.src = arguments[0] + 'embed.js';
         document.body.append(s);
         return true;",
        vec![json!(confab), data, json!(at)],
    )
    .await;
}

#[tokio::test]
async fn a_second_placeholder_gets_its_own_thread_language_and_theme() {
    let site = spawn_site().await;
    site.post_comment("On the article", None).await;
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    b.wait_widget(
        "the first thread",
        "return root.querySelector('.cf-item')",
        vec![],
    )
    .await;

    // A second placeholder, and the loader again, as a page that adds
    // comments to a second story would.
    let data = json!({ "site": "demo", "page": "/news/other", "lang": "de-AT",
                       "theme": "dark", "title": "Another story" });
    add_placeholder(&b, &site.confab, data, "append").await;

    let mut second = json!(null);
    for _ in 0..150 {
        second = b
            .js(
                "const [a, b] = [...document.querySelectorAll('[data-confab]')]
                     .map(el => el.shadowRoot);
                 const empty = b?.querySelector('[data-testid=empty]');
                 return empty && {
                     empty: empty.textContent,
                     theme: b.querySelector('.confab').dataset.theme,
                     lang: b.querySelector('.confab').lang,
                     first: a.querySelector('[data-testid=count]').textContent,
                     firstTheme: a.querySelector('.confab').dataset.theme };",
                vec![],
            )
            .await;
        if !second.is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        second,
        json!({ "empty": "Noch keine Kommentare. Schreiben Sie den ersten!",
                "theme": "dark", "lang": "de",
                // The first asks for no theme: `auto`, the white article's.
                "first": "1 comment", "firstTheme": "light" })
    );
    b.close().await;
}

/// Resolves after the page's next two frames: long enough for the
/// loader's observer to have said whether a placeholder is near.
const TWO_FRAMES: &str =
    "return new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok(true))));";

#[tokio::test]
async fn a_placeholder_far_below_loads_nothing_until_the_reader_scrolls_near_it() {
    let (site, origin) = site_with_article_changed(
        "<section aria-label=\"Comments\">",
        "<div style=\"height:8000px\"></div><section aria-label=\"Comments\">",
    )
    .await;
    site.post_comment("Far down the page", None).await;
    let b = browser().await;
    b.client
        .goto(&format!("{origin}/news/night-buses-return"))
        .await
        .unwrap();
    let ready = "return !!document.querySelector('[data-confab][data-confab-ready]')";
    for _ in 0..150 {
        if b.js(ready, vec![]).await == json!(true) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    b.js(TWO_FRAMES, vec![]).await;
    let fetched = "return { shadow: !!document.querySelector('[data-confab]').shadowRoot,
        ready: !!document.querySelector('[data-confab-ready]'),
        asked: performance.getEntriesByType('resource').map((e) => e.name)
          .filter((n) => /\\.wasm|thread|\\.css/.test(n)) };";
    assert_eq!(
        b.js(fetched, vec![]).await,
        json!({ "shadow": false, "ready": true, "asked": [] }),
        "nothing of the widget before the reader comes near"
    );
    b.scroll_to_widget().await;
    let body = b
        .wait_widget(
            "the thread once scrolled to",
            "return root.querySelector('[data-testid=thread] .cf-item .cf-body')?.textContent",
            vec![],
        )
        .await;
    assert_eq!(body, json!("Far down the page"));
    b.close().await;
}

/// Run first in the article: notes whether each shadow root was attached
/// inside an IntersectionObserver's callback.
const PROBE: &str = "<script>
  window.attached = [];
  let inside = false;
  const IO = IntersectionObserver;
  window.IntersectionObserver = function (cb, opts) {
    return new IO((entries, io) => { inside = true; try { cb(entries, io); } finally { inside = false; } }, opts);
  };
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    attached.push({ page: this.dataset.page, observer: inside });
    return attach.call(this, init);
  };
</script>";

#[tokio::test]
async fn a_placeholder_in_view_starts_loading_when_the_script_runs_not_a_frame_later() {
    let (site, origin) = site_with_article_changed("<title>", &format!("{PROBE}<title>")).await;
    let b = browser().await;
    // The article's own placeholder sits below a screen of text; one at the
    // top of the page is in view from the start.
    b.client
        .goto(&format!("{origin}/news/night-buses-return"))
        .await
        .unwrap();
    let data = json!({ "site": "demo", "page": "/news/top" });
    add_placeholder(&b, &site.confab, data, "prepend").await;
    let mut top = json!(null);
    for _ in 0..150 {
        top = b
            .js(
                "return attached.find((a) => a.page == '/news/top') ?? null",
                vec![],
            )
            .await;
        if !top.is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(top, json!({ "page": "/news/top", "observer": false }));
    b.close().await;
}

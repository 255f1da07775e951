//! First paint from the server's HTML: `/embed.js` shows the thread as HTML
//! while the wasm loads, and the widget then takes its place. The article
//! here holds the wasm back until the test lets it go, so the test can look
//! at the page between the two, as a reader on a slow phone would.

use serde_json::{json, Value};

use crate::harness::{browser, site_and_article_elsewhere, Browser, Site};

/// Run first in the article: the widget's wasm compiles only once the test
/// calls `release()`, and every layout shift after `mark()` is summed.
const GATE: &str = "<script>
  const compile = WebAssembly.compileStreaming;
  let open;
  const gate = new Promise((ok) => (open = ok));
  WebAssembly.compileStreaming = (wasm) => gate.then(() => compile.call(WebAssembly, wasm));
  window.shifts = [];
  new PerformanceObserver((l) => shifts.push(...l.getEntries())).observe({ type: 'layout-shift', buffered: true });
  window.mark = () => (window.since = performance.now());
  window.release = () => open();
  window.score = () => shifts.filter((e) => e.startTime >= since && !e.hadRecentInput)
    .reduce((sum, e) => sum + e.value, 0);
</script>";

/// The demo article with the gate, and a footer tall enough to move
/// visibly if the thread changed height under it.
async fn gated_site() -> (Site, String) {
    let (site, origin) = site_and_article_elsewhere(|article| {
        let article = article
            .replacen("<title>", &format!("{GATE}<title>"), 1)
            .replacen("<footer>", r#"<footer style="min-height:900px">"#, 1);
        axum::Router::new().route(
            "/news/night-buses-return",
            axum::routing::get(move || async move { axum::response::Html(article) }),
        )
    })
    .await;
    (site, format!("{origin}/news/night-buses-return"))
}

/// In the first placeholder's shadow root: the server's stand-in, whether
/// the widget is there yet, and every comment's id as often as it shows.
const LOOK: &str = "const root = document.querySelector('[data-confab]')?.shadowRoot;
  const html = root?.querySelector('.cf-static');
  const widget = root?.querySelector('[data-testid=thread]');
  const shown = [...(root?.querySelectorAll('.cf-c') ?? [])]
    .filter((a) => a.getClientRects().length).map((a) => a.id);
  // The comment at the window's top edge, and where it is.
  const at = [...(root?.querySelectorAll('.cf-c') ?? [])]
    .find((a) => { const r = a.getBoundingClientRect(); return r.height && r.bottom > 0; });
  const seen = { html: !!html, widget: !!widget && !html, shown, y: scrollY,
    top: at?.id, offset: at && Math.round(at.getBoundingClientRect().top) };";

async fn look(b: &Browser) -> Value {
    b.js(&format!("{LOOK} return seen;"), vec![]).await
}

/// Polls [`look`] until `done` holds of it, for up to 15 s.
async fn wait_for(b: &Browser, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..150 {
        let seen = look(b).await;
        if done(&seen) {
            return seen;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{what}: never; last {:?}", look(b).await);
}

/// Opens the article, waits for the server's HTML, puts `scroll` into
/// effect, lets the widget in, and returns what the reader saw before and
/// after, and the layout shift between them.
async fn take_over(site_url: &str, scroll: &str) -> (Value, Value, f64) {
    let b = browser().await;
    b.client.goto(site_url).await.unwrap();
    b.scroll_to_widget().await;
    wait_for(&b, "the server's HTML", |s| s["html"] == json!(true)).await;
    b.js(&format!("{LOOK} {scroll}; return true;"), vec![])
        .await;
    // Two frames, for the scroll to settle before the mark.
    b.client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             requestAnimationFrame(() => requestAnimationFrame(() => done(mark())));",
            vec![],
        )
        .await
        .unwrap();
    let before = look(&b).await;
    assert_eq!(before["widget"], json!(false), "the wasm is held back");
    b.js("release(); return true;", vec![]).await;
    let after = wait_for(&b, "the widget", |s| s["widget"] == json!(true)).await;
    let score = b.js("return score();", vec![]).await.as_f64().unwrap();
    b.close().await;
    (before, after, score)
}

/// Every comment shown once, in the same order, before and after.
fn same_comments(before: &Value, after: &Value, n: usize) {
    let ids = |v: &Value| v["shown"].as_array().unwrap().clone();
    assert_eq!(ids(before).len(), n, "{before}");
    assert_eq!(ids(after), ids(before), "no comment twice, none lost");
}

#[tokio::test]
async fn the_widget_takes_the_place_of_a_short_thread_without_moving_the_page_under_it() {
    let (site, article) = gated_site().await;
    let first = site.post_comment("The first words", None).await;
    site.post_comment("A reply to them", first["id"].as_i64())
        .await;
    site.post_comment("A second **comment**", None).await;
    // The thread's top at the window's top: the footer shows under it.
    let (before, after, score) = take_over(&article, "root.host.scrollIntoView()").await;
    same_comments(&before, &after, 3);
    assert!(score < 0.01, "layout shift {score}: {before} → {after}");
    assert_eq!(after["y"], before["y"], "the scroll position is kept");
}

#[tokio::test]
async fn a_reader_scrolled_into_a_long_thread_stays_at_the_comment_they_were_reading() {
    let (site, article) = gated_site().await;
    for i in 0..24 {
        let top = site.post_comment(&format!("Comment {i}"), None).await;
        if i % 3 == 0 {
            site.post_comment(&format!("A reply to {i}"), top["id"].as_i64())
                .await;
        }
    }
    let (before, after, score) = take_over(
        &article,
        "root.querySelectorAll('.cf-c')[12].scrollIntoView()",
    )
    .await;
    same_comments(&before, &after, 32);
    assert!(score < 0.01, "layout shift {score}: {before} → {after}");
    assert_eq!(after["y"], before["y"], "the scroll position is kept");
    assert_eq!(after["top"], before["top"], "the same comment at the top");
    let moved = (after["offset"].as_i64().unwrap() - before["offset"].as_i64().unwrap()).abs();
    assert!(moved <= 2, "the comment read moved {moved} px");
}

#[tokio::test]
async fn a_site_that_includes_the_thread_in_the_article_keeps_it_for_crawlers_and_the_widget_takes_it_over(
) {
    // The article's server puts the thread into the placeholder as it
    // serves the page, as nginx's SSI or a site generator would.
    let confab = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let base = confab.clone();
    let (site, origin) = site_and_article_elsewhere(move |article| {
        axum::Router::new().route(
            "/news/night-buses-return",
            axum::routing::get(move || async move {
                let url = format!(
                    "{}sites/demo/thread.html?page=/news/night-buses-return",
                    base.get().unwrap()
                );
                let thread = reqwest::get(url).await.unwrap().text().await.unwrap();
                axum::response::Html(article.replacen("No comments", &thread, 1))
            }),
        )
    })
    .await;
    confab.set(site.confab.clone()).unwrap();
    let first = site.post_comment("Included by the server", None).await;
    site.post_comment("And its reply", first["id"].as_i64())
        .await;
    let article = format!("{origin}/news/night-buses-return");

    // A crawler reads the comments in the article's own HTML.
    let html = reqwest::get(&article).await.unwrap().text().await.unwrap();
    assert!(html.contains("Included by the server"), "{html}");
    assert_eq!(html.matches("https://schema.org/Comment").count(), 2);

    let b = browser().await;
    b.client.goto(&article).await.unwrap();
    b.scroll_to_widget().await;
    let seen = b
        .wait_widget(
            "the widget in the included thread's place",
            "return root.querySelector('[data-testid=comment-' + args[0] + ']') && {
                 shown: [...root.querySelectorAll('.cf-c')].filter((a) => a.getClientRects().length).map((a) => a.id),
                 light: !!root.host.querySelector('[data-confab-fragment]'),
                 fetched: performance.getEntriesByType('resource').some((r) => r.name.includes('thread.html')) };",
            vec![first["id"].clone()],
        )
        .await;
    let ids = [&first["id"], &(first["id"].as_i64().unwrap() + 1).into()]
        .map(|id| json!(format!("confab-{id}")));
    assert_eq!(
        seen,
        json!({ "shown": ids, "light": false, "fetched": false }),
        "each comment once, the site's copy used and not fetched again"
    );
    b.close().await;
}

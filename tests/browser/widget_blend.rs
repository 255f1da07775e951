//! The widget as part of the host page: its colours, its typeface, and a
//! phone's width (#22, part 1 and some of part 3).

use serde_json::{json, Value};

use crate::harness::{
    browser, browser_in_dark_mode, site_with_article_changed, spawn_site, Browser, Site, OVERFLOW,
};

/// The widget's theme, its own background and its text colour, once its
/// theme is `theme`.
async fn colours(b: &Browser, theme: &str) -> Value {
    b.wait_widget(
        &format!("the {theme} theme"),
        "const host = root.querySelector('.confab');
         if (host.dataset.theme != args[0] || !root.querySelector('.cf-item')) return null;
         const s = getComputedStyle(host);
         return { theme: host.dataset.theme, background: s.backgroundColor, text: s.color };",
        vec![json!(theme)],
    )
    .await
}

#[tokio::test]
async fn a_light_page_gets_the_light_widget_on_a_dark_os_and_a_dark_page_the_dark_one() {
    let site = spawn_site().await;
    site.post_comment("Finally, a bus home after the late shift.", None)
        .await;
    let b = browser_in_dark_mode().await;
    b.client.goto(&site.article).await.unwrap();
    let dark_os = b
        .js(
            "return matchMedia('(prefers-color-scheme: dark)').matches",
            vec![],
        )
        .await;
    assert_eq!(dark_os, json!(true), "the reader's OS is in dark mode");
    // The article paints no background: the canvas is white, its text dark.
    let light = json!({ "theme": "light", "background": "rgba(0, 0, 0, 0)",
                        "text": "rgb(31, 35, 40)" });
    assert_eq!(colours(&b, "light").await, light);
    b.screenshot("blend-light-page-dark-os", ".cf-item").await;

    // The page switches itself to dark, as a site's own toggle does.
    let dark_page = "document.body.style.background = '#181a1b'; document.body.style.color = '#ddd'; return true";
    b.js(dark_page, vec![]).await;
    let dark = json!({ "theme": "dark", "background": "rgba(0, 0, 0, 0)",
                       "text": "rgb(230, 237, 243)" });
    assert_eq!(colours(&b, "dark").await, dark);
    b.screenshot("blend-dark-page", ".cf-item").await;
    b.close().await;
}

#[tokio::test]
async fn a_theme_the_placeholder_names_wins_over_the_page_colours() {
    let (site, origin) =
        site_with_article_changed("<div data-confab ", "<div data-confab data-theme=\"dark\" ")
            .await;
    site.post_comment("Dark, as the site owner asked.", None)
        .await;
    let b = browser().await;
    b.client
        .goto(&format!("{origin}/news/night-buses-return"))
        .await
        .unwrap();
    assert_eq!(colours(&b, "dark").await["theme"], json!("dark"));
    // The page's white canvas and a change to it leave the theme alone.
    b.js("document.body.className = 'anything'; return true", vec![])
        .await;
    let theme = b
        .in_widget("return root.querySelector('.confab').dataset.theme", vec![])
        .await;
    assert_eq!(theme, json!("dark"));
    b.close().await;
}

/// The comment text's font family, the widget's size, and whether a name
/// without a website is in the text colour.
async fn type_of_comments(b: &Browser) -> Value {
    b.wait_widget(
        "the comment text",
        "const p = root.querySelector('.cf-body p');
         if (!p) return null;
         const host = getComputedStyle(root.querySelector('.confab'));
         const author = getComputedStyle(root.querySelector('.cf-author'));
         return { family: getComputedStyle(p).fontFamily, size: host.fontSize,
                  author_is_text: author.color == host.color };",
        vec![],
    )
    .await
}

#[tokio::test]
async fn the_host_page_typeface_and_size_reach_the_comment_text() {
    let site = spawn_site().await;
    site.post_comment("Set in the article's own type.", None)
        .await;
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    // The demo article is set in 18 px Georgia; a name without a website is
    // text in the text colour, not a link.
    let shown = type_of_comments(&b).await;
    assert_eq!(
        shown,
        json!({ "family": "Georgia, serif", "size": "18px", "author_is_text": true })
    );
    // `--confab-font` still picks another family.
    b.js(
        "document.querySelector('[data-confab]').style.setProperty('--confab-font', 'monospace'); return true",
        vec![],
    )
    .await;
    assert_eq!(type_of_comments(&b).await["family"], json!("monospace"));
    b.close().await;
}

/// A chain of replies, each answering the one before, `depth` deep.
async fn deep_thread(site: &Site, depth: usize) {
    let mut parent = None;
    for level in 0..depth {
        let body = format!("Level {level}: and what about the weekend timetable, then?");
        let c = site.post_comment(&body, parent).await;
        parent = c["id"].as_i64();
    }
}

#[tokio::test]
async fn a_reply_form_at_the_deepest_level_fits_a_phone_at_320_and_390_px() {
    let site = spawn_site().await;
    deep_thread(&site, 5).await;
    let b = browser().await;
    for width in [320, 390] {
        b.client.set_window_size(width, 844).await.unwrap();
        b.client.goto(&site.article).await.unwrap();
        b.scroll_to_widget().await;
        b.wait_widget(
            "the deepest reply",
            "return root.querySelectorAll('.cf-item').length == 5",
            vec![],
        )
        .await;
        b.in_widget(
            "const replies = root.querySelectorAll('[data-testid=reply]');
             replies[replies.length - 1].click(); return true",
            vec![],
        )
        .await;
        let overflow = b
            .wait_widget(
                "the open reply form",
                &format!(
                    "{OVERFLOW}
                     const forms = root.querySelectorAll('.cf-c > .cf-form');
                     if (!forms.length) return null;
                     const text = root.querySelectorAll('.cf-body')[4].getBoundingClientRect().width;
                     return {{ ...overflow(),
                              roomy: text > document.documentElement.clientWidth / 2 }};"
                ),
                vec![],
            )
            .await;
        let fits = json!({ "page": 0, "wide": [], "roomy": true });
        assert_eq!(overflow, fits, "at {width} px");
        b.screenshot(&format!("deep-reply-{width}px"), ".cf-c > .cf-form")
            .await;
    }
    b.close().await;
}

#[tokio::test]
async fn votes_and_small_buttons_are_at_least_24_px_square() {
    let site = spawn_site().await;
    site.post_comment("Something to vote on.", None).await;
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    let small = b
        .wait_widget(
            "the comment's buttons",
            "if (!root.querySelector('.cf-item')) return null;
             return [...root.querySelectorAll('button')].filter((e) => {
                 const r = e.getBoundingClientRect();
                 return r.width && (r.width < 24 || r.height < 24);
             }).map((e) => e.dataset.testid || e.className) ;",
            vec![],
        )
        .await;
    assert_eq!(small, json!([]));
    b.close().await;
}

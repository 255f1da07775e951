//! Accessibility and isolation: keyboard only, axe-core, and a host page
//! that styles everything it can reach.

use fantoccini::key::Key;
use serde_json::{json, Value};

use crate::harness::{browser, spawn_site, Browser};

/// Presses Tab until the focused element inside the widget matches
/// `selector`; panics after 40 presses.
async fn tab_to(b: &Browser, selector: &str) {
    for _ in 0..40 {
        let there = b
            .in_widget(
                "return !!root.activeElement?.matches(args[0])",
                vec![json!(selector)],
            )
            .await;
        if there == json!(true) {
            return;
        }
        b.press(&[], &char::from(Key::Tab).to_string()).await;
    }
    panic!("Tab never reached {selector}");
}

#[tokio::test]
async fn keyboard_only_a_reader_posts_a_comment_and_replies_to_it() {
    let site = spawn_site().await;
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    b.wait_shadow_text("empty").await;

    tab_to(&b, "[data-testid=composer] [data-testid=body]").await;
    b.press(&[], "Typed, not clicked").await;
    b.press(
        &[char::from(Key::Control)],
        &char::from(Key::Enter).to_string(),
    )
    .await;
    // Focus lands on the new comment.
    let id = b
        .wait_widget(
            "focus on the new comment",
            "return root.activeElement?.closest('li')?.dataset.id",
            vec![],
        )
        .await;
    let at = format!("[data-testid=comment-{}]", id.as_str().unwrap());

    tab_to(&b, &format!("{at} [data-testid=reply]")).await;
    b.press(&[], &char::from(Key::Enter).to_string()).await;
    // The reply box takes focus when it opens.
    b.wait_widget(
        "focus in the reply box",
        "return root.activeElement?.matches(args[0])",
        vec![json!(format!(
            "{at} [data-testid=composer] [data-testid=body]"
        ))],
    )
    .await;
    b.press(&[], "And answered").await;
    b.press(
        &[char::from(Key::Control)],
        &char::from(Key::Enter).to_string(),
    )
    .await;
    let reply = b
        .wait_widget(
            "the reply",
            "return root.querySelector(args[0] + ' .cf-list .cf-body')?.textContent",
            vec![json!(at)],
        )
        .await;
    assert_eq!(reply, json!("And answered"));
    b.close().await;
}

/// axe's findings once the page's own colours have given the widget
/// `theme`: the widget paints no background, so it is checked on the page's.
async fn axe(b: &Browser, theme: &str) -> Value {
    let page = if theme == "dark" {
        "#0d1117"
    } else {
        "#ffffff"
    };
    let paint = "document.body.style.background = arguments[0]; return true";
    b.js(paint, vec![json!(page)]).await;
    b.wait_widget(
        "the page's theme",
        "return root.querySelector('.confab').dataset.theme == args[0]",
        vec![json!(theme)],
    )
    .await;
    b.axe_violations().await
}

#[tokio::test]
async fn axe_core_finds_no_violations_in_the_light_and_the_dark_theme() {
    let site = spawn_site().await;
    let id = site.post_comment("A **first** comment", None).await["id"]
        .as_i64()
        .unwrap();
    site.post_comment("A reply with a [link](https://example.org)", Some(id))
        .await;
    // A code block wider than the thread scrolls, so it must take focus
    // (axe: scrollable-region-focusable).
    let wide = format!(
        "```\n{}\n```",
        "let timetable = [\"N1\", \"N2\", \"N3\"];".repeat(12)
    );
    site.post_comment(&wide, None).await;
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    b.wait_widget(
        "the reply",
        "return root.querySelector('.cf-list .cf-list .cf-body')",
        vec![],
    )
    .await;
    for theme in ["light", "dark"] {
        assert_eq!(
            axe(&b, theme).await,
            json!([]),
            "axe violations in the {theme} theme"
        );
    }
    b.close().await;
}

#[tokio::test]
async fn a_hostile_host_stylesheet_does_not_change_the_widget() {
    let site = spawn_site().await;
    site.post_comment("Styled by nobody else", None).await;
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    // The comment's body, not the composer's preview (also `.cf-body`),
    // which is there from the first frame.
    b.wait_widget(
        "the comment",
        "return root.querySelector('.cf-item .cf-body p')",
        vec![],
    )
    .await;
    let styles = "return ['.cf', 'h2', '[data-testid=body]', '[data-testid=submit]', '.cf-item',
                          '.cf-body p', '.cf-author', 'time']
        .map(s => { const c = getComputedStyle(root.querySelector(s));
                    return [s, c.color, c.fontSize, c.fontFamily, c.display, c.backgroundColor]; });";
    let before = b.in_widget(styles, vec![]).await;
    b.js(
        "const s = document.createElement('style');
         s.textContent = `* { color: red !important; font-size: 40px !important;
                              display: inline !important; font-family: serif !important }`;
         document.head.append(s); return true;",
        vec![],
    )
    .await;
    let after = b.in_widget(styles, vec![]).await;
    assert_eq!(before, after);
    b.close().await;
}

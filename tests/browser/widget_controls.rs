//! The widget's controls: Ctrl+Enter in the composer, "load more", the
//! markdown preview, and collapsing a comment's replies.

use fantoccini::key::Key;
use serde_json::json;

use crate::harness::{browser, spawn_site};

/// The bodies of the top-level comments, in the order shown.
const TOP_BODIES: &str = "return [...root.querySelectorAll('[data-testid=comments] > li')]
    .map(li => li.querySelector('.cf-body').textContent.trim());";

#[tokio::test]
async fn ctrl_enter_in_the_composer_posts_the_comment() {
    let site = spawn_site().await;
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    b.wait_shadow_text("empty").await;

    let body = "[data-testid=composer] [data-testid=body]";
    b.widget_click(body).await;
    b.press(&[], "Sent from the keyboard").await;
    b.press(
        &[char::from(Key::Control)],
        &char::from(Key::Enter).to_string(),
    )
    .await;
    let shown = b
        .wait_widget(
            "the posted comment",
            "const l = [...root.querySelectorAll('[data-testid=comments] > li .cf-body')];
             return l.length && l.map(e => e.textContent.trim());",
            vec![],
        )
        .await;
    assert_eq!(shown, json!(["Sent from the keyboard"]));
    // The box is emptied: the text went to the server, not into a newline.
    assert_eq!(
        b.in_widget(
            "return root.querySelector(args[0]).value",
            vec![json!(body)]
        )
        .await,
        json!("")
    );

    // The server has it: a fresh load shows it.
    b.client.refresh().await.unwrap();
    let reloaded = b
        .wait_widget(
            "the stored comment",
            &format!("const l = (() => {{ {TOP_BODIES} }})(); return l.length && l;"),
            vec![],
        )
        .await;
    assert_eq!(reloaded, json!(["Sent from the keyboard"]));
    b.close().await;
}

#[tokio::test]
async fn load_more_shows_the_rest_of_a_thread_longer_than_one_page() {
    let site = spawn_site().await;
    // The server's default page is 50 top-level comments.
    let total = 60;
    for i in 1..=total {
        site.post_comment(&format!("Comment {i}"), None).await;
    }
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();

    let count = "return root.querySelectorAll('[data-testid=comments] > li').length;";
    // The first page paints a few comments, then the rest of the page.
    b.wait_widget(
        "the first page",
        &format!("return (() => {{ {count} }})() >= 50;"),
        vec![],
    )
    .await;
    let first = b.in_widget(TOP_BODIES, vec![]).await;
    let want: Vec<String> = (1..=50).map(|i| format!("Comment {i}")).collect();
    assert_eq!(first, json!(want), "the first page, oldest first");
    assert_eq!(
        b.shadow_text("count").await.as_deref(),
        Some("60 comments"),
        "the count is of the whole thread"
    );

    b.widget_click("[data-testid=load-more]").await;
    b.wait_widget(
        "the second page",
        &format!("return (() => {{ {count} }})() === args[0];"),
        vec![json!(total)],
    )
    .await;
    let all = b.in_widget(TOP_BODIES, vec![]).await;
    let want: Vec<String> = (1..=total).map(|i| format!("Comment {i}")).collect();
    assert_eq!(all, json!(want), "every comment once, in order");
    // Nothing is left to load.
    b.wait_widget(
        "the load-more button gone",
        "return !root.querySelector('[data-testid=load-more]:not([hidden])');",
        vec![],
    )
    .await;
    b.close().await;
}

#[tokio::test]
async fn preview_shows_the_servers_rendering_of_the_markdown() {
    let site = spawn_site().await;
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    b.wait_shadow_text("empty").await;

    let form = "[data-testid=composer]";
    b.widget_type(&format!("{form} [data-testid=body]"), "Some **bold** words")
        .await;
    b.widget_click(&format!("{form} [data-testid=preview]"))
        .await;
    let strong = b
        .wait_widget(
            "the rendered preview",
            "return root.querySelector(args[0] + ' [data-testid=preview-body] strong')?.textContent;",
            vec![json!(form)],
        )
        .await;
    assert_eq!(strong, json!("bold"));
    let preview = b
        .in_widget(
            "const p = root.querySelector(args[0] + ' [data-testid=preview-body]');
             const area = root.querySelector(args[0] + ' [data-testid=body]');
             return [p.textContent.trim(), p.innerHTML.includes('**'), area.hidden];",
            vec![json!(form)],
        )
        .await;
    assert_eq!(
        preview,
        json!(["Some bold words", false, true]),
        "rendered, not the source, in place of the text box"
    );

    // Back to writing: the text is still there, and nothing was posted.
    b.widget_click(&format!("{form} [data-testid=write]")).await;
    let back = b
        .wait_widget(
            "the text box again",
            "const a = root.querySelector(args[0] + ' [data-testid=body]');
             return !a.hidden && [a.value, !!root.querySelector(args[0] + ' [data-testid=preview-body]:not([hidden])')];",
            vec![json!(form)],
        )
        .await;
    assert_eq!(back, json!(["Some **bold** words", false]));
    assert!(b.shadow_text("empty").await.is_some(), "nothing was posted");
    b.close().await;
}

#[tokio::test]
async fn hide_replies_collapses_a_comments_replies_and_show_replies_brings_them_back() {
    let site = spawn_site().await;
    let id = site.post_comment("The parent", None).await["id"]
        .as_i64()
        .unwrap();
    site.post_comment("First reply", Some(id)).await;
    site.post_comment("Second reply", Some(id)).await;
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();

    let at = format!("[data-testid=comment-{id}]");
    // Which of the parent and its replies take up room on the page, and
    // what the toggle says.
    let state = "const li = root.querySelector(args[0]);
        const seen = e => e.getClientRects().length > 0;
        const t = li.querySelector(':scope > [data-testid=toggle]');
        return [seen(li.querySelector(':scope > article')),
                [...li.querySelectorAll(':scope > ul > li > article')].map(seen),
                t.textContent, t.getAttribute('aria-expanded')];";
    let is = format!(
        "return root.querySelectorAll(args[0] + ' > ul > li').length === 2
             && JSON.stringify((() => {{ {state} }})()) === JSON.stringify(args[1]);"
    );

    b.wait_widget(
        "the replies shown",
        &is,
        vec![
            json!(at),
            json!([true, [true, true], "Hide replies", "true"]),
        ],
    )
    .await;
    b.widget_click(&format!("{at} > [data-testid=toggle]"))
        .await;
    b.wait_widget(
        "the replies hidden",
        &is,
        vec![
            json!(at),
            json!([true, [false, false], "Show replies (2)", "false"]),
        ],
    )
    .await;
    b.widget_click(&format!("{at} > [data-testid=toggle]"))
        .await;
    b.wait_widget(
        "the replies shown again",
        &is,
        vec![
            json!(at),
            json!([true, [true, true], "Hide replies", "true"]),
        ],
    )
    .await;
    b.close().await;
}

//! A reader's whole story with one thread, through the widget only.

use serde_json::json;

use crate::harness::{browser, spawn_site, Browser};

/// The id of the first comment element matched by `selector`.
const ID_OF: &str = "const el = root.querySelector(args[0]); return el && Number(el.dataset.id);";

#[tokio::test]
async fn a_reader_posts_replies_edits_the_reply_deletes_the_first_and_the_shape_survives_a_reload()
{
    let site = spawn_site().await;
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    b.wait_shadow_text("empty").await;

    let (first, at) = post_the_first_comment(&b).await;
    let (reply, rat) = reply_to(&b, &at).await;
    edit_the_reply(&b, &rat).await;
    delete_the_first(&b, &at).await;

    let shape = the_thread_after_a_reload(&b).await;
    assert_eq!(
        shape,
        json!([{ "id": first, "deleted": true,
                 "replies": [{ "id": reply, "text": "An edited reply" }] }])
    );
    assert_eq!(b.wait_shadow_text("count").await, "1 comment");

    // Everything the widget fetched came from Confab: the script, the
    // module, the wasm, the stylesheet and the API.
    let foreign = b
        .js(
            "return performance.getEntriesByType('resource').map(e => e.name)
                 .filter(u => !u.startsWith(arguments[0]));",
            vec![json!(site.confab)],
        )
        .await;
    assert_eq!(foreign, json!([]), "requests to other hosts");
    b.close().await;
}

/// Posts a top-level comment in markdown and sees it counted and rendered;
/// its id and its selector.
async fn post_the_first_comment(b: &Browser) -> (i64, String) {
    b.widget_type(
        "[data-testid=composer] [data-testid=body]",
        "First *thoughts*",
    )
    .await;
    b.widget_click("[data-testid=composer] [data-testid=submit]")
        .await;
    let first = b
        .wait_widget("the first comment", ID_OF, vec![json!(".cf-item")])
        .await;
    let first = first.as_i64().unwrap();
    let at = format!("[data-testid=comment-{first}]");
    assert_eq!(b.wait_shadow_text("count").await, "1 comment");
    // Markdown rendered by the server, shown as HTML.
    let em = b
        .in_widget(
            "return root.querySelector(args[0] + ' .cf-body em')?.textContent",
            vec![json!(at)],
        )
        .await;
    assert_eq!(em, json!("thoughts"));
    (first, at)
}

/// Replies to the comment at `at`; the reply's id and its selector.
async fn reply_to(b: &Browser, at: &str) -> (i64, String) {
    b.widget_click(&format!("{at} [data-testid=reply]")).await;
    b.widget_type(
        &format!("{at} [data-testid=composer] [data-testid=body]"),
        "A reply",
    )
    .await;
    b.widget_click(&format!("{at} [data-testid=composer] [data-testid=submit]"))
        .await;
    let reply = b
        .wait_widget(
            "the reply",
            ID_OF,
            vec![json!(format!("{at} .cf-list .cf-item"))],
        )
        .await
        .as_i64()
        .unwrap();
    (reply, format!("[data-testid=comment-{reply}]"))
}

/// Edits the reply at `rat` to "An edited reply" and waits to see it.
async fn edit_the_reply(b: &Browser, rat: &str) {
    b.widget_click(&format!("{rat} [data-testid=edit]")).await;
    let area = b
        .widget_el(&format!("{rat} [data-testid=edit-form] [data-testid=body]"))
        .await;
    area.clear().await.unwrap();
    area.send_keys("An edited reply").await.unwrap();
    b.widget_click(&format!("{rat} [data-testid=save]")).await;
    b.wait_widget(
        "the edited reply",
        "return root.querySelector(args[0] + ' .cf-body')?.textContent.includes('An edited reply')",
        vec![json!(rat)],
    )
    .await;
}

/// Deletes the comment at `at` and waits for its placeholder.
async fn delete_the_first(b: &Browser, at: &str) {
    b.widget_click(&format!("{at} > article [data-testid=delete]"))
        .await;
    b.widget_click(&format!("{at} > article [data-testid=confirm-delete]"))
        .await;
    b.wait_widget(
        "the placeholder",
        "return root.querySelector(args[0] + ' > article [data-testid=deleted]')",
        vec![json!(at)],
    )
    .await;
}

/// Reloads the page; the thread's shape as shown: each top-level comment's
/// id, whether it is deleted, and its replies' ids and texts.
async fn the_thread_after_a_reload(b: &Browser) -> serde_json::Value {
    b.client.refresh().await.unwrap();
    b.wait_widget(
        "the thread after a reload",
        "const top = [...root.querySelectorAll('[data-testid=comments] > li')];
             return top.length && top.map(li => ({
                 id: Number(li.dataset.id),
                 deleted: !!li.querySelector(':scope > article [data-testid=deleted]'),
                 replies: [...li.querySelectorAll(':scope > ul > li')].map(r => ({
                     id: Number(r.dataset.id),
                     text: r.querySelector('.cf-body').textContent.trim() })) }));",
        vec![],
    )
    .await
}

#[tokio::test]
async fn drafts_of_comments_and_replies_survive_a_reload() {
    let site = spawn_site().await;
    let id = site.post_comment("Hello", None).await["id"]
        .as_i64()
        .unwrap();
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    let at = format!("[data-testid=comment-{id}]");
    b.widget_type(
        "[data-testid=composer] [data-testid=body]",
        "Half a thought",
    )
    .await;
    b.widget_click(&format!("{at} [data-testid=reply]")).await;
    b.widget_type(&format!("{at} [data-testid=body]"), "A reply in progress")
        .await;

    b.client.refresh().await.unwrap();
    let top = b
        .wait_widget(
            "the restored draft",
            "return root.querySelector('[data-testid=body]')?.value",
            vec![],
        )
        .await;
    assert_eq!(top, json!("Half a thought"));
    b.widget_click(&format!("{at} [data-testid=reply]")).await;
    let reply = b
        .wait_widget(
            "the restored reply draft",
            "return root.querySelector(args[0] + ' [data-testid=body]')?.value",
            vec![json!(at)],
        )
        .await;
    assert_eq!(reply, json!("A reply in progress"));
    b.close().await;
}

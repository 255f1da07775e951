//! Reading a thread: votes, sort order and permalinks.

use std::time::Duration;

use confab_testkit::until;
use serde_json::json;

use crate::harness::{browser, spawn_site, spawn_site_with};

const SCORE: &str = "const c = root.querySelector(args[0]);
    return c && [c.querySelector('[data-testid=score]').textContent,
                 c.querySelector('[data-testid=vote-up]').getAttribute('aria-pressed'),
                 c.querySelector('[data-testid=vote-down]').getAttribute('aria-pressed')];";

#[tokio::test]
async fn votes_show_at_once_and_the_servers_count_survives_a_reload() {
    let site = spawn_site().await;
    let id = site.post_comment("Vote on me", None).await["id"]
        .as_i64()
        .unwrap();
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    let at = format!("[data-testid=comment-{id}]");
    let is = format!("return JSON.stringify(args[1]) === JSON.stringify((() => {{ {SCORE} }})())");

    b.widget_click(&format!("{at} [data-testid=vote-up]")).await;
    b.wait_widget(
        "the up vote",
        &is,
        vec![json!(at), json!(["1", "true", "false"])],
    )
    .await;
    b.widget_click(&format!("{at} [data-testid=vote-down]"))
        .await;
    b.wait_widget(
        "the down vote",
        &is,
        vec![json!(at), json!(["-1", "false", "true"])],
    )
    .await;
    // The server has stored the down vote before the reload.
    until(Duration::from_secs(15), "the stored down vote", || async {
        site.first_score().await == json!(-1)
    })
    .await;

    b.client.refresh().await.unwrap();
    b.wait_widget(
        "the stored vote",
        &is,
        vec![json!(at), json!(["-1", "false", "true"])],
    )
    .await;
    b.close().await;
}

#[tokio::test]
async fn newest_first_reverses_the_thread_and_a_permalink_highlights_its_comment() {
    let site = spawn_site().await;
    let mut ids = vec![];
    for body in ["one", "two", "three"] {
        ids.push(site.post_comment(body, None).await["id"].as_i64().unwrap());
    }
    let b = browser().await;
    b.client
        .goto(&format!("{}#confab-{}", site.article, ids[1]))
        .await
        .unwrap();
    let ids_js = "[...root.querySelectorAll('[data-testid=comments] > li')]
                  .map(li => Number(li.dataset.id))";
    let order = format!("return {ids_js};");
    let hl = b
        .wait_widget(
            "the highlighted comment",
            "return root.querySelector('.cf-hl')?.closest('li').dataset.id",
            vec![],
        )
        .await;
    assert_eq!(hl, json!(ids[1].to_string()));
    assert_eq!(b.in_widget(&order, vec![]).await, json!(ids));

    b.in_widget(
        "const s = root.querySelector('[data-testid=sort]');
         s.value = 'newest'; s.dispatchEvent(new Event('change')); return true;",
        vec![],
    )
    .await;
    let newest: Vec<i64> = ids.iter().rev().copied().collect();
    b.wait_widget(
        "newest first",
        &format!("return {ids_js}.join() === args[0];"),
        vec![json!(newest
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(","))],
    )
    .await;
    b.close().await;
}

#[tokio::test]
async fn relative_times_keep_up_with_the_clock_while_the_page_stays_open() {
    let site = spawn_site().await;
    let id = site.post_comment("Posted just now", None).await["id"]
        .as_i64()
        .unwrap();
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    let time = format!("[data-testid=comment-{id}] time");
    let read = "const t = root.querySelector(args[0]); return t && [t.textContent, t.title];";
    let first = b
        .wait_widget("the comment's time", read, vec![json!(time)])
        .await;
    assert!(
        !first[0].as_str().unwrap().contains("hour"),
        "a fresh comment: {first}"
    );
    // Two hours pass for the page (the widget reads the page's clock).
    b.js(
        "const now = Date.now; Date.now = () => now.call(Date) + 2 * 3600 * 1000;",
        vec![],
    )
    .await;
    let later = b
        .wait_widget(
            "the time worded again",
            "const t = root.querySelector(args[0]); return t.textContent === '2 hours ago' && [t.textContent, t.title];",
            vec![json!(time)],
        )
        .await;
    assert_eq!(later[1], first[1], "the exact time on hover stays");
}

#[tokio::test]
async fn show_more_replies_fetches_the_replies_the_server_held_back() {
    let site = spawn_site_with(|c| c.limits.nested_limit = 2).await;
    let top = site.post_comment("Popular", None).await["id"]
        .as_i64()
        .unwrap();
    let mut replies = vec![];
    for i in 0..5 {
        let reply = site.post_comment(&format!("reply {i}"), Some(top)).await;
        replies.push(reply["id"].as_i64().unwrap());
    }
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    let shown = format!(
        "const li = root.querySelector('[data-testid=comment-{top}]');
         return li && [...li.querySelectorAll(':scope > ul > li')].map(l => Number(l.dataset.id));"
    );
    let first = b.wait_widget("the first two replies", &shown, vec![]).await;
    assert_eq!(first, json!(replies[..2]));
    let more = format!("[data-testid=more-replies-{top}]");
    let label = b
        .wait_widget(
            "the button",
            "const m = root.querySelector(args[0]); return m && !m.hidden && m.textContent;",
            vec![json!(more)],
        )
        .await;
    assert_eq!(label, json!("Show more replies (3)"));

    b.widget_click(&more).await;
    b.wait_widget(
        "every reply, in order",
        &format!("return JSON.stringify(({{ f() {{ {shown} }} }}).f()) === args[0];"),
        vec![json!(serde_json::to_string(&replies).unwrap())],
    )
    .await;
    let hidden = "return root.querySelector(args[0]).hidden;";
    assert_eq!(b.in_widget(hidden, vec![json!(more)]).await, json!(true));
    b.close().await;
}

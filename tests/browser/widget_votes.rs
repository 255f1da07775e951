//! Votes as a reader meets them: offered on others' comments only, and a
//! vote that does not count says why (#22, part 5).

use serde_json::json;

use crate::harness::{browser, spawn_site};

#[tokio::test]
async fn a_reader_gets_no_votes_on_their_own_comment_and_a_failed_vote_says_why() {
    let site = spawn_site().await;
    let theirs = site.post_comment("Someone else's view", None).await["id"]
        .as_i64()
        .unwrap();
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    b.widget_type("[data-testid=composer] [data-testid=body]", "My own view")
        .await;
    b.widget_click("[data-testid=composer] [data-testid=submit]")
        .await;
    let offered = b
        .wait_widget(
            "both comments",
            "const items = [...root.querySelectorAll('.cf-item')];
             if (items.length < 2) return null;
             return items.map((li) => [li.querySelector('.cf-body').textContent,
                                       !li.querySelector('.cf-votes').hidden]);",
            vec![],
        )
        .await;
    assert_eq!(
        offered,
        json!([["Someone else's view", true], ["My own view", false]])
    );

    // The other comment goes while the reader looks at it (deleted in the
    // store, so no live event removes it first): the vote fails, is undone,
    // and the reader reads why.
    assert!(site.state.store.delete_comment(theirs).await.unwrap());
    let at = format!("[data-testid=comment-{theirs}]");
    b.widget_click(&format!("{at} [data-testid=vote-up]")).await;
    let failed = b
        .wait_widget(
            "the failed vote",
            "const c = root.querySelector(args[0]);
             const why = c.querySelector('[data-testid=vote-error]');
             return why.textContent && [why.textContent, why.getAttribute('role'),
                 c.querySelector('[data-testid=score]').textContent,
                 c.querySelector('[data-testid=vote-up]').getAttribute('aria-pressed')];",
            vec![json!(at)],
        )
        .await;
    assert_eq!(
        failed,
        // The server answers a vote on a deleted comment with `conflict`.
        json!([
            "This comment changed meanwhile. Reload and try again.",
            "status",
            "0",
            "false"
        ])
    );
    b.close().await;
}

//! Paged replies (#15 item 5): a comment shows its first
//! `limits.nested_limit` replies, counts the rest, and `parent=ID` fetches
//! them page by page.

use futures::future::join_all;

use confab::store::{Created, NewCommentRow};
use confab_api::{Comment, ErrorCode, Thread};

use crate::helpers::*;
use crate::store::new;
use confab_testkit::on_both_backends;

on_both_backends!(
    a_comment_with_many_replies_shows_the_first_five_and_counts_the_rest,
    following_the_reply_cursor_returns_every_reply_once_in_order,
    the_nested_limit_from_the_config_is_honoured_at_every_depth,
    a_bad_parent_or_reply_cursor_is_refused_and_changes_nothing,
    a_new_reply_invalidates_the_cached_reply_page,
    the_first_page_of_a_comment_with_three_thousand_replies_is_under_100_kb
);

fn ids(comments: &[Comment]) -> Vec<i64> {
    comments.iter().map(|c| c.id).collect()
}

/// A top-level comment on `/p` and `n` replies to it, oldest first. The
/// replies go straight to the store, all at once, so that they share its
/// group commits: thousands take a second rather than thousands of posts.
async fn many_replies(app: &TestApp, n: usize) -> (i64, Vec<i64>) {
    let top = app.comment("/p", "the popular one").await.comment.id;
    let site = app.demo_id().await;
    let rows: Vec<NewCommentRow> = (0..n)
        .map(|i| NewCommentRow {
            // About what a short real reply weighs.
            html: format!("<p>Reply number {i}: I agree with most of this, but the part about caching deserves a second look.</p>"),
            now_ms: 1_000 + i as i64,
            ..new(site, "/p", Some(top))
        })
        .collect();
    let created = join_all(rows.iter().map(|r| app.store().create_comment(r))).await;
    let replies = created
        .into_iter()
        .map(|c| match c.unwrap() {
            Created::Comment(c) => c.id,
            other => panic!("not stored: {other:?}"),
        })
        .collect();
    (top, replies)
}

/// Every reply of `parent` from `cursor` on, following `next_cursor`.
async fn the_rest(app: &TestApp, parent: i64, cursor: Option<String>, limit: usize) -> Vec<i64> {
    let mut seen = Vec::new();
    let mut cursor = cursor;
    while let Some(c) = cursor {
        let page = app
            .thread_query(&format!("page=/p&parent={parent}&cursor={c}&limit={limit}"))
            .await;
        assert!(page.comments.len() <= limit);
        seen.extend(ids(&page.comments));
        cursor = page.next_cursor;
    }
    seen
}

async fn a_comment_with_many_replies_shows_the_first_five_and_counts_the_rest(backend: Backend) {
    let app = spawn_app(backend).await;
    let (top, replies) = many_replies(&app, 12).await;
    let thread = app.thread("/p").await;
    assert_eq!(thread.total, 13, "the total still counts every reply");
    let c = &thread.comments[0];
    assert_eq!(c.id, top);
    assert_eq!(ids(&c.replies), replies[..5]);
    assert_eq!(c.more_replies, 7);
    assert!(c.replies_cursor.is_some());
    assert!(c
        .replies
        .iter()
        .all(|r| r.more_replies == 0 && r.replies_cursor.is_none()));
    // A comment with all its replies shown says nothing more on the wire.
    let raw = app.thread_raw("page=/p").await.text().await.unwrap();
    assert_eq!(raw.matches("more_replies").count(), 1);
}

async fn following_the_reply_cursor_returns_every_reply_once_in_order(backend: Backend) {
    let app = spawn_app(backend).await;
    let (top, replies) = many_replies(&app, 23).await;
    let first = app.thread("/p").await.comments.remove(0);
    let mut seen = ids(&first.replies);
    seen.extend(the_rest(&app, top, first.replies_cursor, 4).await);
    assert_eq!(seen, replies);
    // Without a cursor, the replies start from the first.
    let from_start = app
        .thread_query(&format!("page=/p&parent={top}&limit=3"))
        .await;
    assert_eq!(ids(&from_start.comments), replies[..3]);
    assert_eq!(from_start.total, 24);
}

async fn the_nested_limit_from_the_config_is_honoured_at_every_depth(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.limits.nested_limit = 2).await;
    let top = app.comment("/p", "top").await.comment.id;
    let mut under_top = Vec::new();
    for i in 0..3 {
        under_top.push(app.reply("/p", top, &format!("reply {i}")).await.comment.id);
    }
    let mut under_first = Vec::new();
    for i in 0..4 {
        let id = app.reply("/p", under_top[0], &format!("deeper {i}")).await;
        under_first.push(id.comment.id);
    }
    let c = app.thread("/p").await.comments.remove(0);
    assert_eq!(ids(&c.replies), under_top[..2]);
    assert_eq!(c.more_replies, 1, "the deeper replies are not counted here");
    let first = &c.replies[0];
    assert_eq!(ids(&first.replies), under_first[..2]);
    assert_eq!(first.more_replies, 2);
    let parent = under_top[0];
    let rest = the_rest(&app, parent, first.replies_cursor.clone(), 10).await;
    assert_eq!(rest, under_first[2..]);
}

async fn a_bad_parent_or_reply_cursor_is_refused_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let (top, _) = many_replies(&app, 7).await;
    let elsewhere = app.comment("/elsewhere", "not on /p").await.comment.id;
    let before = app.thread_raw("page=/p").await.text().await.unwrap();

    let e = assert_error(
        app.thread_raw("page=/p&parent=abc").await,
        400,
        ErrorCode::BadRequest,
    )
    .await;
    assert_eq!(e.field.as_deref(), Some("parent"));
    for parent in [elsewhere, 999_999] {
        let r = app.thread_raw(&format!("page=/p&parent={parent}")).await;
        let e = assert_error(r, 404, ErrorCode::ParentNotFound).await;
        assert_eq!(e.field.as_deref(), Some("parent"));
    }
    let r = app.thread_raw("page=/never/commented&parent=1").await;
    assert_error(r, 404, ErrorCode::ParentNotFound).await;
    // A reply cursor is no top-level cursor.
    let reply_cursor = app
        .thread_query("page=/p&limit=1")
        .await
        .comments
        .remove(0)
        .replies_cursor
        .unwrap();
    let bad = app
        .thread_raw(&format!("page=/p&cursor={reply_cursor}"))
        .await;
    let e = assert_error(bad, 400, ErrorCode::BadRequest).await;
    assert_eq!(e.field.as_deref(), Some("cursor"));
    let bad = app
        .thread_raw(&format!("page=/p&parent={top}&cursor=xyz"))
        .await;
    assert_error(bad, 400, ErrorCode::BadRequest).await;

    let after = app.thread_raw("page=/p").await.text().await.unwrap();
    assert_eq!(before, after);
}

async fn a_new_reply_invalidates_the_cached_reply_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let (top, replies) = many_replies(&app, 6).await;
    let query = format!("page=/p&parent={top}");
    let get = || app.thread_query(&query);
    assert_eq!(ids(&get().await.comments), replies);
    let hits = app.state.threads.stats().hits;
    assert_eq!(ids(&get().await.comments), replies);
    assert_eq!(
        app.state.threads.stats().hits,
        hits + 1,
        "served from the cache"
    );

    let fresh = app.reply("/p", top, "one more").await.comment.id;
    let page: Thread = get().await;
    assert_eq!(ids(&page.comments).last(), Some(&fresh));
    assert_eq!(page.total, 8);
}

async fn the_first_page_of_a_comment_with_three_thousand_replies_is_under_100_kb(backend: Backend) {
    let app = spawn_app(backend).await;
    let (top, replies) = many_replies(&app, 3_000).await;
    let r = app.thread_raw("page=/p&limit=1").await;
    assert_eq!(r.status(), 200);
    let body = r.bytes().await.unwrap();
    assert!(body.len() <= 100_000, "{} bytes", body.len());
    let thread: Thread = serde_json::from_slice(&body).unwrap();
    assert_eq!(thread.comments[0].id, top);
    assert_eq!(thread.comments[0].more_replies, 2_995);
    // And a reader who wants them all still gets every one.
    let mut seen = ids(&thread.comments[0].replies);
    seen.extend(the_rest(&app, top, thread.comments[0].replies_cursor.clone(), 200).await);
    assert_eq!(seen, replies);
}

use confab_api::{CommentStatus, ErrorCode};

use crate::helpers::*;
use confab_testkit::on_both_backends;

fn ids(comments: &[confab_api::Comment]) -> Vec<i64> {
    comments.iter().map(|c| c.id).collect()
}

on_both_backends!(
    an_unknown_page_reads_as_an_empty_thread,
    replies_come_back_nested_under_their_parents,
    replies_beyond_the_depth_cap_attach_at_the_cap,
    page_keys_are_normalised_before_use,
    top_level_comments_are_paged_with_an_opaque_cursor,
    pinned_comments_come_first_and_top_sorts_by_score,
    the_thread_has_an_etag_that_answers_304_until_the_page_changes,
    emails_and_hashes_never_leave_the_server,
    held_comments_stay_out_of_the_thread,
    bad_thread_queries_are_refused_with_the_field,
    an_unknown_site_or_a_foreign_origin_is_refused
);

async fn an_unknown_page_reads_as_an_empty_thread(backend: Backend) {
    let app = spawn_app(backend).await;
    let thread = app.thread("/never/commented").await;
    assert_eq!(thread.page, "/never/commented");
    assert_eq!(thread.total, 0);
    assert!(thread.comments.is_empty());
    assert_eq!(thread.next_cursor, None);
}

async fn replies_come_back_nested_under_their_parents(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.comment("/p", "first").await.comment;
    let b = app.reply("/p", a.id, "second").await.comment;
    let c = app.reply("/p", b.id, "third").await.comment;
    let thread = app.thread("/p").await;
    assert_eq!(thread.total, 3);
    assert_eq!(ids(&thread.comments), [a.id]);
    assert_eq!(ids(&thread.comments[0].replies), [b.id]);
    assert_eq!(ids(&thread.comments[0].replies[0].replies), [c.id]);
}

async fn replies_beyond_the_depth_cap_attach_at_the_cap(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.max_depth = 1).await;
    let top = app.comment("/p", "top").await.comment;
    let one = app.reply("/p", top.id, "depth one").await.comment;
    let deeper = app.reply("/p", one.id, "would be depth two").await.comment;
    assert_eq!(deeper.parent, Some(top.id));
    let thread = app.thread("/p").await;
    assert_eq!(ids(&thread.comments[0].replies), [one.id, deeper.id]);
}

async fn page_keys_are_normalised_before_use(backend: Backend) {
    let app = spawn_app(backend).await;
    app.comment("/blog//post?utm=x#c", "hi").await;
    assert_eq!(app.thread("/blog/post").await.total, 1);
}

async fn top_level_comments_are_paged_with_an_opaque_cursor(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut posted = Vec::new();
    for i in 0..5 {
        posted.push(app.comment("/p", &format!("c{i}")).await.comment.id);
    }
    let first = app.thread_query("page=/p&limit=2&sort=newest").await;
    assert_eq!(ids(&first.comments), [posted[4], posted[3]]);
    assert_eq!(first.total, 5);
    let cursor = first.next_cursor.expect("more to come");
    let second = app
        .thread_query(&format!("page=/p&limit=2&sort=newest&cursor={cursor}"))
        .await;
    assert_eq!(ids(&second.comments), [posted[2], posted[1]]);
    let cursor = second.next_cursor.expect("more to come");
    let last = app
        .thread_query(&format!("page=/p&limit=2&sort=newest&cursor={cursor}"))
        .await;
    assert_eq!(ids(&last.comments), [posted[0]]);
    assert_eq!(last.next_cursor, None);
}

async fn pinned_comments_come_first_and_top_sorts_by_score(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.comment("/p", "a").await.comment;
    let b = app.comment("/p", "b").await.comment;
    let c = app.comment("/p", "c").await.comment;
    assert_eq!(app.vote(b.id, 1, READER).await.status(), 200);
    app.store().set_pinned(c.id, true).await.unwrap();
    app.state.threads.invalidate(&("demo".into(), "/p".into()));
    let top = app.thread_query("page=/p&sort=top").await;
    assert_eq!(ids(&top.comments), [c.id, b.id, a.id]);
    assert!(top.comments[0].pinned);
    let oldest = app.thread_query("page=/p").await;
    assert_eq!(ids(&oldest.comments), [c.id, a.id, b.id]);
}

async fn the_thread_has_an_etag_that_answers_304_until_the_page_changes(backend: Backend) {
    let app = spawn_app(backend).await;
    app.comment("/p", "one").await;
    let r = app.thread_raw("page=/p").await;
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let revalidate = || {
        app.client
            .get(app.url("/api/v1/sites/demo/thread?page=/p"))
            .header("if-none-match", &etag)
            .send()
    };
    assert_eq!(revalidate().await.unwrap().status(), 304);
    app.comment("/p", "two").await;
    let changed = revalidate().await.unwrap();
    assert_eq!(changed.status(), 200);
    let thread: confab_api::Thread = changed.json().await.unwrap();
    assert_eq!(thread.total, 2);
}

async fn emails_and_hashes_never_leave_the_server(backend: Backend) {
    let app = spawn_app(backend).await;
    app.comment_with(confab_api::NewComment {
        page: "/p".into(),
        body: "hi".into(),
        email: Some("secret@example.org".into()),
        ..Default::default()
    })
    .await;
    let raw = app.thread_raw("page=/p").await.text().await.unwrap();
    assert!(!raw.contains("secret@example.org"));
    assert!(!raw.contains("ip_hash") && !raw.contains("edit_token"));
}

async fn held_comments_stay_out_of_the_thread(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.sites[0].moderation = confab::store::Moderation::All;
    })
    .await;
    let held = app.comment("/p", "wait for it").await.comment;
    assert_eq!(held.status, CommentStatus::Pending);
    assert_eq!(app.thread("/p").await.total, 0);
}

async fn bad_thread_queries_are_refused_with_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let e = assert_error(
        app.thread_raw("page=/p&sort=best").await,
        422,
        ErrorCode::Validation,
    )
    .await;
    assert_eq!(e.field.as_deref(), Some("sort"));
    assert_error(
        app.thread_raw("page=/p&limit=0").await,
        422,
        ErrorCode::Validation,
    )
    .await;
    assert_error(
        app.thread_raw("page=/p&limit=9999").await,
        422,
        ErrorCode::Validation,
    )
    .await;
    assert_error(
        app.thread_raw("page=not%20a%20key").await,
        422,
        ErrorCode::Validation,
    )
    .await;
    assert_error(
        app.thread_raw("page=/p&cursor=nonsense").await,
        400,
        ErrorCode::BadRequest,
    )
    .await;
    assert_error(app.thread_raw("sort=top").await, 400, ErrorCode::BadRequest).await;
    assert_error(
        app.thread_raw("page=/p&limit=many").await,
        400,
        ErrorCode::BadRequest,
    )
    .await;
}

async fn an_unknown_site_or_a_foreign_origin_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app
        .client
        .get(app.url("/api/v1/sites/nope/thread?page=/p"))
        .send()
        .await
        .unwrap();
    assert_error(r, 404, ErrorCode::SiteNotFound).await;
    let r = app
        .client
        .get(app.url("/api/v1/sites/%00/thread?page=/p"))
        .send()
        .await
        .unwrap();
    assert_error(r, 404, ErrorCode::SiteNotFound).await;
    let r = app
        .client
        .get(app.url("/api/v1/sites/demo/thread?page=/p"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_error(r, 403, ErrorCode::OriginNotAllowed).await;
}

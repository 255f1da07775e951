//! The thread without JavaScript, as a crawler and a reader without scripts
//! get it: the HTML fragment, the full page, and its cache.

use confab_api::ErrorCode;

use crate::helpers::*;
use confab_testkit::on_both_backends;

on_both_backends!(
    a_crawler_reads_every_comment_of_the_page_as_text_with_schema_org_markup,
    further_pages_and_replies_are_linked_and_the_links_show_them,
    the_fragment_is_compressed_once_cached_and_revalidated,
    the_fragment_speaks_the_readers_language_and_direction,
    a_deleted_comment_keeps_its_place_without_its_text_and_held_ones_are_not_shown,
    an_unknown_page_has_an_empty_thread_and_bad_queries_get_json_errors,
    the_widgets_stand_in_has_its_form_and_buttons_is_inert_and_is_cached_apart
);

/// The fragment of `page` as a crawler fetches it: no cookies, no
/// `Accept-Encoding`, no script.
async fn fragment(app: &TestApp, query: &str) -> String {
    let r = app
        .get_raw(&format!("/sites/demo/thread.html?{query}"))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    r.text().await.unwrap()
}

/// Occurrences of `needle` in `hay`.
fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

async fn a_crawler_reads_every_comment_of_the_page_as_text_with_schema_org_markup(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let first = app.comment("/a", "First **words**").await.comment;
    let reply = app.reply("/a", first.id, "A reply").await.comment;
    app.comment("/a", "Second <b>words</b> & more").await;
    app.comment("/b", "On another page").await;
    let html = fragment(&app, "page=/a").await;
    assert!(html.contains("First <strong>words</strong>"), "{html}");
    assert!(html.contains("A reply"));
    assert!(html.contains("Second &lt;b&gt;words&lt;/b&gt; &amp; more"));
    assert!(!html.contains("On another page"));
    assert_eq!(count(&html, r#"itemtype="https://schema.org/Comment""#), 3);
    // The reply is the `comment` of the comment it answers.
    assert_eq!(count(&html, r#"itemprop="comment""#), 1);
    assert_eq!(count(&html, r#"itemprop="text""#), 3);
    assert!(html.contains(&format!(
        r#"<article class="cf-c" id="confab-{}""#,
        reply.id
    )));
    assert!(
        html.contains(r#"<ul class="cf-list cf-indent">"#),
        "the widget's classes"
    );
    assert!(html.contains(&format!(r##"href="#confab-{}""##, first.id)));
    assert!(html.contains(&format!(r#"<time datetime="{}""#, first.created)));
    assert!(html.contains(">3 comments</h2>"), "{html}");
    assert!(!html.contains(r#"rel="next""#), "one page only");
    assert!(!html.contains("<script"), "no script in the fragment");
}

async fn further_pages_and_replies_are_linked_and_the_links_show_them(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.limits.page_size = 2;
        c.limits.nested_limit = 1;
    })
    .await;
    let top = app.comment("/a", "one").await.comment;
    app.reply("/a", top.id, "reply one").await;
    app.reply("/a", top.id, "reply two").await;
    app.comment("/a", "two").await;
    app.comment("/a", "three").await;
    let html = fragment(&app, "page=/a").await;
    assert!(html.contains("one") && html.contains("two"));
    assert!(!html.contains("three"), "the third comment is on page two");
    assert!(!html.contains("reply two"), "past the nested limit");
    let next = link_after(&html, r#"rel="next" data-testid="load-more" href=""#);
    assert!(
        next.starts_with(&app.url("/t/demo?page=%2Fa&cursor=")),
        "{next}"
    );
    let page_two = app.client.get(&next).send().await.unwrap();
    assert_eq!(page_two.status(), 200);
    let page_two = page_two.text().await.unwrap();
    assert!(page_two.contains("three") && !page_two.contains(">one<"));
    let more = link_after(
        &html,
        &format!(r#"data-testid="more-replies-{}" href=""#, top.id),
    );
    let replies = app.client.get(&more).send().await.unwrap();
    assert_eq!(replies.status(), 200, "{more}");
    let replies = replies.text().await.unwrap();
    assert!(replies.contains("reply two"), "{replies}");
    assert!(!replies.contains("reply one"), "{replies}");
}

/// The `href` that follows `before` in `html`, unescaped.
pub fn link_after(html: &str, before: &str) -> String {
    let at = html
        .find(before)
        .unwrap_or_else(|| panic!("{before} in {html}"))
        + before.len();
    let end = html[at..].find('"').unwrap() + at;
    html[at..end].replace("&amp;", "&")
}

async fn the_fragment_is_compressed_once_cached_and_revalidated(backend: Backend) {
    let app = spawn_app(backend).await;
    app.comment(
        "/a",
        &"A long enough comment to be worth compressing. ".repeat(40),
    )
    .await;
    let get = |etag: Option<String>| {
        let mut req = app
            .client
            .get(app.url("/sites/demo/thread.html?page=/a"))
            .header("accept-encoding", "gzip, deflate, br, zstd");
        if let Some(etag) = etag {
            req = req.header("if-none-match", etag);
        }
        req.send()
    };
    let before = app.state.threads.stats();
    let first = get(None).await.unwrap();
    assert_eq!(first.headers()["content-encoding"], "br");
    assert_eq!(first.headers()["vary"], "accept-encoding, accept-language");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let second = get(None).await.unwrap();
    assert_eq!(second.headers()["etag"], etag.as_str());
    let after = app.state.threads.stats();
    assert_eq!(after.misses - before.misses, 1, "made once");
    assert_eq!(after.hits - before.hits, 1, "then read from the cache");
    assert_eq!(get(Some(etag.clone())).await.unwrap().status(), 304);
    app.comment("/a", "news").await;
    let changed = get(Some(etag)).await.unwrap();
    assert_eq!(
        changed.status(),
        200,
        "a new comment drops the cached fragment"
    );
}

async fn the_fragment_speaks_the_readers_language_and_direction(backend: Backend) {
    let app = spawn_app(backend).await;
    app.comment("/a", "x").await;
    app.comment("/a", "y").await;
    let german = app
        .client
        .get(app.url("/sites/demo/thread.html?page=/a"))
        .header("accept-language", "de-AT, en;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        german.contains(r#"lang="de" dir="ltr" aria-label="Kommentare""#),
        "{german}"
    );
    assert!(german.contains(">2 Kommentare</h2>"));
    assert!(german.contains(">Antworten</a>"));
    let arabic = fragment(&app, "page=/a&lang=ar").await;
    assert!(arabic.contains(r#"lang="ar" dir="rtl""#));
    assert!(arabic.contains(">تعليقان</h2>"), "Arabic's dual: {arabic}");
    let unknown = fragment(&app, "page=/a&lang=xx").await;
    assert!(
        unknown.contains(r#"lang="en""#),
        "English when we speak nothing asked"
    );
}

async fn a_deleted_comment_keeps_its_place_without_its_text_and_held_ones_are_not_shown(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let parent = app.comment("/a", "soon gone").await;
    app.reply("/a", parent.comment.id, "still here").await;
    app.delete(parent.comment.id, &parent.edit_token).await;
    let spam = app
        .post_comment_raw(&serde_json::json!({
            "page": "/a", "body": "bot text", "honeypot": "filled"
        }))
        .await;
    assert_eq!(spam.status(), 202);
    let html = fragment(&app, "page=/a").await;
    assert!(!html.contains("soon gone") && html.contains("This comment was deleted."));
    assert!(html.contains("still here"));
    assert!(
        !html.contains("bot text"),
        "held comments are nobody's to read yet"
    );
}

async fn an_unknown_page_has_an_empty_thread_and_bad_queries_get_json_errors(backend: Backend) {
    let app = spawn_app(backend).await;
    let before = app.state.threads.bytes();
    let html = fragment(&app, "page=/nothing-here").await;
    assert!(html.contains("No comments yet."), "{html}");
    assert_eq!(app.state.threads.bytes(), before, "nothing cached for it");
    let r = app.get_raw("/sites/demo/thread.html?page=bad%20key").await;
    assert_error(r, 422, ErrorCode::Validation).await;
    let r = app.get_raw("/sites/demo/thread.html").await;
    assert_error(r, 400, ErrorCode::BadRequest).await;
    let r = app
        .get_raw("/sites/demo/thread.html?page=/a&cursor=garbage")
        .await;
    assert_error(r, 400, ErrorCode::BadRequest).await;
    let r = app.get_raw("/sites/nope/thread.html?page=/a").await;
    assert_error(r, 404, ErrorCode::SiteNotFound).await;
    let r = app
        .get_raw("/sites/demo/thread.html?page=/a&view=gallery")
        .await;
    assert_error(r, 422, ErrorCode::Validation).await;
    let r = app
        .client
        .get(app.url("/sites/demo/thread.html?page=/a"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_error(r, 403, ErrorCode::OriginNotAllowed).await;
}

async fn the_widgets_stand_in_has_its_form_and_buttons_is_inert_and_is_cached_apart(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let first = app.comment("/a", "First words").await.comment;
    app.reply("/a", first.id, "A reply").await;
    let reader = fragment(&app, "page=/a").await;
    let widget = fragment(&app, "page=/a&view=widget&lang=de").await;
    assert_ne!(reader, widget, "two cache entries, not one");
    assert_eq!(fragment(&app, "page=/a&view=reader").await, reader);
    // The widget's header, form and per-comment buttons, in German.
    assert!(widget.contains(r#"<label class="cf-sort">"#), "{widget}");
    assert!(widget.contains(r#"<form class="cf-form">"#));
    assert!(
        widget.contains("Antworten ausblenden"),
        "the replies' toggle"
    );
    assert_eq!(
        count(&widget, r#"class="cf-vote""#),
        4,
        "two comments' votes"
    );
    assert!(widget.contains(" inert"), "nothing typed into it is lost");
    // The same comments, marked up for crawlers alike.
    assert_eq!(
        count(&widget, r#"itemtype="https://schema.org/Comment""#),
        2
    );
    assert!(widget.contains("First words") && widget.contains("A reply"));
    // Test ids belong to the widget that replaces it.
    assert!(!widget.contains("data-testid"), "{widget}");
    assert!(!reader.contains("<form") && !reader.contains(" inert"));
}

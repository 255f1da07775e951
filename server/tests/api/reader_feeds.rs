//! The Atom feeds, read back by a real feed reader's parser (feed-rs), and
//! the recent-comments list.

use confab_api::{ErrorCode, NewComment, Recent};

use crate::helpers::*;
use confab_testkit::on_both_backends;

on_both_backends!(
    a_pages_feed_parses_with_its_comments_newest_first_with_links_and_authors,
    the_sites_feed_holds_the_latest_comments_of_every_page,
    feeds_answer_304_while_unchanged_and_change_with_a_comment,
    recent_lists_the_latest_published_comments_with_their_pages,
    recent_takes_a_bounded_limit
);

async fn get_feed(app: &TestApp, path: &str) -> feed_rs::model::Feed {
    let r = app.get_raw(path).await;
    assert_eq!(r.status(), 200, "{path}");
    assert_eq!(
        r.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    assert_eq!(r.headers()["vary"], "accept-encoding, accept-language");
    let bytes = r.bytes().await.unwrap();
    feed_rs::parser::parse(&bytes[..]).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&bytes));
    })
}

async fn titled(app: &TestApp, page: &str, author: &str, body: &str) -> i64 {
    let url = format!("{ORIGIN}{page}");
    app.comment_with(NewComment {
        page: page.into(),
        title: Some(format!("Title of {page}")),
        url: Some(url),
        author: Some(author.into()).filter(|a: &String| !a.is_empty()),
        body: body.into(),
        ..Default::default()
    })
    .await
    .comment
    .id
}

async fn a_pages_feed_parses_with_its_comments_newest_first_with_links_and_authors(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let first = titled(&app, "/a", "Ana", "First <b>bold</b> & *em*").await;
    let second = titled(&app, "/a", "", "Second").await;
    titled(&app, "/b", "Bo", "Elsewhere").await;
    let feed = get_feed(&app, "/sites/demo/feed.atom?page=/a").await;
    assert_eq!(feed.title.unwrap().content, "Comments: Title of /a");
    assert_eq!(feed.entries.len(), 2);
    let (newest, oldest) = (&feed.entries[0], &feed.entries[1]);
    assert!(
        newest.id.ends_with(&format!("#confab-{second}")),
        "{}",
        newest.id
    );
    assert_eq!(newest.authors[0].name, "Anonymous");
    assert_eq!(oldest.authors[0].name, "Ana");
    let link = &oldest.links[0].href;
    assert_eq!(
        link,
        &app.url(&format!("/t/demo?page=%2Fa&lang=en#confab-{first}"))
    );
    let content = oldest.content.as_ref().unwrap().body.as_deref().unwrap();
    assert_eq!(
        content,
        "<p>First &lt;b&gt;bold&lt;/b&gt; &amp; <em>em</em></p>"
    );
    assert!(oldest.published.is_some());
}

async fn the_sites_feed_holds_the_latest_comments_of_every_page(backend: Backend) {
    let app = spawn_app(backend).await;
    titled(&app, "/a", "Ana", "on a").await;
    let on_b = titled(&app, "/b", "Bo", "on b").await;
    let feed = get_feed(&app, "/sites/demo/recent.atom").await;
    assert_eq!(feed.entries.len(), 2);
    assert_eq!(feed.entries[0].authors[0].name, "Bo");
    let link = &feed.entries[0].links[0].href;
    assert_eq!(
        link,
        &app.url(&format!("/t/demo?page=%2Fb&lang=en#confab-{on_b}"))
    );
    let german = get_feed(&app, "/sites/demo/recent.atom?lang=de").await;
    assert!(german.title.unwrap().content.starts_with("Kommentare: "));
}

async fn feeds_answer_304_while_unchanged_and_change_with_a_comment(backend: Backend) {
    let app = spawn_app(backend).await;
    titled(&app, "/a", "Ana", "one").await;
    for path in ["/sites/demo/feed.atom?page=/a", "/sites/demo/recent.atom"] {
        let first = app.get_raw(path).await;
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        let again = |etag: &str| {
            app.client
                .get(app.url(path))
                .header("if-none-match", etag)
                .send()
        };
        assert_eq!(again(&etag).await.unwrap().status(), 304, "{path}");
        titled(&app, "/a", "Bo", &format!("news for {path}")).await;
        assert_eq!(again(&etag).await.unwrap().status(), 200, "{path}");
    }
}

async fn recent_lists_the_latest_published_comments_with_their_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = titled(
        &app,
        "/a",
        "Ana",
        &format!("**Hello** {}", "word ".repeat(60)),
    )
    .await;
    let b = titled(&app, "/b", "", "On b").await;
    let gone = app.comment("/c", "deleted").await;
    app.delete(gone.comment.id, &gone.edit_token).await;
    let r = app
        .post_comment_raw(&serde_json::json!({"page": "/c", "body": "held", "honeypot": "x"}))
        .await;
    assert_eq!(r.status(), 202);
    let r = app.get_raw("/api/v1/sites/demo/recent?limit=5").await;
    assert_eq!(r.status(), 200);
    let recent: Recent = r.json().await.unwrap();
    let ids: Vec<i64> = recent.comments.iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![b, a], "newest first; deleted and held left out");
    let first = &recent.comments[1];
    assert_eq!(first.page, "/a");
    assert_eq!(first.title.as_deref(), Some("Title of /a"));
    assert_eq!(first.url.as_deref(), Some(format!("{ORIGIN}/a").as_str()));
    assert_eq!(first.author, "Ana");
    assert!(
        first.excerpt.starts_with("Hello word word"),
        "{}",
        first.excerpt
    );
    assert!(first.excerpt.ends_with('…') && first.excerpt.chars().count() <= 160);
}

async fn recent_takes_a_bounded_limit(backend: Backend) {
    let app = spawn_app(backend).await;
    for n in 0..3 {
        app.comment("/a", &format!("c{n}")).await;
    }
    let r = app.get_raw("/api/v1/sites/demo/recent?limit=2").await;
    assert_eq!(r.json::<Recent>().await.unwrap().comments.len(), 2);
    let r = app.get_raw("/api/v1/sites/demo/recent").await;
    assert_eq!(r.json::<Recent>().await.unwrap().comments.len(), 3);
    for bad in ["0", "51", "-1"] {
        let r = app
            .get_raw(&format!("/api/v1/sites/demo/recent?limit={bad}"))
            .await;
        assert_error(r, 422, ErrorCode::Validation).await;
    }
    let r = app.get_raw("/api/v1/sites/demo/recent?limit=ten").await;
    assert_error(r, 400, ErrorCode::BadRequest).await;
    let r = app.get_raw("/api/v1/sites/nope/recent").await;
    assert_error(r, 404, ErrorCode::SiteNotFound).await;
}

//! `confab import` of a Remark42 backup, gzipped as its nightly backups
//! are: its comments land on their pages with their parents, pins, edits
//! and states, the read-only page stays closed, and the format is found
//! from the unpacked content.

use std::io::Write;

use confab_testkit::on_both_backends;

use crate::{
    helpers::*,
    import_export::{import, stored},
};

on_both_backends!(a_gzipped_remark42_backup_lands_with_its_threads_and_states,);

/// A Remark42 backup as its source writes it: the meta line, then one
/// comment per line, with a reply before its parent, a blocked user's
/// comment, a deleted one with a reply, an address that must not be kept,
/// HTML with a script, and a page marked read-only.
const BACKUP: &[&str] = &[
    r#"{"version":1,"users":[{"id":"github_ann","blocked":{"status":false,"until":"0001-01-01T00:00:00Z"},"verified":true,"details":{"user_id":"github_ann","email":"ann@example.com"}},{"id":"anonymous_bob","blocked":{"status":true,"until":"2126-01-01T00:00:00Z"},"verified":false}],"posts":[{"url":"https://blog.example/post/2","read_only":true}]}"#,
    r#"{"id":"r1","pid":"c1","text":"<p>A <em>reply</em></p>\n","orig":"A _reply_","user":{"name":"Ann","id":"github_ann","picture":"","ip":"203.0.113.9","admin":false},"locator":{"site":"blog","url":"https://blog.example/post/1"},"score":1,"vote":0,"time":"2020-02-01T10:00:00.5Z","title":"Post one"}"#,
    r#"{"id":"c1","pid":"","text":"<p>First<script>alert(1)</script></p>","user":{"name":"Cy","id":"github_cy","picture":"","admin":false},"locator":{"site":"blog","url":"http://blog.example/post/1"},"score":4,"time":"2020-01-31T09:00:00Z","edit":{"time":"2020-02-02T00:00:00Z","summary":"typo"},"pin":true,"title":"Post one"}"#,
    r#"{"id":"s1","pid":"","text":"<p>Buy pills</p>","user":{"name":"Bob","id":"anonymous_bob","picture":"","admin":false},"locator":{"site":"blog","url":"https://blog.example/post/2"},"score":-3,"time":"2020-03-01T00:00:00Z"}"#,
    r#"{"id":"d1","pid":"","text":"","user":{"name":"deleted","id":"deleted","picture":"","admin":false},"locator":{"site":"blog","url":"https://blog.example/post/2"},"score":0,"time":"2020-03-02T00:00:00Z","delete":true}"#,
    r#"{"id":"d2","pid":"d1","text":"<p>Answer to a gone one</p>","user":{"name":"Ann","id":"github_ann","picture":"","admin":false},"locator":{"site":"blog","url":"https://blog.example/post/2"},"score":0,"time":"2020-03-03T00:00:00Z"}"#,
];

async fn a_gzipped_remark42_backup_lands_with_its_threads_and_states(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backup-blog-20200304.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::default(),
    );
    gz.write_all(BACKUP.join("\n").as_bytes()).unwrap();
    gz.finish().unwrap();
    let file = path.to_str().unwrap();
    let report = import(&app, file).await;
    assert!(
        report.contains("imported 5 comments on 2 pages"),
        "{report}"
    );

    let one = app.thread("/post/1").await;
    assert_eq!(one.total, 2, "http and https links are one page: {one:?}");
    let first = &one.comments[0];
    assert_eq!(first.html, "<p>First</p>");
    assert_eq!(first.created, "2020-01-31T09:00:00Z");
    assert_eq!(first.score, 4);
    assert!(first.pinned, "{first:?}");
    let rows = stored(&app).await;
    let reply = rows.iter().find(|r| r.source.contains("reply")).unwrap();
    assert_eq!(
        (reply.author.as_str(), reply.parent_id),
        ("Ann", Some(first.id))
    );
    assert_eq!(reply.email.as_deref(), Some("ann@example.com"));
    let cy = rows.iter().find(|r| r.author == "Cy").unwrap();
    assert!(cy.edited.is_some(), "the edit time is kept: {cy:?}");

    let two = app.thread("/post/2").await;
    assert_eq!(two.locked, Some(true), "{two:?}");
    let spam = rows.iter().find(|r| r.author == "Bob").unwrap();
    assert_eq!(spam.status, "spam", "a blocked user's comment is hidden");
    let gone = rows.iter().find(|r| r.status == "deleted").unwrap();
    let answer = rows.iter().find(|r| r.source.contains("gone one")).unwrap();
    assert_eq!(answer.parent_id, Some(gone.id), "the placeholder keeps it");

    let again = import(&app, file).await;
    assert!(again.contains("imported 0 comments"), "{again}");
}

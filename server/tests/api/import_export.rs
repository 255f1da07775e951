//! `confab import` and `confab export` against a real server and database:
//! a Disqus file lands on the right pages with its threads, importing it
//! again adds nothing, a bad or hostile file stores nothing, and a Confab
//! export survives a round trip through an empty database unchanged.

use std::path::Path;

use clap::Parser;
use confab::cli::{self, Cli};
use confab_testkit::on_both_backends;
use futures::StreamExt;

use crate::helpers::*;

on_both_backends!(
    a_disqus_export_lands_on_its_pages_with_its_threads,
    importing_the_same_file_again_adds_nothing,
    a_dry_run_reports_the_real_counts_and_stores_nothing,
    a_malformed_file_stores_nothing_and_names_its_line,
    a_file_with_a_dtd_is_refused_before_any_entity_is_read,
    a_file_over_the_import_limit_is_refused,
    a_confab_export_round_trips_through_an_empty_database,
    a_wordpress_export_keeps_paragraphs_states_and_parents,
    a_disqus_export_imports_back_with_the_same_threads,
    an_isso_database_imports_with_its_states_scores_and_parents,
    a_map_sends_moved_pages_to_their_new_keys,
);

/// A Disqus export as its documentation describes it, with the awkward
/// cases: a reply before its parent, a reply whose parent is gone, a post
/// whose thread is missing, spam, a deleted comment with a reply, HTML with
/// a script, CDATA, entities and whitespace around values.
pub(crate) const DISQUS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <category dsq:id="1"><forum>blog</forum><title>General</title><isDefault>true</isDefault></category>
  <thread dsq:id="10"><link> https://blog.example/first/ </link><title>First &amp; best</title><isClosed>false</isClosed><isDeleted>false</isDeleted></thread>
  <thread dsq:id="11"><link>http://blog.example/second/?utm_source=x</link><title>Second</title><isClosed>false</isClosed><isDeleted>false</isDeleted></thread>
  <post dsq:id="102"><message><![CDATA[<p>A reply, before its parent</p>]]></message><createdAt>2013-05-02T15:55:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Bob</name><isAnonymous>false</isAnonymous></author><ipAddress>10.0.0.2</ipAddress><thread dsq:id="10"/><parent dsq:id="101"/></post>
  <post dsq:id="101"><message><![CDATA[<p>Hello <b>there</b><script>alert(1)</script></p>]]></message><createdAt>2013-05-02T15:53:33Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam><author><email>ann@example.org</email><name> Ann </name><isAnonymous>false</isAnonymous></author><ipAddress>10.0.0.1</ipAddress><thread dsq:id="10"/></post>
  <post dsq:id="103"><message>&lt;p&gt;Buy pills&lt;/p&gt;</message><createdAt>2013-05-03T00:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>true</isSpam><author><name>Spammer</name></author><thread dsq:id="10"/></post>
  <post dsq:id="104"><message><![CDATA[<p>Orphan</p>]]></message><createdAt>2013-05-04T00:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Cy</name></author><thread dsq:id="11"/><parent dsq:id="999"/></post>
  <post dsq:id="105"><message><![CDATA[<p>Gone</p>]]></message><createdAt>2013-05-05T00:00:00Z</createdAt><isDeleted>true</isDeleted><isSpam>false</isSpam><author><name>Dee</name></author><thread dsq:id="11"/></post>
  <post dsq:id="106"><message><![CDATA[<p>Reply to the deleted one</p>]]></message><createdAt>2013-05-06T00:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Eve</name></author><thread dsq:id="11"/><parent dsq:id="105"/></post>
  <post dsq:id="107"><message>Nowhere</message><isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Fay</name></author><thread dsq:id="12"/></post>
</disqus>
"#;

pub(crate) fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// Runs `confab ARGS` against `url` and returns what it printed.
pub(crate) async fn confab(url: &str, args: &[&str]) -> anyhow::Result<String> {
    let mut all = vec!["confab", "--database-url", url];
    all.extend_from_slice(args);
    let mut out = Vec::new();
    cli::run_to(Cli::try_parse_from(all)?, &mut out).await?;
    Ok(String::from_utf8(out)?)
}

/// Runs `confab import --site demo FILE` and returns its report.
pub(crate) async fn import(app: &TestApp, file: &str) -> String {
    confab(app.db_url(), &["import", "--site", "demo", file])
        .await
        .unwrap()
}

/// Every comment of the `demo` site, as its export lists them.
pub(crate) async fn stored(app: &TestApp) -> Vec<confab::store::ExportRow> {
    let site = app.store().site("demo").await.unwrap().unwrap();
    let rows: Vec<_> = app.store().export_comments(site.id).collect().await;
    rows.into_iter().map(Result::unwrap).collect()
}

async fn a_disqus_export_lands_on_its_pages_with_its_threads(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "disqus.xml", DISQUS);
    let report = import(&app, &file).await;
    assert!(
        report.contains("imported 6 comments on 2 pages"),
        "{report}"
    );
    assert!(
        report.contains("skipped 107: its thread \"12\" is not in the file"),
        "{report}"
    );
    assert!(report.contains("reattached 104"), "{report}");

    let first = app.thread("/first/").await;
    assert_eq!(first.total, 2, "the spam is not shown: {first:?}");
    let ann = &first.comments[0];
    assert_eq!(ann.author, "Ann");
    assert_eq!(ann.created, "2013-05-02T15:53:33Z");
    assert!(ann.html.contains("<strong>there</strong>"), "{}", ann.html);
    assert!(!ann.html.contains("alert"), "{}", ann.html);
    assert_eq!(ann.replies.len(), 1, "the reply found its parent");
    assert_eq!(ann.replies[0].author, "Bob");

    // The host and the query are not part of the key.
    let second = app.thread("/second/").await;
    let authors: Vec<&str> = second.comments.iter().map(|c| c.author.as_str()).collect();
    assert_eq!(
        authors,
        ["Cy", ""],
        "the orphan at the top, the deleted one kept for its reply"
    );
    assert_eq!(second.comments[1].replies[0].author, "Eve");
    assert_eq!(second.comments[1].html, "");

    let rows = stored(&app).await;
    let spam = rows.iter().find(|r| r.author == "Spammer").unwrap();
    assert_eq!(spam.status, "spam");
    let page = app
        .store()
        .page(app.demo_id().await, "/first/")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(page.title.as_deref(), Some("First & best"));
}

async fn importing_the_same_file_again_adds_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "disqus.xml", DISQUS);
    import(&app, &file).await;
    let before = stored(&app).await.len();
    let again = import(&app, &file).await;
    assert!(again.contains("imported 0 comments"), "{again}");
    assert!(again.contains("6 already present"), "{again}");
    assert_eq!(stored(&app).await.len(), before);
}

async fn a_dry_run_reports_the_real_counts_and_stores_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "disqus.xml", DISQUS);
    let dry = confab(
        app.db_url(),
        &["import", "--site", "demo", "--dry-run", &file],
    )
    .await
    .unwrap();
    assert!(stored(&app).await.is_empty(), "a dry run stored something");
    assert!(app
        .store()
        .page(app.demo_id().await, "/first/")
        .await
        .unwrap()
        .is_none());
    let real = import(&app, &file).await;
    assert_eq!(dry.replace("would import", "imported"), real);
}

async fn a_malformed_file_stores_nothing_and_names_its_line(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    // Valid posts first, then a close tag that does not match on line 8.
    let broken = DISQUS.replacen(
        "</post>\n  <post dsq:id=\"104\">",
        "</pots>\n  <post dsq:id=\"104\">",
        1,
    );
    assert_eq!(broken.lines().position(|l| l.contains("</pots>")), Some(7));
    let file = write(dir.path(), "broken.xml", &broken);
    let err = confab(app.db_url(), &["import", "--site", "demo", &file])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("line 8"), "{err}");
    assert!(
        stored(&app).await.is_empty(),
        "a failed import stored comments"
    );
    assert!(app
        .store()
        .page(app.demo_id().await, "/first/")
        .await
        .unwrap()
        .is_none());
    let unknown = write(dir.path(), "notes.txt", "just some notes\n");
    let err = confab(app.db_url(), &["import", "--site", "demo", &unknown])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("--format"), "{err}");
    let err = confab(app.db_url(), &["import", "--site", "nope", &file])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no site \"nope\""), "{err}");
}

async fn a_file_with_a_dtd_is_refused_before_any_entity_is_read(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let secret = write(dir.path(), "secret.txt", "the-secret-word");
    let xxe = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE disqus [<!ENTITY s SYSTEM \"file://{secret}\">]>\n\
         <disqus xmlns=\"http://disqus.com\" xmlns:dsq=\"http://disqus.com/disqus-internals\">\
         <thread dsq:id=\"1\"><link>https://blog.example/x</link></thread>\
         <post dsq:id=\"2\"><message>&s;</message><thread dsq:id=\"1\"/></post></disqus>\n"
    );
    let file = write(dir.path(), "xxe.xml", &xxe);
    let err = confab(
        app.db_url(),
        &["import", "--site", "demo", "--format", "disqus", &file],
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("DTD"), "{err}");
    assert!(!err.to_string().contains("the-secret-word"));
    assert!(stored(&app).await.is_empty());
    let laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">\
        <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\
        <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>\n\
        <disqus><post dsq:id=\"1\"><message>&lol3;</message></post></disqus>\n";
    let file = write(dir.path(), "laughs.xml", laughs);
    let err = confab(app.db_url(), &["import", "--site", "demo", &file])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("DTD"), "{err}");
}

async fn a_file_over_the_import_limit_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "disqus.xml", DISQUS);
    let config = write(dir.path(), "confab.toml", "[limits]\nimport_bytes = 100\n");
    let err = confab(
        app.db_url(),
        &["--config", &config, "import", "--site", "demo", &file],
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("import limit of 100 bytes"),
        "{err}"
    );
    assert!(stored(&app).await.is_empty());
}

async fn a_confab_export_round_trips_through_an_empty_database(backend: Backend) {
    let app = spawn_app(backend).await;
    let top = app.comment("/a", "First, with **markdown**").await;
    let reply = app.reply("/a", top.comment.id, "A reply").await;
    app.reply("/a", reply.comment.id, "A reply to the reply")
        .await;
    let gone = app.comment("/b", "To be deleted").await;
    app.reply("/b", gone.comment.id, "Outlives its parent")
        .await;
    assert_eq!(
        app.delete(gone.comment.id, &gone.edit_token).await.status(),
        204
    );
    assert_eq!(app.vote(top.comment.id, 1, "voter").await.status(), 200);
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.jsonl");
    let first = first.to_str().unwrap();
    confab(
        app.db_url(),
        &["moderator", "add", "mod@example.org", "--site", "demo"],
    )
    .await
    .unwrap();
    let said = confab(
        app.db_url(),
        &["export", "--site", "demo", "--output", first],
    )
    .await
    .unwrap();
    assert!(said.contains("exported 5 comments"), "{said}");
    assert!(
        confab(app.db_url(), &["export", "--site", "demo", "-o", first])
            .await
            .is_err(),
        "an export overwrote a file"
    );

    let empty = TestDb::new(backend).await;
    let report = confab(&empty.url, &["import", "--site", "demo", first])
        .await
        .unwrap();
    assert!(
        report.contains("imported 5 comments on 2 pages"),
        "{report}"
    );
    assert!(report.contains("created the site"), "{report}");
    let second = dir.path().join("second.jsonl");
    let second = second.to_str().unwrap();
    confab(
        &empty.url,
        &["export", "--site", "demo", "--output", second],
    )
    .await
    .unwrap();
    let (a, b) = (
        std::fs::read_to_string(first).unwrap(),
        std::fs::read_to_string(second).unwrap(),
    );
    let body = |text: &str| text.lines().skip(1).map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(body(&a), body(&b));
    let site = |text: &str| {
        text.lines()
            .next()
            .unwrap()
            .split("\"site\"")
            .nth(1)
            .unwrap()
            .to_owned()
    };
    assert_eq!(site(&a), site(&b));
    assert!(
        a.contains("\"moderator\":{\"email\":\"mod@example.org\"}"),
        "{a}"
    );

    // Brought back home, it finds every comment already there.
    let home = import(&app, first).await;
    assert!(home.contains("imported 0 comments"), "{home}");
    assert!(home.contains("5 already present"), "{home}");
}

async fn a_wordpress_export_keeps_paragraphs_states_and_parents(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "blog.xml", include_str!("wxr_fixture.xml"));
    let report = import(&app, &file).await;
    assert!(
        report.contains("imported 2 comments on 1 pages"),
        "{report}"
    );
    let thread = app.thread("/hello/").await;
    assert_eq!(
        thread.total, 1,
        "the pending reply is not shown: {thread:?}"
    );
    let ann = &thread.comments[0];
    assert_eq!(ann.html, "<p>Hi</p>\n<p>there</p>");
    assert_eq!(ann.website.as_deref(), Some("https://ann.example"));
    // comment_date_gmt wins over the local comment_date.
    assert_eq!(ann.created, "2020-01-01T09:00:00Z");
    let rows = stored(&app).await;
    let bob = rows.iter().find(|r| r.author == "Bob").unwrap();
    assert_eq!(bob.status, "pending");
    assert_eq!(bob.parent_id, Some(ann.id));
    assert_eq!(bob.source, "Reply & more");
}

async fn a_disqus_export_imports_back_with_the_same_threads(backend: Backend) {
    let app = spawn_app(backend).await;
    let top = app.comment("/a", "Tricky text: </message> ]]> & <b>").await;
    let reply = app.reply("/a", top.comment.id, "A reply").await;
    app.reply("/a", reply.comment.id, "Deeper").await;
    let gone = app.comment("/b", "To be deleted").await;
    app.reply("/b", gone.comment.id, "Outlives its parent")
        .await;
    assert_eq!(
        app.delete(gone.comment.id, &gone.edit_token).await.status(),
        204
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.xml");
    let file = file.to_str().unwrap();
    let args = ["export", "--site", "demo", "--format", "disqus", "-o", file];
    let said = confab(app.db_url(), &args).await.unwrap();
    assert!(
        said.contains("exported 5 comments on 2 pages as Disqus XML"),
        "{said}"
    );

    let other = spawn_app(backend).await;
    let report = confab(other.db_url(), &["import", "--site", "demo", file])
        .await
        .unwrap();
    assert!(
        report.contains("imported 5 comments on 2 pages"),
        "{report}"
    );
    assert!(report.contains("0 skipped; 0 reattached"), "{report}");
    let (a, b) = (app.thread("/a").await, other.thread("/a").await);
    assert_eq!(a.total, b.total);
    assert_eq!(
        a.comments[0].html, b.comments[0].html,
        "the text survives escaping"
    );
    // Disqus keeps whole seconds.
    assert_eq!(
        format!("{}Z", &a.comments[0].created[..19]),
        b.comments[0].created
    );
    let depth = |t: &confab_api::Thread| t.comments[0].replies[0].replies[0].author.clone();
    assert_eq!(
        depth(&a),
        depth(&b),
        "the reply to the reply keeps its parent"
    );
    let b_side = other.thread("/b").await;
    assert_eq!(
        b_side.comments[0].status,
        confab_api::CommentStatus::Deleted
    );
    assert_eq!(b_side.comments[0].replies.len(), 1);
}

/// An Isso database with Isso's own schema (isso/db/__init__.py and
/// comments.py, 0.13): two threads, a reply, a pending and a deleted one.
async fn isso_database(path: &Path) {
    use sqlx::{sqlite::SqliteConnectOptions, ConnectOptions};
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true);
    let mut db = options.connect().await.unwrap();
    for sql in [
        "CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256))",
        "CREATE TABLE comments (tid REFERENCES threads(id), id INTEGER PRIMARY KEY,
             parent INTEGER, created FLOAT NOT NULL, modified FLOAT, mode INTEGER,
             remote_addr VARCHAR, text VARCHAR, author VARCHAR, email VARCHAR,
             website VARCHAR, likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0,
             voters BLOB NOT NULL, notification INTEGER DEFAULT 0)",
        "INSERT INTO threads VALUES (1, '/posts/one/', 'One'), (2, '/posts/two/', NULL)",
        "INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr, text,
             author, email, website, likes, dislikes, voters) VALUES
         (1, 1, NULL, 1600000000.25, NULL, 1, '10.0.0.1', 'Hello *world*', 'Ann', 'ann@example.org', 'https://ann.example', 5, 2, x''),
         (1, 2, 1, 1600000100.0, 1600000200.0, 1, '10.0.0.2', 'A reply', 'Bob', '', '', 0, 0, x''),
         (1, 3, NULL, 1600000300.0, NULL, 2, '10.0.0.3', 'Waiting', NULL, NULL, NULL, 0, 0, x''),
         (2, 4, NULL, 1600000400.0, NULL, 4, '10.0.0.4', '', NULL, NULL, NULL, 0, 0, x''),
         (2, 5, 4, 1600000500.0, NULL, 1, '10.0.0.5', 'Under a deleted one', 'Cy', NULL, NULL, 0, 0, x'')",
    ] {
        sqlx::query(sql).execute(&mut db).await.unwrap();
    }
}

async fn an_isso_database_imports_with_its_states_scores_and_parents(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("comments.db");
    isso_database(&file).await;
    let file = file.to_str().unwrap();
    let report = import(&app, file).await;
    assert!(
        report.contains("imported 5 comments on 2 pages"),
        "{report}"
    );
    let one = app.thread("/posts/one/").await;
    assert_eq!(one.total, 2, "the pending one is not shown: {one:?}");
    let ann = &one.comments[0];
    assert_eq!(ann.html, "<p>Hello <em>world</em></p>");
    assert_eq!(ann.score, 3);
    assert_eq!(ann.created, "2020-09-13T12:26:40.25Z");
    assert_eq!(ann.replies[0].author, "Bob");
    assert!(ann.replies[0].edited.is_some());
    let two = app.thread("/posts/two/").await;
    assert_eq!(two.comments[0].status, confab_api::CommentStatus::Deleted);
    assert_eq!(two.comments[0].replies[0].author, "Cy");
    let again = import(&app, file).await;
    assert!(again.contains("5 already present"), "{again}");
}

async fn a_map_sends_moved_pages_to_their_new_keys(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "disqus.xml", DISQUS);
    let bad = write(dir.path(), "bad.csv", "/first/,/moved/\n/second/\n");
    let err = confab(
        app.db_url(),
        &["import", "--site", "demo", "--map", &bad, &file],
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("line 2"), "{err}");
    assert!(stored(&app).await.is_empty());
    let map = write(
        dir.path(),
        "map.csv",
        "https://blog.example/first/,/moved/\n/second/,page-2\n",
    );
    confab(
        app.db_url(),
        &["import", "--site", "demo", "--map", &map, &file],
    )
    .await
    .unwrap();
    assert_eq!(app.thread("/moved/").await.total, 2);
    assert_eq!(app.thread("page-2").await.comments.len(), 2);
    assert_eq!(app.thread("/first/").await.total, 0);
}

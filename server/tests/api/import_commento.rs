//! `confab import` of a Commento (or Comentario 2) export, and of a
//! Comentario 3 one: its comments land on their pages with their
//! commenters, parents and states, and the format is found from the
//! content.

use confab_testkit::on_both_backends;

use crate::{
    helpers::*,
    import_export::{import, stored, write},
};

on_both_backends!(
    a_commento_export_lands_with_its_commenters_parents_and_states,
    a_comentario_3_export_lands_with_its_pages_titles_and_states,
);

/// A Commento export as its source defines it, with a reply before its
/// parent, an anonymous comment, an HTML-only body, a pending and a deleted
/// comment, and a reply whose parent is not in the file.
const COMMENTO: &str = r#"{
  "version": 1,
  "comments": [
    {"commentHex": "r1", "domain": "blog.example", "url": "/post/1", "commenterHex": "bob",
     "markdown": "A *reply*", "html": "", "parentHex": "c1", "score": 0,
     "state": "approved", "creationDate": "2021-05-11T15:43:01.852651Z", "direction": 0, "deleted": false},
    {"commentHex": "c1", "domain": "blog.example", "url": "/post/1", "commenterHex": "anonymous",
     "markdown": "", "html": "<p>First post<script>alert(1)</script></p>", "parentHex": "root", "score": 2,
     "state": "approved", "creationDate": "2021-03-12T11:21:56Z", "direction": 0, "deleted": false},
    {"commentHex": "p1", "domain": "blog.example", "url": "/post/2", "commenterHex": "bob",
     "markdown": "Waiting", "parentHex": "root", "state": "unapproved",
     "creationDate": "2021-03-13T00:00:00Z", "deleted": false},
    {"commentHex": "o1", "domain": "blog.example", "url": "/post/2", "commenterHex": "bob",
     "markdown": "Orphan", "parentHex": "zz", "state": "approved",
     "creationDate": "2021-03-14T00:00:00Z", "deleted": false}
  ],
  "commenters": [
    {"commenterHex": "bob", "email": "bob@example.org", "name": "Bob", "link": "javascript:alert(1)",
     "photo": "", "provider": "commento", "joinDate": "2021-03-19T19:27:25Z", "isModerator": false}
  ]
}"#;

async fn a_commento_export_lands_with_its_commenters_parents_and_states(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "commento.json", COMMENTO);
    let report = import(&app, &file).await;
    assert!(
        report.contains("imported 4 comments on 2 pages"),
        "{report}"
    );
    assert!(report.contains("o1"), "the orphan is reported: {report}");
    let thread = app.thread("/post/1").await;
    assert_eq!(thread.total, 2, "{thread:?}");
    let first = &thread.comments[0];
    assert_eq!(first.html, "<p>First post</p>");
    assert_eq!(first.created, "2021-03-12T11:21:56Z");
    let rows = stored(&app).await;
    let reply = rows.iter().find(|r| r.source == "A *reply*").unwrap();
    assert_eq!(
        (reply.author.as_str(), reply.parent_id),
        ("Bob", Some(first.id))
    );
    assert_eq!(reply.website, None, "only http(s) websites are kept");
    let waiting = rows.iter().find(|r| r.source == "Waiting").unwrap();
    assert_eq!(waiting.status, "pending");
    let orphan = rows.iter().find(|r| r.source == "Orphan").unwrap();
    assert_eq!(orphan.parent_id, None);
    let again = import(&app, &file).await;
    assert!(again.contains("imported 0 comments"), "{again}");
}

/// A Comentario 3 export: pages by id with a title and a read-only one, a
/// reply before its parent, a guest's sticky comment and a rejected one.
const COMENTARIO_3: &str = r#"{"version":3,
 "pages":[{"id":"p1","domainId":"d","path":"/post/1","title":"Post one","isReadonly":false},
          {"id":"p2","domainId":"d","path":"/post/2","title":"Post two","isReadonly":true}],
 "comments":[
  {"id":"c2","parentId":"c1","pageId":"p1","markdown":"Reply by Uma","html":"","score":0,"isSticky":false,
   "isApproved":true,"isPending":false,"isDeleted":false,"createdTime":"2024-02-01T10:00:00Z","userCreated":"u1"},
  {"id":"c1","parentId":null,"pageId":"p1","markdown":"Guest first","html":"","score":2,"isSticky":true,
   "isApproved":true,"isPending":false,"isDeleted":false,"createdTime":"2024-01-31T09:00:00Z",
   "userCreated":"00000000-0000-0000-0000-000000000000","authorName":"Gil"},
  {"id":"c3","parentId":null,"pageId":"p2","markdown":"Rejected","isApproved":false,"isPending":false,
   "isDeleted":false,"createdTime":"2024-03-01T00:00:00Z","userCreated":"u1"}],
 "commenters":[{"id":"u1","email":"uma@example.com","name":"Uma","websiteUrl":"https://uma.example"}]}"#;

async fn a_comentario_3_export_lands_with_its_pages_titles_and_states(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "comentario.json", COMENTARIO_3);
    let report = import(&app, &file).await;
    assert!(
        report.contains("imported 3 comments on 2 pages"),
        "{report}"
    );
    let one = app.thread("/post/1").await;
    assert_eq!(one.total, 2, "{one:?}");
    let first = &one.comments[0];
    assert_eq!((first.author.as_str(), first.pinned), ("Gil", true));
    assert_eq!(first.replies[0].author, "Uma");
    let two = app.thread("/post/2").await;
    assert_eq!(
        (two.total, two.locked),
        (0, Some(true)),
        "the rejected one is hidden"
    );
    let rows = stored(&app).await;
    let rejected = rows.iter().find(|r| r.source == "Rejected").unwrap();
    assert_eq!(rejected.status, "spam");
    let site = app.store().site("demo").await.unwrap().unwrap();
    let page = app.store().page(site.id, "/post/1").await.unwrap().unwrap();
    assert_eq!(page.title.as_deref(), Some("Post one"));
}

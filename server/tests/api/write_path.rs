//! The fast paths' promises: posts that share one commit are each stored or
//! refused on their own, sites held in memory follow their writes, and the
//! duplicate check follows edits.

use futures::future::join_all;
use serde_json::json;

use confab::store::{self, Created, NewCommentRow};
use confab_api::{CreatedComment, ErrorCode};

use crate::helpers::*;
use crate::store::{new, open, spec};
use confab_testkit::on_both_backends;

/// What each outcome was, as a word, so a failed assertion shows them all.
fn kind(outcome: &anyhow::Result<Created>) -> &'static str {
    match outcome {
        Ok(Created::Comment(_)) => "stored",
        Ok(Created::PageLocked) => "locked",
        Ok(Created::ParentNotFound) => "no parent",
        Err(_) => "error",
    }
}

on_both_backends!(
    posts_arriving_together_are_each_stored_or_refused_on_their_own,
    a_post_that_fails_does_not_fail_the_others_sharing_its_commit,
    a_site_changed_by_another_process_is_seen_once_forgotten,
    a_site_changed_through_the_store_is_seen_at_once,
    an_edited_comment_is_a_duplicate_of_its_new_text
);

async fn posts_arriving_together_are_each_stored_or_refused_on_their_own(backend: Backend) {
    let (_db, store, site) = open(backend).await;
    store.set_page_locked(site, "/locked", true).await.unwrap();
    let first = match store.create_comment(&new(site, "/p", None)).await.unwrap() {
        Created::Comment(c) => c.id,
        other => panic!("{other:?}"),
    };
    let rows: Vec<NewCommentRow> = (0..40)
        .map(|i| {
            let row = match i % 4 {
                0 => new(site, "/locked", None),
                1 => new(site, "/p", Some(i64::MAX)),
                2 => new(site, "/p", Some(first)),
                _ => new(site, "/p", None),
            };
            NewCommentRow {
                html: format!("<p>{i}</p>"),
                ..row
            }
        })
        .collect();
    let outcomes = join_all(rows.iter().map(|r| store.create_comment(r))).await;
    let kinds: Vec<&str> = outcomes.iter().map(kind).collect();
    let count = |k| kinds.iter().filter(|x| **x == k).count();
    assert_eq!(
        (count("stored"), count("locked"), count("no parent")),
        (20, 10, 10),
        "{kinds:?}"
    );
    // Each poster gets back its own comment, in its place in the thread.
    for (row, outcome) in rows.iter().zip(&outcomes) {
        if let Ok(Created::Comment(c)) = outcome {
            assert_eq!(
                (c.html.as_str(), c.parent_id),
                (row.html.as_str(), row.parent)
            );
        }
    }
    let page = store
        .page(site, "/p")
        .await
        .unwrap()
        .expect("made by the stored ones");
    assert_eq!(store.thread_rows(page.id).await.unwrap().len(), 21);
    let locked = store.page(site, "/locked").await.unwrap().unwrap();
    assert_eq!(
        locked.title, None,
        "a refused post changed nothing, not even the title"
    );
}

async fn a_post_that_fails_does_not_fail_the_others_sharing_its_commit(backend: Backend) {
    let (_db, store, site) = open(backend).await;
    // No such site: the page's foreign key fails inside the transaction.
    let mut rows = vec![new(i64::from(i32::MAX), "/p", None)];
    rows.extend((0..20).map(|i| NewCommentRow {
        source: format!("c{i}"),
        ..new(site, "/p", None)
    }));
    let outcomes = join_all(rows.iter().map(|r| store.create_comment(r))).await;
    let kinds: Vec<&str> = outcomes.iter().map(kind).collect();
    assert_eq!(kinds[0], "error");
    assert!(kinds[1..].iter().all(|k| *k == "stored"), "{kinds:?}");
    let page = store.page(site, "/p").await.unwrap().unwrap();
    assert_eq!(store.thread_rows(page.id).await.unwrap().len(), 20);
}

async fn a_site_changed_by_another_process_is_seen_once_forgotten(backend: Backend) {
    let (db, here, _) = open(backend).await;
    assert_eq!(here.site("blog").await.unwrap().unwrap().name, "BLOG");
    let elsewhere = store::connect(&db.url).await.unwrap();
    elsewhere
        .upsert_site(&confab::store::SiteSpec {
            name: "Renamed".into(),
            ..spec("blog", &["https://new.example"])
        })
        .await
        .unwrap();
    here.forget_sites();
    let site = here.site("blog").await.unwrap().unwrap();
    assert_eq!(
        (site.name.as_str(), site.origins.as_slice()),
        ("Renamed", &["https://new.example".to_owned()][..])
    );
    assert!(here.origin_known("https://new.example").await.unwrap());
    assert!(!here.origin_known("https://blog.example").await.unwrap());
}

async fn a_site_changed_through_the_store_is_seen_at_once(backend: Backend) {
    let (_db, store, _) = open(backend).await;
    assert!(store.origin_known("https://blog.example").await.unwrap());
    let site = store
        .upsert_site(&spec("blog", &["https://moved.example"]))
        .await
        .unwrap();
    assert!(!store.origin_known("https://blog.example").await.unwrap());
    store
        .set_site_settings(site.id, r#"{"blocked_words":["x"]}"#)
        .await
        .unwrap();
    let settings = store.site("blog").await.unwrap().unwrap().settings;
    assert_eq!(settings["blocked_words"][0], "x");
}

async fn an_edited_comment_is_a_duplicate_of_its_new_text(backend: Backend) {
    let app = spawn_app(backend).await;
    let first: CreatedComment = app
        .post_comment_as(READER, &json!({"page": "/p", "body": "first words"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        app.edit(first.comment.id, &first.edit_token, "second words")
            .await
            .status(),
        200
    );
    let again = app
        .post_comment_as(READER, &json!({"page": "/p", "body": "second words"}))
        .await;
    assert_error(again, 409, ErrorCode::Conflict).await;
    let old = app
        .post_comment_as(READER, &json!({"page": "/p", "body": "first words"}))
        .await;
    assert_eq!(
        old.status(),
        201,
        "the old text is gone, so it is no duplicate"
    );
}

//! The storage conformance suite: the same stories against each backend.

use std::sync::Arc;

use confab::store::{self, Created, Moderation, NewCommentRow, SiteSpec, Store, Voted, Voter};
use confab_api::CommentStatus;

use crate::helpers::*;
use confab_testkit::on_both_backends;

pub async fn open(backend: Backend) -> (TestDb, Arc<dyn Store>, i64) {
    let db = TestDb::new(backend).await;
    let store = store::connect(&db.url)
        .await
        .expect("connects and migrates");
    let site = store
        .upsert_site(&spec("blog", &["https://blog.example"]))
        .await
        .unwrap();
    (db, store, site.id)
}

pub fn spec(slug: &str, origins: &[&str]) -> SiteSpec {
    SiteSpec {
        slug: slug.into(),
        name: slug.to_uppercase(),
        origins: origins.iter().map(|o| o.to_string()).collect(),
        moderation: Moderation::Open,
    }
}

pub fn new(site_id: i64, page: &str, parent: Option<i64>) -> NewCommentRow {
    NewCommentRow {
        site_id,
        page: page.into(),
        title: Some("Title".into()),
        url: None,
        parent,
        max_depth: 5,
        author: "Ann".into(),
        email: Some("ann@example.org".into()),
        website: None,
        avatar: "00".into(),
        source: "hi".into(),
        html: "<p>hi</p>".into(),
        status: CommentStatus::Approved,
        notify: false,
        edit_token_hash: "h".into(),
        ip_hash: "ip".into(),
        voter_hash: "v".into(),
        held_reason: None,
        now_ms: 1_000,
    }
}

async fn create(store: &Arc<dyn Store>, row: &NewCommentRow) -> i64 {
    match store.create_comment(row).await.unwrap() {
        Created::Comment(c) => c.id,
        other => panic!("not created: {other:?}"),
    }
}

on_both_backends!(
    sites_upsert_with_their_origins,
    a_page_is_created_by_its_first_comment_and_keeps_its_first_title,
    refused_comments_store_nothing,
    replies_past_the_depth_cap_attach_at_the_cap,
    votes_are_one_per_voter_and_keep_the_score,
    counts_see_only_published_comments,
    deleting_forgets_what_was_said_and_by_whom,
    edits_replace_the_text_and_mark_the_time,
    approval_history_is_per_voter_and_site,
    a_status_changes_only_from_the_status_the_moderator_saw,
    the_ip_salt_lasts_a_day_and_old_ones_are_forgotten,
    the_database_answers_pings
);

async fn sites_upsert_with_their_origins(backend: Backend) {
    let (_db, store, id) = open(backend).await;
    let again = store
        .upsert_site(&SiteSpec {
            moderation: Moderation::All,
            ..spec("blog", &["https://new.example"])
        })
        .await
        .unwrap();
    assert_eq!(again.id, id);
    assert_eq!(again.origins, ["https://new.example"]);
    assert_eq!(again.moderation, Moderation::All);
    assert!(store.origin_known("https://new.example").await.unwrap());
    assert!(!store.origin_known("https://blog.example").await.unwrap());
    store.upsert_site(&spec("alpha", &[])).await.unwrap();
    let slugs: Vec<String> = store
        .sites()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.slug)
        .collect();
    assert_eq!(slugs, ["alpha", "blog"]);
    assert!(store.site("nope").await.unwrap().is_none());
}

async fn a_page_is_created_by_its_first_comment_and_keeps_its_first_title(backend: Backend) {
    let (_db, store, site) = open(backend).await;
    assert!(store.page(site, "/p").await.unwrap().is_none());
    create(&store, &new(site, "/p", None)).await;
    create(
        &store,
        &NewCommentRow {
            title: Some("Hijacked".into()),
            ..new(site, "/p", None)
        },
    )
    .await;
    let page = store.page(site, "/p").await.unwrap().unwrap();
    assert_eq!(page.title.as_deref(), Some("Title"));
    assert_eq!(store.thread_rows(page.id).await.unwrap().len(), 2);
}

async fn refused_comments_store_nothing(backend: Backend) {
    let (_db, store, site) = open(backend).await;
    let other = create(&store, &new(site, "/other", None)).await;
    let refused = store
        .create_comment(&new(site, "/p", Some(other)))
        .await
        .unwrap();
    assert!(matches!(refused, Created::ParentNotFound));
    assert!(store.page(site, "/p").await.unwrap().is_none());
    store.set_page_locked(site, "/locked", true).await.unwrap();
    let refused = store
        .create_comment(&new(site, "/locked", None))
        .await
        .unwrap();
    assert!(matches!(refused, Created::PageLocked));
    let page = store.page(site, "/locked").await.unwrap().unwrap();
    assert!(store.thread_rows(page.id).await.unwrap().is_empty());
}

async fn replies_past_the_depth_cap_attach_at_the_cap(backend: Backend) {
    let (_db, store, site) = open(backend).await;
    let capped = |parent| NewCommentRow {
        max_depth: 2,
        ..new(site, "/p", Some(parent))
    };
    let top = create(&store, &new(site, "/p", None)).await;
    let one = create(&store, &capped(top)).await;
    let two = create(&store, &capped(one)).await;
    let three = create(&store, &capped(two)).await;
    let rows = store
        .thread_rows(store.page(site, "/p").await.unwrap().unwrap().id)
        .await
        .unwrap();
    let parent_of = |id| rows.iter().find(|r| r.id == id).unwrap().parent_id;
    assert_eq!(parent_of(two), Some(one));
    assert_eq!(
        parent_of(three),
        Some(one),
        "attached beside its parent, at the cap"
    );
}

async fn votes_are_one_per_voter_and_keep_the_score(backend: Backend) {
    let (_db, store, site) = open(backend).await;
    let c = create(&store, &new(site, "/p", None)).await;
    let voter = |voter, ip_hash| Voter { voter, ip_hash };
    let (a, b) = (voter("a", "ip-a"), voter("b", "ip-b"));
    assert_eq!(store.vote(c, &a, 1).await.unwrap(), Voted::Changed(1));
    assert_eq!(store.vote(c, &a, 1).await.unwrap(), Voted::Unchanged(1));
    assert_eq!(store.vote(c, &b, -1).await.unwrap(), Voted::Changed(0));
    assert_eq!(store.vote(c, &a, -1).await.unwrap(), Voted::Changed(-2));
    assert_eq!(store.vote(c, &b, 0).await.unwrap(), Voted::Changed(-1));
    assert_eq!(store.vote(c, &b, 0).await.unwrap(), Voted::Unchanged(-1));
    // Another voter at a's address is refused, and changes nothing; a may
    // still change their vote from there.
    let neighbour = voter("n", "ip-a");
    assert_eq!(
        store.vote(c, &neighbour, 1).await.unwrap(),
        Voted::AddressTaken
    );
    assert_eq!(
        store.vote(c, &neighbour, 0).await.unwrap(),
        Voted::Unchanged(-1)
    );
    assert_eq!(store.vote(c, &a, 1).await.unwrap(), Voted::Changed(1));
    // A vote counts at the address it was last cast from.
    let moved = voter("a", "ip-c");
    assert_eq!(store.vote(c, &moved, -1).await.unwrap(), Voted::Changed(-1));
    assert_eq!(
        store.vote(c, &neighbour, 1).await.unwrap(),
        Voted::Changed(0)
    );
}

async fn counts_see_only_published_comments(backend: Backend) {
    let (_db, store, site) = open(backend).await;
    create(&store, &new(site, "/a", None)).await;
    create(&store, &new(site, "/a", None)).await;
    create(
        &store,
        &NewCommentRow {
            status: CommentStatus::Pending,
            ..new(site, "/b", None)
        },
    )
    .await;
    let counts = store
        .counts(site, &["/a".into(), "/b".into(), "/c".into()])
        .await
        .unwrap();
    assert_eq!(counts, [("/a".to_owned(), 2)]);
}

async fn deleting_forgets_what_was_said_and_by_whom(backend: Backend) {
    let (_db, store, site) = open(backend).await;
    let c = create(&store, &new(site, "/p", None)).await;
    assert!(store.delete_comment(c).await.unwrap());
    assert!(!store.delete_comment(c).await.unwrap());
    let page = store.page(site, "/p").await.unwrap().unwrap();
    let row = &store.thread_rows(page.id).await.unwrap()[0];
    assert_eq!(
        (row.author.as_str(), row.html.as_str(), row.status.as_str()),
        ("", "", "deleted")
    );
    assert!(store
        .edit_comment(c, "back", "<p>back</p>", None, 2)
        .await
        .unwrap()
        .is_none());
}

async fn edits_replace_the_text_and_mark_the_time(backend: Backend) {
    let (_db, store, site) = open(backend).await;
    let c = create(&store, &new(site, "/p", None)).await;
    let row = store
        .edit_comment(c, "new", "<p>new</p>", None, 2_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.html.as_str(), row.edited), ("<p>new</p>", Some(2_000)));
    let meta = store.comment_meta(c).await.unwrap().unwrap();
    assert_eq!((meta.site.as_str(), meta.page.as_str()), ("blog", "/p"));
    assert!(store.comment_meta(c + 1000).await.unwrap().is_none());
}

async fn approval_history_is_per_voter_and_site(backend: Backend) {
    let (_db, store, site) = open(backend).await;
    assert!(!store.has_approved(site, "v").await.unwrap());
    let c = create(
        &store,
        &NewCommentRow {
            status: CommentStatus::Pending,
            ..new(site, "/p", None)
        },
    )
    .await;
    assert!(!store.has_approved(site, "v").await.unwrap());
    store.set_status(c, CommentStatus::Approved).await.unwrap();
    assert!(store.has_approved(site, "v").await.unwrap());
    assert!(!store.has_approved(site, "w").await.unwrap());
}

async fn a_status_changes_only_from_the_status_the_moderator_saw(backend: Backend) {
    let (_db, store, site) = open(backend).await;
    let c = create(
        &store,
        &NewCommentRow {
            status: CommentStatus::Pending,
            ..new(site, "/p", None)
        },
    )
    .await;
    let status = |store: Arc<dyn Store>| async move {
        store.admin_comment(c).await.unwrap().unwrap().status()
    };
    assert!(store
        .change_status(c, CommentStatus::Pending, CommentStatus::Spam)
        .await
        .unwrap());
    assert!(
        !store
            .change_status(c, CommentStatus::Pending, CommentStatus::Approved)
            .await
            .unwrap(),
        "a decision taken on a stale view changes nothing"
    );
    assert_eq!(status(store.clone()).await, CommentStatus::Spam);
}

async fn the_ip_salt_lasts_a_day_and_old_ones_are_forgotten(backend: Backend) {
    let (_db, store, _) = open(backend).await;
    let today = store.daily_salt(100).await.unwrap();
    assert_eq!(store.daily_salt(100).await.unwrap(), today);
    let tomorrow = store.daily_salt(101).await.unwrap();
    assert_ne!(tomorrow, today);
    assert_ne!(
        store.daily_salt(100).await.unwrap(),
        today,
        "yesterday's salt is gone"
    );
}

async fn the_database_answers_pings(backend: Backend) {
    let (_db, store, _) = open(backend).await;
    store.ping().await.unwrap();
}

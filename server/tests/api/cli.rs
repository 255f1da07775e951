use clap::Parser;
use confab::{
    cli::{self, Cli},
    store::{self, Moderation},
};

use crate::helpers::*;
use confab_testkit::on_both_backends;

on_both_backends!(
    site_add_stores_a_site_that_site_list_and_the_api_see,
    moderator_add_list_and_remove_manage_who_may_log_in
);

async fn site_add_stores_a_site_that_site_list_and_the_api_see(backend: Backend) {
    let db = TestDb::new(backend).await;
    let add = Cli::try_parse_from([
        "confab",
        "--database-url",
        &db.url,
        "site",
        "add",
        "blog",
        "--name",
        "My blog",
        "--origin",
        "https://blog.example",
        "--moderation",
        "all",
    ])
    .unwrap();
    cli::run(add).await.unwrap();
    let list = Cli::try_parse_from(["confab", "--database-url", &db.url, "site", "list"]).unwrap();
    cli::run(list).await.unwrap();
    let store = store::connect(&db.url).await.unwrap();
    let site = store
        .site("blog")
        .await
        .unwrap()
        .expect("the site was added");
    assert_eq!(site.name, "My blog");
    assert_eq!(site.origins, ["https://blog.example"]);
    assert_eq!(site.moderation, Moderation::All);
    assert!(store.origin_known("https://blog.example").await.unwrap());
}
async fn moderator_add_list_and_remove_manage_who_may_log_in(backend: Backend) {
    let db = TestDb::new(backend).await;
    let run = |args: &[&str]| {
        let mut all = vec!["confab", "--database-url", &db.url];
        all.extend_from_slice(args);
        Cli::try_parse_from(all).unwrap()
    };
    cli::run(run(&["site", "add", "blog"])).await.unwrap();
    cli::run(run(&[
        "moderator",
        "add",
        "Mod@Example.org",
        "--site",
        "blog",
    ]))
    .await
    .unwrap();
    assert!(cli::run(run(&[
        "moderator",
        "add",
        "x@example.org",
        "--site",
        "nope"
    ]))
    .await
    .is_err());
    cli::run(run(&["moderator", "list"])).await.unwrap();
    let store = store::connect(&db.url).await.unwrap();
    let m = store
        .moderator_by_email("mod@example.org")
        .await
        .unwrap()
        .expect("added, lower-cased");
    assert_eq!(m.password_hash, None, "a setup link was printed instead");
    let blog = store.site("blog").await.unwrap().unwrap().id;
    assert_eq!(store.moderator_site_ids(m.id).await.unwrap(), [blog]);
    cli::run(run(&["moderator", "remove", "mod@example.org"]))
        .await
        .unwrap();
    assert!(store
        .moderator_by_email("mod@example.org")
        .await
        .unwrap()
        .is_none());
    assert!(cli::run(run(&["moderator", "remove", "mod@example.org"]))
        .await
        .is_err());
}

#[tokio::test]
async fn sites_from_the_config_are_upserted_at_start_and_the_demo_needs_no_config() {
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.sites.push(confab::store::SiteSpec {
            slug: "blog".into(),
            name: "Blog".into(),
            origins: vec!["https://blog.example".into()],
            moderation: Moderation::FirstTime,
        });
    })
    .await;
    let demo = app.store().site("demo").await.unwrap().unwrap();
    assert_eq!(demo.origins, [ORIGIN]);
    let blog = app.store().site("blog").await.unwrap().unwrap();
    assert_eq!(blog.moderation, Moderation::FirstTime);
}

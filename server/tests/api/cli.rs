use clap::Parser;
use confab::{
    cli::{self, Cli},
    store::{self, Moderation},
};

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends! {
    async fn site_add_stores_a_site_that_site_list_and_the_api_see(backend) {
        let db = TestDb::new(backend).await;
        let add = Cli::try_parse_from([
            "confab", "--database-url", &db.url, "site", "add", "blog", "--name", "My blog",
            "--origin", "https://blog.example", "--moderation", "all",
        ])
        .unwrap();
        cli::run(add).await.unwrap();
        let list = Cli::try_parse_from(["confab", "--database-url", &db.url, "site", "list"]).unwrap();
        cli::run(list).await.unwrap();
        let store = store::connect(&db.url).await.unwrap();
        let site = store.site("blog").await.unwrap().expect("the site was added");
        assert_eq!(site.name, "My blog");
        assert_eq!(site.origins, ["https://blog.example"]);
        assert_eq!(site.moderation, Moderation::All);
        assert!(store.origin_known("https://blog.example").await.unwrap());
    }
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

//! The release promise: the `confab` binary carries the widget inside
//! itself, so copied alone into an empty folder it serves everything.

use std::path::Path;

use confab_testkit::Confab;

#[tokio::test]
async fn the_binary_copied_alone_into_an_empty_folder_serves_the_article_the_loader_and_the_widget()
{
    // A runtime check, not a const assertion: clippy refuses the latter.
    let built = confab::http::assets::WIDGET_BUILT;
    assert!(
        built,
        "build the widget first (trunk build --release): this binary has no widget inside"
    );
    serves_everything_alone(Path::new(env!("CARGO_BIN_EXE_confab"))).await;
}

/// Copies `source` alone into an empty folder, starts it there as
/// `scripts/run` does (a plain SQLite URL, no `?mode=rwc`), and checks that
/// it serves the demo article, `/embed.js` and every widget asset, and
/// makes its SQLite file beside itself. The release test runs it too.
pub async fn serves_everything_alone(source: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("confab");
    std::fs::copy(source, &bin).unwrap();
    let server = Confab::new(&bin)
        .args(["--database-url", "sqlite://confab.db", "--demo"])
        .current_dir(dir.path())
        .start()
        .await;
    let base = server.url("/");
    let http = reqwest::Client::new();

    let article = http.get(&base).send().await.unwrap();
    assert_eq!(article.status(), 200);
    assert!(article.headers().contains_key("content-security-policy"));
    assert!(article.text().await.unwrap().contains("data-confab"));

    let embed = http.get(format!("{base}embed.js")).send().await.unwrap();
    assert_eq!(embed.status(), 200);
    let embed = embed.text().await.unwrap();
    let assets: Vec<&str> = embed
        .split('"')
        .filter(|s| s.starts_with("assets/widget-"))
        .collect();
    assert_eq!(assets.len(), 3, "js, wasm and css in {embed}");
    for asset in assets {
        let resp = http.get(format!("{base}{asset}")).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{asset}");
        assert!(!resp.bytes().await.unwrap().is_empty(), "{asset}");
    }
    assert!(
        dir.path().join("confab.db").exists(),
        "the default SQLite file is created beside it"
    );
}

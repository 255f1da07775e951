//! The release promise: the `confab` binary carries the widget inside
//! itself, so copied alone into an empty folder it serves everything.

use std::{process::Stdio, time::Duration};

/// Kills the server when the test ends, pass or fail.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_copied_alone_into_an_empty_folder_serves_the_article_the_loader_and_the_widget()
{
    // A runtime check, not a const assertion: clippy refuses the latter.
    let built = confab::http::assets::WIDGET_BUILT;
    assert!(
        built,
        "build the widget first (trunk build --release): this binary has no widget inside"
    );
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("confab");
    std::fs::copy(env!("CARGO_BIN_EXE_confab"), &bin).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = Running(
        std::process::Command::new(&bin)
            // As `scripts/run` starts it: a plain SQLite URL, no `?mode=rwc`.
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(["--database-url", "sqlite://confab.db"])
            .current_dir(dir.path())
            .env_remove("CONFAB_DATABASE_URL")
            .env_remove("CONFAB_CONFIG")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}/");
    let http = reqwest::Client::new();
    let mut up = false;
    for _ in 0..100 {
        if http.get(format!("{base}healthz")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "the copied binary did not start");

    let article = http.get(&base).send().await.unwrap();
    assert_eq!(article.status(), 200);
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

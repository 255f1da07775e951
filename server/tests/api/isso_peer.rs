//! The proof that Confab's Disqus export lets a site leave: a real Isso
//! (the version `scripts/tools.sh` installs) imports it with its own
//! `isso import`, then serves the same comments on the same pages, each
//! under the same top-level comment (Isso keeps two levels: a reply to a
//! reply hangs from the top-level one). Isso's bin/ comes from
//! `CONFAB_ISSO_BIN`, and the test fails without it; it is ignored in the
//! plain integration run, and scripts/test runs it by name.

use std::{
    collections::{BTreeMap, HashMap},
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use confab_testkit::{free_port, until_some};
use serde_json::Value;

use crate::{
    helpers::*,
    import_export::{confab, stored},
};

fn isso_bin() -> PathBuf {
    let bin = std::env::var_os("CONFAB_ISSO_BIN")
        .map(PathBuf::from)
        .expect("CONFAB_ISSO_BIN: the bin/ of a venv with Isso (scripts/tools.sh confab_isso)");
    assert!(bin.join("isso").is_file(), "no isso in {}", bin.display());
    bin
}

/// Each comment's author, and the author of the top-level comment it is
/// under (none for a top-level one), page by page.
type Shape = BTreeMap<String, BTreeMap<String, Option<String>>>;

/// The shape Isso must show of what Confab holds.
async fn confab_shape(app: &TestApp) -> Shape {
    let rows = stored(app).await;
    let by_id: HashMap<i64, _> = rows.iter().map(|r| (r.id, r)).collect();
    let mut shape = Shape::new();
    for row in &rows {
        let mut top = row;
        while let Some(parent) = top.parent_id {
            top = by_id[&parent];
        }
        let under = (top.id != row.id).then(|| top.author.clone());
        shape
            .entry(row.page.clone())
            .or_default()
            .insert(row.author.clone(), under);
    }
    shape
}

/// What the running Isso serves of `pages`.
async fn isso_shape(base: &str, pages: &[String]) -> Shape {
    let mut shape = Shape::new();
    for page in pages {
        let url = format!("{base}/?uri={}", urlencoding(page));
        let thread: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
        let mut comments = BTreeMap::new();
        for top in thread["replies"].as_array().unwrap() {
            let name = top["author"].as_str().unwrap().to_owned();
            for reply in top["replies"].as_array().unwrap() {
                assert_eq!(reply["parent"], top["id"], "{reply}");
                let author = reply["author"].as_str().unwrap().to_owned();
                comments.insert(author, Some(name.clone()));
            }
            comments.insert(name, None);
        }
        shape.insert(page.clone(), comments);
    }
    shape
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn isso_config(dir: &Path, port: u16) -> PathBuf {
    let config = dir.join("isso.cfg");
    let text = format!(
        "[general]\ndbpath = {}\nhost = http://127.0.0.1:{port}/\n\n[server]\nlisten = http://127.0.0.1:{port}/\n",
        dir.join("comments.db").display()
    );
    std::fs::write(&config, text).unwrap();
    config
}

/// A comment by `author` (with an e-mail address or without), its id.
async fn say(app: &TestApp, page: &str, parent: Option<i64>, author: &str, body: &str) -> i64 {
    let email = (author != "Dee").then(|| format!("{}@example.com", author.to_lowercase()));
    let new = confab_api::NewComment {
        page: page.into(),
        parent,
        author: Some(author.into()),
        email,
        body: body.into(),
        ..Default::default()
    };
    app.comment_with(new).await.comment.id
}

/// Three levels on one page, an author without an e-mail address, HTML
/// and an entity on a second page.
async fn threads(app: &TestApp) {
    let ann = say(app, "/posts/one/", None, "Ann", "Top, by Ann").await;
    let bob = say(app, "/posts/one/", Some(ann), "Bob", "Bob answers").await;
    say(app, "/posts/one/", Some(bob), "Cy", "Cy answers Bob").await;
    say(app, "/posts/one/", Some(ann), "Dee", "Dee answers Ann").await;
    let eve = say(app, "/posts/two/", None, "Eve", "Eve *on* two").await;
    say(app, "/posts/two/", Some(eve), "Fay", "Fay & Eve <b>").await;
}

#[tokio::test]
#[ignore = "needs Isso; scripts/test runs it with CONFAB_ISSO_BIN"]
async fn isso_imports_the_disqus_export_and_serves_the_same_threads() {
    let bin = isso_bin();
    let app = spawn_app(Backend::Sqlite).await;
    threads(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("disqus.xml");
    let export = export.to_str().unwrap();
    let said = confab(
        app.db_url(),
        &[
            "export", "--site", "demo", "--format", "disqus", "--output", export,
        ],
    )
    .await
    .unwrap();
    assert!(said.contains("exported 6 comments on 2 pages"), "{said}");

    let port = free_port();
    let config = isso_config(dir.path(), port);
    let import = tokio::process::Command::new(bin.join("isso"))
        .arg("-c")
        .arg(&config)
        // Isso 0.14 takes every thread's `<id>` for empty (it tests the
        // element's truth, which is its having children) unless told to
        // keep them, whoever wrote the file; its message says to do this.
        .args(["import", "--type", "disqus", "--empty-id", export])
        .stdin(Stdio::null())
        .output();
    let import = tokio::time::timeout(Duration::from_secs(120), import)
        .await
        .expect("isso import within 2 minutes")
        .unwrap();
    let err = String::from_utf8_lossy(&import.stderr);
    assert!(import.status.success(), "isso import: {err}");
    let out = String::from_utf8_lossy(&import.stdout);
    assert!(!out.contains("orphans"), "{out}");

    let mut isso = tokio::process::Command::new(bin.join("isso"))
        .arg("-c")
        .arg(&config)
        .arg("run")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    until_some(Duration::from_secs(60), "Isso serves", || {
        let info = format!("{base}/info");
        async move { reqwest::get(&info).await.ok().filter(|r| r.status() == 200) }
    })
    .await;

    let want = confab_shape(&app).await;
    let pages: Vec<String> = want.keys().cloned().collect();
    assert_eq!(pages, ["/posts/one/", "/posts/two/"]);
    assert_eq!(isso_shape(&base, &pages).await, want);
    isso.kill().await.unwrap();
}

//! The thread put into the article by nginx's SSI, with the configuration
//! the docs give (`docs/src/no-js.md`), run as it is written there.

use std::time::Duration;

use confab_testkit::{free_port, on_both_backends};

use crate::{
    cluster_helpers::{run_nginx, until_status},
    helpers::*,
};

on_both_backends!(nginx_puts_the_thread_into_the_article_with_the_documented_configuration);

const DOCS: &str = include_str!("../../../docs/src/no-js.md");

/// The documented `(nginx configuration, placeholder)`, between the docs'
/// markers.
fn documented() -> (String, String) {
    let part = DOCS
        .split("<!-- ssi-config -->")
        .nth(1)
        .and_then(|p| p.split("<!-- /ssi-config -->").next())
        .expect("the docs mark their SSI example");
    let block = |lang: &str| {
        let start = format!("```{lang}\n");
        let code = part.split(&start).nth(1).expect("a code block");
        code.split("```").next().unwrap().to_owned()
    };
    (block("nginx"), block("html"))
}

async fn nginx_puts_the_thread_into_the_article_with_the_documented_configuration(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let page = "/news/my-article";
    let first = app.comment(page, "Included **by nginx**").await.comment;
    app.reply(page, first.id, "A reply, included too").await;
    let (config, placeholder) = documented();

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("www");
    std::fs::create_dir_all(root.join("news")).unwrap();
    let article = format!("<!DOCTYPE html><title>My article</title><p>Words.</p>\n{placeholder}");
    std::fs::write(root.join("news/my-article"), article).unwrap();
    // Only where the documented configuration must name this machine: the
    // server's address, the site, and the port and folder to serve.
    let port = free_port();
    let config = config
        .replace("127.0.0.1:8080", app.address.trim_start_matches("http://"))
        .replace("/sites/blog/", "/sites/demo/")
        .replacen(
            "server {",
            &format!(
                "server {{\n    listen 127.0.0.1:{port};\n    root {};\n    default_type text/html;",
                root.display()
            ),
            1,
        );
    let _nginx = run_nginx(dir.path(), &config);
    let url = format!("http://127.0.0.1:{port}{page}");
    until_status(&app.client, &url, 200, Duration::from_secs(10)).await;

    let html = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert!(!html.contains("<!--#"), "the include was processed: {html}");
    assert!(!html.contains("an error occurred"), "{html}");
    assert!(
        html.contains("Included <strong>by nginx</strong>"),
        "{html}"
    );
    assert!(html.contains("A reply, included too"));
    assert_eq!(
        html.matches(r#"itemtype="https://schema.org/Comment""#)
            .count(),
        2
    );
    assert!(html.contains(&format!(r#"data-confab-fragment="{page}""#)));
}

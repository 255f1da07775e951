//! The dashboard's Import/Export tab in Chromium: a moderator uploads a
//! Disqus export through the file input, watches it to its report, and
//! the comments are in the widget on the right pages.

use serde_json::json;

use crate::{
    harness::browser,
    moderation::{click, held_site_with, log_in, wait_page},
};

/// A Disqus export of two pages: the demo article (a comment and a reply
/// to it, the reply first) and another page with one comment.
const DISQUS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <thread dsq:id="1"><id>night-buses</id><link>https://news.example/news/night-buses-return</link><title>Night buses return</title></thread>
  <thread dsq:id="2"><id>other</id><link>https://news.example/news/other-story</link><title>Another story</title></thread>
  <post dsq:id="11"><message><![CDATA[<p>Me too, <b>every</b> night</p>]]></message><createdAt>2013-05-02T16:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Ben</name></author><thread dsq:id="1"/><parent dsq:id="10"/></post>
  <post dsq:id="10"><message><![CDATA[<p>I took the first one home</p>]]></message><createdAt>2013-05-02T15:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Ann</name></author><thread dsq:id="1"/></post>
  <post dsq:id="20"><message><![CDATA[<p>On the other page</p>]]></message><createdAt>2013-05-03T15:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Cy</name></author><thread dsq:id="2"/></post>
</disqus>
"#;

#[tokio::test]
async fn a_moderator_uploads_a_disqus_file_and_its_comments_appear_in_the_widget_on_their_pages() {
    let site = held_site_with(None, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("disqus-export.xml");
    std::fs::write(&file, DISQUS).unwrap();

    let b = browser().await;
    log_in(&b, &site).await;
    click(&b, "[data-testid=tab-transfer]").await;
    let input = b
        .client
        .wait()
        .for_element(fantoccini::Locator::Css("[data-testid=import-file]"))
        .await
        .unwrap();
    input.send_keys(file.to_str().unwrap()).await.unwrap();
    click(&b, "[data-testid=import-start]").await;
    let line = wait_page(
        &b,
        "the import's report",
        "const l = document.querySelector('[data-testid=import-line][data-state=done]'); return l && l.textContent",
        vec![],
    )
    .await;
    let line = line.as_str().unwrap().to_owned();
    assert!(
        line.starts_with("disqus-export.xml (disqus): 3 comments imported on 2 pages"),
        "{line}"
    );
    let violations = b.axe_violations_in("main").await;
    assert_eq!(violations, json!([]), "the tab and its report pass axe");
    b.close().await;

    let reader = browser().await;
    reader.client.goto(&site.article).await.unwrap();
    let texts = reader
        .wait_widget(
            "the imported comments",
            "const c = [...root.querySelectorAll('[data-testid^=comment-] .cf-body')].map((e) => e.textContent.trim());
             return c.length === 2 && c",
            vec![],
        )
        .await;
    assert_eq!(
        texts,
        json!(["I took the first one home", "Me too, every night"])
    );
    reader.close().await;
    let other = site.state.store.site("demo").await.unwrap().unwrap();
    let page = site
        .state
        .store
        .page(other.id, "/news/other-story")
        .await
        .unwrap();
    assert_eq!(page.unwrap().title.as_deref(), Some("Another story"));
}

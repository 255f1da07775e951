//! The dashboard's Import/Export routes: a moderator uploads a file, polls
//! the import to its report, and the comments are on their pages at once;
//! exports download. Bad uploads get a 4xx and store nothing.

use std::time::Duration;

use confab_api::admin::{ImportState, ImportStatus};
use confab_testkit::{on_both_backends, until_some};
use reqwest::{Method, Response};

use crate::{admin_helpers::Admin, helpers::*, import_export::DISQUS};

on_both_backends!(
    an_uploaded_disqus_file_imports_and_its_pages_show_the_comments_at_once,
    bad_uploads_are_refused_and_store_nothing,
    a_moderator_downloads_the_site_as_either_export,
);

async fn upload(admin: &Admin<'_>, query: &str, body: &'static str) -> Response {
    let site = admin.app.demo_id().await;
    admin
        .request(
            Method::POST,
            &format!("/admin/api/sites/{site}/import?{query}"),
        )
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Polls the site's import until it has ended.
async fn ended(admin: &Admin<'_>) -> ImportStatus {
    let path = format!("/admin/api/sites/{}/import", admin.app.demo_id().await);
    until_some(Duration::from_secs(30), "the import ends", || {
        let path = path.clone();
        async move {
            let status: ImportStatus = serde_json::from_value(admin.json(&path).await).ok()?;
            (status.state != ImportState::Running).then_some(status)
        }
    })
    .await
}

async fn an_uploaded_disqus_file_imports_and_its_pages_show_the_comments_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    // A thread read before the import is cached: the import must drop it.
    app.comment("/first/", "Already here").await;
    assert_eq!(app.thread("/first/").await.total, 1);
    let admin = app.admin("mod@example.com", &["demo"]).await;

    let dry = upload(&admin, "file=disqus.xml&dry_run=true", DISQUS).await;
    assert_eq!(dry.status(), 202);
    let dry = ended(&admin).await;
    assert_eq!(dry.report.unwrap().imported, 6, "a dry run counts");
    assert_eq!(app.thread("/first/").await.total, 1, "and stores nothing");

    let started = upload(&admin, "file=disqus.xml", DISQUS).await;
    assert_eq!(started.status(), 202);
    let started: ImportStatus = started.json().await.unwrap();
    assert_eq!(
        (started.file.as_str(), started.dry_run),
        ("disqus.xml", false)
    );
    let done = ended(&admin).await;
    assert_eq!(done.state, ImportState::Done, "{done:?}");
    let report = done.report.unwrap();
    assert_eq!(
        (report.format.as_str(), report.imported, report.pages),
        ("disqus", 6, 2)
    );
    assert!(
        report.skipped.iter().any(|s| s.source_id == "107"),
        "{report:?}"
    );
    assert!(report.reattached.iter().any(|s| s.source_id == "104"));
    assert_eq!(
        app.thread("/first/").await.total,
        3,
        "the cached page is fresh"
    );

    let audit = admin
        .json(&format!("/admin/api/sites/{}/audit", app.demo_id().await))
        .await;
    assert_eq!(audit["entries"][0]["action"], "import", "{audit}");

    let again = upload(&admin, "file=disqus.xml", DISQUS).await;
    assert_eq!(again.status(), 202);
    let again = ended(&admin).await.report.unwrap();
    assert_eq!((again.imported, again.present), (0, 6));
}

async fn bad_uploads_are_refused_and_store_nothing(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.limits.upload_bytes = 1024).await;
    let admin = app.admin("mod@example.com", &["demo"]).await;
    let other = app.add_site("other", "http://other.example").await;
    let before = crate::dump::dump(app.db_url()).await;
    let site = app.demo_id().await;
    let path = format!("/admin/api/sites/{site}/import");

    let big = upload(&admin, "", DISQUS).await;
    assert_error(big, 413, confab_api::ErrorCode::PayloadTooLarge).await;
    let empty = upload(&admin, "", "").await;
    assert_error(empty, 400, confab_api::ErrorCode::BadRequest).await;
    let format = upload(&admin, "format=rss", "<rss/>").await;
    assert_error(format, 422, confab_api::ErrorCode::Validation).await;
    let no_csrf = app
        .client
        .post(app.url(&path))
        .header("cookie", &admin.cookie)
        .header("content-type", "application/octet-stream")
        .body("<disqus/>")
        .send()
        .await
        .unwrap();
    assert_eq!(no_csrf.status(), 403);
    let as_form = admin
        .request(Method::POST, &path)
        .header("content-type", "text/plain")
        .body("<disqus/>")
        .send()
        .await
        .unwrap();
    assert_eq!(as_form.status(), 415);
    let theirs = admin
        .request(Method::POST, &format!("/admin/api/sites/{other}/import"))
        .header("content-type", "application/octet-stream")
        .body("<disqus/>")
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), 403);
    assert_eq!(admin.get(&path).await.status(), 404, "no import ran");

    // A file that fails to parse ends the import with its line, and
    // stores nothing; the site may import again at once.
    let broken = "<disqus xmlns=\"http://disqus.com\">\n<thread>\n</disqus>";
    assert_eq!(upload(&admin, "file=b.xml", broken).await.status(), 202);
    let failed = ended(&admin).await;
    assert_eq!(failed.state, ImportState::Failed);
    assert!(failed.error.unwrap().contains("line"), "names the line");
    let after = crate::dump::dump(app.db_url()).await;
    let changed = crate::dump::diff(&before, &after);
    assert!(
        changed
            .iter()
            .all(|line| line[2..].starts_with("sessions:")),
        "only the moderator's session was touched: {changed:?}"
    );
}

async fn a_moderator_downloads_the_site_as_either_export(backend: Backend) {
    let app = spawn_app(backend).await;
    app.comment("/a/", "Exported").await;
    let admin = app.admin("mod@example.com", &["demo"]).await;
    let path = format!("/admin/api/sites/{}/export", app.demo_id().await);
    let confab = admin.get(&path).await;
    assert_eq!(confab.status(), 200);
    let disposition = confab.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"confab-demo-"),
        "{disposition}"
    );
    assert!(disposition.ends_with(".jsonl\""), "{disposition}");
    let text = confab.text().await.unwrap();
    assert!(text.starts_with("{\"confab_export\""), "{text}");
    assert!(text.contains("\"source\":\"Exported\""), "{text}");
    let disqus = admin.get(&format!("{path}?format=disqus")).await;
    assert_eq!(disqus.headers()["content-type"], "application/xml");
    assert!(disqus.text().await.unwrap().contains("<disqus"));
    let bad = admin.get(&format!("{path}?format=csv")).await;
    assert_error(bad, 422, confab_api::ErrorCode::Validation).await;
    let anonymous = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
}

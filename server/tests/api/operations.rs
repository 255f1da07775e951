//! What operators use: `/readyz`, `/metrics` and `confab backup`.

use std::time::{Duration, Instant};

use clap::Parser;
use confab::cli::{self, Cli};

use crate::cluster_helpers::metric;
use crate::events::Events;
use crate::helpers::*;
use confab_testkit::{on_both_backends, until};

async fn scrape(app: &TestApp) -> String {
    let r = app.get_raw("/metrics").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    r.text().await.unwrap()
}

on_both_backends!(
    readyz_answers_once_the_database_and_the_notifications_are_up,
    metrics_count_requests_by_route_cache_hits_comments_streams_and_connections
);

async fn readyz_answers_once_the_database_and_the_notifications_are_up(backend: Backend) {
    let app = spawn_app(backend).await;
    let start = Instant::now();
    loop {
        let r = app.get_raw("/readyz").await;
        if r.status() == 200 {
            assert_eq!(r.text().await.unwrap(), "ready");
            break;
        }
        assert_eq!(r.status(), 503);
        assert!(start.elapsed() < Duration::from_secs(5), "never ready");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn metrics_count_requests_by_route_cache_hits_comments_streams_and_connections(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let page = "/metrics/page";
    until(
        Duration::from_secs(5),
        "the notifications to be up",
        || async { app.state.bus.is_live() },
    )
    .await;
    let c = app.comment(page, "Counted").await;
    app.thread(page).await;
    app.thread(page).await;
    app.delete(c.comment.id, &c.edit_token).await;
    app.comment(page, "Counted too").await;
    let _stream = Events::open(&app, page).await;
    app.get_raw("/no/such/route/42").await;

    let text = scrape(&app).await;
    let route = "/api/v1/sites/{site}/thread";
    assert_eq!(
        metric(
            &text,
            &format!(
                "confab_http_requests_total{{method=\"GET\",route=\"{route}\",status=\"200\"}}"
            )
        ),
        2.0
    );
    assert_eq!(
        metric(
            &text,
            "confab_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}"
        ),
        1.0,
        "unknown URLs share one series"
    );
    assert!(text.contains(&format!(
        "confab_http_request_duration_seconds_count{{method=\"GET\",route=\"{route}\"}} 2"
    )));
    assert!(metric(&text, "confab_thread_cache_hits_total") >= 1.0);
    assert!(metric(&text, "confab_thread_cache_misses_total") >= 1.0);
    assert_eq!(metric(&text, "confab_comments{status=\"approved\"}"), 1.0);
    assert_eq!(metric(&text, "confab_comments{status=\"deleted\"}"), 1.0);
    assert_eq!(metric(&text, "confab_sse_clients"), 1.0);
    assert_eq!(metric(&text, "confab_notifications_up"), 1.0);
    assert!(text.contains("confab_db_connections{pool="));
    assert!(text.trim_end().ends_with("# EOF"));
}

async fn backup(database_url: &str, file: &std::path::Path) -> anyhow::Result<()> {
    let args = ["confab", "--database-url", database_url, "backup"];
    let cli = Cli::try_parse_from(args.into_iter().chain([file.to_str().unwrap()])).unwrap();
    cli::run(cli).await
}

#[tokio::test]
async fn confab_backup_copies_a_serving_sqlite_database_into_a_file_that_opens_with_its_comments() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut ids = Vec::new();
    for n in 0..20 {
        ids.push(
            app.comment("/backed/up", &format!("Comment {n}"))
                .await
                .comment
                .id,
        );
    }
    // Posting goes on while the backup runs.
    let (client, url) = (app.client.clone(), app.url("/api/v1/sites/demo/comments"));
    let writer = tokio::spawn(async move {
        for n in 0..50 {
            let r = client
                .post(&url)
                .header("origin", ORIGIN)
                .json(&serde_json::json!({ "page": "/busy", "body": format!("Busy {n}") }))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("copy.db");
    let db = app.state.config.database_url.clone();
    backup(&db, &file).await.unwrap();
    writer.await.unwrap();
    assert_eq!(
        app.thread("/busy").await.total,
        50,
        "the server kept serving"
    );

    // Restoring is copying the file into place: the copy opens on its own.
    let restored = dir.path().join("restored.db");
    std::fs::copy(&file, &restored).unwrap();
    let store = confab::store::connect(&format!("sqlite://{}", restored.display()))
        .await
        .unwrap();
    for id in ids {
        let meta = store.comment_meta(id).await.unwrap();
        assert!(meta.is_some(), "comment {id} is in the backup");
    }

    assert!(
        backup(&db, &file).await.is_err(),
        "an existing file is not overwritten"
    );
}

#[tokio::test]
async fn confab_backup_of_a_postgresql_database_points_to_pg_dump() {
    let cli = Cli::try_parse_from([
        "confab",
        "--database-url",
        "postgres://postgres@127.0.0.1:5432/postgres",
        "backup",
        "/tmp/never-written.db",
    ])
    .unwrap();
    let err = cli::run(cli).await.unwrap_err();
    assert!(format!("{err:#}").contains("pg_dump"), "{err:#}");
    assert!(!std::path::Path::new("/tmp/never-written.db").exists());
}

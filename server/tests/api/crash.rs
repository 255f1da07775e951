//! Hostile input, crash safety: the `confab` binary is killed with SIGKILL while
//! 32 posters write, 20 rounds, restarted each time. Every comment it
//! acknowledged (201 or 202) must then be there, byte for byte; every stored
//! comment must be whole (its body carries its own checksum); and the
//! database must pass its integrity check.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use confab_testkit::{Confab, Running};
use rand::Rng;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sqlx::Connection;

use crate::helpers::*;

const ROUNDS: usize = 20;
const POSTERS: usize = 32;
const PAGES: usize = 8;

/// Starts the binary with this configuration; it answers `/healthz`.
pub async fn start(config: &std::path::Path) -> Running {
    Confab::new(env!("CARGO_BIN_EXE_confab"))
        .config(config)
        .start()
        .await
}

/// The first 16 hex digits of SHA-256: the checksum a body ends with.
fn sum(text: &str) -> String {
    hex::encode(&Sha256::digest(text.as_bytes())[..8])
}

/// A body of `len` random words that ends with its own checksum.
fn body(rng: &mut impl Rng, tag: &str) -> String {
    let words = rng.gen_range(2..300);
    let text: Vec<String> = (0..words)
        .map(|_| format!("w{:x}", rng.gen::<u32>()))
        .collect();
    let text = format!("{tag} {}", text.join(" "));
    format!("{text} sum{}", sum(&text))
}

/// Whether a body (or its one-paragraph HTML) is whole.
fn intact(text: &str) -> bool {
    let text = text
        .trim()
        .trim_start_matches("<p>")
        .trim_end_matches("</p>");
    match text.rsplit_once(" sum") {
        Some((content, checksum)) => sum(content) == checksum,
        None => false,
    }
}

/// One round: posters post until the kill, which comes after `load`.
/// Returns the acknowledged comments: id to (body, status).
async fn round(server: &mut Running, r: usize, load: Duration) -> HashMap<i64, (String, u16)> {
    let alive = Arc::new(AtomicBool::new(true));
    let mut tasks = Vec::new();
    for p in 0..POSTERS {
        let (alive, base) = (alive.clone(), server.base.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap();
            let mut acked = Vec::new();
            let mut i = 0;
            while alive.load(Ordering::Relaxed) {
                let text = body(&mut rand::thread_rng(), &format!("r{r}p{p}i{i}"));
                i += 1;
                let sent = client
                    .post(format!("{base}/api/v1/sites/demo/comments"))
                    .json(&json!({"page": format!("/crash-{}", p % PAGES), "body": text}))
                    .send()
                    .await;
                // Cut off by the kill: not acknowledged, so nothing promised.
                let Ok(resp) = sent else { break };
                let status = resp.status().as_u16();
                let Ok(created) = resp.json::<Value>().await else {
                    break;
                };
                if status == 201 || status == 202 {
                    acked.push((created["comment"]["id"].as_i64().unwrap(), (text, status)));
                } else {
                    panic!("round {r}: a post got {status}: {created}");
                }
            }
            acked
        }));
    }
    tokio::time::sleep(load).await;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    alive.store(false, Ordering::Relaxed);
    let mut acked = HashMap::new();
    for t in tasks {
        acked.extend(t.await.unwrap());
    }
    acked
}

/// Every comment row: id to (source, html, status).
async fn stored(db: &str) -> HashMap<i64, (String, String, String)> {
    let sql = "SELECT id, source, html, status FROM comments";
    let rows: Vec<(i64, String, String, String)> = if db.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(db).await.unwrap();
        sqlx::query_as(sql).fetch_all(&mut c).await.unwrap()
    } else {
        let mut c = sqlx::PgConnection::connect(db).await.unwrap();
        sqlx::query_as(sql).fetch_all(&mut c).await.unwrap()
    };
    rows.into_iter()
        .map(|(id, s, h, st)| (id, (s, h, st)))
        .collect()
}

/// The backend's own integrity check: `PRAGMA integrity_check` on SQLite;
/// amcheck over every table and B-tree index on PostgreSQL.
async fn integrity(db: &str) {
    if db.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(db).await.unwrap();
        let result: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&mut c)
            .await
            .unwrap();
        assert_eq!(result, ["ok"], "PRAGMA integrity_check");
        let broken: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                .fetch_all(&mut c)
                .await
                .unwrap();
        assert!(broken.is_empty(), "foreign keys: {broken:?}");
    } else {
        let mut c = sqlx::PgConnection::connect(db).await.unwrap();
        sqlx::query("CREATE EXTENSION IF NOT EXISTS amcheck")
            .execute(&mut c)
            .await
            .unwrap();
        // The CTEs pick the relations first: a checker called on anything
        // else (a TOAST index, say) raises an error.
        let heap: Vec<(String, String)> = sqlx::query_as(
            "WITH t AS MATERIALIZED (
                 SELECT c.oid, c.relname::text AS name FROM pg_class c
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'public' AND c.relkind = 'r')
             SELECT t.name, v.msg FROM t, LATERAL verify_heapam(t.oid) v",
        )
        .fetch_all(&mut c)
        .await
        .unwrap();
        assert!(heap.is_empty(), "verify_heapam: {heap:?}");
        // bt_index_check raises an error, failing the test, on a corrupt index.
        let checked: i64 = sqlx::query_scalar(
            "WITH i AS MATERIALIZED (
                 SELECT c.oid FROM pg_index x
                 JOIN pg_class c ON c.oid = x.indexrelid
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                 JOIN pg_am a ON a.oid = c.relam
                 WHERE n.nspname = 'public' AND a.amname = 'btree')
             SELECT count(*) FROM (SELECT bt_index_check(i.oid, true) FROM i) checked",
        )
        .fetch_one(&mut c)
        .await
        .unwrap();
        assert!(checked > 0, "no index was checked");
    }
}

/// Reads every crash page through the API after the last restart: what a
/// reader sees must be whole, and all the published comments.
async fn visible(base: &str) -> usize {
    let client = reqwest::Client::new();
    let mut seen = 0;
    for page in 0..PAGES {
        let mut cursor: Option<String> = None;
        loop {
            let mut url = format!("{base}/api/v1/sites/demo/thread?page=/crash-{page}&limit=200");
            if let Some(c) = &cursor {
                url.push_str(&format!("&cursor={c}"));
            }
            let thread: Value = client.get(&url).send().await.unwrap().json().await.unwrap();
            for c in thread["comments"].as_array().unwrap() {
                let html = c["html"].as_str().unwrap();
                assert!(intact(html), "a reader sees a broken comment: {html:.200}");
                seen += 1;
            }
            match thread["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
    }
    seen
}

async fn kill_during_posting(backend: Backend) {
    let db = TestDb::new(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("confab.toml");
    std::fs::write(
        &config,
        format!(
            r#"listen = "127.0.0.1:0"
database_url = "{}"
[limits]
posts_per_minute_ip = 0
posts_per_minute_page = 0
[spam]
duplicate_window_secs = 0
[[sites]]
slug = "demo"
name = "Demo"
origins = ["{ORIGIN}"]
"#,
            db.url
        ),
    )
    .unwrap();

    let mut acked: HashMap<i64, (String, u16)> = HashMap::new();
    let started = std::time::Instant::now();
    for r in 0..ROUNDS {
        let mut server = start(&config).await;
        let load = Duration::from_millis(rand::thread_rng().gen_range(300..800));
        acked.extend(round(&mut server, r, load).await);
    }
    assert!(
        acked.len() >= ROUNDS,
        "only {} posts were acknowledged",
        acked.len()
    );
    let server = start(&config).await;
    let rows = stored(&db.url).await;
    for (id, (text, status)) in &acked {
        let (source, html, state) = rows
            .get(id)
            .unwrap_or_else(|| panic!("acknowledged comment {id} is gone"));
        assert_eq!(source, text, "comment {id} changed");
        assert!(intact(html), "comment {id}'s HTML is broken: {html:.200}");
        let expected = if *status == 201 {
            "approved"
        } else {
            "pending"
        };
        assert_eq!(state, expected, "comment {id}");
    }
    for (id, (source, html, _)) in &rows {
        assert!(
            intact(source) && intact(html),
            "stored comment {id} is half-written"
        );
    }
    integrity(&db.url).await;
    let seen = visible(&server.base).await;
    let approved = rows.values().filter(|(_, _, s)| s == "approved").count();
    assert_eq!(seen, approved, "readers see every published comment");
    println!(
        "{backend:?}: {ROUNDS} SIGKILL rounds in {:.1} s, \
         {} acknowledged comments present and intact, \
         {} stored ({} posted but cut off before the answer), integrity ok",
        started.elapsed().as_secs_f64(),
        acked.len(),
        rows.len(),
        rows.len() - acked.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_loses_no_acknowledged_comment_when_killed_twenty_times_under_load() {
    kill_during_posting(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_loses_no_acknowledged_comment_when_killed_twenty_times_under_load() {
    kill_during_posting(Backend::Postgres).await;
}

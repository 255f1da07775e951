//! Isso's own SQLite database, read directly and read-only: its `threads`
//! (`id, uri, title`) and `comments` (`tid, id, parent, created, modified,
//! mode, text, author, email, website, likes, dislikes`), which is what an
//! Isso site has instead of an export. Isso stores Markdown, as Confab
//! does; `mode` is 1 accepted, 2 pending, 4 deleted; times are float
//! seconds; likes less dislikes is the score. `remote_addr` is never read.

use std::path::Path;

use futures::StreamExt;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use tokio::sync::mpsc;

use crate::domain::transfer::{ParseError, Post, Record, Status, Thread};

/// Whether a file starting with `head` is an SQLite database.
pub fn is_sqlite(head: &[u8]) -> bool {
    head.starts_with(b"SQLite format 3\0")
}

type CommentRow = (
    i64,
    i64,
    Option<i64>,
    f64,
    Option<f64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

/// Sends the database's threads, then its comments in id order.
pub async fn records(path: &Path, send: mpsc::Sender<Result<Record, ParseError>>) {
    let mut number = 0;
    if let Err(message) = read(path, &send, &mut number).await {
        let _ = send
            .send(Err(ParseError {
                line: number,
                column: 0,
                message: format!("Isso database, record {number}: {message}"),
            }))
            .await;
    }
}

async fn read(
    path: &Path,
    send: &mpsc::Sender<Result<Record, ParseError>>,
    number: &mut u64,
) -> Result<(), String> {
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(|e| e.to_string())?;
    let mut threads = sqlx::query_as::<_, (i64, String, Option<String>)>(
        "SELECT id, uri, title FROM threads ORDER BY id",
    )
    .fetch(&pool);
    while let Some(row) = threads.next().await {
        let (id, uri, title) = row.map_err(|e| e.to_string())?;
        *number += 1;
        let thread = Thread {
            source_id: id.to_string(),
            link: uri,
            url: None,
            title,
            locked: false,
        };
        if send.send(Ok(Record::Thread(thread))).await.is_err() {
            return Ok(());
        }
    }
    drop(threads);
    let mut comments = sqlx::query_as::<_, CommentRow>(
        "SELECT tid, id, parent, created, modified, mode, text, author, email, website,
             likes, dislikes
         FROM comments ORDER BY id",
    )
    .fetch(&pool);
    while let Some(row) = comments.next().await {
        *number += 1;
        let post = post(row.map_err(|e| e.to_string())?);
        if send.send(Ok(Record::Post(post))).await.is_err() {
            return Ok(());
        }
    }
    Ok(())
}

fn post(row: CommentRow) -> Post {
    let (tid, id, parent, created, modified, mode, text, author, email, website, likes, dislikes) =
        row;
    let status = match mode {
        Some(1) => Status::Approved,
        Some(4) => Status::Deleted,
        // 2, and anything Isso may add: a moderator decides.
        _ => Status::Pending,
    };
    let ms = |seconds: f64| (seconds * 1000.0).round() as i64;
    Post {
        source_id: id.to_string(),
        thread: tid.to_string(),
        parent: parent.map(|p| p.to_string()),
        author: author.unwrap_or_default(),
        email: email.filter(|e| !e.is_empty()),
        website: website.filter(|w| !w.is_empty()),
        body: text.unwrap_or_default(),
        created_ms: Some(ms(created)),
        edited_ms: modified.map(ms),
        status,
        score: likes.unwrap_or(0) - dislikes.unwrap_or(0),
        pinned: false,
    }
}

//! SQLite: one file, tuned so that a 201 means the comment is on disk and
//! many concurrent posters queue instead of failing.

use std::{path::Path, str::FromStr, time::Duration};

use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    Sqlite, SqlitePool,
};

pub struct SqliteStore {
    read: SqlitePool,
    /// Exactly one connection: SQLite allows one writer at a time, and
    /// queueing in the pool is fairer and cheaper than `SQLITE_BUSY` retries.
    write: SqlitePool,
    /// New comments, committed in groups through `write`.
    comments: super::batch::CommentQueue,
    sites: super::memo::SiteMemo,
    salt: super::memo::SaltMemo,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            // Zero set-up: `sqlite://confab.db` makes the file on first start,
            // with or without `?mode=rwc`.
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL syncs the WAL on every commit: an acknowledged comment
            // survives a power cut, not just a crash.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&write).await?;
        // An in-memory database exists once per connection, so it cannot
        // have a separate read pool.
        let read = if url.contains(":memory:") || url.contains("mode=memory") {
            write.clone()
        } else {
            SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options)
                .await?
        };
        Ok(Self {
            read,
            comments: super::batch::CommentQueue::spawn(CommentWriter(write.clone())),
            write,
            sites: Default::default(),
            salt: Default::default(),
        })
    }
}

super::sql::shared_store!(SqliteStore, Sqlite);
super::write_sql::comment_writer!(CommentWriter, Sqlite);
// SQLite gives a new row max(id) + 1: nothing to move after kept ids.
super::transfer_sql::transfer_store!(SqliteStore, Sqlite, SqliteImport, "SELECT 1");
// Only an AUTOINCREMENT table (moderators) remembers ids past its rows, in
// sqlite_sequence; the others give max(id) + 1, which the copied rows set.
super::migrate_sql::migrate_store!(
    SqliteStore,
    Sqlite,
    SqliteMigrate,
    "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = $1), 0)",
    [
        "INSERT INTO sqlite_sequence (name, seq) SELECT $1, $2
         WHERE EXISTS (SELECT 1 FROM sqlite_master
                       WHERE type = 'table' AND name = $1 AND sql LIKE '%AUTOINCREMENT%')
           AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = $1)",
        "UPDATE sqlite_sequence SET seq = MAX(seq, $2) WHERE name = $1",
    ]
);

#[async_trait::async_trait]
impl super::Operations for SqliteStore {
    fn pools(&self) -> Vec<super::PoolUsage> {
        vec![
            super::PoolUsage::of("read", &self.read),
            super::PoolUsage::of("write", &self.write),
        ]
    }

    async fn comments_by_status(&self) -> anyhow::Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as(super::ops::COMMENTS_BY_STATUS)
            .fetch_all(&self.read)
            .await?)
    }

    async fn backup(&self, path: &Path) -> anyhow::Result<()> {
        anyhow::ensure!(!path.exists(), "{} already exists", path.display());
        let target = path
            .to_str()
            .ok_or_else(|| anyhow::anyhow!("the backup path is not UTF-8"))?;
        // VACUUM INTO copies one consistent snapshot through a read
        // connection, so writers carry on meanwhile (WAL).
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.read)
            .await?;
        Ok(())
    }
}

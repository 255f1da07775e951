//! PostgreSQL: durable by default (synchronous commit), with row locks for
//! the few places where concurrent writers meet.

use std::{path::Path, time::Duration};

use sqlx::{postgres::PgPoolOptions, PgPool, Postgres};

pub struct PostgresStore {
    read: PgPool,
    /// The same pool as `read`: PostgreSQL handles concurrent writers itself.
    write: PgPool,
    /// New comments, committed in groups: one transaction and one WAL flush
    /// for everything waiting, instead of one per comment.
    comments: super::batch::CommentQueue,
    sites: super::memo::SiteMemo,
    salt: super::memo::SaltMemo,
}

impl PostgresStore {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self {
            read: pool.clone(),
            comments: super::batch::CommentQueue::spawn(CommentWriter(pool.clone())),
            write: pool,
            sites: Default::default(),
            salt: Default::default(),
        })
    }
}

super::sql::shared_store!(PostgresStore, Postgres);
super::write_sql::comment_writer!(CommentWriter, Postgres);
super::transfer_sql::transfer_store!(
    PostgresStore,
    Postgres,
    PostgresImport,
    "SELECT setval(pg_get_serial_sequence('comments', 'id'), (SELECT MAX(id) FROM comments))"
);
// An identity's sequence remembers every id it gave; `setval` with
// is_called false makes an empty table's next id 1.
super::migrate_sql::migrate_store!(
    PostgresStore,
    Postgres,
    PostgresMigrate,
    "SELECT COALESCE((SELECT last_value FROM pg_sequences
                      WHERE schemaname || '.' || sequencename = pg_get_serial_sequence($1, 'id')), 0)",
    ["SELECT setval(pg_get_serial_sequence($1, 'id'), GREATEST($2, 1), $2 > 0)"]
);

#[async_trait::async_trait]
impl super::Operations for PostgresStore {
    fn pools(&self) -> Vec<super::PoolUsage> {
        vec![super::PoolUsage::of("read_write", &self.read)]
    }

    async fn comments_by_status(&self) -> anyhow::Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as(super::ops::COMMENTS_BY_STATUS)
            .fetch_all(&self.read)
            .await?)
    }

    async fn backup(&self, _path: &Path) -> anyhow::Result<()> {
        anyhow::bail!(
            "confab backup copies SQLite databases only; back up PostgreSQL with pg_dump \
             (for example: pg_dump --format=custom --file=confab.dump \"$CONFAB_DATABASE_URL\")"
        )
    }
}

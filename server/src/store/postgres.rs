//! PostgreSQL: durable by default (synchronous commit), with row locks for
//! the few places where concurrent writers meet.

use std::time::Duration;

use sqlx::{postgres::PgPoolOptions, PgPool, Postgres};

pub struct PostgresStore {
    read: PgPool,
    /// The same pool as `read`: PostgreSQL handles concurrent writers itself.
    write: PgPool,
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
            write: pool,
        })
    }
}

super::sql::shared_store!(PostgresStore, Postgres);
super::accounts_sql::accounts_store!(PostgresStore);
super::moderation_sql::moderation_store!(PostgresStore, Postgres);

//! The `Store` implementation both backends share, one concern per file
//! (`sites_sql.rs`, `comments_sql.rs`, `moderation_sql.rs`, `accounts_sql.rs`,
//! `secrets_sql.rs`). sqlx accepts `$1`-style parameters on SQLite too, and
//! both databases speak `ON CONFLICT` and `RETURNING`, so one text serves
//! both. A macro instantiates it per backend because sqlx's generic
//! executor bounds would drown the logic; each backend provides `self.read`
//! and `self.write` pools.

macro_rules! shared_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            async fn ping(&self) -> anyhow::Result<()> {
                sqlx::query("SELECT 1").execute(&self.read).await?;
                Ok(())
            }
        }

        $crate::store::sites_sql::sites_store!($store, $db);
        $crate::store::comments_sql::comments_store!($store, $db);
        $crate::store::moderation_sql::moderation_store!($store, $db);
        $crate::store::accounts_sql::accounts_store!($store, $db);
        $crate::store::secrets_sql::secrets_store!($store, $db);
    };
}

pub(super) use shared_store;

//! What operators need from the database: figures for `/metrics` and an
//! online backup. Each backend implements it beside its connection set-up.

use std::path::Path;

use async_trait::async_trait;

/// One connection pool's use, for `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    /// `read` or `write` (one pool serves both on PostgreSQL).
    pub pool: &'static str,
    /// Connections open, busy or idle.
    pub size: u32,
    pub idle: usize,
    pub max: u32,
}

impl PoolUsage {
    pub fn of<DB: sqlx::Database>(pool: &'static str, p: &sqlx::Pool<DB>) -> Self {
        Self {
            pool,
            size: p.size(),
            idle: p.num_idle(),
            max: p.options().get_max_connections(),
        }
    }
}

/// Comments per status, the same SQL on both backends.
pub(crate) const COMMENTS_BY_STATUS: &str =
    "SELECT status, COUNT(*) FROM comments GROUP BY status ORDER BY status";

#[async_trait]
pub trait Operations: Send + Sync {
    fn pools(&self) -> Vec<PoolUsage>;
    /// `(status, count)` over all sites; statuses without comments are left out.
    async fn comments_by_status(&self) -> anyhow::Result<Vec<(String, i64)>>;
    /// Writes a consistent copy of the database to `path` (which must not
    /// exist) while the server keeps serving.
    async fn backup(&self, path: &Path) -> anyhow::Result<()>;
}

//! The migrate workflow: copy every table of one database into an empty
//! one (SQLite to PostgreSQL, or back) in one transaction, move the
//! target's identities past the copied ids, and commit only when every
//! table holds as many rows as the source does.

use futures::StreamExt;

use crate::store::{
    migrate::{Table, TABLES},
    Store,
};

/// Rows bound in one INSERT: within both databases' parameter limits
/// (SQLite's 32,766, PostgreSQL's 65,535).
const PARAMETERS_PER_INSERT: usize = 10_000;

/// How many rows each table had, and so now has in the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied(pub Vec<(&'static str, u64)>);

impl Copied {
    pub fn rows(&self) -> u64 {
        self.0.iter().map(|(_, n)| n).sum()
    }
}

/// What a copy will move: each table's rows in the source.
pub async fn plan(from: &dyn Store) -> anyhow::Result<Copied> {
    let mut counts = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        counts.push((table.name, from.count(table).await? as u64));
    }
    Ok(Copied(counts))
}

/// Copies `from` into `to`, which must hold no rows. `progress` hears the
/// table being copied and the rows copied so far, of all tables. Nothing is kept in `to` unless
/// the whole copy is, with every count matching the source's.
pub async fn migrate(
    from: &dyn Store,
    to: &dyn Store,
    progress: &(dyn Fn(&'static str, u64) + Send + Sync),
) -> anyhow::Result<Copied> {
    for table in TABLES {
        let n = to.count(table).await?;
        anyhow::ensure!(
            n == 0,
            "the target database is not empty: its {} table has {n} rows",
            table.name
        );
    }
    let mut tx = to.begin_migrate().await?;
    let mut copied = Vec::with_capacity(TABLES.len());
    let mut before = 0;
    for table in TABLES {
        let rows = copy(from, tx.as_mut(), table, &|rows| {
            progress(table.name, before + rows)
        })
        .await?;
        before += rows;
        if table.identity {
            tx.reseed(table, from.high_water(table).await?).await?;
        }
        copied.push((table.name, rows));
    }
    // Counted again: a server still writing to the source would leave the
    // copy behind it.
    for (table, &(name, rows)) in TABLES.iter().zip(&copied) {
        let source = from.count(table).await? as u64;
        let target = tx.count(table).await? as u64;
        anyhow::ensure!(
            source == rows && target == rows,
            "the counts differ for {name}: {source} rows in the source, {target} copied \
             (stop the server while migrating); nothing was kept"
        );
    }
    tx.commit().await?;
    Ok(Copied(copied))
}

/// Copies one table, a bounded batch at a time.
async fn copy(
    from: &dyn Store,
    tx: &mut dyn crate::store::migrate::MigrateTx,
    table: &'static Table,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> anyhow::Result<u64> {
    let batch = PARAMETERS_PER_INSERT / table.columns.len();
    let mut rows = from.dump(table).chunks(batch);
    let mut total = 0;
    progress(0);
    while let Some(chunk) = rows.next().await {
        let chunk = chunk.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
        tx.insert(table, &chunk).await?;
        total += chunk.len() as u64;
        progress(total);
    }
    Ok(total)
}

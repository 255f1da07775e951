//! Every row of every table as text, read straight from the database: to
//! prove that a refused request stored nothing, and that no raw IP address
//! is ever stored.

use std::collections::BTreeMap;

use sqlx::Connection;

/// Table name to its rows, each row rendered as one line of text.
pub type Dump = BTreeMap<String, Vec<String>>;

pub async fn dump(database_url: &str) -> Dump {
    let mut out = Dump::new();
    if database_url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(database_url).await.unwrap();
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
                .fetch_all(&mut c)
                .await
                .unwrap();
        for table in tables {
            let columns: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
                    .bind(&table)
                    .fetch_all(&mut c)
                    .await
                    .unwrap();
            // quote() shows text as text and blobs as hex, so both can be searched.
            let row = columns
                .iter()
                .map(|col| format!("quote(\"{col}\")"))
                .collect::<Vec<_>>()
                .join(" || ' | ' || ");
            let sql = format!("SELECT {row} FROM \"{table}\" ORDER BY 1");
            let rows = sqlx::query_scalar(&sql).fetch_all(&mut c).await.unwrap();
            out.insert(table, rows);
        }
    } else {
        let mut c = sqlx::PgConnection::connect(database_url).await.unwrap();
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
                .fetch_all(&mut c)
                .await
                .unwrap();
        for table in tables {
            // A row cast to text: every column, bytea as hex.
            let sql = format!("SELECT t::text FROM \"{table}\" t ORDER BY 1");
            let rows = sqlx::query_scalar(&sql).fetch_all(&mut c).await.unwrap();
            out.insert(table, rows);
        }
    }
    out
}

/// Runs one statement on the test's database, for what no route may do
/// (ageing a comment or a session).
pub async fn execute(database_url: &str, sql: &str) {
    if database_url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(database_url).await.unwrap();
        sqlx::query(sql).execute(&mut c).await.unwrap();
    } else {
        let mut c = sqlx::PgConnection::connect(database_url).await.unwrap();
        sqlx::query(sql).execute(&mut c).await.unwrap();
    }
}

/// Lines of the dump that differ, for a readable failure.
pub fn diff(before: &Dump, after: &Dump) -> Vec<String> {
    let mut out = Vec::new();
    for (table, rows) in after {
        let old = before.get(table).cloned().unwrap_or_default();
        out.extend(
            rows.iter()
                .filter(|r| !old.contains(r))
                .map(|r| format!("+ {table}: {r}")),
        );
        out.extend(
            old.iter()
                .filter(|r| !rows.contains(r))
                .map(|r| format!("- {table}: {r}")),
        );
    }
    out
}

/// One number from the test's database, e.g. a count or a depth.
pub async fn fetch_i64(database_url: &str, sql: &str) -> i64 {
    if database_url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(database_url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
    } else {
        let mut c = sqlx::PgConnection::connect(database_url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
    }
}

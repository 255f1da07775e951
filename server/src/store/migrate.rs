//! What `confab migrate` copies: every table, column by column, in an
//! order where each row's references come before it. Both backends share
//! one schema (`migrations/`), so a row read from one binds into the other
//! as it is; only the identities differ, and `MigrateTx::reseed` moves them.

use std::{collections::HashMap, sync::OnceLock};

use async_trait::async_trait;
use futures::stream::BoxStream;

/// How a column is read and bound: NULL binds as its column's type, which
/// PostgreSQL insists on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
    Bool,
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
}

/// A table as the copy sees it.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
    /// `ORDER BY` of the dump: a reply after the comment it answers.
    pub order: &'static str,
    /// Whether `id` is an identity, whose next value must pass the copied
    /// ids (and, for moderators, every id ever given: a removed
    /// moderator's id is never reused, see the first migration).
    pub identity: bool,
}

impl Table {
    /// The column names, comma-separated.
    pub fn column_list(&self) -> String {
        let names: Vec<&str> = self.columns.iter().map(|(name, _)| *name).collect();
        names.join(", ")
    }

    /// The dump's query. It lives as long as the tables, since a row
    /// stream borrows its query for as long as it runs.
    pub fn select(&self) -> &'static str {
        static SELECTS: OnceLock<HashMap<&'static str, String>> = OnceLock::new();
        let selects = SELECTS.get_or_init(|| {
            TABLES
                .iter()
                .map(|t| {
                    let sql = format!(
                        "SELECT {} FROM {} ORDER BY {}",
                        t.column_list(),
                        t.name,
                        t.order
                    );
                    (t.name, sql)
                })
                .collect()
        });
        selects[self.name].as_str()
    }
}

use Kind::{Bool, Int, Text};

/// Every table, parents first.
pub const TABLES: &[Table] = &[
    Table {
        name: "sites",
        columns: &[
            ("id", Int),
            ("slug", Text),
            ("name", Text),
            ("moderation", Text),
            ("settings", Text),
            ("created", Int),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "site_origins",
        columns: &[("site_id", Int), ("origin", Text)],
        order: "site_id, origin",
        identity: false,
    },
    Table {
        name: "pages",
        columns: &[
            ("id", Int),
            ("site_id", Int),
            ("key", Text),
            ("title", Text),
            ("url", Text),
            ("locked", Bool),
            ("created", Int),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "comments",
        columns: &[
            ("id", Int),
            ("page_id", Int),
            ("parent_id", Int),
            ("depth", Int),
            ("author", Text),
            ("email", Text),
            ("website", Text),
            ("avatar", Text),
            ("source", Text),
            ("html", Text),
            ("status", Text),
            ("created", Int),
            ("edited", Int),
            ("score", Int),
            ("pinned", Bool),
            ("notify", Bool),
            ("edit_token_hash", Text),
            ("ip_hash", Text),
            ("voter_hash", Text),
            ("held_reason", Text),
            ("trained", Text),
            ("source_hash", Int),
        ],
        // A parent is always shallower than its replies, whatever the ids
        // (an import may keep ids of its own).
        order: "depth, id",
        identity: true,
    },
    Table {
        name: "votes",
        columns: &[
            ("comment_id", Int),
            ("voter_hash", Text),
            ("value", Int),
            ("ip_hash", Text),
        ],
        order: "comment_id, voter_hash",
        identity: false,
    },
    Table {
        name: "ip_salts",
        columns: &[("day", Int), ("salt", Text)],
        order: "day",
        identity: false,
    },
    Table {
        name: "moderators",
        columns: &[
            ("id", Int),
            ("email", Text),
            ("password_hash", Text),
            ("created", Int),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "moderator_sites",
        columns: &[("moderator_id", Int), ("site_id", Int)],
        order: "moderator_id, site_id",
        identity: false,
    },
    Table {
        name: "setup_tokens",
        columns: &[
            ("token_hash", Text),
            ("moderator_id", Int),
            ("expires", Int),
        ],
        order: "token_hash",
        identity: false,
    },
    Table {
        name: "sessions",
        columns: &[
            ("token_hash", Text),
            ("moderator_id", Int),
            ("csrf", Text),
            ("created", Int),
            ("last_seen", Int),
        ],
        order: "token_hash",
        identity: false,
    },
    Table {
        name: "bans",
        columns: &[
            ("id", Int),
            ("site_id", Int),
            ("kind", Text),
            ("value", Text),
            ("reason", Text),
            ("expires", Int),
            ("created", Int),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "audit_log",
        columns: &[
            ("id", Int),
            ("site_id", Int),
            ("moderator_id", Int),
            ("moderator", Text),
            ("action", Text),
            ("target", Text),
            ("before_json", Text),
            ("after_json", Text),
            ("created", Int),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "spam_docs",
        columns: &[("site_id", Int), ("spam", Int), ("ham", Int)],
        order: "site_id",
        identity: false,
    },
    Table {
        name: "spam_tokens",
        columns: &[
            ("site_id", Int),
            ("token", Text),
            ("spam", Int),
            ("ham", Int),
        ],
        order: "site_id, token",
        identity: false,
    },
    Table {
        name: "secrets",
        columns: &[("name", Text), ("value", Text)],
        order: "name",
        identity: false,
    },
    Table {
        name: "imported",
        columns: &[
            ("site_id", Int),
            ("format", Text),
            ("source_id", Text),
            ("comment_id", Int),
        ],
        order: "site_id, format, source_id",
        identity: false,
    },
];

/// Reading a whole database out, and writing one in.
#[async_trait]
pub trait Migrate: Send + Sync {
    /// The rows of `table`, in its order, as they are read.
    fn dump(&self, table: &'static Table) -> BoxStream<'_, anyhow::Result<Vec<Value>>>;
    async fn count(&self, table: &Table) -> anyhow::Result<i64>;
    /// The highest id `table` has given, even to rows since removed.
    async fn high_water(&self, table: &Table) -> anyhow::Result<i64>;
    /// Starts the one transaction the copy is written in.
    async fn begin_migrate(&self) -> anyhow::Result<Box<dyn MigrateTx>>;
}

/// The copy's transaction: nothing is kept unless it commits.
#[async_trait]
pub trait MigrateTx: Send {
    /// Inserts `rows` of `table`, each as `dump` gave it.
    async fn insert(&mut self, table: &Table, rows: &[Vec<Value>]) -> anyhow::Result<()>;
    /// The rows of `table` so far, inside the transaction.
    async fn count(&mut self, table: &Table) -> anyhow::Result<i64>;
    /// Makes the next id of `table` pass `high_water`.
    async fn reseed(&mut self, table: &Table, high_water: i64) -> anyhow::Result<()>;
    async fn commit(self: Box<Self>) -> anyhow::Result<()>;
}

//! The `Migrate` implementation both backends share, in the manner of
//! `sql.rs`. The table and column names come from `migrate::TABLES`, never
//! from input, so they are written into the SQL; values are bound.
//! `$high_water` and `$reseed` are each backend's own SQL for identities:
//! `$1` the table's name, and for `$reseed`, `$2` the id to pass.

macro_rules! migrate_store {
    ($store:ty, $db:ty, $tx:ident, $high_water:expr, $reseed:expr) => {
        #[async_trait::async_trait]
        impl $crate::store::migrate::Migrate for $store {
            fn dump(
                &self,
                table: &'static $crate::store::migrate::Table,
            ) -> futures::stream::BoxStream<'_, anyhow::Result<Vec<$crate::store::migrate::Value>>>
            {
                use futures::{StreamExt, TryStreamExt};
                use sqlx::Row;
                sqlx::query(table.select())
                    .fetch(&self.read)
                    .map_err(anyhow::Error::from)
                    .and_then(move |row| async move {
                        use $crate::store::migrate::{Kind, Value};
                        let mut values = Vec::with_capacity(table.columns.len());
                        for (i, (_, kind)) in table.columns.iter().enumerate() {
                            values.push(match kind {
                                Kind::Int => row
                                    .try_get::<Option<i64>, _>(i)?
                                    .map_or(Value::Null, Value::Int),
                                Kind::Text => row
                                    .try_get::<Option<String>, _>(i)?
                                    .map_or(Value::Null, Value::Text),
                                Kind::Bool => row
                                    .try_get::<Option<bool>, _>(i)?
                                    .map_or(Value::Null, Value::Bool),
                            });
                        }
                        Ok(values)
                    })
                    .boxed()
            }

            async fn count(&self, table: &$crate::store::migrate::Table) -> anyhow::Result<i64> {
                let sql = format!("SELECT COUNT(*) FROM {}", table.name);
                let (n,): (i64,) = sqlx::query_as(&sql).fetch_one(&self.read).await?;
                Ok(n)
            }

            async fn high_water(
                &self,
                table: &$crate::store::migrate::Table,
            ) -> anyhow::Result<i64> {
                let max = format!("SELECT COALESCE(MAX(id), 0) FROM {}", table.name);
                let (max,): (i64,) = sqlx::query_as(&max).fetch_one(&self.read).await?;
                let (given,): (i64,) = sqlx::query_as($high_water)
                    .bind(table.name)
                    .fetch_one(&self.read)
                    .await?;
                Ok(max.max(given))
            }

            async fn begin_migrate(
                &self,
            ) -> anyhow::Result<Box<dyn $crate::store::migrate::MigrateTx>> {
                Ok(Box::new($tx(self.write.begin().await?)))
            }
        }

        pub(super) struct $tx(sqlx::Transaction<'static, $db>);

        #[async_trait::async_trait]
        impl $crate::store::migrate::MigrateTx for $tx {
            async fn insert(
                &mut self,
                table: &$crate::store::migrate::Table,
                rows: &[Vec<$crate::store::migrate::Value>],
            ) -> anyhow::Result<()> {
                use $crate::store::migrate::{Kind, Value};
                if rows.is_empty() {
                    return Ok(());
                }
                let head = format!("INSERT INTO {} ({}) ", table.name, table.column_list());
                let mut insert = sqlx::QueryBuilder::<$db>::new(head);
                insert.push_values(rows, |mut b, row| {
                    for ((_, kind), value) in table.columns.iter().zip(row) {
                        match (value, kind) {
                            (Value::Int(v), _) => b.push_bind(*v),
                            (Value::Text(v), _) => b.push_bind(v.clone()),
                            (Value::Bool(v), _) => b.push_bind(*v),
                            (Value::Null, Kind::Int) => b.push_bind(None::<i64>),
                            (Value::Null, Kind::Text) => b.push_bind(None::<String>),
                            (Value::Null, Kind::Bool) => b.push_bind(None::<bool>),
                        };
                    }
                });
                insert.build().execute(&mut *self.0).await?;
                Ok(())
            }

            async fn count(
                &mut self,
                table: &$crate::store::migrate::Table,
            ) -> anyhow::Result<i64> {
                let sql = format!("SELECT COUNT(*) FROM {}", table.name);
                let (n,): (i64,) = sqlx::query_as(&sql).fetch_one(&mut *self.0).await?;
                Ok(n)
            }

            async fn reseed(
                &mut self,
                table: &$crate::store::migrate::Table,
                high_water: i64,
            ) -> anyhow::Result<()> {
                for sql in $reseed {
                    sqlx::query(sql)
                        .bind(table.name)
                        .bind(high_water)
                        .execute(&mut *self.0)
                        .await?;
                }
                Ok(())
            }

            async fn commit(self: Box<Self>) -> anyhow::Result<()> {
                self.0.commit().await?;
                Ok(())
            }
        }
    };
}

pub(super) use migrate_store;

//! The `Secrets` implementation both backends share, in the manner of
//! `sql.rs`.

macro_rules! secrets_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::Secrets for $store {
            async fn daily_salt(&self, day: i64) -> anyhow::Result<String> {
                if let Some(salt) = self.salt.get(day) {
                    return Ok(salt);
                }
                let select = "SELECT salt FROM ip_salts WHERE day = $1";
                let found: Option<(String,)> = sqlx::query_as(select)
                    .bind(day)
                    .fetch_optional(&self.read)
                    .await?;
                if let Some((salt,)) = found {
                    self.salt.put(day, &salt);
                    return Ok(salt);
                }
                let mut tx = self.write.begin().await?;
                sqlx::query(
                    "INSERT INTO ip_salts (day, salt) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                )
                .bind(day)
                .bind($crate::domain::secrets::new_salt())
                .execute(&mut *tx)
                .await?;
                // Yesterday's salt goes too: hashes older than a day are
                // then unlinkable to anyone, including us.
                sqlx::query("DELETE FROM ip_salts WHERE day < $1")
                    .bind(day)
                    .execute(&mut *tx)
                    .await?;
                let (salt,): (String,) =
                    sqlx::query_as(select).bind(day).fetch_one(&mut *tx).await?;
                tx.commit().await?;
                self.salt.put(day, &salt);
                Ok(salt)
            }

            async fn secret_or_insert(
                &self,
                name: &str,
                fresh: &str,
            ) -> anyhow::Result<(String, bool)> {
                // Two instances starting at once race here: ON CONFLICT makes
                // the first insert win and both read the winner.
                let inserted = sqlx::query(
                    "INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                )
                .bind(name)
                .bind(fresh)
                .execute(&self.write)
                .await?
                .rows_affected()
                    > 0;
                let (value,): (String,) =
                    sqlx::query_as("SELECT value FROM secrets WHERE name = $1")
                        .bind(name)
                        .fetch_one(&self.write)
                        .await?;
                Ok((value, inserted))
            }
        }
    };
}

pub(super) use secrets_store;

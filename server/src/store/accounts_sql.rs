//! The `Accounts` implementation both backends share, in the manner of
//! `sql.rs`: one SQL text, instantiated per backend by a macro.

macro_rules! accounts_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::Accounts for $store {
            async fn add_moderator(
                &self,
                email: &str,
                password_hash: Option<&str>,
                site_ids: &[i64],
            ) -> anyhow::Result<$crate::store::Moderator> {
                let mut tx = self.write.begin().await?;
                let moderator: $crate::store::Moderator = sqlx::query_as(
                    "INSERT INTO moderators (email, password_hash, created) VALUES ($1, $2, $3)
                     ON CONFLICT (email) DO UPDATE
                     SET password_hash = COALESCE(moderators.password_hash, excluded.password_hash)
                     RETURNING id, email, password_hash",
                )
                .bind(email)
                .bind(password_hash)
                .bind($crate::store::now_ms())
                .fetch_one(&mut *tx)
                .await?;
                for site in site_ids {
                    sqlx::query(
                        "INSERT INTO moderator_sites (moderator_id, site_id) VALUES ($1, $2)
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(moderator.id)
                    .bind(site)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(moderator)
            }

            async fn moderator_by_email(
                &self,
                email: &str,
            ) -> anyhow::Result<Option<$crate::store::Moderator>> {
                Ok(sqlx::query_as(
                    "SELECT id, email, password_hash FROM moderators WHERE email = $1",
                )
                .bind(email)
                .fetch_optional(&self.read)
                .await?)
            }

            async fn moderator(&self, id: i64) -> anyhow::Result<Option<$crate::store::Moderator>> {
                Ok(
                    sqlx::query_as("SELECT id, email, password_hash FROM moderators WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.read)
                        .await?,
                )
            }

            async fn moderators(
                &self,
            ) -> anyhow::Result<Vec<($crate::store::Moderator, Vec<String>)>> {
                let all: Vec<$crate::store::Moderator> = sqlx::query_as(
                    "SELECT id, email, password_hash FROM moderators ORDER BY email",
                )
                .fetch_all(&self.read)
                .await?;
                let mut out = Vec::with_capacity(all.len());
                for m in all {
                    let slugs: Vec<(String,)> = sqlx::query_as(
                        "SELECT s.slug FROM moderator_sites ms JOIN sites s ON s.id = ms.site_id
                         WHERE ms.moderator_id = $1 ORDER BY s.slug",
                    )
                    .bind(m.id)
                    .fetch_all(&self.read)
                    .await?;
                    out.push((m, slugs.into_iter().map(|(s,)| s).collect()));
                }
                Ok(out)
            }

            async fn remove_moderator(&self, email: &str) -> anyhow::Result<bool> {
                // Sessions, sites and setup tokens go by ON DELETE CASCADE.
                let done = sqlx::query("DELETE FROM moderators WHERE email = $1")
                    .bind(email)
                    .execute(&self.write)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn moderator_site_ids(&self, moderator_id: i64) -> anyhow::Result<Vec<i64>> {
                let rows: Vec<(i64,)> = sqlx::query_as(
                    "SELECT site_id FROM moderator_sites WHERE moderator_id = $1 ORDER BY site_id",
                )
                .bind(moderator_id)
                .fetch_all(&self.read)
                .await?;
                Ok(rows.into_iter().map(|(id,)| id).collect())
            }

            async fn moderators_of_site(
                &self,
                site_id: i64,
            ) -> anyhow::Result<Vec<$crate::store::Moderator>> {
                Ok(sqlx::query_as(
                    "SELECT m.id, m.email, m.password_hash FROM moderators m
                     JOIN moderator_sites ms ON ms.moderator_id = m.id
                     WHERE ms.site_id = $1 ORDER BY m.email",
                )
                .bind(site_id)
                .fetch_all(&self.read)
                .await?)
            }

            async fn set_password(&self, moderator_id: i64, hash: &str) -> anyhow::Result<()> {
                let mut tx = self.write.begin().await?;
                sqlx::query("UPDATE moderators SET password_hash = $2 WHERE id = $1")
                    .bind(moderator_id)
                    .bind(hash)
                    .execute(&mut *tx)
                    .await?;
                end_sessions_and_links(&mut tx, moderator_id).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn reset_password(&self, moderator_id: i64) -> anyhow::Result<()> {
                let mut tx = self.write.begin().await?;
                sqlx::query("UPDATE moderators SET password_hash = NULL WHERE id = $1")
                    .bind(moderator_id)
                    .execute(&mut *tx)
                    .await?;
                end_sessions_and_links(&mut tx, moderator_id).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn remove_moderator_sites(
                &self,
                moderator_id: i64,
                site_ids: &[i64],
            ) -> anyhow::Result<()> {
                let mut tx = self.write.begin().await?;
                for site in site_ids {
                    sqlx::query(
                        "DELETE FROM moderator_sites WHERE moderator_id = $1 AND site_id = $2",
                    )
                    .bind(moderator_id)
                    .bind(site)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn add_setup_token(
                &self,
                token_hash: &str,
                moderator_id: i64,
                expires: i64,
            ) -> anyhow::Result<()> {
                sqlx::query(
                    "INSERT INTO setup_tokens (token_hash, moderator_id, expires) VALUES ($1, $2, $3)",
                )
                .bind(token_hash)
                .bind(moderator_id)
                .bind(expires)
                .execute(&self.write)
                .await?;
                Ok(())
            }

            async fn setup_token(
                &self,
                token_hash: &str,
                now_ms: i64,
            ) -> anyhow::Result<Option<i64>> {
                // Only a moderator without a password has a live link: one
                // that outlived its password (made before links were
                // deleted with it) must not reset an active account.
                let row: Option<(i64,)> = sqlx::query_as(
                    "SELECT t.moderator_id FROM setup_tokens t
                     JOIN moderators m ON m.id = t.moderator_id
                     WHERE t.token_hash = $1 AND t.expires > $2 AND m.password_hash IS NULL",
                )
                .bind(token_hash)
                .bind(now_ms)
                .fetch_optional(&self.read)
                .await?;
                Ok(row.map(|(id,)| id))
            }

            async fn redeem_setup_token(
                &self,
                token_hash: &str,
                password_hash: &str,
                now_ms: i64,
            ) -> anyhow::Result<Option<i64>> {
                let mut tx = self.write.begin().await?;
                let row: Option<(i64, i64)> = sqlx::query_as(
                    "DELETE FROM setup_tokens WHERE token_hash = $1 RETURNING moderator_id, expires",
                )
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((id, _)) = row.filter(|(_, expires)| *expires > now_ms) else {
                    tx.commit().await?;
                    return Ok(None);
                };
                // A first password only: of two links racing, one wins.
                let set = sqlx::query(
                    "UPDATE moderators SET password_hash = $2 WHERE id = $1 AND password_hash IS NULL",
                )
                .bind(id)
                .bind(password_hash)
                .execute(&mut *tx)
                .await?;
                if set.rows_affected() == 0 {
                    tx.commit().await?;
                    return Ok(None);
                }
                end_sessions_and_links(&mut tx, id).await?;
                tx.commit().await?;
                Ok(Some(id))
            }

            async fn add_session(
                &self,
                token_hash: &str,
                moderator_id: i64,
                csrf: &str,
                now_ms: i64,
            ) -> anyhow::Result<()> {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, moderator_id, csrf, created, last_seen)
                     VALUES ($1, $2, $3, $4, $4)",
                )
                .bind(token_hash)
                .bind(moderator_id)
                .bind(csrf)
                .bind(now_ms)
                .execute(&self.write)
                .await?;
                Ok(())
            }

            async fn session(
                &self,
                token_hash: &str,
                idle_since: i64,
            ) -> anyhow::Result<Option<$crate::store::SessionRow>> {
                Ok(sqlx::query_as(
                    "SELECT s.moderator_id, m.email, s.csrf, s.last_seen
                     FROM sessions s JOIN moderators m ON m.id = s.moderator_id
                     WHERE s.token_hash = $1 AND s.last_seen > $2",
                )
                .bind(token_hash)
                .bind(idle_since)
                .fetch_optional(&self.read)
                .await?)
            }

            async fn touch_session(&self, token_hash: &str, now_ms: i64) -> anyhow::Result<()> {
                sqlx::query("UPDATE sessions SET last_seen = $2 WHERE token_hash = $1")
                    .bind(token_hash)
                    .bind(now_ms)
                    .execute(&self.write)
                    .await?;
                Ok(())
            }

            async fn remove_session(&self, token_hash: &str) -> anyhow::Result<()> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.write)
                    .await?;
                Ok(())
            }
        }

        /// What a new (or no) password ends: every session, since a new
        /// password is often a response to a leak, and every other setup
        /// link, so that an older link cannot take the account back.
        async fn end_sessions_and_links(
            tx: &mut sqlx::Transaction<'_, $db>,
            moderator_id: i64,
        ) -> anyhow::Result<()> {
            for sql in [
                "DELETE FROM sessions WHERE moderator_id = $1",
                "DELETE FROM setup_tokens WHERE moderator_id = $1",
            ] {
                sqlx::query(sql).bind(moderator_id).execute(&mut **tx).await?;
            }
            Ok(())
        }
    };
}

pub(super) use accounts_store;

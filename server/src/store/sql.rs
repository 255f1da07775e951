//! The `Store` implementation both backends share. sqlx accepts `$1`-style
//! parameters on SQLite too, and both databases speak `ON CONFLICT` and
//! `RETURNING`, so one text serves both. A macro instantiates it per backend
//! because sqlx's generic executor bounds would drown the logic; each
//! backend provides `self.read` and `self.write` pools.

macro_rules! shared_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            async fn ping(&self) -> anyhow::Result<()> {
                sqlx::query("SELECT 1").execute(&self.read).await?;
                Ok(())
            }

            async fn upsert_site(
                &self,
                spec: &$crate::store::SiteSpec,
            ) -> anyhow::Result<$crate::store::Site> {
                let mut tx = self.write.begin().await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO sites (slug, name, moderation, created) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (slug) DO UPDATE
                     SET name = excluded.name, moderation = excluded.moderation
                     RETURNING id",
                )
                .bind(&spec.slug)
                .bind(&spec.name)
                .bind(spec.moderation.as_str())
                .bind($crate::store::rows::now_ms())
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM site_origins WHERE site_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                for origin in &spec.origins {
                    sqlx::query(
                        "INSERT INTO site_origins (site_id, origin) VALUES ($1, $2)
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(id)
                    .bind(origin)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                self.sites.forget();
                self.site(&spec.slug)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("site vanished after upsert"))
            }

            async fn site(&self, slug: &str) -> anyhow::Result<Option<$crate::store::Site>> {
                let generation = match self.sites.site(slug) {
                    Ok(site) => return Ok(Some(site)),
                    Err(generation) => generation,
                };
                let row: Option<$crate::store::rows::SiteRow> = sqlx::query_as(
                    "SELECT id, slug, name, moderation, settings FROM sites WHERE slug = $1",
                )
                .bind(slug)
                .fetch_optional(&self.read)
                .await?;
                let Some(row) = row else { return Ok(None) };
                let site = self.with_origins(row).await?;
                self.sites.put_site(generation, &site);
                Ok(Some(site))
            }

            fn forget_sites(&self) {
                self.sites.forget();
            }

            async fn sites(&self) -> anyhow::Result<Vec<$crate::store::Site>> {
                let rows: Vec<$crate::store::rows::SiteRow> = sqlx::query_as(
                    "SELECT id, slug, name, moderation, settings FROM sites ORDER BY slug",
                )
                .fetch_all(&self.read)
                .await?;
                let mut sites = Vec::with_capacity(rows.len());
                for row in rows {
                    sites.push(self.with_origins(row).await?);
                }
                Ok(sites)
            }

            async fn origin_known(&self, origin: &str) -> anyhow::Result<bool> {
                let all = match self.sites.origins() {
                    Ok(all) => all,
                    Err(generation) => {
                        let rows: Vec<(String,)> =
                            sqlx::query_as("SELECT DISTINCT origin FROM site_origins")
                                .fetch_all(&self.read)
                                .await?;
                        let all: std::sync::Arc<std::collections::HashSet<String>> =
                            std::sync::Arc::new(rows.into_iter().map(|(o,)| o).collect());
                        self.sites.put_origins(generation, all.clone());
                        all
                    }
                };
                Ok(all.contains(origin))
            }

            async fn page(
                &self,
                site_id: i64,
                key: &str,
            ) -> anyhow::Result<Option<$crate::store::Page>> {
                Ok(sqlx::query_as(
                    "SELECT id, key, title, url, locked FROM pages
                     WHERE site_id = $1 AND key = $2",
                )
                .bind(site_id)
                .bind(key)
                .fetch_optional(&self.read)
                .await?)
            }

            async fn set_page_locked(
                &self,
                site_id: i64,
                key: &str,
                locked: bool,
            ) -> anyhow::Result<()> {
                sqlx::query(
                    "INSERT INTO pages (site_id, key, locked, created) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (site_id, key) DO UPDATE SET locked = excluded.locked",
                )
                .bind(site_id)
                .bind(key)
                .bind(locked)
                .bind($crate::store::rows::now_ms())
                .execute(&self.write)
                .await?;
                Ok(())
            }

            async fn thread_rows(
                &self,
                page_id: i64,
            ) -> anyhow::Result<Vec<$crate::store::CommentRow>> {
                let sql = format!(
                    "SELECT {} FROM comments
                     WHERE page_id = $1 AND status IN ('approved', 'deleted') ORDER BY id",
                    $crate::store::rows::COMMENT_COLUMNS
                );
                Ok(sqlx::query_as(&sql)
                    .bind(page_id)
                    .fetch_all(&self.read)
                    .await?)
            }

            async fn counts(
                &self,
                site_id: i64,
                keys: &[String],
            ) -> anyhow::Result<Vec<(String, i64)>> {
                if keys.is_empty() {
                    return Ok(Vec::new());
                }
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "SELECT p.key, COUNT(c.id) FROM pages p
                     JOIN comments c ON c.page_id = p.id AND c.status = 'approved'
                     WHERE p.site_id = ",
                );
                q.push_bind(site_id).push(" AND p.key IN (");
                let mut list = q.separated(", ");
                for key in keys {
                    list.push_bind(key);
                }
                q.push(") GROUP BY p.key");
                Ok(q.build_query_as().fetch_all(&self.read).await?)
            }

            async fn create_comment(
                &self,
                new: &$crate::store::NewCommentRow,
            ) -> anyhow::Result<$crate::store::Created> {
                self.comments.create(new).await
            }

            async fn comment_meta(
                &self,
                id: i64,
            ) -> anyhow::Result<Option<$crate::store::CommentMeta>> {
                Ok(sqlx::query_as(
                    "SELECT c.id, s.slug AS site, p.key AS page, c.status, c.created,
                            c.edit_token_hash, c.voter_hash
                     FROM comments c
                     JOIN pages p ON p.id = c.page_id
                     JOIN sites s ON s.id = p.site_id
                     WHERE c.id = $1",
                )
                .bind(id)
                .fetch_optional(&self.read)
                .await?)
            }

            async fn edit_comment(
                &self,
                id: i64,
                source: &str,
                html: &str,
                now_ms: i64,
            ) -> anyhow::Result<Option<$crate::store::CommentRow>> {
                let sql = format!(
                    "UPDATE comments SET source = $2, html = $3, edited = $4, source_hash = $5
                     WHERE id = $1 AND status <> 'deleted' RETURNING {}",
                    $crate::store::rows::COMMENT_COLUMNS
                );
                Ok(sqlx::query_as(&sql)
                    .bind(id)
                    .bind(source)
                    .bind(html)
                    .bind(now_ms)
                    .bind($crate::store::write_sql::source_hash(source))
                    .fetch_optional(&self.write)
                    .await?)
            }

            async fn delete_comment(&self, id: i64) -> anyhow::Result<bool> {
                let done = sqlx::query(
                    "UPDATE comments SET status = 'deleted', author = '', email = NULL,
                         website = NULL, source = '', html = '', notify = FALSE
                     WHERE id = $1 AND status <> 'deleted'",
                )
                .bind(id)
                .execute(&self.write)
                .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn set_status(
                &self,
                id: i64,
                status: confab_api::CommentStatus,
            ) -> anyhow::Result<()> {
                sqlx::query("UPDATE comments SET status = $2 WHERE id = $1")
                    .bind(id)
                    .bind(status.as_str())
                    .execute(&self.write)
                    .await?;
                Ok(())
            }

            async fn set_pinned(&self, id: i64, pinned: bool) -> anyhow::Result<()> {
                sqlx::query("UPDATE comments SET pinned = $2 WHERE id = $1")
                    .bind(id)
                    .bind(pinned)
                    .execute(&self.write)
                    .await?;
                Ok(())
            }

            async fn has_approved(&self, site_id: i64, voter_hash: &str) -> anyhow::Result<bool> {
                let (found,): (bool,) = sqlx::query_as(
                    "SELECT EXISTS (SELECT 1 FROM comments c JOIN pages p ON p.id = c.page_id
                     WHERE p.site_id = $1 AND c.voter_hash = $2 AND c.status = 'approved')",
                )
                .bind(site_id)
                .bind(voter_hash)
                .fetch_one(&self.read)
                .await?;
                Ok(found)
            }

            async fn vote(
                &self,
                comment_id: i64,
                voter_hash: &str,
                value: i64,
            ) -> anyhow::Result<i64> {
                let mut tx = self.write.begin().await?;
                // A no-op write takes the comment's row lock first, so two
                // votes on one comment queue up instead of racing.
                sqlx::query("UPDATE comments SET score = score WHERE id = $1")
                    .bind(comment_id)
                    .execute(&mut *tx)
                    .await?;
                let old: Option<(i64,)> = sqlx::query_as(
                    "DELETE FROM votes WHERE comment_id = $1 AND voter_hash = $2 RETURNING value",
                )
                .bind(comment_id)
                .bind(voter_hash)
                .fetch_optional(&mut *tx)
                .await?;
                if value != 0 {
                    sqlx::query(
                        "INSERT INTO votes (comment_id, voter_hash, value) VALUES ($1, $2, $3)",
                    )
                    .bind(comment_id)
                    .bind(voter_hash)
                    .bind(value)
                    .execute(&mut *tx)
                    .await?;
                }
                let delta = value - old.map_or(0, |(v,)| v);
                let (score,): (i64,) = sqlx::query_as(
                    "UPDATE comments SET score = score + $2 WHERE id = $1 RETURNING score",
                )
                .bind(comment_id)
                .bind(delta)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(score)
            }
        }

        impl $store {
            async fn with_origins(
                &self,
                row: $crate::store::rows::SiteRow,
            ) -> anyhow::Result<$crate::store::Site> {
                let origins: Vec<(String,)> = sqlx::query_as(
                    "SELECT origin FROM site_origins WHERE site_id = $1 ORDER BY origin",
                )
                .bind(row.id)
                .fetch_all(&self.read)
                .await?;
                Ok(row.into_site(origins.into_iter().map(|(o,)| o).collect()))
            }
        }
    };
}

pub(super) use shared_store;

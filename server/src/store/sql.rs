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
                self.site(&spec.slug)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("site vanished after upsert"))
            }

            async fn site(&self, slug: &str) -> anyhow::Result<Option<$crate::store::Site>> {
                let row: Option<$crate::store::rows::SiteRow> = sqlx::query_as(
                    "SELECT id, slug, name, moderation, settings FROM sites WHERE slug = $1",
                )
                .bind(slug)
                .fetch_optional(&self.read)
                .await?;
                match row {
                    Some(row) => Ok(Some(self.with_origins(row).await?)),
                    None => Ok(None),
                }
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
                let (known,): (bool,) =
                    sqlx::query_as("SELECT EXISTS (SELECT 1 FROM site_origins WHERE origin = $1)")
                        .bind(origin)
                        .fetch_one(&self.read)
                        .await?;
                Ok(known)
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
                use $crate::store::{rows::ParentRow, Created};
                let mut tx = self.write.begin().await?;
                // Keep the first title and URL seen: a later commenter must
                // not be able to rename someone else's page.
                let (page_id, locked): (i64, bool) = sqlx::query_as(
                    "INSERT INTO pages (site_id, key, title, url, created)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (site_id, key) DO UPDATE
                     SET title = COALESCE(pages.title, excluded.title),
                         url = COALESCE(pages.url, excluded.url)
                     RETURNING id, locked",
                )
                .bind(new.site_id)
                .bind(&new.page)
                .bind(&new.title)
                .bind(&new.url)
                .bind(new.now_ms)
                .fetch_one(&mut *tx)
                .await?;
                if locked {
                    return Ok(Created::PageLocked);
                }
                let parent_sql = "SELECT id, page_id, parent_id, depth, status
                                  FROM comments WHERE id = $1";
                let (parent, depth) = match new.parent {
                    None => (None, 0),
                    Some(id) => {
                        let found: Option<ParentRow> = sqlx::query_as(parent_sql)
                            .bind(id)
                            .fetch_optional(&mut *tx)
                            .await?;
                        let Some(mut p) =
                            found.filter(|p| p.page_id == page_id && p.status == "approved")
                        else {
                            return Ok(Created::ParentNotFound);
                        };
                        // Too deep: attach beside the parent instead, at the cap.
                        while p.depth >= new.max_depth {
                            let Some(up) = p.parent_id else { break };
                            p = sqlx::query_as(parent_sql)
                                .bind(up)
                                .fetch_one(&mut *tx)
                                .await?;
                        }
                        (Some(p.id), p.depth + 1)
                    }
                };
                let sql = format!(
                    "INSERT INTO comments (page_id, parent_id, depth, author, email, website,
                         avatar, source, html, status, created, notify, edit_token_hash,
                         ip_hash, voter_hash, held_reason)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                     RETURNING {}",
                    $crate::store::rows::COMMENT_COLUMNS
                );
                let row = sqlx::query_as(&sql)
                    .bind(page_id)
                    .bind(parent)
                    .bind(depth)
                    .bind(&new.author)
                    .bind(&new.email)
                    .bind(&new.website)
                    .bind(&new.avatar)
                    .bind(&new.source)
                    .bind(&new.html)
                    .bind(new.status.as_str())
                    .bind(new.now_ms)
                    .bind(new.notify)
                    .bind(&new.edit_token_hash)
                    .bind(&new.ip_hash)
                    .bind(&new.voter_hash)
                    .bind(&new.held_reason)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Created::Comment(row))
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
                    "UPDATE comments SET source = $2, html = $3, edited = $4
                     WHERE id = $1 AND status <> 'deleted' RETURNING {}",
                    $crate::store::rows::COMMENT_COLUMNS
                );
                Ok(sqlx::query_as(&sql)
                    .bind(id)
                    .bind(source)
                    .bind(html)
                    .bind(now_ms)
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

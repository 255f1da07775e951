//! The `Transfer` implementation both backends share, in the manner of
//! `sql.rs`. `$reseed` is what a backend runs after comments were inserted
//! with ids of their own: PostgreSQL's identity must move past them.

macro_rules! transfer_store {
    ($store:ty, $db:ty, $tx:ident, $reseed:expr) => {
        #[async_trait::async_trait]
        impl $crate::store::Transfer for $store {
            async fn begin_import(&self) -> anyhow::Result<Box<dyn $crate::store::ImportTx>> {
                Ok(Box::new($tx(self.write.begin().await?, false)))
            }

            async fn export_pages(&self, site_id: i64) -> anyhow::Result<Vec<$crate::store::Page>> {
                Ok(sqlx::query_as(
                    "SELECT id, key, title, url, locked FROM pages
                     WHERE site_id = $1 ORDER BY key",
                )
                .bind(site_id)
                .fetch_all(&self.read)
                .await?)
            }

            fn export_comments(
                &self,
                site_id: i64,
            ) -> futures::stream::BoxStream<'_, anyhow::Result<$crate::store::ExportRow>> {
                use futures::StreamExt;
                sqlx::query_as(
                    "SELECT c.id, p.key AS page, c.parent_id, c.status, c.author, c.email,
                         c.website, c.source, c.html, c.score, c.created, c.edited, c.pinned
                     FROM comments c JOIN pages p ON p.id = c.page_id
                     WHERE p.site_id = $1 ORDER BY c.id",
                )
                .bind(site_id)
                .fetch(&self.read)
                .map(|row| row.map_err(anyhow::Error::from))
                .boxed()
            }
        }

        /// An import's transaction; the flag says whether a comment kept
        /// its own id, so the identity must be moved past it.
        pub(super) struct $tx(sqlx::Transaction<'static, $db>, bool);

        #[async_trait::async_trait]
        impl $crate::store::ImportTx for $tx {
            async fn create_site(
                &mut self,
                spec: &$crate::store::SiteSpec,
                settings: &str,
            ) -> anyhow::Result<i64> {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO sites (slug, name, moderation, settings, created)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(&spec.slug)
                .bind(&spec.name)
                .bind(spec.moderation.as_str())
                .bind(settings)
                .bind($crate::store::rows::now_ms())
                .fetch_one(&mut *self.0)
                .await?;
                for origin in &spec.origins {
                    sqlx::query(
                        "INSERT INTO site_origins (site_id, origin) VALUES ($1, $2)
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(id)
                    .bind(origin)
                    .execute(&mut *self.0)
                    .await?;
                }
                Ok(id)
            }

            async fn page(&mut self, page: &$crate::store::ImportPage) -> anyhow::Result<i64> {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO pages (site_id, key, title, url, locked, created)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (site_id, key) DO UPDATE
                     SET title = COALESCE(pages.title, excluded.title),
                         url = COALESCE(pages.url, excluded.url),
                         locked = pages.locked OR excluded.locked
                     RETURNING id",
                )
                .bind(page.site_id)
                .bind(&page.key)
                .bind(&page.title)
                .bind(&page.url)
                .bind(page.locked)
                .bind(page.now_ms)
                .fetch_one(&mut *self.0)
                .await?;
                Ok(id)
            }

            async fn imported(
                &mut self,
                site_id: i64,
                format: &str,
                source_id: &str,
            ) -> anyhow::Result<Option<$crate::domain::transfer::resolve::Stored>> {
                let row: Option<(i64, i64, Option<i64>, i64)> = sqlx::query_as(
                    "SELECT c.id, c.page_id, c.parent_id, c.depth
                     FROM imported i JOIN comments c ON c.id = i.comment_id
                     WHERE i.site_id = $1 AND i.format = $2 AND i.source_id = $3",
                )
                .bind(site_id)
                .bind(format)
                .bind(source_id)
                .fetch_optional(&mut *self.0)
                .await?;
                Ok(row.map(stored))
            }

            async fn on_site(
                &mut self,
                site_id: i64,
                id: i64,
            ) -> anyhow::Result<Option<$crate::domain::transfer::resolve::Stored>> {
                let row: Option<(i64, i64, Option<i64>, i64)> = sqlx::query_as(
                    "SELECT c.id, c.page_id, c.parent_id, c.depth
                     FROM comments c JOIN pages p ON p.id = c.page_id
                     WHERE c.id = $1 AND p.site_id = $2",
                )
                .bind(id)
                .bind(site_id)
                .fetch_optional(&mut *self.0)
                .await?;
                Ok(row.map(stored))
            }

            async fn insert(&mut self, row: &$crate::store::ImportRow) -> anyhow::Result<i64> {
                let free = match row.id {
                    Some(id) => sqlx::query("SELECT 1 FROM comments WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *self.0)
                        .await?
                        .is_none(),
                    None => false,
                };
                // ip_hash stays empty: an imported comment's address is
                // never stored, not even hashed.
                let columns = "page_id, parent_id, depth, author, email, website, avatar,
                     source, html, status, held_reason, created, edited, score, pinned,
                     edit_token_hash, voter_hash, source_hash, ip_hash";
                let (kept, first) = if free { ("id, ", 2) } else { ("", 1) };
                let mut values: Vec<String> =
                    (first..first + 18).map(|i| format!("${i}")).collect();
                if free {
                    values.insert(0, "$1".into());
                }
                let sql = format!(
                    "INSERT INTO comments ({kept}{columns}) VALUES ({}, '') RETURNING id",
                    values.join(", ")
                );
                let mut q = sqlx::query_as::<_, (i64,)>(&sql);
                if let Some(id) = row.id.filter(|_| free) {
                    q = q.bind(id);
                }
                let (id,) = q
                    .bind(row.page_id)
                    .bind(row.parent)
                    .bind(row.depth)
                    .bind(&row.author)
                    .bind(&row.email)
                    .bind(&row.website)
                    .bind(&row.avatar)
                    .bind(&row.source)
                    .bind(&row.html)
                    .bind(row.status)
                    .bind(&row.held_reason)
                    .bind(row.created)
                    .bind(row.edited)
                    .bind(row.score)
                    .bind(row.pinned)
                    .bind(&row.edit_token_hash)
                    .bind(&row.voter_hash)
                    .bind($crate::store::write_sql::source_hash(&row.source))
                    .fetch_one(&mut *self.0)
                    .await?;
                self.1 |= free;
                sqlx::query(
                    "INSERT INTO imported (site_id, format, source_id, comment_id)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(row.site_id)
                .bind(row.format)
                .bind(&row.source_id)
                .bind(id)
                .execute(&mut *self.0)
                .await?;
                Ok(id)
            }

            async fn finish(self: Box<Self>, commit: bool) -> anyhow::Result<()> {
                let $tx(mut tx, kept_ids) = *self;
                if !commit {
                    tx.rollback().await?;
                    return Ok(());
                }
                if kept_ids {
                    sqlx::query($reseed).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }

        fn stored(
            (id, page_id, parent, depth): (i64, i64, Option<i64>, i64),
        ) -> $crate::domain::transfer::resolve::Stored {
            $crate::domain::transfer::resolve::Stored {
                id,
                page_id,
                parent,
                depth,
            }
        }
    };
}

pub(super) use transfer_store;

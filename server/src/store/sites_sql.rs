//! The `Sites` implementation both backends share, in the manner of
//! `sql.rs`: one SQL text, instantiated per backend by a macro.

macro_rules! sites_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::Sites for $store {
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

            fn remembered_site(&self, slug: &str) -> Option<std::sync::Arc<$crate::store::Site>> {
                self.sites.remembered(slug)
            }

            async fn site_by_id(&self, id: i64) -> anyhow::Result<Option<$crate::store::Site>> {
                let row: Option<$crate::store::rows::SiteRow> = sqlx::query_as(
                    "SELECT id, slug, name, moderation, settings FROM sites WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&self.read)
                .await?;
                match row {
                    Some(row) => Ok(Some(self.with_origins(row).await?)),
                    None => Ok(None),
                }
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

            async fn set_site_settings(&self, site_id: i64, settings: &str) -> anyhow::Result<()> {
                sqlx::query("UPDATE sites SET settings = $2 WHERE id = $1")
                    .bind(site_id)
                    .bind(settings)
                    .execute(&self.write)
                    .await?;
                self.sites.forget();
                Ok(())
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

            async fn set_page_info(
                &self,
                site_id: i64,
                key: &str,
                title: Option<&str>,
                url: Option<&str>,
            ) -> anyhow::Result<()> {
                sqlx::query(
                    "INSERT INTO pages (site_id, key, title, url, created) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (site_id, key) DO UPDATE SET title = excluded.title, url = excluded.url",
                )
                .bind(site_id)
                .bind(key)
                .bind(title)
                .bind(url)
                .bind($crate::store::rows::now_ms())
                .execute(&self.write)
                .await?;
                Ok(())
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

pub(super) use sites_store;

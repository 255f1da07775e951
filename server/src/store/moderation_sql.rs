//! The `ModerationStore` implementation both backends share, in the manner of
//! `sql.rs`: one SQL text, instantiated per backend by a macro.

/// The page, for [`DUPLICATE`]: `$1` site id, `$2` page key.
pub(super) const PAGE_CTE: &str =
    "WITH p AS (SELECT id FROM pages WHERE site_id = $1 AND key = $2)";

/// Whether this author (`$4`) or IP (`$5`) said exactly this (`$3`, digest
/// `$7`) on the page since `$6`. By the digest through `comments_by_source`,
/// so it reads the few candidates, not every text on the page. Rows from
/// before the digest existed have none; they are compared by text, and only
/// while inside the window.
pub(super) const DUPLICATE: &str = "EXISTS (SELECT 1 FROM comments c, p
        WHERE c.page_id = p.id AND c.source_hash = $7 AND c.created >= $6
          AND c.source = $3 AND (c.voter_hash = $4 OR c.ip_hash = $5))
    OR EXISTS (SELECT 1 FROM comments c, p
        WHERE c.page_id = p.id AND c.source_hash IS NULL AND c.created >= $6
          AND c.source = $3 AND (c.voter_hash = $4 OR c.ip_hash = $5))";

macro_rules! moderation_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::ModerationStore for $store {
            async fn admin_comment(
                &self,
                id: i64,
            ) -> anyhow::Result<Option<$crate::store::AdminCommentRow>> {
                let sql = format!(
                    "SELECT {} FROM {} WHERE c.id = $1",
                    $crate::store::admin::ADMIN_COLUMNS,
                    $crate::store::admin::ADMIN_FROM
                );
                Ok(sqlx::query_as(&sql)
                    .bind(id)
                    .fetch_optional(&self.read)
                    .await?)
            }

            async fn search(
                &self,
                s: &$crate::store::Search,
            ) -> anyhow::Result<Vec<$crate::store::AdminCommentRow>> {
                let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM {} WHERE p.site_id IN (",
                    $crate::store::admin::ADMIN_COLUMNS,
                    $crate::store::admin::ADMIN_FROM
                ));
                let mut ids = q.separated(", ");
                // An empty list must match nothing, not everything.
                ids.push_bind(-1_i64);
                for id in &s.site_ids {
                    ids.push_bind(*id);
                }
                q.push(")");
                if !s.statuses.is_empty() {
                    q.push(" AND c.status IN (");
                    let mut st = q.separated(", ");
                    for status in &s.statuses {
                        st.push_bind(status.as_str());
                    }
                    q.push(")");
                }
                let like = |text: &str| {
                    let escaped = text
                        .to_lowercase()
                        .replace('\\', "\\\\")
                        .replace('%', "\\%")
                        .replace('_', "\\_");
                    format!("%{escaped}%")
                };
                if let Some(text) = &s.text {
                    q.push(" AND LOWER(c.source) LIKE ")
                        .push_bind(like(text))
                        .push(" ESCAPE '\\'");
                }
                if let Some(author) = &s.author {
                    q.push(" AND LOWER(c.author) LIKE ")
                        .push_bind(like(author))
                        .push(" ESCAPE '\\'");
                }
                if let Some(email) = &s.email {
                    q.push(" AND LOWER(c.email) = ").push_bind(email.to_lowercase());
                }
                if let Some(page) = &s.page {
                    q.push(" AND p.key = ").push_bind(page.clone());
                }
                if let Some(ip) = &s.ip_hash {
                    q.push(" AND c.ip_hash = ").push_bind(ip.clone());
                }
                if let Some(author) = &s.author_hash {
                    q.push(" AND c.voter_hash = ").push_bind(author.clone());
                }
                if let Some(before) = s.before {
                    q.push(" AND c.id < ").push_bind(before);
                }
                q.push(" ORDER BY c.id DESC LIMIT ").push_bind(s.limit);
                Ok(q.build_query_as().fetch_all(&self.read).await?)
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

            async fn change_status(
                &self,
                id: i64,
                from: confab_api::CommentStatus,
                to: confab_api::CommentStatus,
            ) -> anyhow::Result<bool> {
                let done = sqlx::query("UPDATE comments SET status = $2 WHERE id = $1 AND status = $3")
                    .bind(id)
                    .bind(to.as_str())
                    .bind(from.as_str())
                    .execute(&self.write)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn set_pinned(&self, id: i64, pinned: bool) -> anyhow::Result<()> {
                sqlx::query("UPDATE comments SET pinned = $2 WHERE id = $1")
                    .bind(id)
                    .bind(pinned)
                    .execute(&self.write)
                    .await?;
                Ok(())
            }

            async fn screen_facts(
                &self,
                q: &$crate::store::ScreenQuery<'_>,
            ) -> anyhow::Result<(bool, bool)> {
                let sql = format!(
                    "{} SELECT EXISTS (SELECT 1 FROM bans
                         WHERE site_id = $1 AND (expires IS NULL OR expires > $8)
                           AND ((kind = 'email' AND value = LOWER($9))
                             OR (kind = 'ip' AND value = $5)
                             OR (kind = 'author' AND value = $4))),
                     {}",
                    $crate::store::moderation_sql::PAGE_CTE,
                    $crate::store::moderation_sql::DUPLICATE
                );
                Ok(sqlx::query_as(&sql)
                    .bind(q.site_id)
                    .bind(q.page)
                    .bind(q.source)
                    .bind(q.voter_hash)
                    .bind(q.ip_hash)
                    // No window: a start no comment is newer than.
                    .bind(q.duplicate_since.unwrap_or(i64::MAX))
                    .bind($crate::store::write_sql::source_hash(q.source))
                    .bind(q.now_ms)
                    .bind(q.email.unwrap_or(""))
                    .fetch_one(&self.read)
                    .await?)
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

            async fn add_ban(
                &self,
                ban: &$crate::store::admin::NewBan,
            ) -> anyhow::Result<$crate::store::BanRow> {
                Ok(sqlx::query_as(
                    "INSERT INTO bans (site_id, kind, value, reason, expires, created)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     RETURNING id, site_id, kind, value, reason, expires, created",
                )
                .bind(ban.site_id)
                .bind(ban.kind.as_str())
                .bind(&ban.value)
                .bind(&ban.reason)
                .bind(ban.expires)
                .bind(ban.now_ms)
                .fetch_one(&self.write)
                .await?)
            }

            async fn bans(&self, site_id: i64) -> anyhow::Result<Vec<$crate::store::BanRow>> {
                Ok(sqlx::query_as(
                    "SELECT id, site_id, kind, value, reason, expires, created FROM bans
                     WHERE site_id = $1 ORDER BY id DESC",
                )
                .bind(site_id)
                .fetch_all(&self.read)
                .await?)
            }

            async fn remove_ban(
                &self,
                site_id: i64,
                id: i64,
            ) -> anyhow::Result<Option<$crate::store::BanRow>> {
                Ok(sqlx::query_as(
                    "DELETE FROM bans WHERE site_id = $1 AND id = $2
                     RETURNING id, site_id, kind, value, reason, expires, created",
                )
                .bind(site_id)
                .bind(id)
                .fetch_optional(&self.write)
                .await?)
            }

            async fn add_audit(&self, e: &$crate::store::NewAudit) -> anyhow::Result<()> {
                let json = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string());
                sqlx::query(
                    "INSERT INTO audit_log (site_id, moderator_id, moderator, action, target,
                         before_json, after_json, created)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(e.site_id)
                .bind(e.moderator_id)
                .bind(&e.moderator)
                .bind(&e.action)
                .bind(&e.target)
                .bind(json(&e.before))
                .bind(json(&e.after))
                .bind(e.now_ms)
                .execute(&self.write)
                .await?;
                Ok(())
            }

            async fn audit_log(
                &self,
                site_id: i64,
                before: Option<i64>,
                limit: i64,
            ) -> anyhow::Result<Vec<$crate::store::AuditRow>> {
                Ok(sqlx::query_as(
                    "SELECT id, moderator, action, target, before_json, after_json, created
                     FROM audit_log WHERE site_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
                )
                .bind(site_id)
                .bind(before.unwrap_or(i64::MAX))
                .bind(limit)
                .fetch_all(&self.read)
                .await?)
            }

            async fn train(&self, comment_id: i64, label: Option<bool>) -> anyhow::Result<()> {
                let mut tx = self.write.begin().await?;
                let row: Option<(i64, String, Option<String>)> = sqlx::query_as(
                    "SELECT p.site_id, c.source, c.trained FROM comments c
                     JOIN pages p ON p.id = c.page_id WHERE c.id = $1",
                )
                .bind(comment_id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((site_id, source, trained)) = row else {
                    return Ok(());
                };
                let old = trained.as_deref().map(|t| t == "spam");
                if old == label {
                    return Ok(());
                }
                // Per class: -1 unlearns the old decision, +1 learns the new.
                let mut delta = (0_i64, 0_i64);
                for (class, step) in [(old, -1), (label, 1)] {
                    match class {
                        Some(true) => delta.0 += step,
                        Some(false) => delta.1 += step,
                        None => {}
                    }
                }
                let clamp = |col: &str| {
                    format!(
                        "{col} = CASE WHEN spam_tokens.{col} + excluded.{col} < 0 THEN 0
                                 ELSE spam_tokens.{col} + excluded.{col} END"
                    )
                };
                sqlx::query(
                    "INSERT INTO spam_docs (site_id, spam, ham) VALUES ($1, 0, 0)
                     ON CONFLICT (site_id) DO NOTHING",
                )
                .bind(site_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE spam_docs SET
                       spam = CASE WHEN spam + $2 < 0 THEN 0 ELSE spam + $2 END,
                       ham = CASE WHEN ham + $3 < 0 THEN 0 ELSE ham + $3 END
                     WHERE site_id = $1",
                )
                .bind(site_id)
                .bind(delta.0)
                .bind(delta.1)
                .execute(&mut *tx)
                .await?;
                let tokens: Vec<String> = $crate::domain::spam::tokens(&source).collect();
                for chunk in tokens.chunks(200) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO spam_tokens (site_id, token, spam, ham) ",
                    );
                    q.push_values(chunk, |mut b, token| {
                        b.push_bind(site_id).push_bind(token).push_bind(delta.0).push_bind(delta.1);
                    });
                    q.push(format!(
                        " ON CONFLICT (site_id, token) DO UPDATE SET {}, {}",
                        clamp("spam"),
                        clamp("ham")
                    ));
                    q.build().execute(&mut *tx).await?;
                }
                sqlx::query(
                    "DELETE FROM spam_tokens WHERE site_id = $1 AND spam <= 0 AND ham <= 0",
                )
                .bind(site_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE comments SET trained = $2 WHERE id = $1")
                    .bind(comment_id)
                    .bind(label.map(|spam| if spam { "spam" } else { "ham" }))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn spam_model(
                &self,
                site_id: i64,
            ) -> anyhow::Result<$crate::domain::spam::SpamModel> {
                let docs: Option<(i64, i64)> =
                    sqlx::query_as("SELECT spam, ham FROM spam_docs WHERE site_id = $1")
                        .bind(site_id)
                        .fetch_optional(&self.read)
                        .await?;
                let tokens: Vec<(String, i64, i64)> = sqlx::query_as(
                    "SELECT token, spam, ham FROM spam_tokens WHERE site_id = $1",
                )
                .bind(site_id)
                .fetch_all(&self.read)
                .await?;
                let n = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
                let (spam, ham) = docs.unwrap_or((0, 0));
                Ok($crate::domain::spam::SpamModel::from_counts(
                    (n(spam), n(ham)),
                    tokens.into_iter().map(|(t, s, h)| (t, (n(s), n(h)))),
                ))
            }
        }
    };
}

pub(super) use moderation_store;

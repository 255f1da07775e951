//! The `Comments` implementation both backends share, in the manner of
//! `sql.rs`. New comments go through the group-commit writer (`batch.rs`,
//! `write_sql.rs`).

macro_rules! comments_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::Comments for $store {
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
                held: Option<&$crate::store::Held>,
                now_ms: i64,
            ) -> anyhow::Result<Option<$crate::store::CommentRow>> {
                let sql = format!(
                    "UPDATE comments SET source = $2, html = $3, edited = $4, source_hash = $5,
                         status = COALESCE($6, status), held_reason = COALESCE($7, held_reason)
                     WHERE id = $1 AND status <> 'deleted' RETURNING {}",
                    $crate::store::rows::COMMENT_COLUMNS
                );
                Ok(sqlx::query_as(&sql)
                    .bind(id)
                    .bind(source)
                    .bind(html)
                    .bind(now_ms)
                    .bind($crate::store::write_sql::source_hash(source))
                    .bind(held.map(|h| h.status.as_str()))
                    .bind(held.map(|h| h.reason.as_str()))
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

            async fn vote(
                &self,
                comment_id: i64,
                voter: &$crate::store::Voter<'_>,
                value: i64,
            ) -> anyhow::Result<$crate::store::Voted> {
                let mut tx = self.write.begin().await?;
                // A no-op write takes the comment's row lock first, so two
                // votes on one comment queue up instead of racing, and the
                // address check below cannot be raced either.
                let (score,): (i64,) = sqlx::query_as(
                    "UPDATE comments SET score = score WHERE id = $1 RETURNING score",
                )
                .bind(comment_id)
                .fetch_one(&mut *tx)
                .await?;
                let old: Option<(i64,)> = sqlx::query_as(
                    "SELECT value FROM votes WHERE comment_id = $1 AND voter_hash = $2",
                )
                .bind(comment_id)
                .bind(voter.voter)
                .fetch_optional(&mut *tx)
                .await?;
                let old = old.map_or(0, |(v,)| v);
                if old == value {
                    tx.commit().await?;
                    return Ok($crate::store::Voted::Unchanged(score));
                }
                if value != 0 {
                    let (others,): (i64,) = sqlx::query_as(
                        "SELECT COUNT(*) FROM votes
                         WHERE comment_id = $1 AND ip_hash = $2 AND voter_hash <> $3",
                    )
                    .bind(comment_id)
                    .bind(voter.ip_hash)
                    .bind(voter.voter)
                    .fetch_one(&mut *tx)
                    .await?;
                    if others > 0 {
                        return Ok($crate::store::Voted::AddressTaken);
                    }
                }
                sqlx::query("DELETE FROM votes WHERE comment_id = $1 AND voter_hash = $2")
                    .bind(comment_id)
                    .bind(voter.voter)
                    .execute(&mut *tx)
                    .await?;
                if value != 0 {
                    // The address is the latest one the voter voted from.
                    sqlx::query(
                        "INSERT INTO votes (comment_id, voter_hash, ip_hash, value)
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(comment_id)
                    .bind(voter.voter)
                    .bind(voter.ip_hash)
                    .bind(value)
                    .execute(&mut *tx)
                    .await?;
                }
                let (score,): (i64,) = sqlx::query_as(
                    "UPDATE comments SET score = score + $2 WHERE id = $1 RETURNING score",
                )
                .bind(comment_id)
                .bind(value - old)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok($crate::store::Voted::Changed(score))
            }
        }
    };
}

pub(super) use comments_store;

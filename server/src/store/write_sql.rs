//! The SQL behind the group-commit writer (`batch.rs`), shared by both
//! backends in the manner of `sql.rs`. Each comment is checked before
//! anything is written for it, so a refusal stores nothing without rolling
//! back the rest of its batch.

/// A stable 64-bit digest of a comment's text: the duplicate check looks
/// comments up by it instead of reading every text on the page.
pub(crate) fn source_hash(source: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(source.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

macro_rules! comment_writer {
    ($writer:ident, $db:ty) => {
        /// Owns a handle on the write pool; runs inside the writer task.
        pub(super) struct $writer(pub sqlx::Pool<$db>);

        #[async_trait::async_trait]
        impl $crate::store::batch::WriteComments for $writer {
            async fn write(
                &self,
                rows: &[&$crate::store::NewCommentRow],
            ) -> anyhow::Result<Vec<$crate::store::Created>> {
                let mut tx = self.0.begin().await?;
                let mut outcomes = Vec::with_capacity(rows.len());
                for new in rows {
                    outcomes.push(insert_comment(&mut tx, new).await?);
                }
                tx.commit().await?;
                Ok(outcomes)
            }
        }

        /// One comment inside the batch's transaction.
        async fn insert_comment(
            tx: &mut sqlx::Transaction<'_, $db>,
            new: &$crate::store::NewCommentRow,
        ) -> anyhow::Result<$crate::store::Created> {
            use $crate::store::{rows::ParentRow, Created, Page};
            let page: Option<Page> = sqlx::query_as(
                "SELECT id, key, title, url, locked FROM pages WHERE site_id = $1 AND key = $2",
            )
            .bind(new.site_id)
            .bind(&new.page)
            .fetch_optional(&mut **tx)
            .await?;
            if page.as_ref().is_some_and(|p| p.locked) {
                return Ok(Created::PageLocked);
            }
            let parent_sql = "SELECT id, page_id, parent_id, depth, status
                              FROM comments WHERE id = $1";
            let (parent, depth) = match (new.parent, &page) {
                (None, _) => (None, 0),
                // A page without comments has nothing to reply to.
                (Some(_), None) => return Ok(Created::ParentNotFound),
                (Some(id), Some(page)) => {
                    let found: Option<ParentRow> = sqlx::query_as(parent_sql)
                        .bind(id)
                        .fetch_optional(&mut **tx)
                        .await?;
                    let Some(mut p) =
                        found.filter(|p| p.page_id == page.id && p.status == "approved")
                    else {
                        return Ok(Created::ParentNotFound);
                    };
                    // Too deep: attach beside the parent instead, at the cap.
                    while p.depth >= new.max_depth {
                        let Some(up) = p.parent_id else { break };
                        p = sqlx::query_as(parent_sql)
                            .bind(up)
                            .fetch_one(&mut **tx)
                            .await?;
                    }
                    (Some(p.id), p.depth + 1)
                }
            };
            // Keep the first title and URL seen: a later commenter must not
            // be able to rename someone else's page.
            let page_id = match page {
                Some(p) => {
                    let fills = (p.title.is_none() && new.title.is_some())
                        || (p.url.is_none() && new.url.is_some());
                    if fills {
                        sqlx::query(
                            "UPDATE pages SET title = COALESCE(title, $2), url = COALESCE(url, $3)
                             WHERE id = $1",
                        )
                        .bind(p.id)
                        .bind(&new.title)
                        .bind(&new.url)
                        .execute(&mut **tx)
                        .await?;
                    }
                    p.id
                }
                None => {
                    // Another instance may create or lock the page meanwhile:
                    // no row back means it exists and is locked.
                    let made: Option<(i64,)> = sqlx::query_as(
                        "INSERT INTO pages (site_id, key, title, url, created)
                         VALUES ($1, $2, $3, $4, $5)
                         ON CONFLICT (site_id, key) DO UPDATE
                         SET title = COALESCE(pages.title, excluded.title),
                             url = COALESCE(pages.url, excluded.url)
                         WHERE NOT pages.locked
                         RETURNING id",
                    )
                    .bind(new.site_id)
                    .bind(&new.page)
                    .bind(&new.title)
                    .bind(&new.url)
                    .bind(new.now_ms)
                    .fetch_optional(&mut **tx)
                    .await?;
                    match made {
                        Some((id,)) => id,
                        None => return Ok(Created::PageLocked),
                    }
                }
            };
            let sql = format!(
                "INSERT INTO comments (page_id, parent_id, depth, author, email, website,
                     avatar, source, html, status, created, notify, edit_token_hash,
                     ip_hash, voter_hash, held_reason, source_hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                     $16, $17)
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
                .bind($crate::store::write_sql::source_hash(&new.source))
                .fetch_one(&mut **tx)
                .await?;
            Ok(Created::Comment(row))
        }
    };
}

pub(super) use comment_writer;

#[cfg(test)]
mod tests {
    #[test]
    fn the_source_hash_is_stable_and_tells_texts_apart() {
        assert_eq!(super::source_hash("hello"), super::source_hash("hello"));
        assert_ne!(super::source_hash("hello"), super::source_hash("hello!"));
    }
}

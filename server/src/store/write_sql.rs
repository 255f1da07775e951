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

/// Why a comment is not stored: the writer checks both before it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    PageLocked,
    ParentNotFound,
}

impl From<Refused> for super::Created {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::PageLocked => Self::PageLocked,
            Refused::ParentNotFound => Self::ParentNotFound,
        }
    }
}

/// Where an accepted comment goes.
pub(crate) struct Placed {
    pub page_id: i64,
    pub parent: Option<i64>,
    pub depth: i64,
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
                // Posts in a batch often share pages: each page is read once
                // per transaction. Accepted posts are inserted together.
                // Both matter where every query is a round trip, and a
                // writer that waits on round trips holds up every poster.
                let mut pages = std::collections::HashMap::new();
                let mut outcomes: Vec<Option<$crate::store::Created>> =
                    rows.iter().map(|_| None).collect();
                let mut accepted = Vec::new();
                for (i, new) in rows.iter().enumerate() {
                    // The comment replied to may be among those not yet inserted.
                    if new.parent.is_some() {
                        insert_all(&mut tx, rows, &mut accepted, &mut outcomes).await?;
                    }
                    match place(&mut tx, &mut pages, new).await? {
                        Ok(placed) => accepted.push((i, placed)),
                        Err(refused) => outcomes[i] = Some(refused.into()),
                    }
                }
                insert_all(&mut tx, rows, &mut accepted, &mut outcomes).await?;
                tx.commit().await?;
                outcomes
                    .into_iter()
                    .map(|o| {
                        o.ok_or_else(|| anyhow::anyhow!("a comment was neither stored nor refused"))
                    })
                    .collect()
            }
        }

        /// Inserts the `accepted` comments (index into `rows`, placement) in
        /// one statement and records them in `outcomes`.
        async fn insert_all(
            tx: &mut sqlx::Transaction<'_, $db>,
            rows: &[&$crate::store::NewCommentRow],
            accepted: &mut Vec<(usize, $crate::store::write_sql::Placed)>,
            outcomes: &mut [Option<$crate::store::Created>],
        ) -> anyhow::Result<()> {
            if accepted.is_empty() {
                return Ok(());
            }
            let mut q = sqlx::QueryBuilder::<$db>::new(
                "INSERT INTO comments (page_id, parent_id, depth, author, email, website,
                     avatar, source, html, status, created, notify, edit_token_hash,
                     ip_hash, voter_hash, held_reason, source_hash) ",
            );
            q.push_values(accepted.iter(), |mut b, (i, placed)| {
                let new = rows[*i];
                b.push_bind(placed.page_id)
                    .push_bind(placed.parent)
                    .push_bind(placed.depth)
                    .push_bind(new.author.clone())
                    .push_bind(new.email.clone())
                    .push_bind(new.website.clone())
                    .push_bind(new.avatar.clone())
                    .push_bind(new.source.clone())
                    .push_bind(new.html.clone())
                    .push_bind(new.status.as_str())
                    .push_bind(new.now_ms)
                    .push_bind(new.notify)
                    .push_bind(new.edit_token_hash.clone())
                    .push_bind(new.ip_hash.clone())
                    .push_bind(new.voter_hash.clone())
                    .push_bind(new.held_reason.clone())
                    .push_bind($crate::store::write_sql::source_hash(&new.source));
            });
            q.push(" RETURNING ")
                .push($crate::store::rows::COMMENT_COLUMNS);
            let mut stored: Vec<$crate::store::CommentRow> =
                q.build_query_as().fetch_all(&mut **tx).await?;
            // RETURNING's order is not promised, but ids grow in the order
            // rows are inserted, which is the order of VALUES.
            stored.sort_by_key(|row| row.id);
            anyhow::ensure!(stored.len() == accepted.len(), "an insert lost rows");
            for ((i, _), row) in accepted.drain(..).zip(stored) {
                outcomes[i] = Some($crate::store::Created::Comment(row));
            }
            Ok(())
        }

        /// Where a comment goes, creating its page if needed, or why it is
        /// refused. `pages` holds the pages this transaction has read or
        /// written, by site and key.
        async fn place(
            tx: &mut sqlx::Transaction<'_, $db>,
            pages: &mut std::collections::HashMap<(i64, String), $crate::store::Page>,
            new: &$crate::store::NewCommentRow,
        ) -> anyhow::Result<
            Result<$crate::store::write_sql::Placed, $crate::store::write_sql::Refused>,
        > {
            use $crate::store::write_sql::Refused;
            let known = (new.site_id, new.page.clone());
            let page = match pages.get(&known) {
                Some(page) => Some(page.clone()),
                None => page_by_key(tx, new).await?,
            };
            if page.as_ref().is_some_and(|p| p.locked) {
                return Ok(Err(Refused::PageLocked));
            }
            let (parent, depth) = match parent_and_depth(tx, page.as_ref(), new).await? {
                Ok(found) => found,
                Err(refused) => return Ok(Err(refused)),
            };
            let page = match settle_page(tx, page, new).await? {
                Ok(page) => page,
                Err(refused) => return Ok(Err(refused)),
            };
            let placed = $crate::store::write_sql::Placed {
                page_id: page.id,
                parent,
                depth,
            };
            pages.insert(known, page);
            Ok(Ok(placed))
        }

        /// The comment's page as stored, if it exists yet.
        async fn page_by_key(
            tx: &mut sqlx::Transaction<'_, $db>,
            new: &$crate::store::NewCommentRow,
        ) -> anyhow::Result<Option<$crate::store::Page>> {
            Ok(sqlx::query_as(
                "SELECT id, key, title, url, locked FROM pages
                         WHERE site_id = $1 AND key = $2",
            )
            .bind(new.site_id)
            .bind(&new.page)
            .fetch_optional(&mut **tx)
            .await?)
        }

        /// The comment the new one attaches to and its depth, or why the
        /// parent it names cannot be replied to on this page.
        async fn parent_and_depth(
            tx: &mut sqlx::Transaction<'_, $db>,
            page: Option<&$crate::store::Page>,
            new: &$crate::store::NewCommentRow,
        ) -> anyhow::Result<Result<(Option<i64>, i64), $crate::store::write_sql::Refused>> {
            use $crate::store::{rows::ParentRow, write_sql::Refused};
            let parent_sql = "SELECT id, page_id, parent_id, depth, status
                              FROM comments WHERE id = $1";
            match (new.parent, page) {
                (None, _) => Ok(Ok((None, 0))),
                // A page without comments has nothing to reply to.
                (Some(_), None) => Ok(Err(Refused::ParentNotFound)),
                (Some(id), Some(page)) => {
                    let found: Option<ParentRow> = sqlx::query_as(parent_sql)
                        .bind(id)
                        .fetch_optional(&mut **tx)
                        .await?;
                    let Some(mut p) =
                        found.filter(|p| p.page_id == page.id && p.status == "approved")
                    else {
                        return Ok(Err(Refused::ParentNotFound));
                    };
                    // Too deep: attach beside the parent instead, at the cap.
                    while p.depth >= new.max_depth {
                        let Some(up) = p.parent_id else { break };
                        p = sqlx::query_as(parent_sql)
                            .bind(up)
                            .fetch_one(&mut **tx)
                            .await?;
                    }
                    Ok(Ok((Some(p.id), p.depth + 1)))
                }
            }
        }

        /// The page with the comment's title and URL filled in where it had
        /// none, created if it did not exist, or refused if another instance
        /// locked it meanwhile.
        async fn settle_page(
            tx: &mut sqlx::Transaction<'_, $db>,
            page: Option<$crate::store::Page>,
            new: &$crate::store::NewCommentRow,
        ) -> anyhow::Result<Result<$crate::store::Page, $crate::store::write_sql::Refused>> {
            use $crate::store::{write_sql::Refused, Page};
            // Keep the first title and URL seen: a later commenter must not
            // be able to rename someone else's page.
            match page {
                Some(mut p) => {
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
                        p.title = p.title.or_else(|| new.title.clone());
                        p.url = p.url.or_else(|| new.url.clone());
                    }
                    Ok(Ok(p))
                }
                None => {
                    // Another instance may create or lock the page meanwhile:
                    // no row back means it exists and is locked.
                    let made: Option<Page> = sqlx::query_as(
                        "INSERT INTO pages (site_id, key, title, url, created)
                         VALUES ($1, $2, $3, $4, $5)
                         ON CONFLICT (site_id, key) DO UPDATE
                         SET title = COALESCE(pages.title, excluded.title),
                             url = COALESCE(pages.url, excluded.url)
                         WHERE NOT pages.locked
                         RETURNING id, key, title, url, locked",
                    )
                    .bind(new.site_id)
                    .bind(&new.page)
                    .bind(&new.title)
                    .bind(&new.url)
                    .bind(new.now_ms)
                    .fetch_optional(&mut **tx)
                    .await?;
                    Ok(made.ok_or(Refused::PageLocked))
                }
            }
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

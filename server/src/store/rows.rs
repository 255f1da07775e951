//! Database rows, and the one place they become wire types.

use confab_api::{Comment, CommentStatus};
use time::{format_description::well_known::Rfc3339, OffsetDateTime};

use crate::domain::tree::Flat;

/// The columns every comment query returns; see [`CommentRow`].
pub(super) const COMMENT_COLUMNS: &str =
    "id, parent_id, author, website, avatar, html, status, created, edited, score, pinned";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommentRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub author: String,
    pub website: Option<String>,
    pub avatar: String,
    pub html: String,
    pub status: String,
    /// Unix milliseconds: one portable type for both backends.
    pub created: i64,
    pub edited: Option<i64>,
    pub score: i64,
    pub pinned: bool,
}

impl CommentRow {
    pub fn status(&self) -> CommentStatus {
        // The schema's CHECK constraint makes the fallback unreachable; hiding
        // is the safe reading if it ever is not.
        CommentStatus::parse(&self.status).unwrap_or(CommentStatus::Pending)
    }

    pub fn into_flat(self) -> Flat {
        Flat {
            created_ms: self.created,
            comment: self.into_api(),
        }
    }

    /// The wire shape. A deleted comment keeps only its place in the tree.
    pub fn into_api(self) -> Comment {
        let status = self.status();
        let deleted = status == CommentStatus::Deleted;
        Comment {
            id: self.id,
            parent: self.parent_id,
            author: if deleted { String::new() } else { self.author },
            website: self.website.filter(|_| !deleted),
            avatar: if deleted { String::new() } else { self.avatar },
            html: if deleted { String::new() } else { self.html },
            created: rfc3339(self.created),
            edited: self.edited.map(rfc3339),
            score: self.score,
            pinned: self.pinned,
            status,
            replies: Vec::new(),
            more_replies: 0,
            replies_cursor: None,
        }
    }
}

/// What the edit, delete and vote routes need to decide who may do what.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommentMeta {
    pub id: i64,
    pub site: String,
    pub page: String,
    pub status: String,
    pub created: i64,
    pub edit_token_hash: String,
    pub voter_hash: String,
}

impl CommentMeta {
    pub fn status(&self) -> CommentStatus {
        CommentStatus::parse(&self.status).unwrap_or(CommentStatus::Pending)
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Page {
    pub id: i64,
    pub key: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub locked: bool,
}

#[derive(Debug, sqlx::FromRow)]
pub(super) struct SiteRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub moderation: String,
    pub settings: String,
}

impl SiteRow {
    pub fn into_site(self, origins: Vec<String>) -> super::Site {
        super::Site {
            id: self.id,
            slug: self.slug,
            name: self.name,
            origins,
            moderation: self.moderation.parse().unwrap_or_default(),
            settings: serde_json::from_str(&self.settings).unwrap_or_default(),
        }
    }
}

/// A parent candidate for a reply.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct ParentRow {
    pub id: i64,
    pub page_id: i64,
    pub parent_id: Option<i64>,
    pub depth: i64,
    pub status: String,
}

pub fn rfc3339(unix_ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_in_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_500), "1970-01-01T00:00:01.5Z");
    }

    #[test]
    fn a_deleted_row_loses_its_author_and_text() {
        let row = CommentRow {
            id: 1,
            parent_id: None,
            author: "Ann".into(),
            website: Some("https://a.b".into()),
            avatar: "ab".into(),
            html: "<p>x</p>".into(),
            status: "deleted".into(),
            created: 0,
            edited: None,
            score: 2,
            pinned: false,
        };
        let c = row.into_api();
        assert_eq!((c.author.as_str(), c.html.as_str()), ("", ""));
        assert_eq!(c.website, None);
        assert_eq!(c.status, CommentStatus::Deleted);
    }
}

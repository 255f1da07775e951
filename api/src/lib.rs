//! Confab's wire contract: every request and response body that crosses
//! between the widget and the server. Serde only, so it builds for wasm32 and
//! a renamed field breaks the build on both sides at once. The `openapi`
//! feature (the server's, never the widget's) adds utoipa schemas, so the
//! OpenAPI document describes exactly these types.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub mod admin;
pub mod avatar;
pub mod texts;

/// Where a comment stands in moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CommentStatus {
    Pending,
    Approved,
    Spam,
    Deleted,
}

impl CommentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Spam => "spam",
            Self::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => Self::Pending,
            "approved" => Self::Approved,
            "spam" => Self::Spam,
            "deleted" => Self::Deleted,
            _ => return None,
        })
    }
}

/// One comment as every response shows it. Deleted comments keep their place
/// in the tree (so replies stay attached) but lose author and text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comment {
    pub id: i64,
    pub parent: Option<i64>,
    pub author: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// A hex digest the widget turns into an identicon locally: no third-party
    /// avatar service ever learns who reads what.
    pub avatar: String,
    /// Sanitised HTML, rendered from markdown when the comment was written.
    pub html: String,
    /// RFC 3339, UTC.
    pub created: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited: Option<String>,
    pub score: i64,
    pub pinned: bool,
    pub status: CommentStatus,
    /// The first replies only, oldest first: at most the server's
    /// `limits.nested_limit` of them, at every depth.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub replies: Vec<Comment>,
    /// Direct replies not in `replies` (their own replies not counted), so
    /// "show 12 more replies" is about what appears under this comment.
    /// Absent when every reply is shown.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub more_replies: u32,
    /// The `cursor` that, with `parent` set to this comment's id, fetches
    /// the replies after those shown. Present exactly when `more_replies` is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replies_cursor: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Sort orders for a thread. Pinned comments always come first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Oldest,
    Newest,
    Top,
}

impl Sort {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Oldest => "oldest",
            Self::Newest => "newest",
            Self::Top => "top",
        }
    }
}

/// `GET /api/v1/sites/{site}/thread`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Thread {
    pub page: String,
    /// Visible comments on the page, replies included, across all pages of
    /// the cursor.
    pub total: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked: Option<bool>,
    /// Top-level comments, or with `parent` in the query, that comment's
    /// next replies.
    pub comments: Vec<Comment>,
    /// The `cursor` for the comments after these, when more follow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// `POST /api/v1/sites/{site}/comments`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewComment {
    pub page: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "uri"))]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = Email))]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "uri"))]
    pub website: Option<String>,
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<bool>,
}

/// Signals about how a comment was written, which the server's local spam
/// defence reads. They travel in the same JSON object as [`NewComment`] (see
/// [`PostComment`]), so a client that does not send them still works.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComposeSignals {
    /// A form field hidden from people: bots fill it in. Non-empty means the
    /// comment is answered 202 as if held, and kept as spam.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honeypot: Option<String>,
    /// How long the composer was open, in milliseconds. Faster than the
    /// server's minimum means the comment waits for a moderator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compose_ms: Option<u64>,
}

/// What the widget posts: a [`NewComment`] and its [`ComposeSignals`] as
/// one flat JSON object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostComment {
    #[serde(flatten)]
    pub comment: NewComment,
    #[serde(flatten)]
    pub signals: ComposeSignals,
}

/// The answer to a new comment: 201 when published, 202 when held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedComment {
    pub comment: Comment,
    /// Lets the author edit or delete the comment within the edit window.
    /// Only its hash is stored.
    pub edit_token: String,
}

/// `PATCH /api/v1/comments/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EditComment {
    pub body: String,
}

/// `POST /api/v1/comments/{id}/vote`: 1 up, -1 down, 0 withdraws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoteRequest {
    #[cfg_attr(feature = "openapi", schema(minimum = -1, maximum = 1))]
    pub value: i8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoteResult {
    pub score: i64,
    /// The caller's vote now in force.
    pub value: i8,
}

/// `POST /api/v1/authors`: a new author token, for `X-Confab-Author`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthorToken {
    /// Signed by the server; keep it and send it with every vote and post.
    pub token: String,
}

/// `POST /api/v1/sites/{site}/counts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountsRequest {
    pub pages: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    /// Visible comments per requested page key; unknown pages count 0.
    pub counts: BTreeMap<String, i64>,
}

/// `GET /api/v1/sites/{site}/recent`: the site's latest published
/// comments, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recent {
    pub comments: Vec<RecentComment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecentComment {
    pub id: i64,
    /// The page key.
    pub page: String,
    /// The page's title, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The page's address, when known (always on one of the site's origins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "uri"))]
    pub url: Option<String>,
    /// Empty for an anonymous comment.
    pub author: String,
    /// The start of the comment's text, plain, on one line.
    pub excerpt: String,
    /// RFC 3339, UTC.
    pub created: String,
}

/// `POST /api/v1/preview`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewRequest {
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preview {
    pub html: String,
}

/// A server-sent event on `GET /api/v1/sites/{site}/events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    Created { comment: Comment },
    Edited { comment: Comment },
    Deleted { id: i64 },
}

/// Stable, machine-readable error codes. The widget translates these; the
/// message beside them is for humans reading logs or curl output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    InvalidJson,
    UnsupportedMediaType,
    PayloadTooLarge,
    Validation,
    SiteNotFound,
    NotFound,
    ParentNotFound,
    PageLocked,
    OriginNotAllowed,
    Unauthorized,
    Forbidden,
    EditWindowClosed,
    Conflict,
    RateLimited,
    Unavailable,
    Internal,
}

impl ErrorCode {
    /// Every code, so that a client can read a name back without serde.
    pub const ALL: [ErrorCode; 17] = [
        Self::BadRequest,
        Self::InvalidJson,
        Self::UnsupportedMediaType,
        Self::PayloadTooLarge,
        Self::Validation,
        Self::SiteNotFound,
        Self::NotFound,
        Self::ParentNotFound,
        Self::PageLocked,
        Self::OriginNotAllowed,
        Self::Unauthorized,
        Self::Forbidden,
        Self::EditWindowClosed,
        Self::Conflict,
        Self::RateLimited,
        Self::Unavailable,
        Self::Internal,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::InvalidJson => "invalid_json",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::PayloadTooLarge => "payload_too_large",
            Self::Validation => "validation",
            Self::SiteNotFound => "site_not_found",
            Self::NotFound => "not_found",
            Self::ParentNotFound => "parent_not_found",
            Self::PageLocked => "page_locked",
            Self::OriginNotAllowed => "origin_not_allowed",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::EditWindowClosed => "edit_window_closed",
            Self::Conflict => "conflict",
            Self::RateLimited => "rate_limited",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// The field at fault, when one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// Every error response body: `{"error":{"code","message"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ApiError,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_serialise_as_their_stable_snake_case_names() {
        for code in [
            ErrorCode::InvalidJson,
            ErrorCode::PageLocked,
            ErrorCode::EditWindowClosed,
            ErrorCode::RateLimited,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn every_error_code_reads_back_from_its_name() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
        assert_eq!(ErrorCode::parse("nope"), None);
    }

    #[test]
    fn a_new_comment_needs_only_page_and_body() {
        let c: NewComment = serde_json::from_str(r#"{"page":"/a","body":"hi"}"#).unwrap();
        assert_eq!(c.page, "/a");
        assert_eq!(c.parent, None);
    }

    #[test]
    fn compose_signals_sit_beside_the_comment_in_one_object() {
        let p: PostComment =
            serde_json::from_str(r#"{"page":"/a","body":"hi","honeypot":"x","compose_ms":5}"#)
                .unwrap();
        assert_eq!(p.comment.body, "hi");
        assert_eq!(p.signals.honeypot.as_deref(), Some("x"));
        assert_eq!(p.signals.compose_ms, Some(5));
        let bare: PostComment = serde_json::from_str(r#"{"page":"/a","body":"hi"}"#).unwrap();
        assert_eq!(bare.signals, ComposeSignals::default());
    }

    #[test]
    fn events_are_tagged_by_kind() {
        let e = Event::Deleted { id: 7 };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"kind":"deleted","id":7}"#
        );
    }

    #[test]
    fn comment_status_round_trips_through_its_name() {
        for s in [
            CommentStatus::Pending,
            CommentStatus::Approved,
            CommentStatus::Spam,
            CommentStatus::Deleted,
        ] {
            assert_eq!(CommentStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(CommentStatus::parse("nope"), None);
    }
}

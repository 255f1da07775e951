//! `POST /api/v1/comments/{id}/vote`: one vote per voter and comment, which
//! the voter may change or withdraw.

use axum::{extract::State, http::StatusCode, Json};
use confab_api::{CommentStatus, ErrorBody, ErrorCode, VoteRequest, VoteResult};

use super::{
    client::{AuthorHeader, Client},
    comments::comment_in_site,
    extract::{AppJson, AppPath, Origin},
};
use crate::{domain::input, AppState, Error, Result};

#[utoipa::path(
    post,
    path = "/api/v1/comments/{id}/vote",
    tag = "votes",
    params(("id" = i64, Path, description = "Comment id"), AuthorHeader),
    request_body(content = VoteRequest, description = "value 1, -1 or 0"),
    responses(
        (status = 200, description = "The new score and the caller's vote", body = VoteResult),
        (status = 400, description = "`invalid_json` or `bad_request`", body = ErrorBody),
        (status = 403, description = "`forbidden` (own comment) or `origin_not_allowed`", body = ErrorBody),
        (status = 404, description = "`not_found`: unknown or unpublished comment", body = ErrorBody),
        (status = 409, description = "`conflict`: the comment was deleted", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`validation`: value is not 1, -1 or 0", body = ErrorBody),
    )
)]
pub async fn vote(
    State(state): State<AppState>,
    AppPath(id): AppPath<i64>,
    origin: Origin,
    client: Client,
    AppJson(req): AppJson<VoteRequest>,
) -> Result<Json<VoteResult>> {
    let value = input::vote(req.value)?;
    let meta = comment_in_site(&state, id, &origin).await?;
    match meta.status() {
        CommentStatus::Approved => {}
        CommentStatus::Deleted => {
            return Err(Error::client(
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
                "this comment was deleted",
            ))
        }
        CommentStatus::Pending | CommentStatus::Spam => {
            return Err(Error::not_found("no such comment"))
        }
    }
    if meta.voter_hash == client.voter {
        return Err(Error::client(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "you cannot vote on your own comment",
        ));
    }
    let score = state.store.vote(id, &client.voter, value).await?;
    state.bus.changed(&meta.site, &meta.page, None).await;
    Ok(Json(VoteResult {
        score,
        value: req.value,
    }))
}

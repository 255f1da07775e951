//! `POST /api/v1/comments/{id}/vote`: one vote per voter and comment, which
//! the voter may change or withdraw, and one per address: a second voter
//! from the same (salted, daily) IP hash is refused with 409, rather than
//! taken as the first changing their vote, which would let anyone behind
//! the same router undo a neighbour's vote.

use std::time::Instant;

use axum::{extract::State, http::StatusCode, Json};
use confab_api::{CommentStatus, ErrorBody, ErrorCode, VoteRequest, VoteResult};

use super::{
    client::{AuthorHeader, Client},
    comments::comment_in_site,
    extract::{AppJson, AppPath, Origin},
};
use crate::{
    domain::input,
    store::{Voted, Voter},
    AppState, Error, Result,
};

#[utoipa::path(
    post,
    path = "/api/v1/comments/{id}/vote",
    tag = "votes",
    params(("id" = i64, Path, description = "Comment id"), AuthorHeader),
    request_body(content = VoteRequest, description = "value 1, -1 or 0"),
    responses(
        (status = 200, description = "The new score and the caller's vote", body = VoteResult),
        (status = 400, description = "`invalid_json` or `bad_request`", body = ErrorBody),
        (status = 401, description = "`unauthorized`: `X-Confab-Author` is not a token this server issued", body = ErrorBody),
        (status = 403, description = "`forbidden` (own comment) or `origin_not_allowed`", body = ErrorBody),
        (status = 404, description = "`not_found`: unknown or unpublished comment", body = ErrorBody),
        (status = 409, description = "`conflict`: the comment was deleted, or another voter at this address voted on it", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`validation`: value is not 1, -1 or 0", body = ErrorBody),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = ErrorBody),
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
    // Every attempt counts, so that a flood is cut off before the database.
    let limit = state.config.limits.votes_per_minute_ip;
    state
        .votes
        .hit(&client.ip_hash, limit, Instant::now())
        .map_err(|retry_after_secs| Error::RateLimited { retry_after_secs })?;
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
    let voter = Voter {
        voter: &client.voter,
        ip_hash: &client.ip_hash,
    };
    let score = match state.store.vote(id, &voter, value).await? {
        Voted::Changed(score) => {
            state.bus.changed(&meta.site, &meta.page, None).await;
            score
        }
        // Nothing to redraw: the cached page stays.
        Voted::Unchanged(score) => score,
        Voted::AddressTaken => {
            return Err(Error::client(
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
                "someone at your address has already voted on this comment",
            ))
        }
    };
    Ok(Json(VoteResult {
        score,
        value: req.value,
    }))
}

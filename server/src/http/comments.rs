//! Writing comments: create, edit and delete. Edits and deletes need the edit
//! token handed out at creation, within the edit window.

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    Json,
};
use confab_api::{
    Comment, CommentStatus, CreatedComment, EditComment, ErrorBody, ErrorCode, Event, PostComment,
};

use super::{
    client::{AuthorHeader, Client},
    extract::{self, bearer, AppJson, AppPath, Origin},
};
use crate::{
    comments::{self, Edited, NewPost, Posted, Poster},
    domain::{input::NewCommentInput, secrets, CommentBody},
    store::{now_ms, CommentMeta, Site},
    AppState, Error, Result,
};

#[utoipa::path(
    post,
    path = "/api/v1/sites/{site}/comments",
    tag = "comments",
    params(("site" = String, Path, description = "Site slug"), AuthorHeader),
    request_body(content = PostComment, description = "A `NewComment` and its `ComposeSignals`"),
    responses(
        (status = 201, description = "Published", body = CreatedComment),
        (status = 202, description = "Held for moderation", body = CreatedComment),
        (status = 400, description = "`invalid_json` or `bad_request`", body = ErrorBody),
        (status = 401, description = "`unauthorized`: `X-Confab-Author` is not a token this server issued", body = ErrorBody),
        (status = 403, description = "`origin_not_allowed`, or `forbidden`: the author is banned", body = ErrorBody),
        (status = 404, description = "`site_not_found`", body = ErrorBody),
        (status = 409, description = "`page_locked`, or `conflict`: a duplicate", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`validation` (also a blocked word) or `parent_not_found`", body = ErrorBody),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    AppPath(slug): AppPath<String>,
    origin: Origin,
    client: Client,
    AppJson(PostComment {
        comment: new,
        signals,
    }): AppJson<PostComment>,
) -> Result<(StatusCode, Json<CreatedComment>)> {
    let site = extract::site(&state, &slug, &origin).await?;
    let post = NewPost {
        input: NewCommentInput::parse(&new, state.config.limits.body_chars)?,
        parent: new.parent,
        notify: new.notify.unwrap_or(false),
        signals,
    };
    let poster = Poster {
        ip_hash: client.ip_hash,
        voter: client.voter,
    };
    match comments::post(&state, &site, post, poster).await? {
        Posted::Published(created) => Ok((StatusCode::CREATED, Json(created))),
        Posted::Held(created) => Ok((StatusCode::ACCEPTED, Json(created))),
        Posted::Refused(refusal) => Err(refusal.into()),
    }
}

#[utoipa::path(
    patch,
    path = "/api/v1/comments/{id}",
    tag = "comments",
    params(("id" = i64, Path, description = "Comment id")),
    request_body(content = EditComment),
    security(("edit_token" = [])),
    responses(
        (status = 200, description = "The edited comment; `pending` when screening held the new text, which then leaves the public thread", body = Comment),
        (status = 400, description = "`invalid_json` or `bad_request`", body = ErrorBody),
        (status = 401, description = "`unauthorized`: no bearer token", body = ErrorBody),
        (status = 403, description = "`forbidden` (the wrong token, or the author is banned), `edit_window_closed` or `origin_not_allowed`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`page_locked`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`validation` (also a blocked word)", body = ErrorBody),
    )
)]
pub async fn edit(
    State(state): State<AppState>,
    AppPath(id): AppPath<i64>,
    origin: Origin,
    client: Client,
    headers: HeaderMap,
    AppJson(edit): AppJson<EditComment>,
) -> Result<Json<Comment>> {
    let (meta, site) = authorised(&state, id, &origin, &headers).await?;
    let body = CommentBody::parse(&edit.body, state.config.limits.body_chars)?;
    match comments::edit(&state, &site, &meta, body, &client.ip_hash).await? {
        Edited::Saved(comment) => Ok(Json(*comment)),
        Edited::Refused(refusal) => Err(refusal.into()),
        Edited::Gone => Err(Error::not_found("no such comment")),
    }
}

#[utoipa::path(
    delete,
    path = "/api/v1/comments/{id}",
    tag = "comments",
    params(("id" = i64, Path, description = "Comment id")),
    security(("edit_token" = [])),
    responses(
        (status = 204, description = "Deleted; replies stay under a placeholder"),
        (status = 400, description = "`bad_request`: the id is not a number", body = ErrorBody),
        (status = 401, description = "`unauthorized`: no bearer token", body = ErrorBody),
        (status = 403, description = "`forbidden`, `edit_window_closed` or `origin_not_allowed`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    AppPath(id): AppPath<i64>,
    origin: Origin,
    headers: HeaderMap,
) -> Result<StatusCode> {
    let (meta, _) = authorised(&state, id, &origin, &headers).await?;
    if !state.store.delete_comment(id).await? {
        return Err(Error::not_found("no such comment"));
    }
    let visible = meta.status() == CommentStatus::Approved;
    let event = visible.then_some(Event::Deleted { id });
    state.bus.changed(&meta.site, &meta.page, event).await;
    Ok(StatusCode::NO_CONTENT)
}

/// The comment and its site, once the caller proved they wrote it and are
/// still in time.
async fn authorised(
    state: &AppState,
    id: i64,
    origin: &Origin,
    headers: &HeaderMap,
) -> Result<(CommentMeta, Site)> {
    let (meta, site) = comment_and_site(state, id, origin).await?;
    let token = bearer(headers)?;
    if secrets::token_hash(token) != meta.edit_token_hash {
        return Err(Error::client(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "this edit token is not for this comment",
        ));
    }
    if meta.status() == CommentStatus::Deleted {
        return Err(Error::not_found("no such comment"));
    }
    let window_ms = i64::try_from(state.config.edit_window().as_millis()).unwrap_or(i64::MAX);
    if now_ms().saturating_sub(meta.created) > window_ms {
        return Err(Error::client(
            StatusCode::FORBIDDEN,
            ErrorCode::EditWindowClosed,
            "the time to edit or delete this comment is over",
        ));
    }
    Ok((meta, site))
}

/// A comment by id, after checking the caller's origin against its site.
pub async fn comment_in_site(state: &AppState, id: i64, origin: &Origin) -> Result<CommentMeta> {
    Ok(comment_and_site(state, id, origin).await?.0)
}

async fn comment_and_site(
    state: &AppState,
    id: i64,
    origin: &Origin,
) -> Result<(CommentMeta, Site)> {
    let meta = state
        .store
        .comment_meta(id)
        .await?
        .ok_or_else(|| Error::not_found("no such comment"))?;
    let site = extract::site(state, &meta.site, origin).await?;
    Ok((meta, site))
}

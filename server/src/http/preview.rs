//! `POST /api/v1/preview`: the HTML a comment would get, from the same
//! renderer that runs when it is posted.

use axum::{extract::State, Json};
use confab_api::{ErrorBody, Preview, PreviewRequest};

use super::extract::{AppJson, Origin};
use crate::{
    domain::{markdown, CommentBody},
    AppState, Error, Result,
};

#[utoipa::path(
    post,
    path = "/api/v1/preview",
    tag = "comments",
    request_body(content = PreviewRequest),
    responses(
        (status = 200, description = "The sanitised HTML", body = Preview),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 403, description = "`origin_not_allowed`: no site allows this origin", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`validation`: empty or too long", body = ErrorBody),
    )
)]
pub async fn preview(
    State(state): State<AppState>,
    origin: Origin,
    AppJson(req): AppJson<PreviewRequest>,
) -> Result<Json<Preview>> {
    // Not tied to a site, so any site's origin will do.
    if let Some(o) = &origin.0 {
        if !state.store.origin_known(o).await? {
            return Err(Error::origin_not_allowed());
        }
    }
    let body = CommentBody::parse(&req.body, state.config.limits.body_chars)?;
    Ok(Json(Preview {
        html: markdown::render(body.as_str()),
    }))
}

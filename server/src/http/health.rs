//! `GET /healthz`: up only if the database answers, for load balancers and
//! orchestrators.

use axum::{extract::State, http::StatusCode};
use confab_api::{ErrorBody, ErrorCode};

use crate::{AppState, Error, Result};

#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses(
        (status = 200, description = "`ok`: the database answers", content_type = "text/plain", body = String),
        (status = 503, description = "`unavailable`: the database does not", body = ErrorBody),
    )
)]
pub async fn healthz(State(state): State<AppState>) -> Result<&'static str> {
    match state.store.ping().await {
        Ok(()) => Ok("ok"),
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "health check failed");
            Err(Error::client(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Unavailable,
                "the database is not answering",
            ))
        }
    }
}

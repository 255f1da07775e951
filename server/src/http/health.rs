//! `GET /healthz` (liveness: the database answers) and `GET /readyz`
//! (readiness: the database answers and, on PostgreSQL, other instances'
//! changes reach this one), for load balancers and orchestrators. `/readyz`
//! is for operators only, so it is not part of `openapi.json`.

use axum::{extract::State, http::StatusCode, routing::get, Router};
use confab_api::{ErrorBody, ErrorCode};

use crate::{AppState, Error, Result};

pub fn router() -> Router<AppState> {
    Router::new().route("/readyz", get(readyz))
}

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
    database(&state).await?;
    Ok("ok")
}

/// Not ready while this instance could miss another's writes: it then
/// serves without its cache, but a balancer should prefer the others.
async fn readyz(State(state): State<AppState>) -> Result<&'static str> {
    database(&state).await?;
    if !state.bus.is_live() {
        return Err(unavailable("the notification connection is down"));
    }
    Ok("ready")
}

async fn database(state: &AppState) -> Result<()> {
    state.store.ping().await.map_err(|e| {
        tracing::warn!(error = %format!("{e:#}"), "health check failed");
        unavailable("the database is not answering")
    })
}

fn unavailable(message: &'static str) -> Error {
    Error::client(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Unavailable,
        message,
    )
}

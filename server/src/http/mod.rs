//! Everything HTTP-facing. Each resource has its own `router()`; this module
//! merges them and adds the cross-cutting layers.

pub mod assets;
pub mod health;

use axum::Router;

use crate::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(assets::router())
        .with_state(state)
}

//! Confab's comments server. `main.rs` only parses config and calls [`run`];
//! tests call [`router`] and [`serve`] directly against a listener on port 0.

pub mod config;
pub mod demo;
pub mod error;
pub mod http;

use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;

pub use config::Config;
pub use error::{Error, Result};

/// Everything a handler needs, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
}

impl AppState {
    pub async fn new(config: Config) -> anyhow::Result<Self> {
        Ok(Self {
            config: Arc::new(config),
        })
    }
}

/// The whole HTTP surface of Confab.
pub fn router(state: AppState) -> Router {
    http::router(state)
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

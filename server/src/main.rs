//! The `confab` binary: parse config, then hand over to the library.

use confab::{AppState, Config};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::default();
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let state = AppState::new(config).await?;
    confab::serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

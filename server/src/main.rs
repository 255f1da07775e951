//! The `confab` binary: parse the command line, start tracing, hand over.

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = confab::cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("confab=info,tower_http=info")),
        )
        // Logs on stderr, so that CLI output on stdout stays clean to pipe.
        .with_writer(std::io::stderr)
        .init();
    confab::cli::run(cli).await
}

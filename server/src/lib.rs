//! Confab's comments server. `main.rs` only parses the command line and calls
//! into here; tests call [`AppState::new`] and [`serve`] directly against a
//! listener on port 0.

pub mod cache;
pub mod cli;
pub mod comments;
pub mod config;
pub mod demo;
pub mod domain;
pub mod encoded;
pub mod error;
pub mod http;
pub mod login_delays;
pub mod moderation;
pub mod notify;
pub mod ratelimit;
pub mod store;
pub mod streams;
pub mod transfer;

use std::{future::Future, sync::Arc, time::Duration};

use axum::Router;
use tokio::{
    net::TcpListener,
    sync::{broadcast, watch},
};

pub use config::Config;
pub use error::{Error, Result};
pub use store::Store;

/// A change to a published comment, for the event streams of its page.
#[derive(Debug, Clone)]
pub struct PageEvent {
    pub site: String,
    pub page: String,
    pub event: confab_api::Event,
}

/// Everything a handler needs, cheap to clone: one shared pointer. Every
/// request clones it several times (extractors, middleware), and with a
/// reference count per field those clones and drops were 14% of a cached
/// thread read's CPU.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] shares.
pub struct Shared {
    pub config: Arc<Config>,
    pub store: Arc<dyn Store>,
    pub threads: Arc<cache::ThreadCache>,
    pub events: broadcast::Sender<Arc<PageEvent>>,
    /// Where every write reports "this page changed": drops cached threads
    /// and feeds event streams here and, on PostgreSQL, on every instance.
    /// Caches of database rows hook into [`notify::Bus::on_resync`].
    pub bus: Arc<notify::Bus>,
    pub metrics: Arc<http::metrics::Metrics>,
    /// New comments per IP and per page (a one-minute window).
    pub posts: Arc<ratelimit::RateLimiter>,
    /// Votes per IP (a one-minute window).
    pub votes: Arc<ratelimit::RateLimiter>,
    /// Author tokens issued per IP (a one-hour window).
    pub authors: Arc<ratelimit::RateLimiter>,
    /// Failed logins and setups per IP (a 15-minute window).
    pub logins: Arc<ratelimit::RateLimiter>,
    /// The growing waits after failed logins per e-mail.
    pub login_delays: Arc<login_delays::LoginDelays>,
    /// Open event streams, capped per address and in all.
    pub streams: Arc<streams::Streams>,
    pub spam: Arc<moderation::spam::SpamModels>,
    pub mailer: Option<Arc<moderation::mail::Mailer>>,
    /// Imports started from the dashboard, one at a time per site.
    pub imports: Arc<transfer::jobs::Jobs>,
    /// Signs e-mailed links and author tokens; the same on every instance.
    pub signing_key: Arc<[u8]>,
    /// Flips to true when the server starts shutting down, so that
    /// long-lived event streams end and graceful shutdown can finish.
    pub shutdown: watch::Receiver<bool>,
    shutdown_tx: Arc<watch::Sender<bool>>,
}

impl AppState {
    /// Connects to `config.database_url`, migrates it and upserts the
    /// configured sites.
    pub async fn new(config: Config) -> anyhow::Result<Self> {
        config.validate()?;
        let store = store::connect(&config.database_url).await?;
        for site in &config.sites {
            store.upsert_site(site).await?;
        }
        Self::with_store(config, store).await
    }

    /// A state over an already connected store.
    pub async fn with_store(config: Config, store: Arc<dyn Store>) -> anyhow::Result<Self> {
        let signing_key = signing_key(&config, store.as_ref()).await?;
        let mailer = match &config.smtp {
            Some(smtp) => Some(Arc::new(moderation::mail::Mailer::new(smtp)?)),
            None => None,
        };
        let (shutdown_tx, shutdown) = watch::channel(false);
        let threads = Arc::new(cache::ThreadCache::new(
            64,
            config.limits.thread_cache_bytes,
        ));
        let events = broadcast::channel(1024).0;
        let bus = if store::is_postgres(&config.database_url) {
            notify::Bus::postgres(
                &config.database_url,
                threads.clone(),
                events.clone(),
                store.clone(),
                shutdown.clone(),
            )
            .await?
        } else {
            Arc::new(notify::Bus::local(threads.clone(), events.clone()))
        };
        // Sites are held in memory too: after a gap in notifications, any
        // of them may have changed on another instance.
        let sites = store.clone();
        bus.on_resync(move || sites.forget_sites());
        Ok(Self(Arc::new(Shared {
            posts: Arc::new(ratelimit::RateLimiter::new(Duration::from_secs(60))),
            votes: Arc::new(ratelimit::RateLimiter::new(Duration::from_secs(60))),
            authors: Arc::new(ratelimit::RateLimiter::new(Duration::from_secs(60 * 60))),
            logins: Arc::new(ratelimit::RateLimiter::new(Duration::from_secs(15 * 60))),
            login_delays: Arc::default(),
            streams: streams::Streams::new(config.limits.streams_per_ip, config.limits.max_streams),
            spam: Arc::new(moderation::spam::SpamModels::new(Duration::from_secs(
                config.spam.reload_secs,
            ))),
            mailer,
            imports: Arc::default(),
            signing_key,
            config: Arc::new(config),
            store,
            threads,
            events,
            bus,
            metrics: Arc::default(),
            shutdown,
            shutdown_tx: Arc::new(shutdown_tx),
        })))
    }
}

/// The configured `secret_key`, else the one in the database, made on first
/// start: every instance that shares the database then signs alike.
pub(crate) async fn signing_key(config: &Config, store: &dyn Store) -> anyhow::Result<Arc<[u8]>> {
    if let Some(key) = config.secret_key.as_deref().filter(|k| !k.is_empty()) {
        anyhow::ensure!(key.len() >= 32, "secret_key needs at least 32 characters");
        return Ok(key.as_bytes().into());
    }
    let fresh = domain::secrets::new_token().0;
    let (key, made) = store.secret_or_insert("signing_key", &fresh).await?;
    if made {
        tracing::info!("no secret_key configured: generated one into the database");
    }
    Ok(key.into_bytes().into())
}

/// The whole HTTP surface of Confab.
pub fn router(state: AppState) -> Router {
    http::router(state)
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish
/// (event streams are told to end). Connections are capped and timed out as
/// `[limits]` says (see `http/conn.rs`).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let stop = state.shutdown_tx.clone();
    let stopping = state.shutdown.clone();
    let limits = http::conn::ConnLimits::from(&state.config.limits);
    let signal = async move {
        shutdown.await;
        tracing::info!("shutting down: finishing in-flight requests");
        stop.send_replace(true);
    };
    // The accept loop ends once `signal` has flipped `stopping`.
    tokio::join!(
        signal,
        http::conn::serve(listener, router(state.clone()), state, limits, stopping)
    );
    Ok(())
}

/// Resolves on ctrl-c or SIGTERM: what `confab serve` waits for.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

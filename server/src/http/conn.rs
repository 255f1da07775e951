//! Serving connections: the accept loop, with a cap on open connections, a
//! header-read timeout, an idle timeout and graceful shutdown. `axum::serve`
//! has none of the first three, so a slow or idle client could hold a
//! connection (and a file descriptor) for as long as it liked.

use std::{
    io,
    net::SocketAddr,
    pin::Pin,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    task::{Context, Poll},
    time::Duration,
};

use axum::{extract::ConnectInfo, Router};
use hyper::{body::Incoming, server::conn::http1, Request};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{watch, OwnedSemaphorePermit, Semaphore},
    time::Instant,
};
use tower::Service;

use futures::future::Either;

use crate::{config::Limits, AppState};

/// What bounds each connection, from `[limits]`.
#[derive(Debug, Clone, Copy)]
pub struct ConnLimits {
    pub header_read: Duration,
    pub idle: Duration,
    pub max_connections: u32,
}

impl From<&Limits> for ConnLimits {
    fn from(l: &Limits) -> Self {
        Self {
            header_read: Duration::from_secs(l.header_read_timeout_secs),
            idle: Duration::from_secs(l.keep_alive_idle_secs),
            max_connections: l.max_connections,
        }
    }
}

/// Serves `app` on `listener`, with cached reads of `state`'s threads
/// answered ahead of it (`http/fast.rs`), until `stopping` turns true, then lets every
/// open connection finish its response and waits for them all to close.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    state: AppState,
    limits: ConnLimits,
    stopping: watch::Receiver<bool>,
) {
    // Every connection holds a permit until it closes, so the semaphore is
    // both the cap and the count that shutdown waits on.
    let permits = Arc::new(Semaphore::new(limits.max_connections as usize));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .keep_alive(true);
    let mut stop = stopping.clone();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stopped(&mut stop) => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                accept_failed(e).await;
                continue;
            }
        };
        // Full: closing at once keeps our descriptors for those we serve
        // and tells the client so, where waiting would fill the backlog.
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tracing::debug!(%peer, "max_connections reached: closing a new connection");
            continue;
        };
        let conn = Conn {
            http: http.clone(),
            app: app.clone(),
            state: state.clone(),
            idle: limits.idle,
            stopping: stopping.clone(),
            _permit: permit,
        };
        tokio::spawn(conn.run(stream, peer));
    }
    drop(listener);
    let _all_closed = permits.acquire_many(limits.max_connections).await;
}

/// Resolves once the server is stopping (or can no longer be told to).
async fn stopped(stopping: &mut watch::Receiver<bool>) {
    // Its `Ref` is dropped here: held in a caller's `select!`, it would
    // make the accept loop's future not `Send`.
    let _ = stopping.wait_for(|s| *s).await;
}

/// Errors of one connection (it was reset before we took it) are nothing
/// to wait for; others (out of file descriptors) are, as hyper itself does.
async fn accept_failed(e: io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

struct Conn {
    http: http1::Builder,
    app: Router,
    state: AppState,
    idle: Duration,
    stopping: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
}

impl Conn {
    async fn run(mut self, stream: TcpStream, peer: SocketAddr) {
        let activity = Activity::new();
        let io = TokioIo::new(Tracked {
            inner: stream,
            activity: activity.clone(),
        });
        let (app, state) = (self.app, self.state);
        let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
            if let Some(hit) = super::fast::answer(&state, &req) {
                return Either::Left(std::future::ready(Ok(hit)));
            }
            // Handlers and `http/client.rs` read the peer's address from here.
            req.extensions_mut().insert(ConnectInfo(peer));
            Either::Right(app.clone().call(req))
        });
        let conn = self.http.serve_connection(io, service);
        tokio::pin!(conn);
        let mut closing = false;
        loop {
            tokio::select! {
                done = conn.as_mut() => {
                    if let Err(e) = done {
                        tracing::debug!(error = %e, %peer, "connection ended");
                    }
                    return;
                }
                // hyper closes at once when no response is under way, else
                // after it: an event stream is never cut here.
                () = activity.idle_for(self.idle), if !closing => {
                    conn.as_mut().graceful_shutdown();
                    closing = true;
                }
                () = stopped(&mut self.stopping), if !closing => {
                    conn.as_mut().graceful_shutdown();
                    closing = true;
                }
            }
        }
    }
}

/// When a connection last moved a byte, in milliseconds since it opened.
#[derive(Clone)]
struct Activity {
    opened: Instant,
    last_ms: Arc<AtomicU64>,
}

impl Activity {
    fn new() -> Self {
        Self {
            opened: Instant::now(),
            last_ms: Arc::default(),
        }
    }

    fn touch(&self) {
        let ms = self.opened.elapsed().as_millis();
        self.last_ms
            .store(u64::try_from(ms).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// Resolves once no byte has moved for `limit`.
    async fn idle_for(&self, limit: Duration) {
        loop {
            let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
            let deadline = self.opened + last + limit;
            if Instant::now() >= deadline {
                return;
            }
            tokio::time::sleep_until(deadline).await;
        }
    }
}

/// A TCP stream that notes each read and write in its [`Activity`].
struct Tracked {
    inner: TcpStream,
    activity: Activity,
}

impl Tracked {
    fn noted<T>(&self, polled: Poll<io::Result<T>>, moved: bool) -> Poll<io::Result<T>> {
        if moved {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncRead for Tracked {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        let moved = matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before;
        this.noted(polled, moved)
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_write(cx, buf);
        let moved = matches!(polled, Poll::Ready(Ok(n)) if n > 0);
        this.noted(polled, moved)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        let moved = matches!(polled, Poll::Ready(Ok(n)) if n > 0);
        this.noted(polled, moved)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

//! Waiting on a condition, never for a fixed time, and a port to listen on.

use std::{
    future::Future,
    time::{Duration, Instant},
};

/// How often a condition is checked again.
const POLL: Duration = Duration::from_millis(20);

/// Waits until `check` yields a value and returns it, checking every 20 ms;
/// panics, naming `what`, if `limit` passes first.
pub async fn until_some<T, F, Fut>(limit: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(start.elapsed() < limit, "waited {limit:?} for {what}");
        tokio::time::sleep(POLL).await;
    }
}

/// Waits until `check` is true, checking every 20 ms; panics, naming
/// `what`, if `limit` passes first.
pub async fn until<F, Fut>(limit: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    until_some(limit, what, || {
        let ok = check();
        async move { ok.await.then_some(()) }
    })
    .await;
}

/// A free loopback port below the ephemeral range: ports there are not
/// handed out to everyone who binds port 0, so it stays ours between
/// probing and use by a child process.
pub fn free_port() -> u16 {
    use rand::Rng;
    // Bounded: a machine with no free port in 1,000 tries fails the test.
    for _ in 0..1_000 {
        let port = rand::thread_rng().gen_range(20_000..32_000);
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port between 20000 and 32000 in 1,000 tries");
}

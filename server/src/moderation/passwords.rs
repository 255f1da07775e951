//! Moderator passwords as a service: argon2 runs off the async runtime, on
//! a few threads of its own. Each hash holds 19 MiB while it runs, so a
//! burst of logins or setups must not run many at once. Each thread keeps
//! one hash's working memory and reuses it, so the total stays at cores ×
//! 19 MiB however many hashes run.

use std::sync::{mpsc, Arc, LazyLock, Mutex, PoisonError};

use tokio::sync::oneshot;

use crate::domain::password::{self, Scratch};

type Job = Box<dyn FnOnce(&mut Scratch) + Send>;

/// One hashing thread per core, started on first use. Written by hand:
/// a thread-pool crate would add a dependency for these few lines.
static HASHERS: LazyLock<mpsc::Sender<Job>> = LazyLock::new(|| {
    let (tx, rx) = mpsc::channel::<Job>();
    let rx = Arc::new(Mutex::new(rx));
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    for i in 0..cores {
        let rx = rx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("confab-argon2-{i}"))
            .spawn(move || {
                let mut scratch = Scratch::default();
                loop {
                    let job = rx.lock().unwrap_or_else(PoisonError::into_inner).recv();
                    match job {
                        Ok(job) => job(&mut scratch),
                        Err(_) => return,
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start a password hashing thread");
        }
    }
    tx
});

/// Runs `f` on a hashing thread. A caller that goes away leaves the job to
/// finish; its answer is dropped.
async fn on_hasher<T: Send + 'static>(
    f: impl FnOnce(&mut Scratch) -> T + Send + 'static,
) -> anyhow::Result<T> {
    let (tx, rx) = oneshot::channel();
    HASHERS
        .send(Box::new(move |scratch| {
            let _ = tx.send(f(scratch));
        }))
        .map_err(|_| anyhow::anyhow!("the password hashing threads are gone"))?;
    Ok(rx.await?)
}

/// The PHC string for a new password.
pub async fn hash(new: String) -> anyhow::Result<String> {
    on_hasher(move |scratch| password::hash(&new, scratch)).await?
}

/// Whether `given` matches `stored`; with no stored hash it is checked
/// against a decoy, so an unknown e-mail takes as long as a known one.
pub async fn verify(given: String, stored: Option<String>) -> anyhow::Result<bool> {
    on_hasher(move |scratch| {
        let stored = stored.as_deref().unwrap_or_else(|| password::decoy());
        password::verify(&given, stored, scratch)
    })
    .await
}

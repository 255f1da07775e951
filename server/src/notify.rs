//! "A page changed": the one place every write reports to. It drops the
//! page's cached threads and tells the page's event streams on this
//! instance and, on PostgreSQL, on every other instance sharing the
//! database, through `LISTEN`/`NOTIFY` (no broker of our own). SQLite is one
//! instance, so there it stays in process.
//!
//! The writer awaits its `NOTIFY` before it answers, and PostgreSQL delivers
//! notifications in commit order: so a reader sees events in the order the
//! writers acknowledged them, whichever instances they went through.
//! Notifications go out in groups (see [`Publisher`]), because each `NOTIFY`
//! commits a transaction of its own, with its own WAL flush.
//!
//! While the listening connection is down this instance could miss other
//! instances' invalidations, so it stops serving from its cache and reports
//! not ready until the connection is back; then it forgets the whole cache
//! and calls the [`Bus::on_resync`] hooks.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use confab_api::Event;
use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use tokio::sync::{broadcast, mpsc, oneshot, watch};

use crate::{cache::ThreadCache, store::Store, PageEvent};

/// The PostgreSQL channel every instance listens on.
pub const CHANNEL: &str = "confab_changes";
/// PostgreSQL refuses payloads of 8000 bytes or more; bigger events travel
/// as a comment id that receivers load.
const MAX_PAYLOAD: usize = 7900;
/// The longest wait between two attempts to get the listener back.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

type Hook = Box<dyn Fn() + Send + Sync>;

pub struct Bus {
    /// Tells our own notifications apart when they come back to us.
    instance: String,
    threads: Arc<ThreadCache>,
    events: broadcast::Sender<Arc<PageEvent>>,
    /// Sends notifications; `None` on SQLite.
    publisher: Option<Publisher>,
    /// Whether other instances' changes reach us (always true on SQLite).
    live: watch::Sender<bool>,
    resync: Mutex<Vec<Hook>>,
}

/// What travels on [`CHANNEL`].
#[derive(Debug, Serialize, Deserialize)]
struct Note {
    from: String,
    site: String,
    page: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    event: Option<Event>,
    /// An event too big for a payload: `(edited?, comment id)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    load: Option<(bool, i64)>,
    /// A site's settings changed: every instance forgets the sites it holds
    /// in memory (`site` and `page` are then empty).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    sites: bool,
}

impl Bus {
    /// A bus for one instance alone (SQLite).
    pub fn local(threads: Arc<ThreadCache>, events: broadcast::Sender<Arc<PageEvent>>) -> Self {
        Self {
            instance: String::new(),
            threads,
            events,
            publisher: None,
            live: watch::channel(true).0,
            resync: Mutex::default(),
        }
    }

    /// A bus shared through the PostgreSQL at `url`, listening before it
    /// returns. Its two connections are its own, apart from the store's
    /// pool, so a busy pool never delays a notification.
    pub async fn postgres(
        url: &str,
        threads: Arc<ThreadCache>,
        events: broadcast::Sender<Arc<PageEvent>>,
        store: Arc<dyn Store>,
        shutdown: watch::Receiver<bool>,
    ) -> anyhow::Result<Arc<Self>> {
        use rand::Rng;
        let options: PgConnectOptions = url.parse()?;
        // The process id lets an operator (or a test) find this instance's
        // listening backend in pg_stat_activity.
        let listen_options = options
            .clone()
            .application_name(&format!("confab-listener-{}", std::process::id()));
        let listener = connect(&listen_options).await?;
        let publisher = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .connect_lazy_with(options.application_name("confab-notify"));
        let bus = Arc::new(Self {
            instance: format!("{:016x}", rand::thread_rng().gen::<u64>()),
            threads,
            events,
            publisher: Some(Publisher::spawn(publisher)),
            live: watch::channel(true).0,
            resync: Mutex::default(),
        });
        tokio::spawn(listen(
            bus.clone(),
            listener,
            listen_options,
            store,
            shutdown,
        ));
        Ok(bus)
    }

    /// Reports a write to `page` of `site`, already committed; `event` when
    /// readers could see what changed. This instance's cache drops the page
    /// at once. On PostgreSQL the event reaches event streams, ours
    /// included, through the database, once the notification is sent: every
    /// instance then sees every instance's events in the same order.
    pub async fn changed(&self, site: &str, page: &str, event: Option<Event>) {
        self.threads.invalidate(&(site.to_owned(), page.to_owned()));
        let Some(publisher) = &self.publisher else {
            return self.send(site, page, event);
        };
        if !self.is_live() {
            // Our own notification will not come back to us.
            self.send(site, page, event.clone());
        }
        let mut note = Note {
            from: self.instance.clone(),
            site: site.to_owned(),
            page: page.to_owned(),
            event,
            load: None,
            sites: false,
        };
        let mut payload = serde_json::to_string(&note).unwrap_or_default();
        if payload.len() > MAX_PAYLOAD {
            note.load = match note.event.take() {
                Some(Event::Created { comment }) => Some((false, comment.id)),
                Some(Event::Edited { comment }) => Some((true, comment.id)),
                _ => None,
            };
            payload = serde_json::to_string(&note).unwrap_or_default();
        }
        publisher.publish(payload).await;
    }

    /// Reports a committed change to a site's settings, which every store
    /// holds in memory: the writer's store has already forgotten its copy,
    /// other instances forget theirs when the notification reaches them.
    pub async fn sites_changed(&self) {
        let Some(publisher) = &self.publisher else {
            return;
        };
        let note = Note {
            from: self.instance.clone(),
            site: String::new(),
            page: String::new(),
            event: None,
            load: None,
            sites: true,
        };
        publisher
            .publish(serde_json::to_string(&note).unwrap_or_default())
            .await;
    }

    /// Whether this instance hears every other instance's changes.
    pub fn is_live(&self) -> bool {
        *self.live.borrow()
    }

    /// Runs `hook` whenever the listener comes back after being down:
    /// anything cached from the database may then be stale.
    pub fn on_resync(&self, hook: impl Fn() + Send + Sync + 'static) {
        self.hooks().push(Box::new(hook));
    }

    fn send(&self, site: &str, page: &str, event: Option<Event>) {
        if let Some(event) = event {
            // No receivers is not an error: nobody is watching this page.
            let _ = self.events.send(Arc::new(PageEvent {
                site: site.to_owned(),
                page: page.to_owned(),
                event,
            }));
        }
    }

    async fn receive(&self, payload: &str, store: &dyn Store) {
        let note: Note = match serde_json::from_str(payload) {
            Ok(note) => note,
            Err(e) => return tracing::warn!(error = %e, "unreadable notification"),
        };
        if note.sites {
            if note.from != self.instance {
                store.forget_sites();
            }
            return;
        }
        if note.from != self.instance {
            self.threads
                .invalidate(&(note.site.clone(), note.page.clone()));
        }
        let event = match note.load {
            None => note.event,
            Some((edited, id)) => match store.admin_comment(id).await {
                Ok(Some(row)) if row.status() == confab_api::CommentStatus::Approved => {
                    let comment = row.public();
                    Some(if edited {
                        Event::Edited { comment }
                    } else {
                        Event::Created { comment }
                    })
                }
                Ok(_) => None,
                Err(e) => {
                    tracing::warn!(error = %format!("{e:#}"), id, "loading a notified comment");
                    None
                }
            },
        };
        self.send(&note.site, &note.page, event);
    }

    fn suspend(&self) {
        self.threads.suspend();
        self.live.send_replace(false);
    }

    fn resync(&self) {
        self.threads.resume();
        for hook in self.hooks().iter() {
            hook();
        }
        self.live.send_replace(true);
    }

    fn hooks(&self) -> std::sync::MutexGuard<'_, Vec<Hook>> {
        self.resync.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The most notifications sent in one statement.
const MAX_GROUP: usize = 256;

type Queued = (String, oneshot::Sender<()>);

/// Sends notifications from one task, in groups. Every payload waiting when
/// the last group was done goes out in one statement: one transaction, one
/// WAL flush, however many writers it serves. One at a time, the flushes of
/// 32 posters queued behind each other and capped posts at about one per
/// flush. Within a transaction PostgreSQL keeps the order sent, so the
/// order of acknowledgements still holds; it drops repeats of an identical
/// payload, which only ever say the same thing twice.
struct Publisher {
    queue: mpsc::UnboundedSender<Queued>,
}

impl Publisher {
    fn spawn(pool: PgPool) -> Self {
        let (queue, mut waiting) = mpsc::unbounded_channel::<Queued>();
        tokio::spawn(async move {
            let mut group = Vec::with_capacity(MAX_GROUP);
            while waiting.recv_many(&mut group, MAX_GROUP).await > 0 {
                let (payloads, done): (Vec<String>, Vec<_>) = group.drain(..).unzip();
                publish(&pool, &payloads).await;
                for sent in done {
                    // The writer may have gone; its note went out regardless.
                    let _ = sent.send(());
                }
            }
        });
        Self { queue }
    }

    /// Returns once `payload` was sent (or given up on, which is logged).
    /// Queueing does not wait, so a client hanging up after the write
    /// cannot cancel its notification.
    async fn publish(&self, payload: String) {
        let (sent, done) = oneshot::channel();
        if self.queue.send((payload, sent)).is_ok() {
            let _ = done.await;
        }
    }
}

/// Sends a group of notifications, in order. The writes are already
/// committed, so a failure is retried briefly and then logged: other
/// instances then serve those pages stale until their next write.
async fn publish(pool: &PgPool, payloads: &[String]) {
    for attempt in 1..=3 {
        let sent = sqlx::query(
            "SELECT pg_notify($1, payload)
             FROM unnest($2::text[]) WITH ORDINALITY AS t(payload, n) ORDER BY n",
        )
        .bind(CHANNEL)
        .bind(payloads)
        .execute(pool)
        .await;
        match sent {
            Ok(_) => return,
            Err(e) if attempt == 3 => {
                tracing::error!(
                    error = %e,
                    count = payloads.len(),
                    "changes were not told to other instances"
                );
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(50 * attempt)).await,
        }
    }
}

/// Keeps a `LISTEN` connection up, applying other instances' changes, and
/// suspends the cache whenever it is down.
async fn listen(
    bus: Arc<Bus>,
    first: PgListener,
    options: PgConnectOptions,
    store: Arc<dyn Store>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut listener = Some(first);
    let mut backoff = Duration::from_millis(100);
    loop {
        let connected = match listener.take() {
            Some(first) => Ok(first),
            None => connect(&options).await,
        };
        match connected {
            Ok(mut listener) => {
                backoff = Duration::from_millis(100);
                if !bus.is_live() {
                    bus.resync();
                    tracing::info!("listening for other instances' changes again");
                }
                loop {
                    tokio::select! {
                        next = listener.try_recv() => match next {
                            Ok(Some(note)) => bus.receive(note.payload(), store.as_ref()).await,
                            // `None` is sqlx's "the connection was lost".
                            Ok(None) => break,
                            Err(e) => {
                                tracing::warn!(error = %e, "notification connection failed");
                                break;
                            }
                        },
                        () = stopped(&mut shutdown) => return,
                    }
                }
                bus.suspend();
                tracing::warn!("notification connection lost: serving without cache");
            }
            Err(e) => tracing::warn!(error = %e, "cannot listen for changes; retrying"),
        }
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            () = stopped(&mut shutdown) => return,
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is not `Send`: drop it here.
    let _ = shutdown.wait_for(|stop| *stop).await;
}

async fn connect(options: &PgConnectOptions) -> anyhow::Result<PgListener> {
    // A pool of one that we drop on failure, and no eager reconnect: sqlx's
    // own reconnecting would hide the gap in which notifications were lost.
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options.clone())
        .await?;
    let mut listener = PgListener::connect_with(&pool).await?;
    listener.eager_reconnect(false);
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

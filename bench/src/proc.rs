//! The processes the benchmark drives: the release `confab` binary, and the
//! small facts about them it reports (start-up time, resident memory).

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use anyhow::{bail, Context};
use tokio::{process::Child, task::JoinHandle};

/// Sends SIGTERM through kill(1): the workspace forbids `unsafe`, so no libc.
pub async fn terminate(pid: u32) {
    let _ = tokio::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .await;
}

/// Waits up to 10 s for a child to exit after SIGTERM, then kills it.
pub async fn stop_child(child: &mut Child) {
    if let Some(pid) = child.id() {
        terminate(pid).await;
    }
    if tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .is_err()
    {
        let _ = child.kill().await;
    }
}

/// The listener an article page will be served on, bound before Confab
/// starts: the config lists its origin among the demo site's.
pub struct Article {
    pub listener: tokio::net::TcpListener,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
}

impl Article {
    pub async fn bind() -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let origin = format!("http://{}", listener.local_addr()?);
        Ok(Self { listener, origin })
    }
}

/// A running `confab serve`.
pub struct Server {
    child: Child,
    pub pid: u32,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base: String,
    /// From spawn until `/healthz` first answered 200.
    pub startup: Duration,
    log: PathBuf,
}

impl Server {
    /// Starts the binary on a free port with a config of our own: the `demo`
    /// site allowing `origins`, and the per-IP and per-page post limits off
    /// (every poster here is 127.0.0.1). The spam checks stay on: they are
    /// part of the cost of a write.
    pub async fn start(
        bin: &Path,
        dir: &Path,
        database_url: &str,
        origins: &[String],
    ) -> anyhow::Result<Self> {
        Self::start_with(bin, dir, database_url, origins, "").await
    }

    /// [`Server::start`] on a fresh SQLite file `name` in the scratch
    /// folder.
    pub async fn on_sqlite(
        plan: &crate::Plan,
        name: &str,
        origins: &[String],
    ) -> anyhow::Result<Self> {
        let db = format!("sqlite://{}?mode=rwc", plan.dir.join(name).display());
        Self::start(&plan.bin, &plan.dir, &db, origins).await
    }

    /// [`Server::start`] with more `[limits]` lines, `key = value\n` each.
    pub async fn start_with(
        bin: &Path,
        dir: &Path,
        database_url: &str,
        origins: &[String],
        limits: &str,
    ) -> anyhow::Result<Self> {
        Self::start_tuned(bin, dir, database_url, origins, limits, None).await
    }

    /// [`Server::start`] with `workers` async worker threads (tokio's
    /// `TOKIO_WORKER_THREADS`) instead of one per core.
    pub async fn with_workers(
        bin: &Path,
        dir: &Path,
        database_url: &str,
        origins: &[String],
        workers: u32,
    ) -> anyhow::Result<Self> {
        Self::start_tuned(bin, dir, database_url, origins, "", Some(workers)).await
    }

    async fn start_tuned(
        bin: &Path,
        dir: &Path,
        database_url: &str,
        origins: &[String],
        limits: &str,
        workers: Option<u32>,
    ) -> anyhow::Result<Self> {
        let port = confab_testkit::free_port();
        let origins: Vec<String> = origins.iter().map(|o| format!("{o:?}")).collect();
        let config = format!(
            "listen = \"127.0.0.1:{port}\"\n\
             database_url = {database_url:?}\n\n\
             [limits]\nposts_per_minute_ip = 0\nposts_per_minute_page = 0\n{limits}\n\
             [[sites]]\nslug = \"demo\"\nname = \"Demo\"\n\
             origins = [{}]\nmoderation = \"open\"\n",
            origins.join(", ")
        );
        let config_path = dir.join(format!("confab-{port}.toml"));
        std::fs::write(&config_path, config)?;
        let log = dir.join(format!("confab-{port}.log"));
        let out = std::fs::File::create(&log)?;

        let started = Instant::now();
        let mut command = tokio::process::Command::new(bin);
        if let Some(workers) = workers {
            command.env("TOKIO_WORKER_THREADS", workers.to_string());
        }
        let child = command
            .arg("serve")
            .arg("--config")
            .arg(&config_path)
            .stdout(Stdio::from(out.try_clone()?))
            .stderr(Stdio::from(out))
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let pid = child.id().context("the server exited at once")?;
        let mut server = Self {
            child,
            pid,
            base: format!("http://127.0.0.1:{port}"),
            startup: Duration::ZERO,
            log,
        };
        server.startup = server.wait_healthy(started).await?;
        Ok(server)
    }

    /// Polls `/healthz` every 2 ms for up to 60 s; returns the time since
    /// `started` at the first 200.
    async fn wait_healthy(&mut self, started: Instant) -> anyhow::Result<Duration> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()?;
        let url = format!("{}/healthz", self.base);
        while started.elapsed() < Duration::from_secs(60) {
            if let Ok(r) = client.get(&url).send().await {
                if r.status().is_success() {
                    return Ok(started.elapsed());
                }
            }
            if let Some(status) = self.child.try_wait()? {
                bail!("confab exited with {status}: {}", self.log_tail());
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        bail!("confab not healthy after 60 s: {}", self.log_tail())
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let start = text.len().saturating_sub(2000);
        text.get(start..).unwrap_or_default().to_owned()
    }

    /// Resident memory now, in KiB.
    pub fn rss_kib(&self) -> Option<u64> {
        confab_testkit::rss_kib(self.pid)
    }

    /// Stops the server with SIGTERM, so SQLite checkpoints and closes.
    pub async fn stop(mut self) {
        stop_child(&mut self.child).await;
    }

    /// Kills the server with SIGKILL, as a crash would: what it acknowledged
    /// must already be in the database.
    pub async fn kill(mut self) {
        let _ = self.child.kill().await;
    }
}

/// Samples a process's RSS every 100 ms until stopped (at most 10 minutes)
/// and hands back the peak.
pub struct RssPeak {
    stop: Arc<AtomicBool>,
    task: JoinHandle<u64>,
}

impl RssPeak {
    pub fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let task = tokio::spawn(async move {
            let mut peak = 0;
            for _ in 0..6000 {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                peak = peak.max(confab_testkit::rss_kib(pid).unwrap_or(0));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            peak
        });
        Self { stop, task }
    }

    pub async fn finish(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.unwrap_or(0)
    }
}

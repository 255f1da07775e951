//! The `confab` binary as a child process.

use std::{
    ffi::OsStr,
    path::Path,
    process::{Child, Command, Stdio},
    time::Duration,
};

use crate::{free_port, until};

/// Start-up on a loaded shared machine can be slow.
const READY_WITHIN: Duration = Duration::from_secs(30);

/// How to start `confab serve`: on a free port of its own, with the
/// database URL and listen address of the environment removed.
pub struct Confab {
    command: Command,
    port: u16,
}

impl Confab {
    /// `bin serve --listen 127.0.0.1:PORT`, its output discarded.
    pub fn new(bin: impl AsRef<OsStr>) -> Self {
        let port = free_port();
        let mut command = Command::new(bin);
        command
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .env_remove("CONFAB_DATABASE_URL")
            .env_remove("CONFAB_CONFIG")
            .env_remove("CONFAB_LISTEN")
            .env("RUST_LOG", "confab=info,tower_http=warn")
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        Self { command, port }
    }

    /// Reads this configuration file.
    pub fn config(mut self, path: &Path) -> Self {
        self.command.env("CONFAB_CONFIG", path);
        self
    }

    /// More arguments to `serve`.
    pub fn args<S: AsRef<OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.command.args(args);
        self
    }

    /// Runs in `dir`, where relative paths (a plain SQLite URL) land.
    pub fn current_dir(mut self, dir: &Path) -> Self {
        self.command.current_dir(dir);
        self
    }

    /// Writes what the server logs, both streams, to `path`.
    pub fn log_to(mut self, path: &Path) -> Self {
        let log = std::fs::File::create(path).expect("a log file");
        self.command
            .stdout(log.try_clone().expect("the log file again"))
            .stderr(log);
        self
    }

    /// Spawns the binary and waits until `/healthz` answers 200. The
    /// binary logs its address before it has stored the configured sites,
    /// so that answer, not the log, says it is ready.
    pub async fn start(mut self) -> Running {
        let child = self.spawn().await;
        let running = Running {
            child,
            base: format!("http://127.0.0.1:{}", self.port),
        };
        let health = running.url("/healthz");
        let http = reqwest::Client::new();
        until(READY_WITHIN, &format!("{health} to answer 200"), || async {
            let r = http.get(&health).send().await;
            r.is_ok_and(|r| r.status() == 200)
        })
        .await;
        running
    }

    /// Spawns, retrying while the binary is "busy": a binary copied just
    /// now (the release tests do) is still open for writing in any child
    /// another test thread forked before its exec, and exec fails with
    /// ETXTBSY until that child has exec'd too (rust-lang/rust#114554).
    async fn spawn(&mut self) -> Child {
        for _ in 0..100 {
            match self.command.spawn() {
                Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                spawned => return spawned.expect("the confab binary starts"),
            }
        }
        panic!("the confab binary stayed busy (ETXTBSY) for 2 s");
    }
}

/// A running `confab serve`, killed (SIGKILL) and reaped when dropped,
/// pass or fail.
pub struct Running {
    pub child: Child,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base: String,
}

impl Running {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `VmRSS` from /proc/PID/status, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

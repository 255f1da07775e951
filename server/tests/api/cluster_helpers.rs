//! A scale-out deployment on loopback: three `confab` processes on one fresh
//! PostgreSQL database with a shared secret key, behind a real nginx
//! round-robin upstream. Everything is killed when the test ends.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use confab_api::{CreatedComment, NewComment, Thread};
use confab_testkit::{free_port, until, Confab, Running};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

/// Start-up on a loaded shared machine can be slow.
const READY_WITHIN: Duration = Duration::from_secs(20);
pub const SECRET_KEY: &str = "a-shared-secret-key-for-the-cluster-tests-0123";

/// nginx, killed (SIGKILL) and reaped on drop, pass or fail.
pub struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub struct Cluster {
    /// The balancer, which is also every instance's `public_url`.
    pub url: String,
    /// Each `confab` process, its URL in `base`.
    pub instances: Vec<Running>,
    pub client: reqwest::Client,
    pub db: TestDb,
    /// Configuration and logs.
    dir: tempfile::TempDir,
    _nginx: Proc,
}

impl Drop for Cluster {
    /// A failing test shows what the servers logged.
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        for entry in std::fs::read_dir(self.dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".log") {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                eprintln!("---- {name}\n{text}");
            }
        }
    }
}

/// nginx from PATH or Debian's /usr/sbin; the tests fail without it.
fn nginx_binary() -> PathBuf {
    for candidate in ["nginx", "/usr/sbin/nginx"] {
        let found = Command::new(candidate)
            .arg("-v")
            .stderr(Stdio::null())
            .status()
            .is_ok();
        if found {
            return candidate.into();
        }
    }
    panic!("nginx is not installed: the cluster tests need it (apt-get install nginx-light)");
}

impl Cluster {
    /// Starts the instances (the first alone, so that it migrates the
    /// database) and the balancer, and waits until all of them answer.
    pub async fn start() -> Self {
        let db = TestDb::new(Backend::Postgres).await;
        let dir = tempfile::tempdir().unwrap();
        let balancer = free_port();
        let url = format!("http://127.0.0.1:{balancer}");
        let config = dir.path().join("confab.toml");
        std::fs::write(&config, config_toml(&db.url, &url)).unwrap();
        let client = reqwest::Client::new();
        let mut instances = Vec::new();
        for i in 0..3 {
            let instance = Confab::new(env!("CARGO_BIN_EXE_confab"))
                .config(&config)
                .log_to(&dir.path().join(format!("confab-{i}.log")))
                .start()
                .await;
            until_status(&client, &instance.url("/readyz"), 200, READY_WITHIN).await;
            instances.push(instance);
        }
        let nginx = spawn_nginx(dir.path(), balancer, &instances);
        until_status(&client, &format!("{url}/readyz"), 200, READY_WITHIN).await;
        Self {
            url,
            instances,
            client,
            db,
            dir,
            _nginx: nginx,
        }
    }

    pub fn at(&self, i: usize, path: &str) -> String {
        self.instances[i].url(path)
    }

    pub fn via_balancer(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Posts a comment to `base` (the balancer or one instance).
    pub async fn post(&self, base: &str, site: &str, page: &str, body: &str) -> reqwest::Response {
        let new = NewComment {
            page: page.into(),
            body: body.into(),
            ..NewComment::default()
        };
        self.client
            .post(format!("{base}/api/v1/sites/{site}/comments"))
            .header("origin", ORIGIN)
            .json(&json!(new))
            .send()
            .await
            .unwrap()
    }

    /// Posts a comment through the balancer; it must be published.
    pub async fn comment(&self, page: &str, body: &str) -> CreatedComment {
        let r = self.post(&self.url, "demo", page, body).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        r.json().await.unwrap()
    }

    /// The thread of `page` on the demo site as instance `i` serves it.
    pub async fn thread(&self, i: usize, site: &str, page: &str) -> Thread {
        let r = self
            .client
            .get(self.at(i, &format!("/api/v1/sites/{site}/thread?page={page}")))
            .header("origin", ORIGIN)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }

    /// Waits until every instance's thread of `page` satisfies `ok`, and
    /// returns how long the slowest took.
    pub async fn until_everywhere(
        &self,
        site: &str,
        page: &str,
        ok: impl Fn(&Thread) -> bool,
    ) -> Duration {
        let start = Instant::now();
        for i in 0..self.instances.len() {
            loop {
                if ok(&self.thread(i, site, page).await) {
                    break;
                }
                assert!(
                    start.elapsed() < Duration::from_secs(5),
                    "instance {i} still serves an old thread of {page}"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        start.elapsed()
    }

    /// Fails unless every instance shows the change `what` within 1 s.
    pub async fn within_a_second(
        &self,
        what: &str,
        site: &str,
        page: &str,
        ok: impl Fn(&Thread) -> bool,
    ) {
        let took = self.until_everywhere(site, page, ok).await;
        assert!(
            took < Duration::from_secs(1),
            "{what} took {took:?} to reach every instance"
        );
    }

    /// Waits until instance `i`'s `/readyz` answers `status`.
    pub async fn readyz_answers(&self, i: usize, status: u16, limit: Duration) {
        until_status(&self.client, &self.at(i, "/readyz"), status, limit).await;
    }

    pub async fn status(&self, url: &str) -> u16 {
        match self.client.get(url).send().await {
            Ok(r) => r.status().as_u16(),
            Err(_) => 0,
        }
    }

    /// A connection to the cluster's database, as an operator would have.
    pub async fn psql(&self) -> sqlx::PgConnection {
        use sqlx::Connection;
        sqlx::PgConnection::connect(&self.db.url).await.unwrap()
    }
}

fn config_toml(database_url: &str, public_url: &str) -> String {
    format!(
        r#"database_url = "{database_url}"
public_url = "{public_url}"
secret_key = "{SECRET_KEY}"
trusted_proxies = ["127.0.0.1"]

[limits]
posts_per_minute_ip = 0
posts_per_minute_page = 0

[spam]
min_compose_ms = 0
duplicate_window_secs = 0

[[sites]]
slug = "demo"
name = "Demo"
origins = ["{ORIGIN}"]
moderation = "open"

[[sites]]
slug = "held"
name = "Held"
origins = ["{ORIGIN}"]
moderation = "all"
"#
    )
}

fn spawn_nginx(dir: &Path, port: u16, instances: &[Running]) -> Proc {
    let servers: String = instances
        .iter()
        .map(|i| format!("server {};\n", i.base.trim_start_matches("http://")))
        .collect();
    let http = format!(
        r#"upstream confab {{
        {servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://confab;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_connect_timeout 1s;
            # Event streams must flow as they are written.
            proxy_buffering off;
            proxy_read_timeout 1h;
        }}
    }}"#
    );
    run_nginx(dir, &http)
}

/// nginx with `http` as its `http` block's content, its files under `dir`.
pub fn run_nginx(dir: &Path, http: &str) -> Proc {
    for temp in ["body", "proxy", "fastcgi", "uwsgi", "scgi"] {
        std::fs::create_dir_all(dir.join("tmp").join(temp)).unwrap();
    }
    let d = dir.display();
    let conf = format!(
        // One process, so that killing it on drop leaves no worker behind.
        r#"master_process off;
pid {d}/nginx.pid;
error_log {d}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    {http}
}}
"#
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let child = Command::new(nginx_binary())
        .args(["-p", &d.to_string(), "-e", &format!("{d}/nginx-error.log")])
        .args(["-c", path.to_str().unwrap(), "-g", "daemon off;"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts");
    Proc(child)
}

/// Polls `url` until it answers `status`, failing after `limit`.
pub async fn until_status(client: &reqwest::Client, url: &str, status: u16, limit: Duration) {
    until(limit, &format!("{url} to answer {status}"), || async {
        let got = client.get(url).send().await.map(|r| r.status().as_u16());
        got.is_ok_and(|got| got == status)
    })
    .await;
}

/// The value of one series (`name` or `name{label="value"}`) in Prometheus text.
pub fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {name} in\n{text}"))
        .trim()
        .parse()
        .unwrap()
}

//! Isso 0.14, the peer most like Confab: installed from PyPI into a venv in
//! the scratch folder and run under gunicorn with 2 workers, as its docs
//! advise. The rows that compare with it live in `peer.rs`.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use anyhow::{bail, ensure, Context};
use confab_api::NewComment;
use tokio::process::Child;

use crate::proc::stop_child;

pub const VERSION: &str = "0.14.0";

/// An installed Isso: the venv's `bin/` and the package's folder.
pub struct Install {
    bin: PathBuf,
    /// `.../site-packages/isso`, where `js/embed.min.js` is.
    pub package: PathBuf,
}

/// `python3 -m venv` and `pip install isso==0.14.0 gunicorn`, bounded by
/// 2 and 10 minutes.
pub async fn install(dir: &Path) -> anyhow::Result<Install> {
    let venv = dir.join("isso-venv");
    run(
        tokio::process::Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv),
        120,
    )
    .await
    .context("python3 -m venv")?;
    let bin = venv.join("bin");
    run(
        tokio::process::Command::new(bin.join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("isso=={VERSION}"))
            .arg("gunicorn"),
        600,
    )
    .await
    .context("pip install isso gunicorn")?;
    let out = tokio::process::Command::new(bin.join("python"))
        .args([
            "-c",
            "import isso, os; print(os.path.dirname(isso.__file__))",
        ])
        .output()
        .await?;
    ensure!(out.status.success(), "isso does not import");
    let package = PathBuf::from(String::from_utf8(out.stdout)?.trim());
    Ok(Install { bin, package })
}

/// Runs `cmd` to its end within `secs`; its stderr's tail on failure.
async fn run(cmd: &mut tokio::process::Command, secs: u64) -> anyhow::Result<()> {
    let out = cmd.stdin(Stdio::null()).kill_on_drop(true).output();
    let out = tokio::time::timeout(Duration::from_secs(secs), out)
        .await
        .with_context(|| format!("not done within {secs} s"))??;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: String = err
            .chars()
            .rev()
            .take(400)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        bail!("{}: {tail}", out.status);
    }
    Ok(())
}

/// A running Isso.
pub struct Isso {
    child: Child,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base: String,
}

impl Isso {
    /// gunicorn with 2 sync workers on a free port; `host` is the article's
    /// origin (Isso answers CORS for it). Moderation and the guard (its
    /// rate limits) are off, as the post limits are in Confab's config.
    pub async fn start(install: &Install, dir: &Path, host: &str) -> anyhow::Result<Self> {
        let port = confab_testkit::free_port();
        let cfg = dir.join("isso.cfg");
        std::fs::write(
            &cfg,
            format!(
                "[general]\ndbpath = {}\nhost = {host}\n\n\
                 [moderation]\nenabled = false\n\n[guard]\nenabled = false\n",
                dir.join("isso.db").display()
            ),
        )?;
        let log = std::fs::File::create(dir.join("isso.log"))?;
        let mut child = tokio::process::Command::new(install.bin.join("gunicorn"))
            .args([
                "-b",
                &format!("127.0.0.1:{port}"),
                "-w",
                "2",
                "--preload",
                "isso.run",
            ])
            .env("ISSO_SETTINGS", &cfg)
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .context("starting gunicorn")?;
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..600 {
            if reqwest::get(format!("{base}/config"))
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Ok(Self { child, base });
            }
            if let Some(status) = child.try_wait()? {
                let log = std::fs::read_to_string(dir.join("isso.log")).unwrap_or_default();
                bail!(
                    "gunicorn exited with {status}: {}",
                    log.chars().take(600).collect::<String>()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("Isso did not answer within 60 s")
    }

    pub fn thread_url(&self, page: &str) -> String {
        format!("{}/?uri={page}", self.base)
    }

    /// What the article embeds, from Isso's docs.
    pub fn embed(&self, page: &str) -> String {
        format!(
            r#"<script data-isso="{b}/" src="{b}/js/embed.min.js"></script>
<section id="isso-thread" data-isso-id="{page}"></section>"#,
            b = self.base
        )
    }

    pub async fn stop(mut self) {
        stop_child(&mut self.child).await;
    }
}

/// Isso's `POST /new?uri=PAGE`, for seeding and for the post latency.
pub struct IssoApi {
    client: reqwest::Client,
    base: String,
}

impl IssoApi {
    pub fn new(isso: &Isso) -> anyhow::Result<Self> {
        Ok(Self {
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
            base: isso.base.clone(),
        })
    }
}

impl crate::seed::Poster for IssoApi {
    async fn post(&self, new: &NewComment) -> anyhow::Result<i64> {
        let body = serde_json::json!({
            "text": new.body,
            "author": new.author,
            "title": new.title,
            "parent": new.parent,
        });
        let resp = self
            .client
            .post(format!("{}/new", self.base))
            .query(&[("uri", &new.page)])
            .json(&body)
            .send()
            .await?;
        let status = resp.status();
        ensure!(
            status.as_u16() == 201,
            "Isso's POST answered {status}: {}",
            resp.text().await?
        );
        let v: serde_json::Value = resp.json().await?;
        v["id"].as_i64().context("no id in Isso's answer")
    }
}

/// The comments in Isso's answer to `GET /?uri=`, replies included.
pub fn count(thread: &serde_json::Value) -> usize {
    thread["replies"]
        .as_array()
        .map_or(0, |r| r.iter().map(|c| 1 + count(c)).sum())
}

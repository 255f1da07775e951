//! Headless Chromium over WebDriver: one chromedriver, any number of
//! sessions, each with an empty profile of its own.

use std::{process::Stdio, time::Duration};

use anyhow::{bail, Context};
use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};
use tokio::process::Child;

use crate::free_port;

/// A chromedriver (`$CHROMEDRIVER`, or from PATH), killed when dropped.
pub struct Chromedriver {
    pub child: Child,
    port: u16,
}

/// One browser: a WebDriver client and the profile it writes to, which is
/// removed when dropped.
pub struct Session {
    pub client: Client,
    pub profile: tempfile::TempDir,
}

impl Chromedriver {
    pub fn start() -> anyhow::Result<Self> {
        let port = free_port();
        let child = tokio::process::Command::new(
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()),
        )
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("starting chromedriver (scripts/test installs it: apt install chromium-driver)")?;
        Ok(Self { child, port })
    }

    /// A new headless Chromium (`$CHROMIUM`, or /usr/bin/chromium) with an
    /// empty profile, so nothing is cached.
    pub async fn session(&self) -> anyhow::Result<Session> {
        self.session_with(json!({}), &[]).await
    }

    /// Like [`Chromedriver::session`], for a reader whose OS is set to dark
    /// mode: `prefers-color-scheme: dark` matches.
    pub async fn session_in_dark_mode(&self) -> anyhow::Result<Session> {
        self.session_with(json!({}), &["--force-dark-mode"]).await
    }

    /// Like [`Chromedriver::session`], in a browser whose languages are
    /// `languages` (`"de-DE,de"`, most wanted first), as a person sets them
    /// in the settings: `navigator.languages` and `Accept-Language` follow.
    /// A preference, because headless Chromium ignores `--lang`.
    pub async fn session_speaking(&self, languages: &str) -> anyhow::Result<Session> {
        self.session_with(json!({ "intl.accept_languages": languages }), &[])
            .await
    }

    /// Like [`Chromedriver::session`], for a reader who turned JavaScript
    /// off in the settings: pages run no script of their own (WebDriver's
    /// scripts, the test's, still run).
    pub async fn session_without_javascript(&self) -> anyhow::Result<Session> {
        let prefs = json!({ "profile.managed_default_content_settings.javascript": 2 });
        self.session_with(prefs, &[]).await
    }

    /// A session whose profile starts with the preferences `prefs`, and
    /// Chromium started with `more` flags.
    async fn session_with(&self, prefs: Value, more: &[&str]) -> anyhow::Result<Session> {
        let profile = tempfile::tempdir()?;
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--window-size=1200,900".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        args.extend(more.iter().map(|a| (*a).to_owned()));
        let caps = json!({
            "goog:chromeOptions": {
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "prefs": prefs,
                "args": args,
            }
        });
        let Value::Object(caps) = caps else {
            unreachable!("json! of an object")
        };
        let url = format!("http://127.0.0.1:{}", self.port);
        let mut last = None;
        // chromedriver needs a moment after spawn: retry, up to 10 s, until
        // it accepts the session.
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => return Ok(Session { client, profile }),
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("chromedriver did not start: {last:?}")
    }
}

//! Configuration: defaults, then a TOML file, then `CONFAB_*` environment
//! variables, then flags (the last two are merged by clap in `cli.rs`).

use std::{net::IpAddr, net::SocketAddr, path::Path, time::Duration};

use anyhow::Context;
use serde::Deserialize;

use crate::store::{Moderation, SiteSpec};

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub listen: SocketAddr,
    /// `sqlite://file.db?mode=rwc` or `postgres://user@host/db`.
    pub database_url: String,
    /// How long an author may edit or delete their comment, in seconds.
    pub edit_window_secs: u64,
    /// The deepest reply level; replies below it attach at this level.
    pub max_depth: u32,
    /// Peers whose `X-Forwarded-For` is believed (a reverse proxy).
    pub trusted_proxies: Vec<IpAddr>,
    pub limits: Limits,
    /// Sites upserted into the database at start.
    pub sites: Vec<SiteSpec>,
    /// Where browsers reach this server, e.g. `https://comments.example.com`:
    /// the base of e-mailed links and the origin moderators' requests must
    /// come from. Defaults to `http://` and the listen address.
    pub public_url: Option<String>,
    /// The key that signs e-mailed links and author tokens; the same on
    /// every instance. When
    /// unset, one is generated into the database on first start.
    pub secret_key: Option<String>,
    /// Whether the session cookie is `Secure`; defaults to whether
    /// `public_url` is https.
    pub secure_cookies: Option<bool>,
    /// A moderator's session ends after this many seconds without a request.
    pub session_idle_secs: u64,
    pub spam: Spam,
    /// Where e-mail to moderators goes out; none sends no e-mail.
    pub smtp: Option<Smtp>,
    /// Serve the demo article at `/` (`./scripts/run` turns it on).
    pub demo: bool,
}

/// The local spam defence. Every check holds or refuses; none calls out.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Spam {
    /// Comments the learned model scores at or above this are flagged spam.
    pub threshold: f64,
    /// Seconds between reloads of the model from the database, so decisions
    /// taken on other instances arrive.
    pub reload_secs: u64,
    /// Comments composed faster than this (the widget's `compose_ms`) wait
    /// for a moderator; 0 turns the check off.
    pub min_compose_ms: u64,
    /// Comments with more links than this wait for a moderator.
    pub max_links: usize,
    /// The same text from the same author or IP on the same page within
    /// this many seconds is refused as a duplicate (409); 0 turns it off.
    pub duplicate_window_secs: u64,
}

impl Default for Spam {
    fn default() -> Self {
        Self {
            threshold: 0.9,
            reload_secs: 60,
            min_compose_ms: 2_000,
            max_links: 3,
            duplicate_window_secs: 600,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    #[serde(default = "Smtp::default_port")]
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender, e.g. `Confab <comments@example.com>`.
    pub from: String,
    #[serde(default)]
    pub tls: SmtpTls,
}

impl Smtp {
    fn default_port() -> u16 {
        25
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain SMTP: only for a relay on the same host or network.
    #[default]
    None,
    Starttls,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Characters of markdown in one comment.
    pub body_chars: usize,
    /// Bytes of one request body; more is refused with 413.
    pub request_bytes: usize,
    /// Top-level comments per thread page when the client names no limit.
    pub page_size: usize,
    /// The most top-level comments a client may ask for at once.
    pub max_page_size: usize,
    /// Replies shown under each comment, at every depth, before a "show
    /// more" fetches the next ones (Isso's `nested_limit`).
    pub nested_limit: usize,
    /// Page keys in one counts request.
    pub count_pages: usize,
    /// Seconds before a request times out: until its handler answers,
    /// reading the request body included. An event stream's answer is
    /// immediate, so the stream itself lasts.
    pub request_timeout_secs: u64,
    /// Seconds a client has to send a request's headers, counted from when
    /// the connection is ready for a request (it opened, or the last
    /// response was sent).
    pub header_read_timeout_secs: u64,
    /// Seconds a connection may sit without a byte either way before it is
    /// closed (one in the middle of a response is let finish first).
    pub keep_alive_idle_secs: u64,
    /// Open connections at once; past it new ones are closed at once. Keep
    /// it well below the open-files limit (`ulimit -n`).
    pub max_connections: u32,
    /// Bytes of serialized threads the thread cache may hold, each in every
    /// coding; a single response over a 32nd of it is served but not cached.
    pub thread_cache_bytes: usize,
    /// New comments per minute from one IP address, per instance; 0 is off.
    pub posts_per_minute_ip: u32,
    /// New comments per minute on one page, per instance; 0 is off.
    pub posts_per_minute_page: u32,
    /// Votes per minute from one IP address, per instance; 0 is off.
    pub votes_per_minute_ip: u32,
    /// Author tokens issued per hour to one IP address, per instance; 0 is
    /// off.
    pub author_tokens_per_hour_ip: u32,
    /// Failed logins per 15 minutes from one IP address, per instance.
    pub login_failures_per_ip: u32,
    /// Failed logins for one e-mail before each further failure makes the
    /// next attempt wait, 1 s doubling up to `login_delay_max_secs`, per
    /// instance; forgotten after 15 quiet minutes. 0 is off.
    pub login_failures_per_email: u32,
    /// The longest such wait, in seconds.
    pub login_delay_max_secs: u64,
    /// Open event streams from one IP address, per instance; past it, 429.
    /// 0 is off.
    pub streams_per_ip: u32,
    /// Open event streams in all, per instance; keep it below
    /// `max_connections`, so plain requests still get through. 0 is off.
    pub max_streams: u32,
    /// Bytes of one file `confab import` reads; past it the import fails
    /// and stores nothing.
    pub import_bytes: u64,
    /// Bytes of text in one element of an import file (a message, a
    /// name); past it the file is refused, so one element cannot fill
    /// memory.
    pub import_text_bytes: usize,
    /// Bytes of one file a moderator uploads to import from the dashboard;
    /// past it the upload is refused (413). It is kept in a temporary file
    /// while it is imported, never in memory; larger files go through
    /// `confab import`.
    pub upload_bytes: u64,
}

impl Limits {
    /// How failed logins per e-mail delay the next attempt.
    pub fn login_delays(&self) -> crate::login_delays::Policy {
        crate::login_delays::Policy {
            free: self.login_failures_per_email,
            max: Duration::from_secs(self.login_delay_max_secs),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            body_chars: 10_000,
            request_bytes: 64 * 1024,
            page_size: 50,
            max_page_size: 200,
            nested_limit: 5,
            count_pages: 100,
            request_timeout_secs: 30,
            header_read_timeout_secs: 10,
            keep_alive_idle_secs: 5,
            max_connections: 512,
            thread_cache_bytes: 64 * 1024 * 1024,
            posts_per_minute_ip: 5,
            posts_per_minute_page: 30,
            votes_per_minute_ip: 30,
            author_tokens_per_hour_ip: 30,
            login_failures_per_ip: 20,
            login_failures_per_email: 5,
            login_delay_max_secs: 300,
            streams_per_ip: 16,
            max_streams: 256,
            import_bytes: 8 << 30,
            import_text_bytes: 16 << 20,
            upload_bytes: 256 << 20,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: ([127, 0, 0, 1], 8080).into(),
            database_url: "sqlite://confab.db?mode=rwc".into(),
            edit_window_secs: 15 * 60,
            max_depth: 5,
            trusted_proxies: Vec::new(),
            limits: Limits::default(),
            sites: vec![demo_site(&[
                "http://127.0.0.1:8080",
                "http://localhost:8080",
            ])],
            public_url: None,
            secret_key: None,
            secure_cookies: None,
            session_idle_secs: 12 * 60 * 60,
            spam: Spam::default(),
            smtp: None,
            demo: false,
        }
    }
}

impl Config {
    /// A configuration for tests: the given database and a `demo` site that
    /// allows `origins`. Rate limits are off, since every test client posts
    /// from 127.0.0.1; the tests of the limits turn them on.
    pub fn for_tests(database_url: impl Into<String>, origins: &[&str]) -> Self {
        Self {
            listen: ([127, 0, 0, 1], 0).into(),
            database_url: database_url.into(),
            sites: vec![demo_site(origins)],
            limits: Limits {
                posts_per_minute_ip: 0,
                posts_per_minute_page: 0,
                votes_per_minute_ip: 0,
                author_tokens_per_hour_ip: 0,
                ..Limits::default()
            },
            ..Self::default()
        }
    }

    /// Reads a TOML file; keys it leaves out keep their defaults.
    pub fn from_file(path: &Path) -> anyhow::Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let config: Self =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        // Deeper is shown flat anyway (see domain::tree), so storing it deeper
        // would only make the store walk further.
        let most = crate::domain::tree::MAX_NESTING;
        anyhow::ensure!(
            (1..=most).contains(&(self.max_depth as usize)),
            "max_depth must be 1 to {most}"
        );
        anyhow::ensure!(
            self.limits.page_size >= 1 && self.limits.page_size <= self.limits.max_page_size,
            "limits.page_size must be between 1 and limits.max_page_size"
        );
        let l = &self.limits;
        // At least one, so that a comment with hidden replies always has a
        // shown one for the cursor to follow.
        anyhow::ensure!(
            (1..=l.max_page_size).contains(&l.nested_limit),
            "limits.nested_limit must be between 1 and limits.max_page_size"
        );
        anyhow::ensure!(
            l.request_timeout_secs >= 1
                && l.header_read_timeout_secs >= 1
                && l.keep_alive_idle_secs >= 1,
            "limits.request_timeout_secs, header_read_timeout_secs and keep_alive_idle_secs \
             must be at least 1"
        );
        anyhow::ensure!(
            l.max_connections >= 1,
            "limits.max_connections must be at least 1"
        );
        for site in &self.sites {
            anyhow::ensure!(!site.slug.is_empty(), "a site needs a slug");
        }
        if let Some(u) = &self.public_url {
            let parsed = url::Url::parse(u).context("public_url is not a URL")?;
            anyhow::ensure!(
                matches!(parsed.scheme(), "http" | "https") && parsed.has_host(),
                "public_url must be an http:// or https:// URL"
            );
        }
        anyhow::ensure!(
            (0.0..=1.0).contains(&self.spam.threshold),
            "spam.threshold is a probability, 0 to 1"
        );
        Ok(())
    }

    /// The base of absolute links, without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(u) => u.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.listen),
        }
    }

    /// The origin (`scheme://host[:port]`) of [`Self::public_url`], when it
    /// was configured: moderators' requests must come from it.
    pub fn public_origin(&self) -> Option<String> {
        let u = url::Url::parse(self.public_url.as_deref()?).ok()?;
        Some(u.origin().ascii_serialization())
    }

    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies
            .unwrap_or_else(|| self.public_url().starts_with("https://"))
    }

    pub fn edit_window(&self) -> Duration {
        Duration::from_secs(self.edit_window_secs)
    }
}

/// The site the demo article and the e2e tests use.
pub fn demo_site(origins: &[&str]) -> SiteSpec {
    SiteSpec {
        slug: "demo".into(),
        name: "Demo".into(),
        origins: origins.iter().map(|o| o.to_string()).collect(),
        moderation: Moderation::Open,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_serve_the_demo_site_from_a_local_sqlite_file() {
        let c = Config::default();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert!(c.database_url.starts_with("sqlite:"));
        assert_eq!(c.sites[0].slug, "demo");
        assert_eq!(c.edit_window(), Duration::from_secs(900));
        c.validate().unwrap();
    }

    #[test]
    fn a_toml_file_overrides_only_what_it_names() {
        let c: Config = toml::from_str(
            r#"
            listen = "0.0.0.0:9000"
            trusted_proxies = ["10.0.0.1"]
            [limits]
            body_chars = 500
            [[sites]]
            slug = "blog"
            name = "My blog"
            origins = ["https://blog.example"]
            moderation = "first-time"
            [spam]
            threshold = 0.8
            [smtp]
            host = "127.0.0.1"
            from = "Confab <c@example.org>"
            tls = "starttls"
            "#,
        )
        .unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.limits.body_chars, 500);
        assert_eq!(c.limits.count_pages, 100);
        assert_eq!(c.sites.len(), 1);
        assert_eq!(c.sites[0].moderation, Moderation::FirstTime);
        assert_eq!(c.edit_window_secs, 900);
        assert_eq!((c.spam.threshold, c.spam.max_links), (0.8, 3));
        let smtp = c.smtp.unwrap();
        assert_eq!((smtp.port, smtp.tls), (25, SmtpTls::Starttls));
    }

    #[test]
    fn cookies_are_secure_when_the_public_url_is_https() {
        let mut c = Config::default();
        assert!(!c.secure_cookies());
        c.public_url = Some("https://c.example/".into());
        assert!(c.secure_cookies());
        assert_eq!(c.public_url(), "https://c.example");
        assert_eq!(c.public_origin().as_deref(), Some("https://c.example"));
        c.secure_cookies = Some(false);
        assert!(!c.secure_cookies());
    }

    #[test]
    fn a_nested_limit_of_zero_or_past_the_page_size_cap_is_refused() {
        let mut c = Config::default();
        for bad in [0, c.limits.max_page_size + 1] {
            c.limits.nested_limit = bad;
            assert!(c.validate().is_err(), "{bad}");
        }
        c.limits.nested_limit = 1;
        c.validate().unwrap();
    }

    #[test]
    fn unknown_keys_are_refused_rather_than_ignored() {
        assert!(toml::from_str::<Config>("listn = \"x\"").is_err());
    }
}

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
    /// Page keys in one counts request.
    pub count_pages: usize,
    /// Seconds before a request (other than the event stream) times out.
    pub request_timeout_secs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            body_chars: 10_000,
            request_bytes: 64 * 1024,
            page_size: 50,
            max_page_size: 200,
            count_pages: 100,
            request_timeout_secs: 30,
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
        }
    }
}

impl Config {
    /// A configuration for tests: the given database and a `demo` site that
    /// allows `origins`.
    pub fn for_tests(database_url: impl Into<String>, origins: &[&str]) -> Self {
        Self {
            listen: ([127, 0, 0, 1], 0).into(),
            database_url: database_url.into(),
            sites: vec![demo_site(origins)],
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
        anyhow::ensure!(self.max_depth >= 1, "max_depth must be at least 1");
        anyhow::ensure!(
            self.limits.page_size >= 1 && self.limits.page_size <= self.limits.max_page_size,
            "limits.page_size must be between 1 and limits.max_page_size"
        );
        for site in &self.sites {
            anyhow::ensure!(!site.slug.is_empty(), "a site needs a slug");
        }
        Ok(())
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
            "#,
        )
        .unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.limits.body_chars, 500);
        assert_eq!(c.limits.count_pages, 100);
        assert_eq!(c.sites.len(), 1);
        assert_eq!(c.sites[0].moderation, Moderation::FirstTime);
        assert_eq!(c.edit_window_secs, 900);
    }

    #[test]
    fn unknown_keys_are_refused_rather_than_ignored() {
        assert!(toml::from_str::<Config>("listn = \"x\"").is_err());
    }
}

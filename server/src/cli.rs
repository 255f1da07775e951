//! The command line: `confab serve` (the default) and `confab site ...`.
//! Flags win over `CONFAB_*` environment variables (clap reads both), which
//! win over the config file, which wins over the defaults.

use std::{net::IpAddr, net::SocketAddr, path::PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::{
    store::{self, Moderation, SiteSpec},
    AppState, Config,
};

#[derive(Debug, Parser)]
#[command(name = "confab", version, about = "Self-hosted comments")]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct Settings {
    /// TOML config file.
    #[arg(long, short, env = "CONFAB_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "CONFAB_LISTEN", global = true)]
    pub listen: Option<SocketAddr>,
    /// `sqlite://confab.db?mode=rwc` (default) or `postgres://...`.
    #[arg(long, env = "CONFAB_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Seconds an author may edit or delete a comment [default: 900].
    #[arg(long, env = "CONFAB_EDIT_WINDOW_SECS", global = true)]
    pub edit_window_secs: Option<u64>,
    /// Deepest reply level [default: 5].
    #[arg(long, env = "CONFAB_MAX_DEPTH", global = true)]
    pub max_depth: Option<u32>,
    /// Characters allowed in one comment [default: 10000].
    #[arg(long, env = "CONFAB_MAX_BODY_CHARS", global = true)]
    pub max_body_chars: Option<usize>,
    /// Reverse proxies whose X-Forwarded-For is believed (repeat or comma-separate).
    #[arg(
        long = "trusted-proxy",
        env = "CONFAB_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<IpAddr>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the widget (what `confab` alone does).
    Serve,
    /// Manage the sites stored in the database.
    #[command(subcommand)]
    Site(SiteCommand),
}

#[derive(Debug, Subcommand)]
pub enum SiteCommand {
    /// Add a site, or replace the name, origins and moderation of one.
    Add {
        slug: String,
        #[arg(long)]
        name: Option<String>,
        /// An origin allowed to embed the site, e.g. https://blog.example (repeatable).
        #[arg(long = "origin")]
        origins: Vec<String>,
        /// open, all or first-time.
        #[arg(long, default_value = "open")]
        moderation: Moderation,
    },
    /// List the sites with their origins.
    List,
}

impl Settings {
    /// The configuration these settings describe, file first.
    pub fn config(&self) -> anyhow::Result<Config> {
        let mut config = match &self.config {
            Some(path) => Config::from_file(path)?,
            None => Config::default(),
        };
        if let Some(v) = self.listen {
            config.listen = v;
        }
        if let Some(v) = &self.database_url {
            config.database_url.clone_from(v);
        }
        if let Some(v) = self.edit_window_secs {
            config.edit_window_secs = v;
        }
        if let Some(v) = self.max_depth {
            config.max_depth = v;
        }
        if let Some(v) = self.max_body_chars {
            config.limits.body_chars = v;
        }
        if !self.trusted_proxies.is_empty() {
            config.trusted_proxies.clone_from(&self.trusted_proxies);
        }
        config.validate()?;
        Ok(config)
    }
}

/// Runs what the command line asks for.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.settings.config()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let listener = tokio::net::TcpListener::bind(config.listen).await?;
            tracing::info!(address = %listener.local_addr()?, "serving");
            let state = AppState::new(config).await?;
            crate::serve(listener, state, crate::shutdown_signal()).await?;
        }
        Command::Site(SiteCommand::Add {
            slug,
            name,
            origins,
            moderation,
        }) => {
            let store = store::connect(&config.database_url).await?;
            let site = store
                .upsert_site(&SiteSpec {
                    name: name.unwrap_or_else(|| slug.clone()),
                    slug,
                    origins,
                    moderation,
                })
                .await?;
            println!("{}", describe(&site));
        }
        Command::Site(SiteCommand::List) => {
            let store = store::connect(&config.database_url).await?;
            for site in store.sites().await? {
                println!("{}", describe(&site));
            }
        }
    }
    Ok(())
}

fn describe(site: &store::Site) -> String {
    format!(
        "{}\t{}\t{}\t{}",
        site.slug,
        site.name,
        site.moderation,
        site.origins.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_defaults() {
        let cli = Cli::try_parse_from([
            "confab",
            "serve",
            "--listen",
            "0.0.0.0:1",
            "--trusted-proxy",
            "10.0.0.1,10.0.0.2",
        ])
        .unwrap();
        let config = cli.settings.config().unwrap();
        assert_eq!(config.listen.port(), 1);
        assert_eq!(config.trusted_proxies.len(), 2);
        assert_eq!(config.edit_window_secs, 900);
    }

    #[test]
    fn site_add_takes_repeated_origins_and_a_moderation_mode() {
        let cli = Cli::try_parse_from([
            "confab",
            "site",
            "add",
            "blog",
            "--origin",
            "https://a",
            "--origin",
            "https://b",
            "--moderation",
            "first-time",
        ])
        .unwrap();
        match cli.command {
            Some(Command::Site(SiteCommand::Add {
                origins,
                moderation,
                ..
            })) => {
                assert_eq!(origins.len(), 2);
                assert_eq!(moderation, Moderation::FirstTime);
            }
            other => panic!("parsed as {other:?}"),
        }
    }
}

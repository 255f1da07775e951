//! The command line: `confab serve` (the default), `confab site add|list`,
//! `confab moderator add|reset|list|remove`, `confab backup FILE`,
//! `confab import` and `confab export`.
//! Flags win over `CONFAB_*` environment variables (clap reads both), which
//! win over the config file, which wins over the defaults.

use std::{io::Write, net::IpAddr, net::SocketAddr, path::PathBuf};

use clap::{Args, Parser, Subcommand};

mod moderator;
mod transfer;

pub use moderator::SETUP_TTL_MS;

use crate::{
    store::{self, Moderation, SiteSpec},
    transfer::{ExportFormat, Format},
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
    /// Where browsers reach this server, e.g. https://comments.example.com.
    #[arg(long, env = "CONFAB_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// The key that signs e-mailed links and author tokens (32+ characters; same on every instance).
    #[arg(long, env = "CONFAB_SECRET_KEY", global = true, hide_env_values = true)]
    pub secret_key: Option<String>,
    /// Reverse proxies whose X-Forwarded-For is believed (repeat or comma-separate).
    #[arg(
        long = "trusted-proxy",
        env = "CONFAB_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<IpAddr>,
    /// Serve the demo article at / (off unless set here or in the config file).
    #[arg(long, env = "CONFAB_DEMO", global = true)]
    pub demo: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the widget (what `confab` alone does).
    Serve,
    /// Manage the sites stored in the database.
    #[command(subcommand)]
    Site(SiteCommand),
    /// Manage the moderators who may log in at /admin.
    #[command(subcommand)]
    Moderator(ModeratorCommand),
    /// Copy the SQLite database to FILE while the server keeps serving
    /// (PostgreSQL: use pg_dump).
    Backup { file: PathBuf },
    /// Import comments from Disqus, WordPress (WXR), Isso, Remark42,
    /// Commento, Comentario or a Confab export (gzipped or not)
    ///
    /// All or nothing: a file that fails anywhere stores nothing.
    /// Importing it again adds nothing.
    Import {
        /// The site's slug. A Confab export creates it when it is missing.
        #[arg(long)]
        site: String,
        /// What the file is; `auto` looks at its start.
        #[arg(long, value_enum, default_value = "auto")]
        format: Format,
        /// Read, place and count everything, then store nothing.
        #[arg(long)]
        dry_run: bool,
        /// A CSV of `old URL or path,new page key` for pages that moved.
        #[arg(long)]
        map: Option<PathBuf>,
        file: PathBuf,
    },
    /// Write a site as a Confab export (JSON Lines) or as Disqus XML
    ///
    /// Confab's own format holds pages, comments of every status and
    /// moderators (without passwords), and `confab import` reads it back
    /// unchanged. Disqus XML, which other systems import, holds the pages
    /// and what readers see.
    Export {
        #[arg(long)]
        site: String,
        #[arg(long, value_enum, default_value = "confab")]
        format: ExportFormat,
        /// A new file to write (standard output without it).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Copy everything into another, empty database (e.g. SQLite to
    /// PostgreSQL)
    ///
    /// Sites, pages, comments, votes, moderators and their sessions, bans,
    /// settings, the audit log and the spam model, in one transaction that
    /// commits only if every table's count matches. Stop the server first.
    Migrate {
        /// The target: `postgres://…` or `sqlite://…?mode=rwc`.
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ModeratorCommand {
    /// Add a moderator, or give one more sites. To one without a password
    /// yet it prints a one-time link (valid 48 hours) where they choose one,
    /// unless --password-stdin; a moderator's password is never changed.
    Add {
        email: String,
        /// A site slug they moderate (repeatable).
        #[arg(long = "site", required = true)]
        sites: Vec<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Remove a moderator's password, end their sessions and links, and
    /// print a new one-time link (valid 48 hours) where they choose one.
    Reset { email: String },
    /// List the moderators with their sites.
    List,
    /// Remove a moderator and end their sessions, or with --site take only
    /// those sites away from them.
    Remove {
        email: String,
        /// A site slug they no longer moderate (repeatable).
        #[arg(long = "site")]
        sites: Vec<String>,
    },
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
        if let Some(v) = &self.public_url {
            config.public_url = Some(v.clone());
        }
        if let Some(v) = &self.secret_key {
            config.secret_key = Some(v.clone());
        }
        if !self.trusted_proxies.is_empty() {
            config.trusted_proxies.clone_from(&self.trusted_proxies);
        }
        if self.demo {
            config.demo = true;
        }
        config.validate()?;
        Ok(config)
    }
}

/// Runs what the command line asks for.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    run_to(cli, &mut std::io::stdout()).await
}

/// Runs what the command line asks for, writing what it prints to `out`.
pub async fn run_to(cli: Cli, out: &mut (dyn Write + Send)) -> anyhow::Result<()> {
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
            writeln!(out, "{}", describe(&site))?;
        }
        Command::Site(SiteCommand::List) => {
            let store = store::connect(&config.database_url).await?;
            for site in store.sites().await? {
                writeln!(out, "{}", describe(&site))?;
            }
        }
        Command::Moderator(command) => moderator::run(&config, command, out).await?,
        Command::Import {
            site,
            format,
            dry_run,
            map,
            file,
        } => {
            let options = crate::transfer::Options {
                site,
                format,
                dry_run,
                map: Default::default(),
            };
            transfer::import(&config, options, map.as_deref(), &file, out).await?;
        }
        Command::Export {
            site,
            format,
            output,
        } => {
            transfer::export(&config, &site, format, output.as_ref(), out).await?;
        }
        Command::Migrate { to } => transfer::migrate(&config, &to, out).await?,
        Command::Backup { file } => {
            if store::is_postgres(&config.database_url) {
                anyhow::bail!(
                    "confab backup copies SQLite databases only; for PostgreSQL use pg_dump, \
                     e.g. pg_dump --format=custom --file=confab.dump \"$CONFAB_DATABASE_URL\""
                );
            }
            let store = store::connect(&config.database_url).await?;
            store.backup(&file).await?;
            writeln!(out, "{}", file.display())?;
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

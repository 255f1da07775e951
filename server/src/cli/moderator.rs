//! `confab moderator add|reset|list|remove`.

use std::io::Write;

use super::ModeratorCommand;
use crate::{
    domain::{input, password, secrets},
    moderation::passwords,
    store::{self, now_ms},
    Config,
};

/// How long a setup link printed by `moderator add` works.
pub const SETUP_TTL_MS: i64 = 48 * 60 * 60 * 1000;

pub(super) async fn run(
    config: &Config,
    command: ModeratorCommand,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    let store = store::connect(&config.database_url).await?;
    match command {
        ModeratorCommand::Add {
            email,
            sites,
            password_stdin,
        } => {
            let email = input::email(Some(&email))
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .unwrap_or_default()
                .to_lowercase();
            let ids = site_ids(store.as_ref(), &sites).await?;
            let existing = store.moderator_by_email(&email).await?;
            let active = existing.is_some_and(|m| m.password_hash.is_some());
            // Adding must never take an account over: a setup link or a
            // password from here would reset an active moderator's.
            if active && password_stdin {
                anyhow::bail!(
                    "{email} already has a password; `confab moderator reset {email}` \
                     removes it and prints a new setup link"
                );
            }
            let hash = if password_stdin {
                Some(passwords::hash(read_new_password()?).await?)
            } else {
                None
            };
            let m = store.add_moderator(&email, hash.as_deref(), &ids).await?;
            writeln!(out, "{}\t{}", m.email, sites.join(","))?;
            if active {
                writeln!(out, "{email} already has a password, which stays as it is.")?;
            } else if m.password_hash.is_none() {
                setup_link(config, store.as_ref(), m.id, out).await?;
            }
        }
        ModeratorCommand::Reset { email } => {
            let m = known(store.as_ref(), &email).await?;
            store.reset_password(m.id).await?;
            writeln!(
                out,
                "{}: password removed, sessions and older links ended.",
                m.email
            )?;
            setup_link(config, store.as_ref(), m.id, out).await?;
        }
        ModeratorCommand::List => {
            for (m, sites) in store.moderators().await? {
                let state = if m.password_hash.is_some() {
                    "active"
                } else {
                    "no password yet"
                };
                writeln!(out, "{}\t{}\t{state}", m.email, sites.join(","))?;
            }
        }
        ModeratorCommand::Remove { email, sites } if sites.is_empty() => {
            if !store.remove_moderator(&email.trim().to_lowercase()).await? {
                anyhow::bail!("no moderator {email:?}");
            }
        }
        ModeratorCommand::Remove { email, sites } => {
            let m = known(store.as_ref(), &email).await?;
            let ids = site_ids(store.as_ref(), &sites).await?;
            store.remove_moderator_sites(m.id, &ids).await?;
        }
    }
    Ok(())
}

/// The first line of standard input, if it is an acceptable password.
fn read_new_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let pass = line.trim_end_matches(['\r', '\n']).to_owned();
    password::check_new(&pass).map_err(anyhow::Error::msg)?;
    Ok(pass)
}

async fn known(store: &dyn store::Store, email: &str) -> anyhow::Result<store::Moderator> {
    store
        .moderator_by_email(&email.trim().to_lowercase())
        .await?
        .ok_or_else(|| anyhow::anyhow!("no moderator {email:?}"))
}

async fn site_ids(store: &dyn store::Store, slugs: &[String]) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(slugs.len());
    for slug in slugs {
        let site = store.site(slug).await?;
        ids.push(site.ok_or_else(|| anyhow::anyhow!("no site {slug:?}"))?.id);
    }
    Ok(ids)
}

/// Stores a new setup link for a moderator without a password and prints it.
async fn setup_link(
    config: &Config,
    store: &dyn store::Store,
    moderator_id: i64,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    let (token, token_hash) = secrets::new_token();
    store
        .add_setup_token(&token_hash, moderator_id, now_ms() + SETUP_TTL_MS)
        .await?;
    writeln!(
        out,
        "Set a password within 48 hours at {}/admin/setup?token={token}",
        config.public_url()
    )?;
    Ok(())
}

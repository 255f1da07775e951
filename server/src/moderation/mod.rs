//! Moderation as a service: what happens to a new comment before it is
//! stored (`screen`), what a moderator's decision does (`actions`), the spam
//! model kept in memory (`spam`) and the e-mail to moderators (`mail`), and password hashing
//! a few at a time (`passwords`).

pub mod actions;
pub mod mail;
pub mod passwords;
pub mod screen;
pub mod spam;

use confab_api::admin::SiteSettings;

use crate::store::Site;

/// The moderation settings kept in the site's free-form settings JSON.
pub fn settings(site: &Site) -> SiteSettings {
    serde_json::from_value(site.settings.clone()).unwrap_or_default()
}

/// Who acted, for the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: i64,
    pub email: String,
}

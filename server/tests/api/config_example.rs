//! `confab.example.toml` stays true: it loads through the server's own
//! `Config::from_file`, every key in it is at its default, and it names every
//! key `Config` has. Adding a field to a config struct fails to compile here
//! until the field is listed below, and then fails until the example has it.

use std::{collections::BTreeSet, path::PathBuf};

use confab::{
    config::{Limits, Smtp, Spam},
    store::SiteSpec,
    Config,
};

fn example_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../confab.example.toml")
}

fn example_text() -> String {
    std::fs::read_to_string(example_path()).unwrap()
}

/// The example with its optional settings switched on: `# key = value` and
/// `# [table]` lines lose their `# `; comments in prose stay comments.
fn uncommented(text: &str) -> String {
    let is_setting = |rest: &str| {
        rest.starts_with('[')
            || rest.split_once(" = ").is_some_and(|(key, _)| {
                !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            })
    };
    text.lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(rest) if is_setting(rest) => rest,
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Loads TOML text the way `confab --config FILE` does.
fn load(text: &str) -> Config {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("confab.toml");
    std::fs::write(&path, text).unwrap();
    Config::from_file(&path).unwrap()
}

/// The field names of a struct, from a pattern that must name them all: a
/// field added to the struct and not here is a compile error.
macro_rules! fields {
    ($ty:ident { $($field:ident),* $(,)? }) => {{
        #[allow(unused)]
        fn exhaustive(v: $ty) {
            let $ty { $($field: _),* } = v;
        }
        BTreeSet::from([$(stringify!($field)),*])
    }};
}

fn keys(table: &toml::Table) -> BTreeSet<&str> {
    table.keys().map(String::as_str).collect()
}

#[test]
fn the_example_config_loads_and_sets_every_key_to_its_default() {
    assert_eq!(load(&example_text()), Config::default());
}

#[test]
fn the_example_config_with_its_optional_settings_uncommented_still_loads() {
    let config = load(&uncommented(&example_text()));
    assert!(config.public_url.is_some() && config.secret_key.is_some());
    assert!(config.secure_cookies.is_some() && config.smtp.is_some());
    let key = config.secret_key.as_deref().unwrap_or_default();
    assert!(
        key.len() >= 32,
        "the example secret_key is too short for the server"
    );
}

#[test]
fn the_example_config_names_every_key_of_every_config_struct() {
    let all: toml::Table = toml::from_str(&uncommented(&example_text())).unwrap();
    let table = |name: &str| all[name].as_table().unwrap();
    assert_eq!(
        keys(&all),
        fields!(Config {
            listen,
            database_url,
            edit_window_secs,
            max_depth,
            trusted_proxies,
            limits,
            sites,
            public_url,
            secret_key,
            secure_cookies,
            session_idle_secs,
            spam,
            smtp,
            demo,
        })
    );
    assert_eq!(
        keys(table("limits")),
        fields!(Limits {
            body_chars,
            request_bytes,
            page_size,
            max_page_size,
            nested_limit,
            count_pages,
            request_timeout_secs,
            header_read_timeout_secs,
            keep_alive_idle_secs,
            max_connections,
            thread_cache_bytes,
            posts_per_minute_ip,
            posts_per_minute_page,
            votes_per_minute_ip,
            author_tokens_per_hour_ip,
            login_failures_per_ip,
            login_failures_per_email,
            login_delay_max_secs,
            streams_per_ip,
            max_streams,
            import_bytes,
            import_text_bytes,
            upload_bytes,
        })
    );
    assert_eq!(
        keys(table("spam")),
        fields!(Spam {
            threshold,
            reload_secs,
            min_compose_ms,
            max_links,
            duplicate_window_secs,
        })
    );
    assert_eq!(
        keys(table("smtp")),
        fields!(Smtp {
            host,
            port,
            username,
            password,
            from,
            tls,
        })
    );
    let site = all["sites"].as_array().unwrap()[0].as_table().unwrap();
    assert_eq!(
        keys(site),
        fields!(SiteSpec {
            slug,
            name,
            origins,
            moderation,
        })
    );
}

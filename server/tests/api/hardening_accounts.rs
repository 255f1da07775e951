//! The attack pass on moderator accounts (issue #23, items 6, 8 and 9):
//! setup links that took over active accounts, e-mailed links that could be
//! replayed, and failed logins that locked a moderator out.

use std::{sync::Arc, time::Duration};

use clap::Parser;
use confab::cli::{self, Cli};
use confab_api::CommentStatus;
use confab_testkit::{decode_qp, on_both_backends, until, SmtpSink};
use serde_json::json;

use crate::admin_helpers::*;
use crate::helpers::*;
use crate::mail::{app_with_mail, link_after, post_form, token_of};

on_both_backends!(
    moderator_add_on_a_moderator_with_a_password_prints_no_link_and_keeps_password_and_session,
    a_setup_link_for_a_moderator_who_has_a_password_sets_nothing,
    moderator_reset_prints_a_link_and_ends_the_old_session_and_password,
    once_a_password_is_set_every_other_outstanding_setup_link_is_dead,
    an_e_mailed_approve_link_works_once,
    an_e_mailed_link_is_refused_after_a_dashboard_decision,
    after_moderator_remove_a_link_shows_nothing_of_the_comment,
    a_link_for_a_moderator_no_longer_on_the_site_is_refused_on_get_and_post,
    failed_logins_from_many_addresses_make_the_e_mail_wait_longer_each_time,
    an_address_that_logged_in_before_still_logs_in_during_an_attack
);

/// Runs `confab ARGS` against the app's database and returns what it printed.
async fn confab(app: &TestApp, args: &[&str]) -> String {
    let mut all = vec![
        "confab",
        "--database-url",
        &app.state.config.database_url,
        "--public-url",
        &app.address,
    ];
    all.extend_from_slice(args);
    let mut out = Vec::new();
    cli::run_to(Cli::try_parse_from(all).unwrap(), &mut out)
        .await
        .unwrap();
    String::from_utf8(out).unwrap()
}

/// The token of the setup link in what `confab` printed, if any.
fn setup_token(printed: &str) -> Option<String> {
    let at = printed.find("/admin/setup?token=")?;
    let rest = &printed[at + "/admin/setup?token=".len()..];
    Some(rest.split_whitespace().next().unwrap().to_owned())
}

async fn setup_page(app: &TestApp, token: &str) -> u16 {
    app.get_raw(&format!("/admin/setup?token={token}"))
        .await
        .status()
        .as_u16()
}

async fn set_password(app: &TestApp, token: &str, password: &str) -> u16 {
    app.client
        .post(app.url("/admin/setup"))
        .header("origin", &app.address)
        .form(&[("token", token), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn password_hash(app: &TestApp, email: &str) -> Option<String> {
    let m = app.store().moderator_by_email(email).await.unwrap();
    m.expect("the moderator").password_hash
}

const NEW_PASSWORD: &str = "a brand new passphrase";

async fn moderator_add_on_a_moderator_with_a_password_prints_no_link_and_keeps_password_and_session(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    app.add_site("blog", "https://blog.example").await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let before = password_hash(&app, "mod@example.org").await;

    let printed = confab(
        &app,
        &["moderator", "add", "mod@example.org", "--site", "blog"],
    )
    .await;
    assert_eq!(setup_token(&printed), None, "printed a link: {printed}");
    assert!(printed.contains("already has a password"), "{printed}");
    assert_eq!(password_hash(&app, "mod@example.org").await, before);
    let session = admin.json("/admin/api/session").await;
    assert_eq!(
        session["sites"].as_array().unwrap().len(),
        2,
        "given the site"
    );
    assert_eq!(
        app.login("mod@example.org", PASSWORD, None).await.status(),
        200
    );
}

async fn a_setup_link_for_a_moderator_who_has_a_password_sets_nothing(backend: Backend) {
    // Such a link could only have been made before this fix: one printed by
    // an earlier `moderator add` of an active moderator.
    let app = spawn_app(backend).await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let m = app.store().moderator_by_email("mod@example.org").await;
    let (token, hash) = confab::domain::secrets::new_token();
    app.store()
        .add_setup_token(
            &hash,
            m.unwrap().unwrap().id,
            confab::store::now_ms() + 60_000,
        )
        .await
        .unwrap();
    assert_eq!(setup_page(&app, &token).await, 404);
    assert_eq!(set_password(&app, &token, NEW_PASSWORD).await, 404);
    assert_eq!(admin.get("/admin/api/session").await.status(), 200);
    assert_eq!(
        app.login("mod@example.org", PASSWORD, None).await.status(),
        200
    );
}

async fn moderator_reset_prints_a_link_and_ends_the_old_session_and_password(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin("mod@example.org", &["demo"]).await;

    let printed = confab(&app, &["moderator", "reset", "MOD@example.org"]).await;
    let token = setup_token(&printed).expect("a setup link");
    assert_eq!(admin.get("/admin/api/session").await.status(), 401);
    assert_eq!(
        app.login("mod@example.org", PASSWORD, None).await.status(),
        401
    );
    assert_eq!(setup_page(&app, &token).await, 200);
    assert_eq!(set_password(&app, &token, NEW_PASSWORD).await, 200);
    assert_eq!(
        app.login("mod@example.org", NEW_PASSWORD, None)
            .await
            .status(),
        200
    );
    let listed = confab(&app, &["moderator", "list"]).await;
    assert!(listed.contains("mod@example.org\tdemo\tactive"), "{listed}");
}

async fn once_a_password_is_set_every_other_outstanding_setup_link_is_dead(backend: Backend) {
    let app = spawn_app(backend).await;
    let add = ["moderator", "add", "new@example.org", "--site", "demo"];
    let first = setup_token(&confab(&app, &add).await).expect("a first link");
    // Still without a password, so adding again prints a second link.
    let second = setup_token(&confab(&app, &add).await).expect("a second link");
    assert_ne!(first, second);
    assert_eq!(set_password(&app, &second, NEW_PASSWORD).await, 200);
    let after = password_hash(&app, "new@example.org").await;

    assert_eq!(setup_page(&app, &first).await, 404);
    assert_eq!(
        set_password(&app, &first, "the attacker's password").await,
        404
    );
    assert_eq!(password_hash(&app, "new@example.org").await, after);
    assert_eq!(
        app.login("new@example.org", NEW_PASSWORD, None)
            .await
            .status(),
        200
    );
}

/// A held comment on `demo` and the `(approve, delete)` tokens mailed for it.
async fn held_with_links(app: &TestApp, sink: &mut SmtpSink, body: &str) -> (i64, String, String) {
    let held = app.comment("/p", body).await.comment;
    let data = decode_qp(&sink.next().await.data);
    let approve = token_of(&link_after(&data, "Approve: "));
    let delete = token_of(&link_after(&data, "Delete: "));
    (held.id, approve, delete)
}

async fn mail_page(app: &TestApp, token: &str) -> (u16, String) {
    let r = app.get_raw(&format!("/admin/mail?token={token}")).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn an_e_mailed_approve_link_works_once(backend: Backend) {
    let mut sink = SmtpSink::start().await;
    let app = app_with_mail(backend, &sink).await;
    app.add_moderator("mod@example.org", &["demo"]).await;
    let (id, approve, delete) = held_with_links(&app, &mut sink, "approve me once").await;
    let r = post_form(&app, "/admin/mail", &approve, &app.address).await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.status_of(id).await, CommentStatus::Approved);

    for token in [&approve, &delete] {
        let r = post_form(&app, "/admin/mail", token, &app.address).await;
        assert_eq!(r.status(), 410, "used up");
        assert!(r.text().await.unwrap().contains("This link was used"));
        assert_eq!(mail_page(&app, token).await.0, 410);
    }
    assert_eq!(app.status_of(id).await, CommentStatus::Approved);
}

async fn an_e_mailed_link_is_refused_after_a_dashboard_decision(backend: Backend) {
    let mut sink = SmtpSink::start().await;
    let app = app_with_mail(backend, &sink).await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let (id, approve, _) = held_with_links(&app, &mut sink, "buy cheap watches").await;
    admin.act(id, "spam").await;

    let (status, html) = mail_page(&app, &approve).await;
    assert_eq!(status, 410);
    assert!(!html.contains("cheap watches"), "{html}");
    let r = post_form(&app, "/admin/mail", &approve, &app.address).await;
    assert_eq!(r.status(), 410);
    assert_eq!(app.status_of(id).await, CommentStatus::Spam);
}

async fn after_moderator_remove_a_link_shows_nothing_of_the_comment(backend: Backend) {
    let mut sink = SmtpSink::start().await;
    let app = app_with_mail(backend, &sink).await;
    app.add_moderator("mod@example.org", &["demo"]).await;
    let (id, approve, _) = held_with_links(&app, &mut sink, "my private words").await;
    confab(&app, &["moderator", "remove", "mod@example.org"]).await;

    let (status, html) = mail_page(&app, &approve).await;
    assert_eq!(status, 403);
    assert!(!html.contains("my private words"), "{html}");
    assert!(!html.contains("<b>/p</b>"), "not even the page: {html}");
    assert_eq!(app.status_of(id).await, CommentStatus::Pending);
}

async fn a_link_for_a_moderator_no_longer_on_the_site_is_refused_on_get_and_post(backend: Backend) {
    let mut sink = SmtpSink::start().await;
    let app = app_with_mail(backend, &sink).await;
    app.add_site("blog", "https://blog.example").await;
    app.add_moderator("mod@example.org", &["demo", "blog"])
        .await;
    let (id, approve, delete) = held_with_links(&app, &mut sink, "only for demo's eyes").await;
    confab(
        &app,
        &["moderator", "remove", "mod@example.org", "--site", "demo"],
    )
    .await;
    let listed = confab(&app, &["moderator", "list"]).await;
    assert!(listed.contains("mod@example.org\tblog\tactive"), "{listed}");

    for token in [&approve, &delete] {
        let (status, html) = mail_page(&app, token).await;
        assert_eq!(status, 403);
        assert!(!html.contains("demo's eyes"), "{html}");
        let r = post_form(&app, "/admin/mail", token, &app.address).await;
        assert_eq!(r.status(), 403);
    }
    assert_eq!(app.status_of(id).await, CommentStatus::Pending);
}

/// Logs in as the client at `ip`, which a trusted proxy forwards.
async fn login_from(app: &TestApp, ip: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/admin/api/login"))
        .header("origin", &app.address)
        .header("x-forwarded-for", ip)
        .json(&json!({ "email": "mod@example.org", "password": password }))
        .send()
        .await
        .unwrap()
}

/// An app behind a trusted proxy on loopback, whose moderator's e-mail
/// gets `free` failures before the waits begin.
async fn app_behind_proxy(backend: Backend, free: u32) -> TestApp {
    let app = spawn_app_with(backend, |c| {
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        c.limits.login_failures_per_email = free;
    })
    .await;
    app.add_moderator("mod@example.org", &["demo"]).await;
    app
}

async fn failed_logins_from_many_addresses_make_the_e_mail_wait_longer_each_time(backend: Backend) {
    let app = app_behind_proxy(backend, 2).await;
    let mut n = 0u32;
    let mut next_ip = || {
        n += 1;
        format!("10.0.{}.{}", n / 250, n % 250 + 1)
    };
    for _ in 0..2 {
        assert_eq!(
            login_from(&app, &next_ip(), "wrong guess").await.status(),
            401
        );
    }
    let mut waits = Vec::new();
    for round in 0..3 {
        let r = login_from(&app, &next_ip(), PASSWORD).await;
        assert_eq!(
            r.status(),
            429,
            "round {round}: even the right password waits"
        );
        waits.push(retry_after(&r));
        if round < 2 {
            // Once the wait is over, the next failure counts, and doubles it.
            until(Duration::from_secs(20), "the wait to end", || {
                let ip = next_ip();
                let app = &app;
                async move { login_from(app, &ip, "wrong guess").await.status() == 401 }
            })
            .await;
        }
    }
    assert!(waits[0] < waits[1] && waits[1] < waits[2], "{waits:?}");
    assert!(
        waits[2] <= 8,
        "seconds, not a quarter of an hour: {waits:?}"
    );
    // A wait, not a lock: after it, the right password works from anywhere.
    until(Duration::from_secs(20), "the moderator to get in", || {
        let ip = next_ip();
        let app = &app;
        async move { login_from(app, &ip, PASSWORD).await.status() == 200 }
    })
    .await;
}

async fn an_address_that_logged_in_before_still_logs_in_during_an_attack(backend: Backend) {
    let app = Arc::new(app_behind_proxy(backend, 3).await);
    let home = "198.51.100.7";
    assert_eq!(login_from(&app, home, PASSWORD).await.status(), 200);
    // The attack: ten guesses at once from ten addresses.
    let guesses: Vec<_> = (1..=10)
        .map(|n| {
            let app = app.clone();
            tokio::spawn(async move {
                let r = login_from(&app, &format!("192.0.2.{n}"), "wrong guess").await;
                r.status().as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for g in guesses {
        statuses.push(g.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
    let r = login_from(&app, "203.0.113.5", PASSWORD).await;
    assert_eq!(r.status(), 429, "an address never seen waits");

    assert_eq!(login_from(&app, home, PASSWORD).await.status(), 200);
    // The known address is spared the e-mail's wait, not every limit: its
    // own failures make it wait too.
    for _ in 0..3 {
        assert_eq!(login_from(&app, home, "wrong guess").await.status(), 401);
    }
    assert_eq!(login_from(&app, home, PASSWORD).await.status(), 429);
}

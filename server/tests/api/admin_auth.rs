//! Logging in and out, the session cookie, CSRF and cross-site refusals.

use confab_api::{CommentStatus, ErrorCode};
use serde_json::json;

use crate::admin_helpers::*;
use crate::helpers::*;
use confab_testkit::on_both_backends;

on_both_backends!(
    a_moderator_logs_in_with_a_strict_http_only_cookie_and_logs_out,
    wrong_passwords_and_unknown_emails_get_the_same_401,
    failed_logins_are_rate_limited_per_email_even_for_the_right_password,
    failed_logins_are_rate_limited_per_ip,
    login_redirects_only_to_same_origin_paths,
    an_idle_session_expires,
    state_changes_without_the_csrf_token_or_from_other_sites_change_nothing,
    a_cross_site_login_is_refused,
    a_setup_link_sets_a_password_once
);

async fn a_moderator_logs_in_with_a_strict_http_only_cookie_and_logs_out(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_moderator("mod@example.org", &["demo"]).await;
    let r = app
        .login("MOD@example.org ", PASSWORD, Some("/admin/queue"))
        .await;
    assert_eq!(r.status(), 200);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("confab_admin="));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    assert!(!cookie.contains("Secure"), "plain http in tests");
    let session: confab_api::admin::Session = r.json().await.unwrap();
    assert_eq!(session.next, "/admin/queue");
    assert_eq!(session.sites.len(), 1);
    let admin = Admin {
        app: &app,
        cookie: cookie.split(';').next().unwrap().into(),
        session,
    };
    assert_eq!(admin.get("/admin/api/session").await.status(), 200);
    let r = admin.post("/admin/api/logout", &json!({})).await;
    assert_eq!(r.status(), 204);
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_error(
        admin.get("/admin/api/session").await,
        401,
        ErrorCode::Unauthorized,
    )
    .await;
}

async fn wrong_passwords_and_unknown_emails_get_the_same_401(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_moderator("mod@example.org", &["demo"]).await;
    let a = assert_error(
        app.login("mod@example.org", "wrong password", None).await,
        401,
        ErrorCode::Unauthorized,
    )
    .await;
    let b = assert_error(
        app.login("nobody@example.org", PASSWORD, None).await,
        401,
        ErrorCode::Unauthorized,
    )
    .await;
    assert_eq!(a.message, b.message);
    assert_error(
        app.get_raw("/admin/api/queue").await,
        401,
        ErrorCode::Unauthorized,
    )
    .await;
}

async fn failed_logins_are_rate_limited_per_email_even_for_the_right_password(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.limits.login_failures_per_email = 2).await;
    app.add_moderator("mod@example.org", &["demo"]).await;
    for _ in 0..2 {
        assert_eq!(
            app.login("mod@example.org", "wrong password", None)
                .await
                .status(),
            401
        );
    }
    let r = app.login("mod@example.org", PASSWORD, None).await;
    assert_eq!(r.status(), 429);
    assert!(retry_after(&r) > 0);
    assert_error(r, 429, ErrorCode::RateLimited).await;
}

async fn failed_logins_are_rate_limited_per_ip(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.limits.login_failures_per_ip = 3).await;
    for i in 0..3 {
        app.login(&format!("guess{i}@example.org"), "nope nope nope", None)
            .await;
    }
    assert_eq!(
        app.login("other@example.org", "nope nope nope", None)
            .await
            .status(),
        429
    );
}

async fn login_redirects_only_to_same_origin_paths(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_moderator("mod@example.org", &["demo"]).await;
    for bad in [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "evil",
    ] {
        let r = app.login("mod@example.org", PASSWORD, Some(bad)).await;
        let s: confab_api::admin::Session = r.json().await.unwrap();
        assert_eq!(s.next, "/admin", "{bad}");
    }
}

async fn an_idle_session_expires(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.session_idle_secs = 1).await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    assert_eq!(admin.get("/admin/api/session").await.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_error(
        admin.get("/admin/api/session").await,
        401,
        ErrorCode::Unauthorized,
    )
    .await;
}

async fn state_changes_without_the_csrf_token_or_from_other_sites_change_nothing(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.sites[0].moderation = confab::store::Moderation::All
    })
    .await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let id = app.comment("/p", "held").await.comment.id;
    let path = app.url(&format!("/admin/api/comments/{id}/approve"));
    let base = || app.client.post(&path).header("cookie", &admin.cookie);
    let token = admin.session.csrf_token.clone();
    let attempts = [
        ("no token", base().json(&json!({}))),
        (
            "wrong token",
            base().header("x-csrf-token", "nope").json(&json!({})),
        ),
        (
            "text/plain",
            base()
                .header("x-csrf-token", &token)
                .header("content-type", "text/plain")
                .body("{}"),
        ),
        (
            "a form",
            base().header("x-csrf-token", &token).form(&[("a", "b")]),
        ),
        (
            "a foreign origin",
            base()
                .header("x-csrf-token", &token)
                .header("origin", "https://evil.example")
                .json(&json!({})),
        ),
        (
            "cross-site fetch",
            base()
                .header("x-csrf-token", &token)
                .header("sec-fetch-site", "cross-site")
                .json(&json!({})),
        ),
    ];
    for (what, request) in attempts {
        let status = request.send().await.unwrap().status().as_u16();
        assert!(status == 403 || status == 415, "{what}: {status}");
        assert_eq!(
            app.status_of(id).await,
            CommentStatus::Pending,
            "{what} changed something"
        );
    }
    admin.act(id, "approve").await;
    assert_eq!(app.status_of(id).await, CommentStatus::Approved);
}

async fn a_cross_site_login_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_moderator("mod@example.org", &["demo"]).await;
    let r = app
        .client
        .post(app.url("/admin/api/login"))
        .header("origin", "https://evil.example")
        .json(&json!({"email": "mod@example.org", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_error(r, 403, ErrorCode::Forbidden).await;
    let r = app
        .client
        .post(app.url("/admin/api/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("email=mod@example.org&password={PASSWORD}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
}

async fn a_setup_link_sets_a_password_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let site = app.demo_id().await;
    let m = app
        .store()
        .add_moderator("new@example.org", None, &[site])
        .await
        .unwrap();
    let (token, hash) = confab::domain::secrets::new_token();
    app.store()
        .add_setup_token(&hash, m.id, confab::store::now_ms() + 60_000)
        .await
        .unwrap();
    assert_eq!(app.login("new@example.org", "", None).await.status(), 401);
    let page = app
        .client
        .get(app.url(&format!("/admin/setup?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let form = |password: &str| {
        app.client
            .post(app.url("/admin/setup"))
            .header("origin", &app.address)
            .form(&[("token", token.as_str()), ("password", password)])
    };
    assert_eq!(form("short").send().await.unwrap().status(), 422);
    assert_eq!(form(PASSWORD).send().await.unwrap().status(), 200);
    assert_eq!(
        app.login("new@example.org", PASSWORD, None).await.status(),
        200
    );
    assert_eq!(
        form("another long password").send().await.unwrap().status(),
        404,
        "used up"
    );
}

#[tokio::test]
async fn under_https_the_cookie_is_secure_and_host_prefixed() {
    let app = spawn_app_with(Backend::Sqlite, |c| c.secure_cookies = Some(true)).await;
    app.add_moderator("mod@example.org", &["demo"]).await;
    let r = app.login("mod@example.org", PASSWORD, None).await;
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-confab_admin="));
    assert!(cookie.contains("; Secure"));
}

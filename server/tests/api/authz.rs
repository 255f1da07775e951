//! Hostile input, the authorisation matrix: every mutating route, driven through
//! every way of asking without the right to. Each refusal must be a 401, 403
//! or 404 (405 or 415 where the refusal is the method or the content type a
//! form would send) in our JSON error shape, and the database must read the
//! same afterwards, row for row. Then the same request, done right, must
//! succeed, so a refusal can never be a typo in the table.

use confab::domain::signed::LinkClaim;
use confab_api::{ErrorBody, ErrorCode};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{json, Value};

use crate::admin_helpers::*;
use crate::dump::{diff, dump, execute, Dump};
use crate::helpers::*;
use confab_testkit::on_both_backends;

const OTHER_ORIGIN: &str = "https://other.example";
const EVIL: &str = "https://evil.example";

/// One way of asking without the right to.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Attempt {
    NoCredentials,
    UnknownCredentials,
    WrongToken,
    ExpiredToken,
    OtherSite,
    MissingId,
    NoCsrf,
    WrongCsrf,
    TextPlain,
    FormEncoded,
    ForeignOrigin,
    NullOrigin,
    CrossSiteFetch,
    /// An `X-Confab-Author` token the client made up, as readers' browsers
    /// did before the server issued them.
    MintedAuthor,
}
use Attempt::*;

/// A well-formed author token the server never issued.
const MINTED: &str = "0123456789abcdef0123456789abcdef";

/// The answers a refusal may have, by attempt.
fn allowed(attempt: Attempt) -> &'static [(u16, ErrorCode)] {
    match attempt {
        NoCredentials | UnknownCredentials | MintedAuthor => &[(401, ErrorCode::Unauthorized)],
        WrongToken | NoCsrf | WrongCsrf => &[(403, ErrorCode::Forbidden)],
        ExpiredToken => &[
            (401, ErrorCode::Unauthorized),
            (403, ErrorCode::EditWindowClosed),
        ],
        OtherSite => &[
            (403, ErrorCode::Forbidden),
            (403, ErrorCode::OriginNotAllowed),
            (404, ErrorCode::SiteNotFound),
            (422, ErrorCode::ParentNotFound),
        ],
        MissingId => &[
            (404, ErrorCode::NotFound),
            (404, ErrorCode::SiteNotFound),
            (403, ErrorCode::Forbidden),
        ],
        // A form can only POST, so on other methods it meets a 405 first.
        TextPlain | FormEncoded => &[
            (415, ErrorCode::UnsupportedMediaType),
            (405, ErrorCode::BadRequest),
        ],
        ForeignOrigin | NullOrigin | CrossSiteFetch => &[
            (403, ErrorCode::OriginNotAllowed),
            (403, ErrorCode::Forbidden),
        ],
    }
}

/// Sends `request`, then checks it was refused as `attempt` allows, in our
/// error shape, with the database unchanged.
async fn refused(db: &str, before: &Dump, what: &str, attempt: Attempt, request: RequestBuilder) {
    let r: Response = request.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let body: ErrorBody = serde_json::from_str(&text).unwrap_or_else(|_| {
        panic!("{what} / {attempt:?}: {status} is not our error shape: {text}")
    });
    assert!(
        !body.error.message.is_empty(),
        "{what} / {attempt:?}: no message"
    );
    assert!(
        allowed(attempt).contains(&(status, body.error.code)),
        "{what} / {attempt:?}: answered {status} {:?}: {}",
        body.error.code,
        body.error.message
    );
    let changed = diff(before, &dump(db).await);
    assert!(
        changed.is_empty(),
        "{what} / {attempt:?} changed the database: {changed:#?}"
    );
}

/// A public route's request as the widget would send it, then spoiled.
struct Public<'a> {
    app: &'a TestApp,
    method: Method,
    path: String,
    body: Value,
    token: Option<String>,
}

impl Public<'_> {
    fn valid(&self) -> RequestBuilder {
        self.spoiled(None)
    }

    fn spoiled(&self, attempt: Option<Attempt>) -> RequestBuilder {
        let form = matches!(attempt, Some(TextPlain | FormEncoded));
        // An HTML form can only GET or POST.
        let method = if form {
            Method::POST
        } else {
            self.method.clone()
        };
        let mut r = self.app.client.request(method, self.app.url(&self.path));
        r = match attempt {
            Some(ForeignOrigin) => r.header("origin", EVIL),
            Some(NullOrigin) => r.header("origin", "null"),
            Some(CrossSiteFetch) => r
                .header("origin", EVIL)
                .header("sec-fetch-site", "cross-site"),
            _ => r.header("origin", ORIGIN),
        };
        if attempt == Some(MintedAuthor) {
            r = r.header("x-confab-author", MINTED);
        }
        r = match (attempt, &self.token) {
            (Some(NoCredentials), _) | (_, None) => r,
            (Some(UnknownCredentials), _) => r.header("authorization", "Basic dXNlcjpwYXNz"),
            (Some(WrongToken), _) => r.bearer_auth("a-guessed-token-that-is-long-enough"),
            (_, Some(token)) => r.bearer_auth(token),
        };
        match attempt {
            Some(TextPlain) => r
                .header("content-type", "text/plain")
                .body(self.body.to_string()),
            Some(FormEncoded) => r.form(&[("body", "cross-site"), ("value", "1")]),
            _ if self.body.is_null() => r,
            _ => r.json(&self.body),
        }
    }
}

on_both_backends!(
    comments_cannot_be_posted_edited_deleted_or_voted_on_without_the_right_to,
    every_moderator_write_is_refused_without_a_live_session_its_csrf_token_and_our_origin,
    the_emailed_link_and_setup_forms_act_only_with_a_current_token_from_our_origin
);

async fn comments_cannot_be_posted_edited_deleted_or_voted_on_without_the_right_to(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let db = app.state.config.database_url.clone();
    app.add_site("other", OTHER_ORIGIN).await;
    let mine = app.comment("/p", "the original words").await;
    let (id, token) = (mine.comment.id, mine.edit_token.clone());
    let someone_elses = app.comment("/p", "a second comment").await;
    let aged = app.comment("/p", "an old comment").await;
    execute(
        &db,
        &format!(
            "UPDATE comments SET created = created - 86400000 WHERE id = {}",
            aged.comment.id
        ),
    )
    .await;
    let theirs: confab_api::CreatedComment = app
        .client
        .post(app.url("/api/v1/sites/other/comments"))
        .header("origin", OTHER_ORIGIN)
        .json(&json!({"page": "/p", "body": "on the other site"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let theirs_id = theirs.comment.id;

    let post = |site: &str, body: Value| Public {
        app: &app,
        method: Method::POST,
        path: format!("/api/v1/sites/{site}/comments"),
        body,
        token: None,
    };
    let on = |method: Method, id: i64, suffix: &str, body: Value, token: Option<&str>| Public {
        app: &app,
        method,
        path: format!("/api/v1/comments/{id}{suffix}"),
        body,
        token: token.map(str::to_owned),
    };
    let new = json!({"page": "/p", "body": "a new comment"});
    let edit = json!({"body": "defaced"});
    let up = json!({"value": 1});
    // (route, attempt, request): each a refusal.
    let mut table: Vec<(&str, Attempt, RequestBuilder)> = Vec::new();
    for attempt in [
        TextPlain,
        FormEncoded,
        ForeignOrigin,
        NullOrigin,
        CrossSiteFetch,
    ] {
        table.push((
            "POST comments",
            attempt,
            post("demo", new.clone()).spoiled(Some(attempt)),
        ));
        table.push((
            "PATCH comment",
            attempt,
            on(Method::PATCH, id, "", edit.clone(), Some(&token)).spoiled(Some(attempt)),
        ));
        table.push((
            "DELETE comment",
            attempt,
            on(Method::DELETE, id, "", Value::Null, Some(&token)).spoiled(Some(attempt)),
        ));
        table.push((
            "POST vote",
            attempt,
            on(Method::POST, id, "/vote", up.clone(), None).spoiled(Some(attempt)),
        ));
    }
    // Posting and voting take an author token only as this server issued it.
    table.push((
        "POST comments",
        MintedAuthor,
        post("demo", new.clone()).spoiled(Some(MintedAuthor)),
    ));
    table.push((
        "POST vote",
        MintedAuthor,
        on(Method::POST, id, "/vote", up.clone(), None).spoiled(Some(MintedAuthor)),
    ));
    // Author tokens go to anyone, but not to another origin's pages.
    let authors = Public {
        app: &app,
        method: Method::POST,
        path: "/api/v1/authors".into(),
        body: Value::Null,
        token: None,
    };
    for attempt in [ForeignOrigin, NullOrigin, CrossSiteFetch] {
        table.push(("POST authors", attempt, authors.spoiled(Some(attempt))));
    }
    // Posting and voting need no credentials; edits and deletes do.
    for attempt in [NoCredentials, UnknownCredentials, WrongToken] {
        table.push((
            "PATCH comment",
            attempt,
            on(Method::PATCH, id, "", edit.clone(), Some(&token)).spoiled(Some(attempt)),
        ));
        table.push((
            "DELETE comment",
            attempt,
            on(Method::DELETE, id, "", Value::Null, Some(&token)).spoiled(Some(attempt)),
        ));
    }
    let other_token = &someone_elses.edit_token;
    table.push((
        "PATCH with another comment's token",
        WrongToken,
        on(Method::PATCH, id, "", edit.clone(), Some(other_token)).valid(),
    ));
    table.push((
        "DELETE with another comment's token",
        WrongToken,
        on(Method::DELETE, id, "", Value::Null, Some(other_token)).valid(),
    ));
    table.push((
        "PATCH after the edit window",
        ExpiredToken,
        on(
            Method::PATCH,
            aged.comment.id,
            "",
            edit.clone(),
            Some(&aged.edit_token),
        )
        .valid(),
    ));
    table.push((
        "DELETE after the edit window",
        ExpiredToken,
        on(
            Method::DELETE,
            aged.comment.id,
            "",
            Value::Null,
            Some(&aged.edit_token),
        )
        .valid(),
    ));
    // Another site's comment with its own token, from our origin.
    table.push((
        "PATCH another site's comment",
        OtherSite,
        on(
            Method::PATCH,
            theirs_id,
            "",
            edit.clone(),
            Some(&theirs.edit_token),
        )
        .valid(),
    ));
    table.push((
        "DELETE another site's comment",
        OtherSite,
        on(
            Method::DELETE,
            theirs_id,
            "",
            Value::Null,
            Some(&theirs.edit_token),
        )
        .valid(),
    ));
    table.push((
        "POST vote on another site's comment",
        OtherSite,
        on(Method::POST, theirs_id, "/vote", up.clone(), None).valid(),
    ));
    table.push((
        "POST comments to another site",
        OtherSite,
        post("other", new.clone()).valid(),
    ));
    table.push((
        "POST a reply to another site's comment",
        OtherSite,
        post(
            "demo",
            json!({"page": "/p", "parent": theirs_id, "body": "hi"}),
        )
        .valid(),
    ));
    table.push((
        "POST comments to no site",
        MissingId,
        post("nowhere", new.clone()).valid(),
    ));
    table.push((
        "PATCH no comment",
        MissingId,
        on(Method::PATCH, 987_654, "", edit.clone(), Some(&token)).valid(),
    ));
    table.push((
        "DELETE no comment",
        MissingId,
        on(Method::DELETE, 987_654, "", Value::Null, Some(&token)).valid(),
    ));
    table.push((
        "POST vote on no comment",
        MissingId,
        on(Method::POST, 987_654, "/vote", up.clone(), None).valid(),
    ));

    let before = dump(&db).await;
    let count = table.len();
    for (what, attempt, request) in table {
        refused(&db, &before, what, attempt, request).await;
    }
    println!("{count} refused public writes, none changed a row");

    // Done right, each succeeds, and so does change the database.
    let voted = app
        .client
        .post(app.url(&format!("/api/v1/comments/{id}/vote")))
        .header("origin", ORIGIN)
        .header("x-confab-author", app.token(READER))
        .json(&up)
        .send()
        .await
        .unwrap();
    assert_eq!(voted.status(), 200);
    assert_eq!(authors.valid().send().await.unwrap().status(), 201);
    assert_eq!(
        on(Method::PATCH, id, "", edit.clone(), Some(&token))
            .valid()
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        on(Method::DELETE, id, "", Value::Null, Some(&token))
            .valid()
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        post("demo", new.clone())
            .valid()
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    assert!(!diff(&before, &dump(&db).await).is_empty());
}

async fn every_moderator_write_is_refused_without_a_live_session_its_csrf_token_and_our_origin(
    backend: Backend,
) {
    let app = spawn_app_with(backend, |c| {
        c.sites[0].moderation = confab::store::Moderation::All
    })
    .await;
    let db = app.state.config.database_url.clone();
    let site = app.demo_id().await;
    let other = app.add_site("other", OTHER_ORIGIN).await;
    let held = app.comment("/p", "held for a moderator").await.comment.id;
    let theirs: confab_api::CreatedComment = app
        .client
        .post(app.url("/api/v1/sites/other/comments"))
        .header("origin", OTHER_ORIGIN)
        .json(&json!({"page": "/q", "body": "theirs"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let theirs = theirs.comment.id;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    // A second session, aged past the idle limit by hand.
    let stale = app.admin("stale@example.org", &["demo", "other"]).await;
    execute(
        &db,
        "UPDATE sessions SET last_seen = 0 WHERE moderator_id = \
         (SELECT id FROM moderators WHERE email = 'stale@example.org')",
    )
    .await;
    let ban: Value = admin
        .post(
            &format!("/admin/api/sites/{site}/bans"),
            &json!({"kind": "email", "value": "x@example.org"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let ban = ban["id"].as_i64().unwrap();

    // (method, path, body, the same on another site or none)
    let routes: Vec<(Method, String, Value, Option<String>)> = vec![
        (
            Method::POST,
            format!("/admin/api/comments/{held}/approve"),
            json!({}),
            Some(format!("/admin/api/comments/{theirs}/approve")),
        ),
        (
            Method::POST,
            format!("/admin/api/comments/{held}/pin"),
            json!({}),
            Some(format!("/admin/api/comments/{theirs}/pin")),
        ),
        (
            Method::POST,
            format!("/admin/api/comments/{held}/unpin"),
            json!({}),
            Some(format!("/admin/api/comments/{theirs}/unpin")),
        ),
        (
            Method::PATCH,
            format!("/admin/api/comments/{held}"),
            json!({"body": "defaced"}),
            Some(format!("/admin/api/comments/{theirs}")),
        ),
        (
            Method::POST,
            format!("/admin/api/comments/{held}/spam"),
            json!({}),
            Some(format!("/admin/api/comments/{theirs}/spam")),
        ),
        (
            Method::POST,
            "/admin/api/comments/bulk".into(),
            json!({"ids": [held], "action": "approve"}),
            None,
        ),
        (
            Method::POST,
            format!("/admin/api/comments/{held}/delete"),
            json!({}),
            Some(format!("/admin/api/comments/{theirs}/delete")),
        ),
        (
            Method::POST,
            format!("/admin/api/sites/{site}/pages/lock"),
            json!({"page": "/p", "locked": true}),
            Some(format!("/admin/api/sites/{other}/pages/lock")),
        ),
        (
            Method::PUT,
            format!("/admin/api/sites/{site}/pages/info"),
            json!({"page": "/p", "title": "T", "url": null}),
            Some(format!("/admin/api/sites/{other}/pages/info")),
        ),
        (
            Method::POST,
            format!("/admin/api/sites/{site}/bans"),
            json!({"kind": "email", "value": "y@example.org"}),
            Some(format!("/admin/api/sites/{other}/bans")),
        ),
        (
            Method::DELETE,
            format!("/admin/api/sites/{site}/bans/{ban}"),
            Value::Null,
            Some(format!("/admin/api/sites/{other}/bans/{ban}")),
        ),
        (
            Method::PUT,
            format!("/admin/api/sites/{site}/settings"),
            json!({"ban_mode": "hold", "blocked_words": ["x"], "suspect_words": []}),
            Some(format!("/admin/api/sites/{other}/settings")),
        ),
        (Method::POST, "/admin/api/logout".into(), json!({}), None),
    ];
    let attempts = [
        NoCredentials,
        UnknownCredentials,
        ExpiredToken,
        NoCsrf,
        WrongCsrf,
        TextPlain,
        FormEncoded,
        ForeignOrigin,
        NullOrigin,
        CrossSiteFetch,
    ];
    let before = dump(&db).await;
    let mut count = 0;
    for (method, path, body, elsewhere) in &routes {
        let what = format!("{method} {path}");
        for attempt in attempts {
            let form = matches!(attempt, TextPlain | FormEncoded);
            let method = if form { Method::POST } else { method.clone() };
            let mut r = app.client.request(method, app.url(path));
            r = match attempt {
                NoCredentials => r,
                UnknownCredentials => r.header("cookie", "confab_admin=not-a-session"),
                ExpiredToken => r
                    .header("cookie", &stale.cookie)
                    .header("x-csrf-token", &stale.session.csrf_token),
                NoCsrf => r.header("cookie", &admin.cookie),
                // The other session's token: real, but not this session's.
                WrongCsrf => r
                    .header("cookie", &admin.cookie)
                    .header("x-csrf-token", &stale.session.csrf_token),
                _ => r
                    .header("cookie", &admin.cookie)
                    .header("x-csrf-token", &admin.session.csrf_token),
            };
            r = match attempt {
                ForeignOrigin => r.header("origin", EVIL),
                NullOrigin => r.header("origin", "null"),
                CrossSiteFetch => r.header("sec-fetch-site", "cross-site"),
                _ => r
                    .header("origin", &app.address)
                    .header("sec-fetch-site", "same-origin"),
            };
            r = match attempt {
                TextPlain => r
                    .header("content-type", "text/plain")
                    .body(body.to_string()),
                FormEncoded => r.form(&[("ids", held.to_string()), ("action", "approve".into())]),
                _ if body.is_null() => r,
                _ => r.json(body),
            };
            refused(&db, &before, &what, attempt, r).await;
            count += 1;
        }
        if let Some(path) = elsewhere {
            let mut r = admin.request(method.clone(), path);
            if !body.is_null() {
                r = r.json(body);
            }
            refused(&db, &before, &format!("{method} {path}"), OtherSite, r).await;
            count += 1;
        }
    }
    for (path, body) in [
        ("/admin/api/comments/987654/approve", json!({})),
        (
            "/admin/api/sites/987654/bans",
            json!({"kind": "email", "value": "z@example.org"}),
        ),
    ] {
        refused(
            &db,
            &before,
            path,
            MissingId,
            admin.request(Method::POST, path).json(&body),
        )
        .await;
        count += 1;
    }
    println!("{count} refused moderator writes, none changed a row");

    // Done right, each succeeds (logout last: it ends the session).
    for (method, path, body, _) in &routes {
        let mut r = admin.request(method.clone(), path);
        if !body.is_null() {
            r = r.json(body);
        }
        let status = r.send().await.unwrap().status().as_u16();
        assert!(
            (200..300).contains(&status),
            "{method} {path} done right: {status}"
        );
    }
    assert!(!diff(&before, &dump(&db).await).is_empty());
}

async fn the_emailed_link_and_setup_forms_act_only_with_a_current_token_from_our_origin(
    backend: Backend,
) {
    let app = spawn_app_with(backend, |c| {
        c.sites[0].moderation = confab::store::Moderation::All
    })
    .await;
    let db = app.state.config.database_url.clone();
    app.add_moderator("mod@example.org", &["demo"]).await;
    let moderator = app
        .store()
        .moderator_by_email("mod@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let held = app.comment("/p", "held for a moderator").await.comment.id;
    let now = confab::store::now_ms();
    let link = |expires: i64, key: &[u8]| {
        LinkClaim {
            action: "approve".into(),
            comment: held,
            moderator,
            status: "pending".into(),
            expires,
        }
        .sign(key)
    };
    let good = link(now + 600_000, &app.state.signing_key);
    let new = app
        .store()
        .add_moderator("new@example.org", None, &[app.demo_id().await])
        .await
        .unwrap();
    let (setup, hash) = confab::domain::secrets::new_token();
    app.store()
        .add_setup_token(&hash, new.id, now + 600_000)
        .await
        .unwrap();
    let (old_setup, old_hash) = confab::domain::secrets::new_token();
    app.store()
        .add_setup_token(&old_hash, new.id, now - 1)
        .await
        .unwrap();

    let mail = |token: &str, origin: &str, fetch: &str| {
        app.client
            .post(app.url("/admin/mail"))
            .header("origin", origin)
            .header("sec-fetch-site", fetch)
            .form(&[("token", token)])
    };
    let same = app.address.clone();
    let password = [("password", "a long enough password")];
    let with = |token: &str| {
        [
            ("token", token.to_owned()),
            ("password", password[0].1.to_owned()),
        ]
    };
    let cases: Vec<(&str, u16, RequestBuilder)> = vec![
        (
            "mail: no token",
            404,
            app.client
                .post(app.url("/admin/mail"))
                .header("origin", &same)
                .form(&[("x", "y")]),
        ),
        (
            "mail: forged signature",
            404,
            mail(&link(now + 600_000, b"not the key"), &same, "same-origin"),
        ),
        (
            "mail: expired link",
            404,
            mail(&link(now - 1, &app.state.signing_key), &same, "same-origin"),
        ),
        ("mail: foreign origin", 403, mail(&good, EVIL, "cross-site")),
        ("mail: null origin", 403, mail(&good, "null", "same-origin")),
        (
            "mail: cross-site fetch",
            403,
            mail(&good, &same, "cross-site"),
        ),
        (
            "setup: unknown token",
            404,
            app.client
                .post(app.url("/admin/setup"))
                .header("origin", &same)
                .form(&with("guessed")),
        ),
        (
            "setup: expired token",
            404,
            app.client
                .post(app.url("/admin/setup"))
                .header("origin", &same)
                .form(&with(&old_setup)),
        ),
        (
            "setup: foreign origin",
            403,
            app.client
                .post(app.url("/admin/setup"))
                .header("origin", EVIL)
                .form(&with(&setup)),
        ),
        (
            "setup: cross-site fetch",
            403,
            app.client
                .post(app.url("/admin/setup"))
                .header("sec-fetch-site", "cross-site")
                .form(&with(&setup)),
        ),
        (
            "login: foreign origin",
            403,
            app.client
                .post(app.url("/admin/api/login"))
                .header("origin", EVIL)
                .json(&json!({"email": "mod@example.org", "password": PASSWORD})),
        ),
        (
            "login: a form",
            415,
            app.client
                .post(app.url("/admin/api/login"))
                .form(&[("email", "mod@example.org"), ("password", PASSWORD)]),
        ),
        (
            "login: text/plain",
            415,
            app.client
                .post(app.url("/admin/api/login"))
                .header("content-type", "text/plain")
                .body(json!({"email": "mod@example.org", "password": PASSWORD}).to_string()),
        ),
    ];
    let mut before = dump(&db).await;
    for (what, status, request) in cases {
        let r = request.send().await.unwrap();
        assert_eq!(r.status().as_u16(), status, "{what}");
        // The forms are pages for a person; the login is JSON for the dashboard.
        let html = r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html");
        let text = r.text().await.unwrap();
        assert!(
            html || serde_json::from_str::<ErrorBody>(&text).is_ok(),
            "{what}: {text}"
        );
        let after = dump(&db).await;
        let mut changed = diff(&before, &after);
        // Using a dead one-time token uses it up; nothing else may change.
        changed.retain(|line| !(line.starts_with("- setup_tokens") && line.contains(&old_hash)));
        assert!(
            changed.is_empty(),
            "{what} changed the database: {changed:#?}"
        );
        before = after;
    }
    // Done right, both act.
    assert_eq!(
        mail(&good, &same, "same-origin")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        app.status_of(held).await,
        confab_api::CommentStatus::Approved
    );
    let r = app
        .client
        .post(app.url("/admin/setup"))
        .header("origin", &same)
        .form(&with(&setup))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

//! Hostile input, privacy: no raw IP address anywhere in the database,
//! and no reader's e-mail in any public response.

use std::time::Duration;

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::dump::dump;
use crate::helpers::*;
use confab_testkit::on_both_backends;

/// A documentation address (RFC 5737), forwarded by a trusted proxy.
const CLIENT_IP: &str = "203.0.113.77";
const PEER_IP: &str = "127.0.0.1";
const EMAIL: &str = "Secret.Reader@example.org";

/// The needles an address may hide as: text, and its four raw bytes in hex
/// (how SQLite's `quote()` and PostgreSQL's bytea show a blob).
fn needles(ip: &str) -> Vec<String> {
    let octets: std::net::Ipv4Addr = ip.parse().unwrap();
    vec![
        ip.to_owned(),
        hex::encode(octets.octets()),
        hex::encode_upper(octets.octets()),
    ]
}

on_both_backends!(
    a_dump_of_the_database_contains_no_raw_ip_address,
    no_public_response_contains_a_readers_email,
    an_avatar_confirms_no_guessed_email_and_a_typed_name_borrows_no_ones_picture
);

/// The avatar of the comment `name` posts as `author` with `email`.
async fn avatar_of(app: &TestApp, name: &str, author: &str, email: Option<&str>) -> String {
    // Each body its own, or the duplicate check would refuse the repeat.
    static POSTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = POSTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let body = json!({ "page": "/p", "body": format!("{name} was here, visit {n}"),
                       "author": author, "email": email });
    let r = app.post_comment_as(name, &body).await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    v["comment"]["avatar"].as_str().unwrap().to_owned()
}

async fn an_avatar_confirms_no_guessed_email_and_a_typed_name_borrows_no_ones_picture(
    backend: Backend,
) {
    let app = spawn_app_with(backend, |c| c.limits.posts_per_minute_ip = 0).await;
    let maria = avatar_of(&app, "maria", "Maria Okafor", Some(EMAIL)).await;
    // The public formula of old: anyone could hash a guess and compare.
    let guess = hex::encode(&Sha256::digest(format!("demo\0{}", EMAIL.to_lowercase()))[..16]);
    assert_ne!(maria, guess);
    // Stable for the same e-mail, whoever types it and however cased.
    let again = avatar_of(
        &app,
        "maria-on-her-phone",
        "M.",
        Some(&EMAIL.to_uppercase()),
    )
    .await;
    assert_eq!(again, maria);
    // Typing her name without her e-mail draws someone else's picture, and
    // each reader keeps their own.
    let impostor = avatar_of(&app, "impostor", "Maria Okafor", None).await;
    assert_ne!(impostor, maria);
    assert_eq!(
        avatar_of(&app, "impostor", "Maria Okafor", None).await,
        impostor
    );
    assert_ne!(
        avatar_of(&app, "someone", "Maria Okafor", None).await,
        impostor
    );
}

async fn a_dump_of_the_database_contains_no_raw_ip_address(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.trusted_proxies = vec![PEER_IP.parse().unwrap()];
        c.sites[0].moderation = confab::store::Moderation::FirstTime;
    })
    .await;
    let db = app.state.config.database_url.clone();
    // Everything that looks at the caller's address: posting (held and
    // published), voting, failed and good logins, and an IP ban.
    let forwarded = |r: reqwest::RequestBuilder| {
        r.header("x-forwarded-for", format!("198.51.100.1, {CLIENT_IP}"))
    };
    let held: confab_api::CreatedComment =
        forwarded(app.client.post(app.url("/api/v1/sites/demo/comments")))
            .header("origin", ORIGIN)
            .json(&json!({"page": "/p", "body": "from behind a proxy", "email": "a@example.org"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let direct = app.comment("/p", "straight from the peer").await;
    let admin = app.admin("mod@example.org", &["demo"]).await;
    admin.act(held.comment.id, "approve").await;
    admin.act(direct.comment.id, "approve").await;
    let r = forwarded(
        app.client
            .post(app.url(&format!("/api/v1/comments/{}/vote", direct.comment.id))),
    )
    .header("origin", ORIGIN)
    .json(&json!({"value": 1}))
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    forwarded(app.client.post(app.url("/admin/api/login")))
        .header("origin", &app.address)
        .json(&json!({"email": "mod@example.org", "password": "wrong password"}))
        .send()
        .await
        .unwrap();
    let site = app.demo_id().await;
    let r = admin
        .post(
            &format!("/admin/api/sites/{site}/bans"),
            &json!({"kind": "ip", "comment": held.comment.id}),
        )
        .await;
    assert_eq!(r.status(), 201);

    let dumped = format!("{:#?}", dump(&db).await);
    assert!(
        dumped.contains("from behind a proxy"),
        "the dump holds the comments"
    );
    let mut bytes = dumped.into_bytes();
    // SQLite: the files themselves too, free pages and the WAL included.
    if let Some(path) = db.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap();
        for file in [path.to_owned(), format!("{path}-wal")] {
            bytes.extend(std::fs::read(&file).unwrap_or_default());
        }
    }
    let haystack = String::from_utf8_lossy(&bytes);
    for ip in [CLIENT_IP, PEER_IP] {
        for needle in needles(ip) {
            assert!(
                !haystack.contains(&needle),
                "the database holds {ip} as {needle}"
            );
        }
    }
    println!(
        "searched {} bytes of database for 2 addresses in 3 forms each",
        bytes.len()
    );
}

async fn no_public_response_contains_a_readers_email(backend: Backend) {
    let app = spawn_app(backend).await;
    let lower = EMAIL.to_lowercase();
    let mut check = EmailCheck::new();

    // Someone watches the page before the comment arrives.
    let mut events = app
        .client
        .get(app.url("/api/v1/sites/demo/events?page=/p"))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), 200);
    let created = post_a_comment_and_a_reply(&app, &mut check).await;
    let id = created.comment.id;
    let mut stream = String::new();
    while !stream.contains("me again") {
        let chunk = tokio::time::timeout(Duration::from_secs(5), events.chunk())
            .await
            .expect("the events arrive")
            .unwrap()
            .expect("the stream stays open");
        stream.push_str(&String::from_utf8_lossy(&chunk));
    }
    check.check("the event stream", &stream);
    edit_post_a_duplicate_and_vote(&app, &created, &mut check).await;
    read_every_public_route(&app, id, &mut check).await;
    println!(
        "{} public responses, none with the e-mail",
        check.seen.len()
    );
    // The check can fail: the moderators' view, which is not public, has it.
    let admin = app.admin("mod@example.org", &["demo"]).await;
    let theirs = admin
        .get(&format!("/admin/api/comments/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(theirs.to_lowercase().contains(&lower));
}

/// Looks for `EMAIL` in a response: whole, its local part, or its SHA-256
/// (as a Gravatar URL would carry it), and keeps what it has looked at.
struct EmailCheck {
    lower: String,
    digest: String,
    seen: Vec<String>,
}

impl EmailCheck {
    fn new() -> Self {
        let lower = EMAIL.to_lowercase();
        let digest = hex::encode(Sha256::digest(lower.as_bytes()));
        Self {
            lower,
            digest,
            seen: Vec::new(),
        }
    }

    fn check(&mut self, what: &str, text: &str) {
        let local = "secret.reader";
        let t = text.to_lowercase();
        for needle in [self.lower.as_str(), local, self.digest.as_str()] {
            assert!(!t.contains(needle), "{what} shows {needle}: {text:.300}");
        }
        self.seen.push(what.to_owned());
    }
}

/// A comment with the reader's e-mail and a reply with it again, both
/// checked; the comment as created.
async fn post_a_comment_and_a_reply(
    app: &TestApp,
    check: &mut EmailCheck,
) -> confab_api::CreatedComment {
    let r = app
        .post_comment_as(
            READER,
            &json!({
                "page": "/p",
                "body": "hello",
                "author": "Ann",
                "email": EMAIL,
                "website": "https://ann.example",
                "notify": true,
            }),
        )
        .await;
    assert_eq!(r.status(), 201);
    let text = r.text().await.unwrap();
    check.check("the created comment", &text);
    let created: confab_api::CreatedComment = serde_json::from_str(&text).unwrap();
    let id = created.comment.id;
    let reply = app
        .post_comment_as(
            READER,
            &json!({"page": "/p", "parent": id, "body": "me again", "email": EMAIL}),
        )
        .await;
    check.check("a reply", &reply.text().await.unwrap());
    created
}

/// The answers to an edit, a refused duplicate and a vote.
async fn edit_post_a_duplicate_and_vote(
    app: &TestApp,
    created: &confab_api::CreatedComment,
    check: &mut EmailCheck,
) {
    let id = created.comment.id;
    let edited = app
        .client
        .patch(app.url(&format!("/api/v1/comments/{id}")))
        .header("origin", ORIGIN)
        .bearer_auth(&created.edit_token)
        .json(&json!({"body": "hello again"}))
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), 200);
    check.check("the edited comment", &edited.text().await.unwrap());
    let duplicate = app
        .post_comment_as(
            READER,
            &json!({"page": "/p", "body": "me again", "email": EMAIL}),
        )
        .await;
    assert_eq!(duplicate.status(), 409);
    check.check("a refusal", &duplicate.text().await.unwrap());
    let voted = app.vote(id, 1, "another-reader-0123456789").await;
    check.check("a vote", &voted.text().await.unwrap());
}

/// Every public GET, the counts and the preview.
async fn read_every_public_route(app: &TestApp, id: i64, check: &mut EmailCheck) {
    let gets = [
        "/api/v1/sites/demo/thread?page=/p".to_owned(),
        "/api/v1/sites/demo/thread?page=/p&sort=newest".into(),
        "/api/v1/sites/demo/thread?page=/p&sort=top&limit=200".into(),
        "/api/v1/openapi.json".into(),
        "/healthz".into(),
        "/".into(),
        "/embed.js".into(),
        "/count.js".into(),
        format!("/api/v1/comments/{id}"),
        "/no-such-route".into(),
    ];
    for path in &gets {
        let r = app
            .client
            .get(app.url(path))
            .header("origin", ORIGIN)
            .send()
            .await
            .unwrap();
        assert!(r.status().as_u16() < 500, "{path}");
        check.check(path, &r.text().await.unwrap());
    }
    let counts = app
        .post_json("/api/v1/sites/demo/counts", &json!({"pages": ["/p"]}))
        .await;
    check.check("counts", &counts.text().await.unwrap());
    let preview = app
        .post_json("/api/v1/preview", &json!({"body": "a preview"}))
        .await;
    check.check("preview", &preview.text().await.unwrap());
}

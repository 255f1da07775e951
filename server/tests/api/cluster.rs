//! Scale-out: three instances on one PostgreSQL behind nginx. Nothing goes
//! stale, duplicates or gets lost between them.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use confab_api::CommentStatus;
use confab_testkit::until;
use reqwest::StatusCode;
use serde_json::json;

use crate::admin_helpers::PASSWORD;
use crate::cluster_helpers::*;
use crate::helpers::*;

/// How long a loaded shared machine may take to acknowledge the posts.
const LOAD_WITHIN: Duration = Duration::from_secs(30);

#[tokio::test]
async fn every_write_through_the_balancer_reaches_a_read_from_every_instance_within_a_second() {
    let cluster = Cluster::start().await;
    let page = "/scale/writes";
    let etag_before = cache_the_empty_thread_everywhere(&cluster, page).await;

    let c = cluster.comment(page, "Posted through the balancer").await;
    let id = c.comment.id;
    cluster
        .within_a_second("post", "demo", page, |t| {
            t.comments.iter().any(|x| x.id == id)
        })
        .await;
    let r = cluster
        .client
        .get(cluster.at(2, &format!("/api/v1/sites/demo/thread?page={page}")))
        .header("if-none-match", &etag_before)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the old ETag no longer matches");

    let edit = cluster
        .client
        .patch(cluster.via_balancer(&format!("/api/v1/comments/{id}")))
        .header("origin", ORIGIN)
        .bearer_auth(&c.edit_token)
        .json(&json!({ "body": "Edited through the balancer" }))
        .send()
        .await
        .unwrap();
    assert_eq!(edit.status(), StatusCode::OK);
    cluster
        .within_a_second("edit", "demo", page, |t| {
            t.comments[0].html.contains("Edited")
        })
        .await;

    let vote = cluster
        .client
        .post(cluster.via_balancer(&format!("/api/v1/comments/{id}/vote")))
        .header("origin", ORIGIN)
        .header(
            "x-confab-author",
            confab::domain::author_token::issue(SECRET_KEY.as_bytes()),
        )
        .json(&json!({ "value": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(vote.status(), StatusCode::OK);
    cluster
        .within_a_second("vote", "demo", page, |t| t.comments[0].score == 1)
        .await;

    let delete = cluster
        .client
        .delete(cluster.via_balancer(&format!("/api/v1/comments/{id}")))
        .header("origin", ORIGIN)
        .bearer_auth(&c.edit_token)
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), StatusCode::NO_CONTENT);
    cluster
        .within_a_second("delete", "demo", page, |t| {
            t.comments
                .iter()
                .all(|x| x.id != id || x.status == CommentStatus::Deleted)
        })
        .await;
}

/// Every instance caches the empty thread of `page` first, so that a stale
/// cache would show; the ETag instance 2 gave it.
async fn cache_the_empty_thread_everywhere(
    cluster: &Cluster,
    page: &str,
) -> reqwest::header::HeaderValue {
    for i in 0..3 {
        for _ in 0..2 {
            assert_eq!(cluster.thread(i, "demo", page).await.total, 0);
        }
    }
    cluster
        .client
        .get(cluster.at(2, &format!("/api/v1/sites/demo/thread?page={page}")))
        .send()
        .await
        .unwrap()
        .headers()["etag"]
        .clone()
}

#[tokio::test]
async fn a_moderator_logged_in_through_one_instance_acts_through_the_others() {
    let cluster = Cluster::start().await;
    let held = add_a_moderator_of_held(&cluster).await;
    let page = "/scale/moderated";
    let id = a_held_comment_no_instance_shows(&cluster, page).await;
    let moderator = log_in_through(&cluster, 0).await;
    let admin = |i: usize, path: &str, body: serde_json::Value| {
        cluster
            .client
            .post(cluster.at(i, path))
            .header("cookie", &moderator.cookie)
            .header("origin", &cluster.url)
            .header("sec-fetch-site", "same-origin")
            .header("x-csrf-token", &moderator.csrf_token)
            .json(&body)
            .send()
    };

    let approve = admin(1, &format!("/admin/api/comments/{id}/approve"), json!({}))
        .await
        .unwrap();
    assert_eq!(
        approve.status(),
        StatusCode::OK,
        "instance 1 knows the session"
    );
    cluster
        .within_a_second("approval", "held", page, |t| t.total == 1)
        .await;

    let lock = admin(
        2,
        &format!("/admin/api/sites/{held}/pages/lock"),
        json!({ "page": page, "locked": true }),
    )
    .await
    .unwrap();
    assert_eq!(lock.status(), StatusCode::OK);
    cluster
        .within_a_second("lock", "held", page, |t| t.locked == Some(true))
        .await;
    let refused = cluster
        .post(&cluster.instances[0].base, "held", page, "Late")
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);

    blocked_words_set_through_one_instance_reach_the_others(&cluster, &moderator, held).await;

    // An IP ban made on one instance holds on all: bans and the daily IP
    // salt live in the database.
    let ban = admin(
        1,
        &format!("/admin/api/sites/{held}/bans"),
        json!({ "kind": "ip", "comment": id }),
    )
    .await
    .unwrap();
    assert_eq!(ban.status(), StatusCode::CREATED);
    for i in 0..3 {
        let url = &cluster.instances[i].base;
        let r = cluster.post(url, "held", "/scale/other", "Banned?").await;
        assert_eq!(
            r.status(),
            StatusCode::FORBIDDEN,
            "instance {i} missed the ban"
        );
    }

    let logout = admin(2, "/admin/api/logout", json!({})).await.unwrap();
    assert!(logout.status().is_success());
    let after = admin(0, &format!("/admin/api/comments/{id}/pin"), json!({}))
        .await
        .unwrap();
    assert_eq!(
        after.status(),
        StatusCode::UNAUTHORIZED,
        "logged out everywhere"
    );
}

/// A moderator's session: its cookie and its CSRF token.
struct ModeratorSession {
    cookie: String,
    csrf_token: String,
}

/// Adds `mod@example.org`, with `PASSWORD`, as a moderator of the site
/// `held`; the site's id.
async fn add_a_moderator_of_held(cluster: &Cluster) -> i64 {
    let store = confab::store::connect(&cluster.db.url).await.unwrap();
    let held = store.site("held").await.unwrap().unwrap().id;
    let hash = confab::domain::password::hash(PASSWORD, &mut Default::default()).unwrap();
    store
        .add_moderator("mod@example.org", Some(&hash), &[held])
        .await
        .unwrap();
    held
}

/// Posts `body` on `held` through the balancer, where it waits for a
/// moderator; its id.
async fn post_held(cluster: &Cluster, page: &str, body: &str) -> i64 {
    let r = cluster.post(&cluster.url, "held", page, body).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    r.json::<confab_api::CreatedComment>()
        .await
        .unwrap()
        .comment
        .id
}

/// Posts a comment on `held` that waits for a moderator, and checks that
/// no instance shows it yet; its id.
async fn a_held_comment_no_instance_shows(cluster: &Cluster, page: &str) -> i64 {
    let id = post_held(cluster, page, "Waiting for a moderator").await;
    for i in 0..3 {
        assert_eq!(cluster.thread(i, "held", page).await.total, 0);
    }
    id
}

/// Logs the moderator in through instance `i`.
async fn log_in_through(cluster: &Cluster, i: usize) -> ModeratorSession {
    let login = cluster
        .client
        .post(cluster.at(i, "/admin/api/login"))
        .header("origin", &cluster.url)
        .json(&json!({ "email": "mod@example.org", "password": PASSWORD, "next": null }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let cookie = login.headers()["set-cookie"].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let session: confab_api::admin::Session = login.json().await.unwrap();
    ModeratorSession {
        cookie,
        csrf_token: session.csrf_token,
    }
}

/// Every instance holds site settings in memory: a change made through
/// one reaches the others by notification, well before their 5 s expiry.
async fn blocked_words_set_through_one_instance_reach_the_others(
    cluster: &Cluster,
    moderator: &ModeratorSession,
    held: i64,
) {
    let settings = cluster
        .client
        .put(cluster.at(0, &format!("/admin/api/sites/{held}/settings")))
        .header("cookie", &moderator.cookie)
        .header("origin", &cluster.url)
        .header("sec-fetch-site", "same-origin")
        .header("x-csrf-token", &moderator.csrf_token)
        .json(&json!({ "ban_mode": "refuse", "blocked_words": ["verboten"], "suspect_words": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(settings.status(), StatusCode::OK);
    let changed = std::time::Instant::now();
    for i in 1..3 {
        let url = &cluster.instances[i].base;
        loop {
            let r = cluster
                .post(url, "held", "/scale/words", "Das ist verboten")
                .await;
            if r.status() == StatusCode::UNPROCESSABLE_ENTITY {
                break;
            }
            assert!(
                changed.elapsed() < std::time::Duration::from_secs(1),
                "instance {i} still used the old settings after a second"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

/// Comments acknowledged under load: (id, acknowledged after the kill).
type Acked = Arc<Mutex<Vec<(i64, bool)>>>;

#[tokio::test]
async fn killing_an_instance_during_a_32_poster_load_loses_no_acknowledged_comment() {
    let mut cluster = Cluster::start().await;
    let stop = Arc::new(AtomicBool::new(false));
    let killed = Arc::new(AtomicBool::new(false));
    let acked: Acked = Arc::new(Mutex::new(Vec::new()));
    let posters = start_32_posters(&cluster, &stop, &killed, &acked);
    // Under load on every instance before the kill, and still after it.
    let acknowledged = |after: bool| {
        let acked = acked.clone();
        move || {
            let n = acked
                .lock()
                .unwrap()
                .iter()
                .filter(|a| a.1 == after)
                .count();
            std::future::ready(n > 32)
        }
    };
    until(LOAD_WITHIN, "33 posts acknowledged", acknowledged(false)).await;
    cluster.instances[1].child.kill().unwrap();
    killed.store(true, Ordering::Relaxed);
    until(
        LOAD_WITHIN,
        "33 posts acknowledged after the kill",
        acknowledged(true),
    )
    .await;
    stop.store(true, Ordering::Relaxed);
    for p in posters {
        p.await.unwrap();
    }

    let acked = acked.lock().unwrap().clone();
    let ids: Vec<i64> = acked.iter().map(|(id, _)| *id).collect();
    let after_kill = acked.iter().filter(|(_, after)| *after).count();
    assert!(
        ids.len() > 32,
        "the load acknowledged only {} posts",
        ids.len()
    );
    assert!(after_kill > 0, "nothing was acknowledged after the kill");
    every_acknowledged_comment_is_stored_once(&cluster, &ids).await;

    for i in [0, 2] {
        assert_eq!(cluster.status(&cluster.at(i, "/readyz")).await, 200);
        let mut total = 0;
        for p in 0..4 {
            total += cluster.thread(i, "demo", &format!("/load/{p}")).await.total;
        }
        assert!(
            total >= i64::try_from(ids.len()).unwrap(),
            "instance {i} serves every comment"
        );
    }
    for _ in 0..6 {
        assert_eq!(cluster.status(&cluster.via_balancer("/healthz")).await, 200);
    }
}

/// 32 posters, each posting through the balancer on one of four pages
/// until `stop`, recording in `acked` each comment acknowledged and
/// whether that came after `killed`.
fn start_32_posters(
    cluster: &Cluster,
    stop: &Arc<AtomicBool>,
    killed: &Arc<AtomicBool>,
    acked: &Acked,
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut posters = Vec::new();
    for n in 0..32 {
        let (client, url) = (cluster.client.clone(), cluster.url.clone());
        let (stop, killed, acked) = (stop.clone(), killed.clone(), acked.clone());
        posters.push(tokio::spawn(async move {
            let mut k = 0;
            while !stop.load(Ordering::Relaxed) {
                k += 1;
                let r = client
                    .post(format!("{url}/api/v1/sites/demo/comments"))
                    .header("origin", ORIGIN)
                    .json(&json!({
                        "page": format!("/load/{}", n % 4),
                        "body": format!("poster {n} comment {k}"),
                    }))
                    .send()
                    .await;
                // Refused or cut off by the kill: not acknowledged, so
                // nothing was promised.
                let Ok(r) = r else { continue };
                if r.status() != StatusCode::CREATED {
                    continue;
                }
                let after = killed.load(Ordering::Relaxed);
                if let Ok(c) = r.json::<confab_api::CreatedComment>().await {
                    acked.lock().unwrap().push((c.comment.id, after));
                }
            }
        }));
    }
    posters
}

/// The database holds every acknowledged id, published, and no id was
/// acknowledged twice.
async fn every_acknowledged_comment_is_stored_once(cluster: &Cluster, ids: &[i64]) {
    let mut db = cluster.psql().await;
    let stored: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM comments WHERE id = ANY($1) AND status = 'approved'",
    )
    .bind(ids)
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(
        stored,
        i64::try_from(ids.len()).unwrap(),
        "an acknowledged comment is missing"
    );
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "an id was acknowledged twice");
}

#[tokio::test]
async fn an_emailed_link_signed_by_one_instance_works_on_every_other() {
    use confab::domain::signed::LinkClaim;
    let cluster = Cluster::start().await;
    let store = confab::store::connect(&cluster.db.url).await.unwrap();
    let held = store.site("held").await.unwrap().unwrap().id;
    let moderator = store
        .add_moderator("mail@example.org", None, &[held])
        .await
        .unwrap()
        .id;
    let page = "/scale/mailed";
    let comment = post_held(&cluster, page, "Approve me by mail").await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let expires = now.as_millis() as i64 + 3_600_000;
    let claim = |key: &[u8]| {
        LinkClaim {
            action: "approve".into(),
            comment,
            moderator,
            status: "pending".into(),
            expires,
        }
        .sign(key)
    };
    // The key comes from the shared config, so whichever instance mailed the
    // link, every instance knows it; a link under any other key is refused.
    let genuine = claim(SECRET_KEY.as_bytes());
    let forged = claim(b"another-key-that-no-instance-has-configured-0123");
    for i in 0..3 {
        let page_url = |token: &str| cluster.at(i, &format!("/admin/mail?token={token}"));
        assert_eq!(
            cluster.status(&page_url(&genuine)).await,
            200,
            "instance {i}"
        );
        assert_eq!(
            cluster.status(&page_url(&forged)).await,
            404,
            "instance {i}"
        );
    }
    let done = cluster
        .client
        .post(cluster.at(2, "/admin/mail"))
        .header("origin", &cluster.url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={genuine}"))
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    cluster
        .within_a_second("approval by mail", "held", page, |t| t.total == 1)
        .await;
}

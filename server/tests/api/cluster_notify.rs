//! Scale-out, as the notifications between instances carry it: every
//! instance's event streams get every instance's writes, in one order, and
//! an instance that stops hearing them serves nothing stale.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use confab_api::{CommentStatus, Event};
use reqwest::StatusCode;

use crate::cluster_helpers::*;
use crate::events::Events;

#[tokio::test]
async fn an_event_stream_on_each_instance_receives_a_comment_posted_through_the_balancer() {
    let cluster = Cluster::start().await;
    let page = "/scale/live";
    let path = format!("/api/v1/sites/demo/events?page={page}");
    let mut streams = Vec::new();
    for i in 0..3 {
        streams.push(Events::at(&cluster.client, &cluster.at(i, &path)).await);
    }
    streams.push(Events::at(&cluster.client, &cluster.via_balancer(&path)).await);

    let small = cluster.comment(page, "Hello, every instance").await;
    // Bigger than a PostgreSQL notification may carry: receivers load it.
    let big_body = "A long comment. ".repeat(600);
    let big = cluster.comment(page, &big_body).await;
    for stream in &mut streams {
        for expected in [&small, &big] {
            let (name, event) = stream.next().await;
            assert_eq!(name, "created");
            match event {
                Event::Created { comment } => assert_eq!(comment, expected.comment),
                other => panic!("expected the new comment, got {other:?}"),
            }
        }
    }
}

#[tokio::test]
async fn concurrent_posts_through_every_instance_reach_every_event_stream_in_one_order() {
    let cluster = Arc::new(Cluster::start().await);
    let page = "/scale/order";
    let path = format!("/api/v1/sites/demo/events?page={page}");
    let mut streams = Vec::new();
    for i in 0..3 {
        streams.push(Events::at(&cluster.client, &cluster.at(i, &path)).await);
    }
    // Twelve posters, four through each instance, each posting in sequence:
    // the instances' notifications go out in groups and must keep order.
    let mut posters = Vec::new();
    for p in 0..12 {
        let cluster = cluster.clone();
        posters.push(tokio::spawn(async move {
            let base = cluster.instances[p % 3].base.clone();
            let mut ids = Vec::new();
            for n in 0..5 {
                let r = cluster
                    .post(&base, "demo", page, &format!("Poster {p}, comment {n}"))
                    .await;
                assert_eq!(r.status(), StatusCode::CREATED);
                ids.push(
                    r.json::<confab_api::CreatedComment>()
                        .await
                        .unwrap()
                        .comment
                        .id,
                );
            }
            ids
        }));
    }
    let mut acked = Vec::new();
    for poster in posters {
        acked.push(poster.await.unwrap());
    }
    let mut seen = Vec::new();
    for stream in &mut streams {
        let mut order = Vec::new();
        for _ in 0..60 {
            match stream.next().await {
                (_, Event::Created { comment }) => order.push(comment.id),
                other => panic!("expected a new comment, got {other:?}"),
            }
        }
        seen.push(order);
    }
    assert_eq!(seen[0], seen[1], "instances 0 and 1 saw different orders");
    assert_eq!(seen[0], seen[2], "instances 0 and 2 saw different orders");
    let mut all: Vec<i64> = acked.iter().flatten().copied().collect();
    let mut streamed = seen[0].clone();
    all.sort_unstable();
    streamed.sort_unstable();
    assert_eq!(streamed, all, "every acknowledged comment, once");
    for ids in &acked {
        let at: Vec<usize> = ids
            .iter()
            .map(|id| seen[0].iter().position(|x| x == id).unwrap())
            .collect();
        assert!(
            at.windows(2).all(|w| w[0] < w[1]),
            "a poster's comments arrived out of the order they were acknowledged in: {at:?}"
        );
    }
}

#[tokio::test]
async fn an_instance_whose_notification_connection_is_cut_serves_nothing_stale_and_recovers() {
    let cluster = Cluster::start().await;
    let page = "/scale/cut";
    cluster.comment(page, "Before the cut").await;
    cluster
        .until_everywhere("demo", page, |t| t.total == 1)
        .await;
    assert_eq!(
        cluster.thread(0, "demo", page).await.total,
        1,
        "cached on 0"
    );

    let (outage, cutter) = cut_instance_0_from_its_notifications(&cluster).await;
    cluster.readyz_answers(0, 503, Duration::from_secs(3)).await;
    assert_eq!(
        cluster.status(&cluster.at(0, "/healthz")).await,
        200,
        "alive all along"
    );
    // Instance 0 cannot hear about these writes; it must not serve (or fill)
    // its cache meanwhile.
    for n in 2..5 {
        assert_eq!(cluster.thread(0, "demo", page).await.total, n - 1);
        let during = cluster
            .post(
                &cluster.instances[1].base,
                "demo",
                page,
                &format!("During the cut {n}"),
            )
            .await;
        assert_eq!(during.status(), StatusCode::CREATED);
        let thread = cluster.thread(0, "demo", page).await;
        assert_eq!(thread.total, n, "instance 0 served a stale thread");
    }
    // Still cut off. Each reconnect is live for the few milliseconds before
    // the cutter ends it, so a single look at /readyz may catch one.
    cluster.readyz_answers(0, 503, Duration::from_secs(3)).await;

    outage.store(false, Ordering::Relaxed);
    cutter.await.unwrap();
    cluster
        .readyz_answers(0, 200, Duration::from_secs(10))
        .await;
    // Back to caching, and to hearing the others.
    cluster.thread(0, "demo", page).await;
    let before = cache_hits_on_0(&cluster).await;
    assert_eq!(cluster.thread(0, "demo", page).await.total, 4);
    assert_eq!(
        cache_hits_on_0(&cluster).await,
        before + 1.0,
        "the cache serves again"
    );
    let third = cluster.comment(page, "After the cut").await;
    cluster
        .within_a_second("after recovery a post", "demo", page, |t| t.total == 5)
        .await;
    assert_eq!(third.comment.status, CommentStatus::Approved);
}

/// Terminates instance 0's listening backend, and every one it reconnects
/// with until told to stop, as a longer outage would. Storing `false` in
/// the flag returned ends the outage; the task then finishes.
async fn cut_instance_0_from_its_notifications(
    cluster: &Cluster,
) -> (Arc<AtomicBool>, tokio::task::JoinHandle<()>) {
    let listener = format!("confab-listener-{}", cluster.instances[0].pid());
    let kill = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE application_name = $1 AND datname = current_database()";
    let mut db = cluster.psql().await;
    let cut: Vec<bool> = sqlx::query_scalar(kill)
        .bind(&listener)
        .fetch_all(&mut db)
        .await
        .unwrap();
    assert_eq!(cut, [true], "instance 0 has one listening backend");
    let outage = Arc::new(AtomicBool::new(true));
    let cutter = {
        let outage = outage.clone();
        tokio::spawn(async move {
            while outage.load(Ordering::Relaxed) {
                sqlx::query(kill)
                    .bind(&listener)
                    .execute(&mut db)
                    .await
                    .unwrap();
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    (outage, cutter)
}

/// Instance 0's count of thread reads served from its cache.
async fn cache_hits_on_0(cluster: &Cluster) -> f64 {
    let text = cluster
        .client
        .get(cluster.at(0, "/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    metric(&text, "confab_thread_cache_hits_total")
}

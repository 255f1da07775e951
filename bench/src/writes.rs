//! Durable writes: latency of posts one at a time, throughput of 32 posters
//! at once, and afterwards a check, straight in the database, that every
//! acknowledged comment is there.

use std::{
    collections::HashSet,
    time::{Duration, Instant},
};

use sqlx::Connection;

use crate::{
    seed::{self, Api},
    stats::{median, percentile},
    text::Rng,
};

/// One round of sequential posts: p50 and p99 in milliseconds.
pub struct Sequential {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub ids: Vec<i64>,
}

pub async fn sequential(
    api: &impl seed::Poster,
    posts: usize,
    round: u64,
) -> anyhow::Result<Sequential> {
    let mut rng = Rng::new(1000 + round);
    let mut ms = Vec::with_capacity(posts);
    let mut ids = Vec::with_capacity(posts);
    for i in 0..posts as u64 {
        let new = seed::comment(&mut rng, "/bench/sequential", None, round << 32 | i);
        let t = Instant::now();
        ids.push(api.post(&new).await?);
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    Ok(Sequential {
        p50_ms: percentile(&ms, 50.0),
        p99_ms: percentile(&ms, 99.0),
        ids,
    })
}

/// One round of `posters` concurrent posters for `secs`.
pub struct Concurrent {
    /// Acknowledged posts per second of wall time.
    pub per_sec: f64,
    pub ids: Vec<i64>,
    /// Posts that got an error instead of an acknowledgement.
    pub failed: u64,
    pub first_error: Option<String>,
}

pub async fn concurrent(
    api: &Api,
    posters: usize,
    secs: u64,
    round: u64,
) -> anyhow::Result<Concurrent> {
    let start = Instant::now();
    let deadline = start + Duration::from_secs(secs);
    let mut tasks = Vec::with_capacity(posters);
    for p in 0..posters {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng::new(round * 1000 + p as u64 + 1);
            // Eight pages, so posters share some pages but not all.
            let page = format!("/bench/concurrent-{}", p % 8);
            let (mut ids, mut failed, mut first_error) = (Vec::new(), 0u64, None);
            // Bounded in count too: no poster can spin on instant errors.
            for i in 0..1_000_000u64 {
                if Instant::now() >= deadline {
                    break;
                }
                let serial = (round << 40) | ((p as u64) << 32) | i;
                match api
                    .post(&seed::comment(&mut rng, &page, None, serial))
                    .await
                {
                    Ok(id) => ids.push(id),
                    Err(e) => {
                        failed += 1;
                        first_error.get_or_insert_with(|| format!("{e:#}"));
                    }
                }
            }
            (ids, failed, first_error)
        }));
    }
    let (mut ids, mut failed, mut first_error) = (Vec::new(), 0, None);
    for t in tasks {
        let (i, f, e) = t.await?;
        ids.extend(i);
        failed += f;
        first_error = first_error.or(e);
    }
    Ok(Concurrent {
        per_sec: ids.len() as f64 / start.elapsed().as_secs_f64(),
        ids,
        failed,
        first_error,
    })
}

/// How many of `acked` the database lacks, asked directly with sqlx.
pub async fn missing(database_url: &str, acked: &[i64]) -> anyhow::Result<usize> {
    let rows: Vec<(i64,)> = if database_url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(database_url).await?;
        sqlx::query_as("SELECT id FROM comments")
            .fetch_all(&mut c)
            .await?
    } else {
        let mut c = sqlx::PgConnection::connect(database_url).await?;
        sqlx::query_as("SELECT id FROM comments")
            .fetch_all(&mut c)
            .await?
    };
    let stored: HashSet<i64> = rows.into_iter().map(|(id,)| id).collect();
    Ok(acked.iter().filter(|id| !stored.contains(id)).count())
}

/// The write figures of one backend: medians over the rounds.
pub struct WriteFigures {
    pub seq_p50_ms: f64,
    pub seq_p99_ms: f64,
    pub per_sec: f64,
    pub acked: usize,
    pub failed: u64,
    pub first_error: Option<String>,
    pub missing: usize,
}

/// Runs `rounds` of both tests against a fresh server on `database_url`,
/// then kills the server without warning (SIGKILL) and counts the
/// acknowledged comments the database does not hold.
pub async fn run(plan: &crate::Plan, database_url: &str) -> anyhow::Result<WriteFigures> {
    let server = crate::proc::Server::start(&plan.bin, &plan.dir, database_url, &[]).await?;
    let api = Api::new(&server.base)?;
    let (mut p50, mut p99, mut rate) = (Vec::new(), Vec::new(), Vec::new());
    let (mut acked, mut failed, mut first_error) = (Vec::new(), 0, None);
    let result: anyhow::Result<()> = async {
        for round in 0..plan.rounds {
            let s = sequential(&api, plan.seq_posts, round).await?;
            p50.push(s.p50_ms);
            p99.push(s.p99_ms);
            acked.extend(s.ids);
            let c = concurrent(&api, 32, plan.write_secs, round).await?;
            rate.push(c.per_sec);
            acked.extend(c.ids);
            failed += c.failed;
            if first_error.is_none() {
                first_error = c.first_error;
            }
        }
        Ok(())
    }
    .await;
    server.kill().await;
    result?;
    Ok(WriteFigures {
        seq_p50_ms: median(&p50),
        seq_p99_ms: median(&p99),
        per_sec: median(&rate),
        acked: acked.len(),
        failed,
        first_error,
        missing: missing(database_url, &acked).await?,
    })
}

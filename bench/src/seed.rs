//! Data for the benchmark: a realistic thread posted through the API, and a
//! million comments written straight into SQLite for the scale test.

use std::{str::FromStr, time::Duration};

use anyhow::{bail, Context};
use confab_api::{CreatedComment, NewComment};
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteConnection},
    ConnectOptions, Connection,
};

use crate::text::{self, Rng};

/// The page of the demo article, so the browser test reads the same thread.
pub const PAGE: &str = "/news/night-buses-return";

/// The same 200-comment thread with bodies of at most two sentences: a
/// first page of about 56 KB of JSON, the smaller size.
pub const SHORT_PAGE: &str = "/news/night-buses-return-in-brief";

/// How long the seeded bodies are: at most this many sentences.
pub const LONG: usize = 6;
pub const SHORT: usize = 2;

/// Anything the thread can be posted to: Confab, or a peer.
pub trait Poster {
    /// Posts one comment; its id once the server acknowledged it.
    fn post(&self, new: &NewComment) -> impl std::future::Future<Output = anyhow::Result<i64>>;
}

impl Poster for Api {
    async fn post(&self, new: &NewComment) -> anyhow::Result<i64> {
        Api::post(self, new).await
    }
}

/// A typed client for the two routes the benchmark calls.
#[derive(Clone)]
pub struct Api {
    client: reqwest::Client,
    base: String,
}

impl Api {
    /// No `Accept-Encoding` is sent (reqwest is built without compression),
    /// so reads measure the plain JSON the brief asks for.
    pub fn new(base: &str) -> anyhow::Result<Self> {
        Ok(Self {
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
            base: base.to_owned(),
        })
    }

    pub fn thread_url(&self, page: &str) -> String {
        format!("{}/api/v1/sites/demo/thread?page={page}", self.base)
    }

    /// Posts one comment; the id once the server acknowledged it (201/202).
    pub async fn post(&self, new: &NewComment) -> anyhow::Result<i64> {
        let resp = self
            .client
            .post(format!("{}/api/v1/sites/demo/comments", self.base))
            .json(new)
            .send()
            .await?;
        let status = resp.status();
        if status.as_u16() != 201 && status.as_u16() != 202 {
            bail!("POST answered {status}: {}", resp.text().await?);
        }
        Ok(resp.json::<CreatedComment>().await?.comment.id)
    }

    /// The thread's response body, exactly as the server sends it.
    pub async fn thread_bytes(&self, page: &str) -> anyhow::Result<Vec<u8>> {
        let resp = self.client.get(self.thread_url(page)).send().await?;
        anyhow::ensure!(resp.status().is_success(), "thread read: {}", resp.status());
        Ok(resp.bytes().await?.to_vec())
    }
}

/// One generated comment for `page`. `serial` ends the body as a signature
/// so that no two bodies are equal: the server refuses the same text from
/// the same IP on one page as a duplicate, and every poster here is
/// 127.0.0.1.
pub fn comment(rng: &mut Rng, page: &str, parent: Option<i64>, serial: u64) -> NewComment {
    comment_of(rng, page, parent, serial, LONG)
}

/// [`comment`] with a body of at most `most` sentences.
pub fn comment_of(
    rng: &mut Rng,
    page: &str,
    parent: Option<i64>,
    serial: u64,
    most: usize,
) -> NewComment {
    NewComment {
        page: page.to_owned(),
        title: Some("Night buses return for good".into()),
        parent,
        author: Some(text::author(rng)),
        body: format!("{} (#{serial})", text::comment_of(rng, most)),
        ..NewComment::default()
    }
}

/// Posts the 200-comment thread: 81 top-level comments and 119 replies,
/// each reply to an earlier comment, recent ones more often (as in real
/// threads). Returns the ids in posting order.
pub async fn thread(api: &Api, page: &str) -> anyhow::Result<Vec<i64>> {
    thread_of(api, page, LONG).await
}

/// [`thread`] to any server, with bodies of at most `most` sentences.
pub async fn thread_of(api: &impl Poster, page: &str, most: usize) -> anyhow::Result<Vec<i64>> {
    const TOTAL: usize = 200;
    const TOP: usize = 81;
    let mut rng = Rng::new(0xC0FFEE);
    // Which positions start a new top-level comment: the first, then 80
    // more drawn at random.
    let mut top = [false; TOTAL];
    top[0] = true;
    let mut chosen = 1;
    while chosen < TOP {
        let i = 1 + rng.below(TOTAL - 1);
        if !top[i] {
            top[i] = true;
            chosen += 1;
        }
    }
    let mut ids: Vec<i64> = Vec::with_capacity(TOTAL);
    for (serial, is_top) in (0..).zip(top) {
        let parent = if is_top {
            None
        } else {
            // Half the replies answer one of the last five comments.
            let back = if rng.below(2) == 0 {
                1 + rng.below(ids.len().min(5))
            } else {
                1 + rng.below(ids.len())
            };
            Some(ids[ids.len() - back])
        };
        let new = comment_of(&mut rng, page, parent, serial, most);
        ids.push(api.post(&new).await?);
    }
    Ok(ids)
}

/// One top-level comment on `page` and `replies` replies to it, all
/// through the API; the top-level comment's id.
pub async fn replies(api: &Api, page: &str, replies: u64) -> anyhow::Result<i64> {
    let mut rng = Rng::new(0xBEEF);
    let top = api.post(&comment(&mut rng, page, None, 0)).await?;
    for serial in 1..=replies {
        api.post(&comment(&mut rng, page, Some(top), serial))
            .await?;
    }
    Ok(top)
}

/// Comments on each bulk page of the scale test.
pub const PER_PAGE: i64 = 100;

/// Writes `pages` × `PER_PAGE` comments into a stopped server's SQLite
/// file, in the server's own schema, with SQL that generates the rows inside
/// SQLite (a recursive CTE): 1,000 pages' worth per transaction. Each page gets
/// 40 top-level comments, 30 replies to them and 30 replies to those.
pub async fn bulk_sqlite(database_url: &str, pages: i64) -> anyhow::Result<()> {
    // No fsync while seeding: the file is thrown away if the machine dies.
    let mut db = SqliteConnectOptions::from_str(database_url)?
        .synchronous(sqlx::sqlite::SqliteSynchronous::Off)
        .connect()
        .await?;
    let (site,): (i64,) = sqlx::query_as("SELECT id FROM sites WHERE slug = 'demo'")
        .fetch_one(&mut db)
        .await
        .context("the server had not created the demo site")?;
    bulk_bodies(&mut db).await?;
    let now = now_ms();
    let first_page = bulk_pages(&mut db, site, pages, now).await?;
    bulk_comments(&mut db, first_page, pages, now).await?;
    db.close().await?;
    Ok(())
}

/// A pool of bodies, rendered by the server's own markdown code, in a
/// temporary table `bodies` the comment insert draws from.
async fn bulk_bodies(db: &mut SqliteConnection) -> anyhow::Result<()> {
    sqlx::query("CREATE TEMP TABLE bodies (k INTEGER PRIMARY KEY, source TEXT, html TEXT)")
        .execute(&mut *db)
        .await?;
    let mut rng = Rng::new(42);
    for k in 0..64 {
        let source = text::comment(&mut rng);
        sqlx::query("INSERT INTO bodies VALUES ($1, $2, $3)")
            .bind(k)
            .bind(&source)
            .bind(confab::domain::markdown::render(&source))
            .execute(&mut *db)
            .await?;
    }
    Ok(())
}

/// Creates the `pages` bulk pages in one transaction; the id of the first.
async fn bulk_pages(
    db: &mut SqliteConnection,
    site: i64,
    pages: i64,
    now: i64,
) -> anyhow::Result<i64> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $1 - 1)
         INSERT INTO pages (site_id, key, title, created)
         SELECT $2, '/bulk/page-' || i, 'Bulk page ' || i, $3 FROM n",
    )
    .bind(pages)
    .bind(site)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let (first_page, last_page, count): (i64, i64, i64) =
        sqlx::query_as("SELECT MIN(id), MAX(id), COUNT(*) FROM pages WHERE key LIKE '/bulk/%'")
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    // The comments below address page i as first_page + i: ids must be dense.
    anyhow::ensure!(
        count == pages && last_page - first_page + 1 == pages,
        "expected {pages} bulk pages with consecutive ids"
    );
    Ok(first_page)
}

/// Writes `PER_PAGE` comments on each of the `pages` pages from
/// `first_page` on, 1,000 pages' worth per statement.
async fn bulk_comments(
    db: &mut SqliteConnection,
    first_page: i64,
    pages: i64,
    now: i64,
) -> anyhow::Result<()> {
    let (max_id,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM comments")
        .fetch_one(&mut *db)
        .await?;
    let base = max_id + 1;
    // Bulk rows share one picture; any key draws one.
    let avatar = confab::domain::secrets::avatar(b"bench", "demo", None, "bulk");
    let chunk = 1000 * PER_PAGE;
    let total = pages * PER_PAGE;
    let mut start = 0;
    while start < total {
        // i is the comment's index; page i / 100, position j = i % 100.
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM n WHERE i < $2 - 1)
             INSERT INTO comments (id, page_id, parent_id, depth, author, avatar, source, html,
                 status, created, edit_token_hash, ip_hash, voter_hash)
             SELECT $3 + i, $4 + i / 100,
                 CASE WHEN i % 100 < 40 THEN NULL
                      WHEN i % 100 < 70 THEN $3 + (i / 100) * 100 + (i % 100 * 7) % 40
                      ELSE $3 + i - 30 END,
                 CASE WHEN i % 100 < 40 THEN 0 WHEN i % 100 < 70 THEN 1 ELSE 2 END,
                 'Reader ' || (i % 997), $5, b.source, b.html, 'approved',
                 $6 - ($7 - i) * 1000, printf('%064x', i), printf('%032x', i % 5000),
                 printf('%032x', i % 5000)
             FROM n JOIN bodies b ON b.k = (i * 7919) % 64",
        )
        .bind(start)
        .bind((start + chunk).min(total))
        .bind(base)
        .bind(first_page)
        .bind(&avatar)
        .bind(now)
        .bind(total)
        .execute(&mut *db)
        .await?;
        start += chunk;
    }
    Ok(())
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

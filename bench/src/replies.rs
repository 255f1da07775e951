//! A page whose one top-level comment has 3,000 replies: the bytes of its
//! first page, and how soon a cold browser paints its first comment beside
//! the 200-comment page, in the same run, loads alternating.

use std::time::Instant;

use crate::{
    paint::{self, Paint},
    proc::{Article, Server},
    report::{kb, Report},
    seed::{self, Api, PAGE},
    Plan,
};

/// The page with the long reply chain under one comment.
pub const REPLIES_PAGE: &str = "/news/night-buses-return-megathread";

pub const REPLIES: u64 = 3000;

pub async fn run(plan: &Plan, report: &mut Report) -> anyhow::Result<()> {
    let article = Article::bind().await?;
    let server =
        Server::on_sqlite(plan, "replies.db", std::slice::from_ref(&article.origin)).await?;
    let result = measure(plan, report, &server, article).await;
    server.stop().await;
    result
}

async fn measure(
    plan: &Plan,
    report: &mut Report,
    server: &Server,
    article: Article,
) -> anyhow::Result<()> {
    let origin = &article.origin;
    let api = Api::new(&server.base)?;
    seed::thread(&api, PAGE).await?;
    let t = Instant::now();
    seed::replies(&api, REPLIES_PAGE, REPLIES).await?;
    report.note(format!(
        "Seeded `{REPLIES_PAGE}`, one top-level comment with {REPLIES} replies to it, \
         through the API in {:.1} s.",
        t.elapsed().as_secs_f64()
    ));
    let bytes = api.thread_bytes(REPLIES_PAGE).await?.len() as u64;
    report.row(
        &format!("{REPLIES} replies to one comment: the first page's JSON (no `Accept-Encoding`)"),
        kb(bytes),
        "≤ 100 KB",
        Some(bytes <= 100_000),
    );

    let pages = [PAGE, REPLIES_PAGE];
    let html = pages
        .iter()
        .map(|p| (p.to_string(), paint::confab_article(&server.base, p)))
        .collect();
    paint::serve_article(article.listener, html);
    let urls: Vec<String> = pages.iter().map(|p| format!("{origin}{p}")).collect();
    let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
    match paint::paint_alternating(&urls, plan.loads).await {
        Ok(p) => paint_row(report, &p[0], &p[1]),
        Err(e) => report.failed(&format!("{REPLIES} replies: first comment painted"), &e),
    }
    Ok(())
}

fn paint_row(report: &mut Report, base: &Paint, many: &Paint) {
    let measure = format!(
        "{REPLIES} replies to one comment: first comment painted / on the 200-comment page \
         (median of {} cold loads each, alternating)",
        many.loads
    );
    let (result, met) = match (many.first_comment_ms, base.first_comment_ms) {
        (Some(m), Some(b)) => (
            format!("{:.2}× ({m:.0} ms / {b:.0} ms)", m / b),
            Some(m / b <= 1.2),
        ),
        (m, _) => (
            format!(
                "not measurable: on {}, a load painted no comment within 20 s",
                if m.is_none() {
                    "the 3,000-reply page"
                } else {
                    "the 200-comment page"
                }
            ),
            Some(false),
        ),
    };
    report.row(&measure, result, "≤ 1.2×", met);
}

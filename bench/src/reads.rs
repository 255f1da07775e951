//! Measures 1, 4 and 5, which share one server: the 200-comment thread read
//! under wrk against nginx serving the same bytes, the server's memory, the
//! widget's size and the browser's time to the first comment.

use std::time::Instant;

use confab_api::{Comment, Thread};
use tokio::net::TcpListener;

use crate::{
    load::{wrk, Nginx, WrkRun},
    proc::{RssPeak, Server},
    report::{kb, Report},
    seed::{self, Api, PAGE},
    stats::median,
    widget, Plan,
};

/// What the scale test compares itself with.
pub struct Baseline {
    pub p99_ms: f64,
    pub first_read_ms: f64,
}

pub async fn run(plan: &Plan, report: &mut Report) -> anyhow::Result<Baseline> {
    // The article's origin must be known before Confab starts: the config
    // lists it among the demo site's allowed origins.
    let article = TcpListener::bind("127.0.0.1:0").await?;
    let article_origin = format!("http://{}", article.local_addr()?);
    let db = format!("sqlite://{}?mode=rwc", plan.dir.join("read.db").display());
    let server = Server::start(
        &plan.bin,
        &plan.dir,
        &db,
        std::slice::from_ref(&article_origin),
    )
    .await?;
    let result = measure(plan, report, &server, article, &article_origin).await;
    server.stop().await;
    result
}

async fn measure(
    plan: &Plan,
    report: &mut Report,
    server: &Server,
    article: TcpListener,
    article_origin: &str,
) -> anyhow::Result<Baseline> {
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let idle = server.rss_kib().unwrap_or(0);

    let api = Api::new(&server.base)?;
    let t = Instant::now();
    let ids = seed::thread(&api, PAGE).await?;
    report.note(format!(
        "Seeded the {}-comment thread through the API in {:.1} s.",
        ids.len(),
        t.elapsed().as_secs_f64()
    ));
    let t = Instant::now();
    let body = api.thread_bytes(PAGE).await?;
    let first_read_ms = t.elapsed().as_secs_f64() * 1000.0;
    let thread: Thread = serde_json::from_slice(&body)?;
    report.note(format!(
        "`GET /api/v1/sites/demo/thread?page={PAGE}` (no `Accept-Encoding`, default page \
         size) returns {} of the {} comments ({} top-level with their replies): {} bytes of JSON. \
         The first, uncached read took {first_read_ms:.1} ms.",
        count(&thread.comments),
        thread.total,
        thread.comments.len(),
        body.len()
    ));

    let (confab_p99, peak) = read_load(plan, report, server, &api, &body).await?;
    // Decimal megabytes, the strict reading of the targets.
    let mb = |kib: u64| kib as f64 * 1024.0 / 1e6;
    report.row(
        "Server RSS, idle (fresh start)",
        format!("{:.1} MB", mb(idle)),
        "≤ 30 MB",
        Some(mb(idle) <= 30.0),
    );
    report.row(
        "Server RSS, peak under the read load",
        format!("{:.1} MB", mb(peak)),
        "≤ 80 MB",
        Some(mb(peak) <= 80.0),
    );

    if let Err(e) = sizes(report, &server.base).await {
        report.failed("Widget sizes", &e);
    }
    widget::serve_article(article, &server.base);
    let url = format!("{article_origin}{PAGE}");
    match widget::paint(&url, plan.loads).await {
        Ok(p) => paint_rows(report, &p),
        Err(e) => report.failed("First comment painted", &e),
    }
    Ok(Baseline {
        p99_ms: confab_p99,
        first_read_ms,
    })
}

/// Rounds of wrk on Confab then on nginx, alternating so background load
/// hits both alike. Returns Confab's median p99 and its peak RSS.
async fn read_load(
    plan: &Plan,
    report: &mut Report,
    server: &Server,
    api: &Api,
    body: &[u8],
) -> anyhow::Result<(f64, u64)> {
    let nginx = Nginx::start(&plan.dir, body).await?;
    let url = api.thread_url(PAGE);
    let nginx_url = url.replace(&server.base, &format!("http://127.0.0.1:{}", nginx.port));
    let (mut confab, mut static_, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let mut peak = 0;
    let result: anyhow::Result<()> = async {
        for _ in 0..plan.rounds {
            let rss = RssPeak::start(server.pid);
            let c = wrk(&url, plan.wrk_secs).await?;
            peak = peak.max(rss.finish().await);
            let n = wrk(&nginx_url, plan.wrk_secs).await?;
            ratios.push(c.rps / n.rps);
            confab.push(c);
            static_.push(n);
        }
        Ok(())
    }
    .await;
    nginx.stop().await;
    result?;
    let c = summarize(report, "Thread read, Confab", &confab);
    report.row(
        "Thread read, Confab (req/s, p50, p99)",
        c.0,
        "p99 ≤ 10 ms",
        Some(c.1 <= 10.0),
    );
    let n = summarize(report, "Thread read, nginx", &static_);
    report.row(
        "Same bytes from nginx, static file (req/s, p50, p99)",
        n.0,
        "",
        None,
    );
    let ratio = median(&ratios);
    report.row(
        "Thread read throughput, Confab / nginx",
        format!("{ratio:.2}×"),
        "≥ 0.5×",
        Some(ratio >= 0.5),
    );
    Ok((c.1, peak))
}

/// "N req/s, p50 x ms, p99 y ms" from the medians, and the median p99.
pub fn summarize(report: &mut Report, what: &str, runs: &[WrkRun]) -> (String, f64) {
    let pick = |f: fn(&WrkRun) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
    let failures: u64 = runs.iter().map(|r| r.failures).sum();
    if failures > 0 {
        report.note(format!(
            "{what}: {failures} failed requests (non-2xx or socket errors)."
        ));
    }
    let (rps, p50, p99) = (pick(|r| r.rps), pick(|r| r.p50_ms), pick(|r| r.p99_ms));
    (
        format!(
            "{rps:.0} req/s, p50 {p50:.2} ms, p99 {p99:.2} ms (median of {})",
            runs.len()
        ),
        p99,
    )
}

async fn sizes(report: &mut Report, base: &str) -> anyhow::Result<()> {
    let files = widget::sizes(base).await?;
    for f in files.iter().filter(|f| !widget::is_language(&f.name)) {
        let (measure, target, met) = if f.name == "embed.js" {
            ("Widget bytes: the loader", "≤ 2 KB br", Some(f.br <= 2000))
        } else {
            ("Widget bytes", "", None)
        };
        report.row(
            &format!("{measure} `{}` (raw / gzip / br)", f.name),
            format!("{} / {} / {}", kb(f.raw), kb(f.gzip), kb(f.br)),
            target,
            met,
        );
    }
    // A reader downloads at most one language file: the largest counts
    // apart, not in the widget's total.
    let (langs, files): (Vec<_>, Vec<_>) = files.iter().partition(|f| widget::is_language(&f.name));
    if let Some(f) = langs.iter().max_by_key(|f| f.br) {
        report.row(
            "Widget bytes: the largest language file, for readers not served English (raw / gzip / br)",
            format!("`{}`: {} / {} / {}", f.name, kb(f.raw), kb(f.gzip), kb(f.br)),
            "",
            None,
        );
    }
    let total = |f: fn(&widget::Size) -> u64| files.iter().map(|s| f(s)).sum::<u64>();
    report.row(
        "Widget bytes: everything a reader downloads (raw / gzip / br)",
        format!(
            "{} / {} / {}",
            kb(total(|f| f.raw)),
            kb(total(|f| f.gzip)),
            kb(total(|f| f.br))
        ),
        "≤ 80 KB br",
        Some(total(|f| f.br) <= 80_000),
    );
    Ok(())
}

fn paint_rows(report: &mut Report, p: &widget::Paint) {
    let measure = format!(
        "First comment painted, cold load from another origin (median of {})",
        p.loads
    );
    match p.first_comment_ms {
        Some(ms) => report.row(
            &measure,
            format!("{ms:.0} ms"),
            "≤ 300 ms",
            Some(ms <= 300.0),
        ),
        None => report.row(
            &measure,
            "not measurable yet: the widget rendered no `[data-testid^=\"comment-\"]` element"
                .into(),
            "≤ 300 ms",
            None,
        ),
    }
    let ms = |v: Option<f64>| v.map_or("n/a".into(), |v| format!("{v:.0} ms"));
    report.row(
        "… of which: wasm received / heading (`count`) painted / thread JSON received",
        format!(
            "{} / {} / {}",
            ms(p.wasm_ms),
            ms(p.heading_ms),
            ms(p.json_ms)
        ),
        "",
        None,
    );
}

fn count(comments: &[Comment]) -> usize {
    comments.iter().map(|c| 1 + count(&c.replies)).sum()
}

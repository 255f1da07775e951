//! Measures 1, 4 and 5, which share one server: the thread read under wrk
//! against nginx serving the same bytes (two thread sizes, three
//! `Accept-Encoding`s), the server's memory, the widget's size and the
//! browser's time to the first comment.

use std::time::Instant;

use confab_api::{Comment, Thread};

use crate::{
    load::{Browser, Scripts},
    paint::{self, ms, Paint},
    proc::{Article, Server},
    report::{kb, Report},
    seed::{self, Api, PAGE, SHORT_PAGE},
    versus, widget, Plan,
};

/// What the scale test compares itself with.
pub struct Baseline {
    /// The 200-comment thread with no `Accept-Encoding`; None if void.
    pub p99_ms: Option<f64>,
    pub first_read_ms: f64,
}

pub async fn run(plan: &Plan, report: &mut Report) -> anyhow::Result<Baseline> {
    let article = Article::bind().await?;
    let db = format!("sqlite://{}?mode=rwc", plan.dir.join("read.db").display());
    let origins = [article.origin.clone()];
    let server = Server::start(&plan.bin, &plan.dir, &db, &origins).await?;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let idle = server.rss_kib().unwrap_or(0);
    let first_read_ms = seed_and_note(report, &server).await?;
    let browser = Browser {
        origin: article.origin.clone(),
        referer: format!("{}{PAGE}", article.origin),
    };
    let path = format!("/api/v1/sites/demo/thread?page={PAGE}");
    let server =
        versus::best_confab(plan, report, server, (&db, &origins), &path, &browser).await?;
    let result = measure(plan, report, &server, article, (idle, first_read_ms)).await;
    server.stop().await;
    result
}

/// Seeds the two threads through the API, and times the first (uncached)
/// read of the first, in ms.
async fn seed_and_note(report: &mut Report, server: &Server) -> anyhow::Result<f64> {
    let api = Api::new(&server.base)?;
    let t = Instant::now();
    let ids = seed::thread(&api, PAGE).await?;
    seed::thread_of(&api, SHORT_PAGE, seed::SHORT).await?;
    report.note(format!(
        "Seeded the {}-comment thread through the API in {:.1} s, then the same thread \
         with bodies of at most {} sentences on `{SHORT_PAGE}`.",
        ids.len(),
        t.elapsed().as_secs_f64(),
        seed::SHORT
    ));
    let t = Instant::now();
    api.thread_bytes(PAGE).await?;
    Ok(t.elapsed().as_secs_f64() * 1000.0)
}

async fn measure(
    plan: &Plan,
    report: &mut Report,
    server: &Server,
    article: Article,
    (idle, first_read_ms): (u64, f64),
) -> anyhow::Result<Baseline> {
    let article_origin = &article.origin;
    let api = Api::new(&server.base)?;
    let body = api.thread_bytes(PAGE).await?;
    let short = api.thread_bytes(SHORT_PAGE).await?;
    let fragment_url = format!("{}/sites/demo/thread.html?page={PAGE}", server.base);
    let fragment = reqwest::get(&fragment_url).await?.bytes().await?;
    let thread: Thread = serde_json::from_slice(&body)?;
    report.note(format!(
        "`GET /api/v1/sites/demo/thread?page={PAGE}` (no `Accept-Encoding`, default page \
         size) returns {} of the {} comments ({} top-level with their replies): {} bytes of JSON \
         ({} bytes for `{SHORT_PAGE}`). The first, uncached read took {first_read_ms:.1} ms.",
        count(&thread.comments),
        thread.total,
        thread.comments.len(),
        body.len(),
        short.len()
    ));

    let browser = Browser {
        origin: article_origin.to_owned(),
        referer: format!("{article_origin}{PAGE}"),
    };
    let scripts = Scripts::write(&plan.dir)?;
    // The scale test compares with the first one's p99.
    let threads = [
        versus::Thread {
            label: kb(body.len() as u64),
            name: "thread",
            ext: "json",
            url: api.thread_url(PAGE),
        },
        versus::Thread {
            label: kb(short.len() as u64),
            name: "thread-short",
            ext: "json",
            url: api.thread_url(SHORT_PAGE),
        },
        // The same thread as the HTML fragment (#18), cached the same way.
        versus::Thread {
            label: format!("{} HTML fragment", kb(fragment.len() as u64)),
            name: "thread-fragment",
            ext: "html",
            url: fragment_url,
        },
    ];
    let out = versus::rows(plan, report, &scripts, server, &browser, &threads).await?;
    rss_rows(report, idle, out.peak_kib);

    if let Err(e) = sizes(report, &server.base).await {
        report.failed("Widget bytes", &e);
    }
    let html = paint::confab_article(&server.base, PAGE);
    paint::serve_article(article.listener, vec![(PAGE.to_owned(), html)]);
    let url = format!("{article_origin}{PAGE}");
    match paint::paint(&url, plan.loads).await {
        Ok(p) => paint_rows(report, &p),
        Err(e) => report.failed("First comment painted", &e),
    }
    Ok(Baseline {
        p99_ms: out.p99_ms,
        first_read_ms,
    })
}

fn rss_rows(report: &mut Report, idle: u64, peak: u64) {
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

fn paint_rows(report: &mut Report, p: &Paint) {
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
            "not measurable yet: no load painted a `.cf-c` comment".into(),
            "≤ 300 ms",
            None,
        ),
    }
    report.row(
        "… of which: wasm received / heading painted / thread JSON received",
        format!(
            "{} / {} / {}",
            ms(p.code_ms),
            ms(p.heading_ms),
            ms(p.json_ms)
        ),
        "",
        None,
    );
    takeover_rows(report, p);
}

/// When the widget's own comments replaced the server's HTML, and how far
/// anything moved as they did.
pub fn takeover_rows(report: &mut Report, p: &Paint) {
    report.row(
        "… the widget's own first comment built, hidden behind the server's HTML (it takes over a frame after its first page)",
        ms(p.widget_ms),
        "",
        None,
    );
    report.row(
        "Layout shift from the first comment painted until the widget took over (median)",
        p.shift.map_or("n/a".into(), |s| format!("{s:.4}")),
        "< 0.01",
        p.shift.map(|s| s < 0.01),
    );
}

fn count(comments: &[Comment]) -> usize {
    comments.iter().map(|c| 1 + count(&c.replies)).sum()
}

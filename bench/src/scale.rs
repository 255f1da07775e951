//! Measure 3: the same 200-comment thread among a million others. The
//! server migrates an empty file, the thread goes in through the API, the
//! bulk comments straight into SQLite, and the server starts again on it.

use std::time::Instant;

use crate::{
    load::{Browser, Encoding, Scripts},
    proc::Server,
    reads::Baseline,
    report::Report,
    seed::{self, Api, PAGE},
    stats::median,
    versus::{confab_shape, summarize},
    Plan,
};

/// The origin the reads here claim: no article is served, but Confab
/// checks `Origin` as it does for the read rows, and answers it.
const ORIGIN: &str = "http://127.0.0.1:9";

pub async fn run(plan: &Plan, report: &mut Report, base: Option<&Baseline>) -> anyhow::Result<()> {
    let file = plan.dir.join("scale.db");
    let db = format!("sqlite://{}?mode=rwc", file.display());
    let server = Server::start(&plan.bin, &plan.dir, &db, &[]).await?;
    let seeded = seed::thread(&Api::new(&server.base)?, PAGE).await;
    server.stop().await;
    seeded?;

    let t = Instant::now();
    seed::bulk_sqlite(&db, plan.bulk_pages).await?;
    let bytes = std::fs::metadata(&file).map_or(0, |m| m.len());
    let comments = plan.bulk_pages * seed::PER_PAGE + 200;
    report.note(format!(
        "Scale database: {comments} comments over {} pages, seeded in {:.1} s \
         (bulk SQL inside SQLite); the file is {:.0} MB.",
        plan.bulk_pages + 1,
        t.elapsed().as_secs_f64(),
        bytes as f64 / 1e6
    ));

    // Start-up: the last start stays up for the reads.
    let mut startups = Vec::new();
    let mut server = None;
    for round in 0..plan.rounds {
        let s = Server::start(&plan.bin, &plan.dir, &db, &[ORIGIN.to_owned()]).await?;
        startups.push(s.startup.as_secs_f64() * 1000.0);
        if round + 1 == plan.rounds {
            server = Some(s);
        } else {
            s.stop().await;
        }
    }
    let server = server.ok_or_else(|| anyhow::anyhow!("no rounds"))?;
    let result = reads(plan, report, &server, base).await;
    server.stop().await;
    result?;

    let startup = median(&startups);
    report.row(
        &format!("Start-up on the {comments}-comment database (spawn → `/healthz` 200)"),
        format!("{startup:.0} ms (median of {})", startups.len()),
        "",
        None,
    );
    Ok(())
}

async fn reads(
    plan: &Plan,
    report: &mut Report,
    server: &Server,
    base: Option<&Baseline>,
) -> anyhow::Result<()> {
    let api = Api::new(&server.base)?;
    let t = Instant::now();
    api.thread_bytes(PAGE).await?;
    let first = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    api.thread_bytes("/bulk/page-5000").await?;
    let bulk_first = t.elapsed().as_secs_f64() * 1000.0;
    let small = base.map_or(String::new(), |b| {
        format!(" (on the small database: {:.1} ms)", b.first_read_ms)
    });
    report.note(format!(
        "At scale the first, uncached read of the 200-comment thread took {first:.1} ms\
         {small}; of a bulk page (100 comments) {bulk_first:.1} ms."
    ));

    let scripts = Scripts::write(&plan.dir)?;
    let browser = Browser {
        origin: ORIGIN.to_owned(),
        referer: format!("{ORIGIN}{PAGE}"),
    };
    let mut runs = Vec::new();
    for _ in 0..plan.rounds {
        let url = api.thread_url(PAGE);
        runs.push(
            scripts
                .read(&url, confab_shape(plan), &browser, Encoding::None)
                .await?,
        );
    }
    let summary = summarize(report, "Thread read at scale", &runs);
    report.row(
        "Thread read at scale, same 200-comment thread, no `Accept-Encoding` (req/s, p50, p99)",
        summary.text,
        "",
        None,
    );
    match (base, summary.p99_ms) {
        (_, None) => {}
        (
            Some(Baseline {
                p99_ms: Some(b), ..
            }),
            Some(p99),
        ) => {
            let ratio = p99 / b;
            report.row(
                "Thread read p99 at scale / on the small database",
                format!("{ratio:.2}× ({p99:.2} ms / {b:.2} ms)"),
                "≤ 1.5×",
                Some(ratio <= 1.5),
            );
        }
        _ => report.note(
            "No small-database p99 to compare with: the read rows did not run, or were void."
                .into(),
        ),
    }
    Ok(())
}

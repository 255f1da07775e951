//! The flood: 32 connections ask for page keys nobody asked for before,
//! each one a thread-cache miss, while 8 connections read the hot thread.
//! How much the hot readers' p99 suffers, and whether the cache stays
//! under its cap meanwhile (its gauge, sampled from `/metrics`).

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use tokio::task::JoinHandle;

use crate::{
    load::{Browser, Encoding, Scripts, Shape, WrkRun},
    proc::Server,
    report::{kb, Report},
    seed::{self, Api, PAGE},
    stats::median,
    versus::summarize,
    Plan,
};

/// `limits.thread_cache_bytes` here: small enough that the flood fills it
/// within a run (the default, 64 MiB, would take minutes), large enough
/// that the hot thread (under a 32nd of it) is still cached.
pub const CACHE_CAP: usize = 4 * 1024 * 1024;

/// The readers' origin: no article is served, but `Origin` is checked.
const ORIGIN: &str = "http://127.0.0.1:9";

pub async fn run(plan: &Plan, report: &mut Report) -> anyhow::Result<()> {
    let db = format!("sqlite://{}?mode=rwc", plan.dir.join("flood.db").display());
    let limits = format!("thread_cache_bytes = {CACHE_CAP}\n");
    let origins = [ORIGIN.to_owned()];
    let server = Server::start_with(&plan.bin, &plan.dir, &db, &origins, &limits).await?;
    let result = measure(plan, report, &server).await;
    server.stop().await;
    result
}

async fn measure(plan: &Plan, report: &mut Report, server: &Server) -> anyhow::Result<()> {
    let api = Api::new(&server.base)?;
    seed::thread(&api, PAGE).await?;
    let scripts = Scripts::write(&plan.dir)?;
    let browser = Browser {
        origin: ORIGIN.to_owned(),
        referer: format!("{ORIGIN}{PAGE}"),
    };
    let hot = api.thread_url(PAGE);
    let unknown = format!("{}/api/v1/sites/demo/thread?page=/random", server.base);
    let shape = |conns| Shape {
        threads: 1,
        conns,
        secs: plan.wrk_secs,
    };
    let (mut alone, mut flooded, mut floods) = (Vec::new(), Vec::new(), Vec::new());
    let (mut peak, mut samples) = (0u64, 0usize);
    for _ in 0..plan.rounds {
        alone.push(
            scripts
                .read(&hot, shape(8), &browser, Encoding::Chromium)
                .await?,
        );
        let gauge = Gauge::start(format!("{}/metrics", server.base));
        let (h, f) = tokio::join!(
            scripts.read(&hot, shape(8), &browser, Encoding::Chromium),
            scripts.flood(&unknown, shape(32), &browser)
        );
        let (p, n) = gauge.finish().await;
        peak = peak.max(p);
        samples += n;
        flooded.push(h?);
        floods.push(f?);
    }
    rows(report, &alone, &flooded, &floods, peak, samples);
    Ok(())
}

fn rows(
    report: &mut Report,
    alone: &[WrkRun],
    flooded: &[WrkRun],
    floods: &[WrkRun],
    peak: u64,
    samples: usize,
) {
    let a = summarize(report, "Hot thread alone", alone);
    let h = summarize(report, "Hot thread under the flood", flooded);
    let f = summarize(report, "The flood", floods);
    let flood_rps = median(&floods.iter().map(|r| r.rps).collect::<Vec<_>>());
    let (result, met) = match (a.p99_ms, h.p99_ms, f.p99_ms) {
        (Some(a), Some(h), Some(_)) => (
            format!(
                "{:.2}× ({h:.2} ms with the flood / {a:.2} ms alone; the flood: {flood_rps:.0} req/s)",
                h / a
            ),
            h / a <= 2.0,
        ),
        (None, ..) => (format!("void (alone): {}", a.text), false),
        (_, None, _) => (format!("void (flooded): {}", h.text), false),
        (.., None) => (format!("void (the flood): {}", f.text), false),
    };
    report.row(
        "Flood: the hot thread's p99 (8 connections) with 32 connections reading unknown pages / alone",
        result,
        "≤ 2×",
        Some(met),
    );
    let result = if samples == 0 {
        "not measured: no `/metrics` sample".to_owned()
    } else {
        format!(
            "peak {} ({peak} B) of {} ({CACHE_CAP} B), {samples} samples",
            kb(peak),
            kb(CACHE_CAP as u64)
        )
    };
    report.row(
        "Flood: `confab_thread_cache_bytes` during the flood / `limits.thread_cache_bytes`",
        result,
        "never over",
        Some(samples > 0 && peak <= CACHE_CAP as u64),
    );
}

/// Samples `confab_thread_cache_bytes` from `/metrics` every 100 ms until
/// stopped (at most 10 minutes): the peak and how many samples it saw.
struct Gauge {
    stop: Arc<AtomicBool>,
    task: JoinHandle<(u64, usize)>,
}

impl Gauge {
    fn start(url: String) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let task = tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(2))
                .build();
            let (mut peak, mut samples) = (0, 0);
            let Ok(client) = client else {
                return (peak, samples);
            };
            for _ in 0..6000 {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                if let Some(v) = sample(&client, &url).await {
                    peak = v.max(peak);
                    samples += 1;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            (peak, samples)
        });
        Self { stop, task }
    }

    async fn finish(self) -> (u64, usize) {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.unwrap_or((0, 0))
    }
}

async fn sample(client: &reqwest::Client, url: &str) -> Option<u64> {
    let text = client.get(url).send().await.ok()?.text().await.ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("confab_thread_cache_bytes "))?
        .trim()
        .parse()
        .ok()
}

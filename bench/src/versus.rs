//! Confab's thread read against nginx serving the same bytes: for each
//! thread size and each `Accept-Encoding`, Confab and nginx take turns,
//! round by round, under the same browser headers.

use crate::{
    load::{Browser, Encoding, Scripts, Shape, WrkRun},
    nginx::{Nginx, Variants},
    proc::{RssPeak, Server},
    report::Report,
    stats::median,
    Plan,
};

/// One thread the rows read: what the report calls it and its URL.
pub struct Thread {
    /// "88 KB": the size of its JSON, for the row's name.
    pub label: String,
    /// Its file name at nginx's, and the extension that gives its type.
    pub name: &'static str,
    pub ext: &'static str,
    pub url: String,
}

/// What the rest of the benchmark takes from these rows.
pub struct Outcome {
    /// Confab's median p99 on the first thread with no `Accept-Encoding`,
    /// the scale test's yardstick.
    pub p99_ms: Option<f64>,
    /// Confab's peak RSS during its rounds, in KiB.
    pub peak_kib: u64,
}

/// wrk's load on Confab: two threads, 32 connections.
pub fn confab_shape(plan: &Plan) -> Shape {
    Shape {
        threads: 2,
        conns: 32,
        secs: plan.wrk_secs,
    }
}

pub async fn rows(
    plan: &Plan,
    report: &mut Report,
    scripts: &Scripts,
    server: &Server,
    browser: &Browser,
    threads: &[Thread],
) -> anyhow::Result<Outcome> {
    let mut files = Vec::new();
    for t in threads {
        files.push(Variants::fetch(t.name, t.ext, &t.url, browser).await?);
    }
    // nginx failing voids its figures, not Confab's.
    let nginx = match best_nginx(plan, report, scripts, &files, browser).await {
        Ok(n) => Some(n),
        Err(e) => {
            report.failed("nginx, the same bytes as static files", &e);
            None
        }
    };
    let mut cells: Vec<Cell> = threads
        .iter()
        .flat_map(|t| Encoding::ALL.map(|e| Cell::new(&t.label, e)))
        .collect();
    let mut peak = 0;
    let result: anyhow::Result<()> = async {
        for _ in 0..plan.rounds {
            for (t, file) in threads.iter().zip(&files) {
                for encoding in Encoding::ALL {
                    let rss = RssPeak::start(server.pid);
                    // wrk gets the same chance here as against nginx.
                    let c = best_of_threads(plan, scripts, &t.url, browser, encoding)
                        .await?
                        .best;
                    peak = peak.max(rss.finish().await);
                    let n = match &nginx {
                        Some(n) => Some(
                            best_of_threads(plan, scripts, &n.url(file), browser, encoding).await?,
                        ),
                        None => None,
                    };
                    let cell = cells
                        .iter_mut()
                        .find(|x| x.label == t.label && x.encoding == encoding)
                        .ok_or_else(|| anyhow::anyhow!("no cell"))?;
                    cell.confab.push(c);
                    cell.nginx.extend(n);
                }
            }
        }
        Ok(())
    }
    .await;
    if let Some(n) = nginx {
        n.stop().await;
    }
    result?;
    let mut baseline = None;
    for cell in &cells {
        let p99 = cell.report(report);
        if cell.label == threads[0].label && cell.encoding == Encoding::None {
            baseline = p99;
        }
    }
    Ok(Outcome {
        p99_ms: baseline,
        peak_kib: peak,
    })
}

/// Confab with tokio's default of one async worker per core, and with one,
/// as nginx is tried with 1 and 2 workers: each measured on the thread at
/// `path` with Chromium's encoding (wrk `-t1` and `-t2`, the better), both
/// reported, and the faster kept. The other is stopped; both serve the
/// same database.
pub async fn best_confab(
    plan: &Plan,
    report: &mut Report,
    default: Server,
    (db, origins): (&str, &[String]),
    path: &str,
    browser: &Browser,
) -> anyhow::Result<Server> {
    let scripts = Scripts::write(&plan.dir)?;
    let one = Server::with_workers(&plan.bin, &plan.dir, db, origins, 1).await?;
    let mut runs = Vec::new();
    for server in [&default, &one] {
        let url = format!("{}{path}", server.base);
        runs.push(best_of_threads(plan, &scripts, &url, browser, Encoding::Chromium).await?);
    }
    let one_wins = runs[1].best.rps > runs[0].best.rps;
    report.row(
        "Confab's async workers (`TOKIO_WORKER_THREADS`), measured on the first thread with Chromium's encoding",
        format!(
            "one per core (2): wrk {}, 1: wrk {}; the rows use {}",
            runs[0].describe(),
            runs[1].describe(),
            if one_wins { "1" } else { "one per core" }
        ),
        "",
        None,
    );
    let (keep, stop) = if one_wins {
        (one, default)
    } else {
        (default, one)
    };
    stop.stop().await;
    Ok(keep)
}

/// The runs of one thread size and one encoding.
struct Cell {
    label: String,
    encoding: Encoding,
    confab: Vec<WrkRun>,
    /// nginx's better of `-t1` and `-t2`.
    nginx: Vec<NginxRun>,
}

/// nginx's run with `-t1` and with `-t2`: the better, and both req/s.
#[derive(Clone, Copy)]
struct NginxRun {
    best: WrkRun,
    threads: u32,
    rps: [f64; 2],
}

impl NginxRun {
    /// "-t2 won (-t1 40384, -t2 83890 req/s)".
    fn describe(&self) -> String {
        format!(
            "-t{} won (-t1 {:.0}, -t2 {:.0} req/s)",
            self.threads, self.rps[0], self.rps[1]
        )
    }
}

impl Cell {
    fn new(label: &str, encoding: Encoding) -> Self {
        Self {
            label: label.to_owned(),
            encoding,
            confab: Vec::new(),
            nginx: Vec::new(),
        }
    }

    /// Writes the two rows; Confab's median p99 unless void.
    fn report(&self, report: &mut Report) -> Option<f64> {
        let what = format!("Thread read, {}, {}", self.label, self.encoding.label());
        let c = summarize(report, &format!("{what}, Confab"), &self.confab);
        report.row(
            &format!("{what}: Confab (req/s, p50, p99)"),
            c.text.clone(),
            "p99 ≤ 5 ms",
            Some(c.p99_ms.is_some_and(|p| p <= 5.0)),
        );
        let runs: Vec<WrkRun> = self.nginx.iter().map(|r| r.best).collect();
        let n = summarize(report, &format!("{what}, nginx"), &runs);
        let wrk_threads: Vec<String> = self.nginx.iter().map(NginxRun::describe).collect();
        let ratios: Vec<f64> = self
            .confab
            .iter()
            .zip(&runs)
            .map(|(c, n)| c.rps / n.rps)
            .collect();
        let result = match (c.p99_ms, n.p99_ms) {
            _ if runs.is_empty() => "void: nginx did not run".to_owned(),
            (Some(_), Some(_)) => format!(
                "{:.2}× (nginx: {}; wrk {})",
                median(&ratios),
                n.text,
                wrk_threads.join(", ")
            ),
            (None, _) => format!("void: {}", c.text),
            (_, None) => format!("void: nginx {}", n.text),
        };
        let met = c.p99_ms.is_some() && n.p99_ms.is_some() && median(&ratios) >= 0.9;
        report.row(
            &format!("{what}: Confab / nginx req/s (nginx: req/s, p50, p99)"),
            result,
            "≥ 0.9×",
            Some(met),
        );
        c.p99_ms
    }
}

/// nginx's run against `url` with `-t1` and with `-t2` (so wrk, sharing
/// two cores with it, is not what limits it): the one with more req/s.
async fn best_of_threads(
    plan: &Plan,
    scripts: &Scripts,
    url: &str,
    browser: &Browser,
    encoding: Encoding,
) -> anyhow::Result<NginxRun> {
    let mut best: Option<(WrkRun, u32)> = None;
    let mut rps = [0.0; 2];
    for (threads, slot) in [1, 2].into_iter().zip(&mut rps) {
        let shape = Shape {
            threads,
            ..confab_shape(plan)
        };
        let run = scripts.read(url, shape, browser, encoding).await?;
        *slot = run.rps;
        // A void run wins, so that it voids the row rather than hide.
        if run.non_2xx > 0 || best.is_none_or(|(b, _)| b.non_2xx == 0 && run.rps > b.rps) {
            best = Some((run, threads));
        }
    }
    let (best, threads) = best.ok_or_else(|| anyhow::anyhow!("no run"))?;
    Ok(NginxRun { best, threads, rps })
}

/// Starts nginx with 1 and with 2 workers, measures each on the first
/// thread with Chromium's encoding, reports both and keeps the faster.
async fn best_nginx(
    plan: &Plan,
    report: &mut Report,
    scripts: &Scripts,
    files: &[Variants],
    browser: &Browser,
) -> anyhow::Result<Nginx> {
    let mut figures = Vec::new();
    let mut best: Option<(f64, u32)> = None;
    for workers in [1, 2] {
        let nginx = Nginx::start(&plan.dir, files, workers, browser).await?;
        let run = best_of_threads(
            plan,
            scripts,
            &nginx.url(&files[0]),
            browser,
            Encoding::Chromium,
        )
        .await;
        nginx.stop().await;
        let run = run?;
        anyhow::ensure!(
            run.best.non_2xx == 0,
            "void: with {workers} workers wrk counted {} non-2xx answers",
            run.best.non_2xx
        );
        figures.push(format!("{workers} worker(s): wrk {}", run.describe()));
        if best.is_none_or(|(rps, _)| run.best.rps > rps) {
            best = Some((run.best.rps, workers));
        }
    }
    let (_, workers) = best.ok_or_else(|| anyhow::anyhow!("no run"))?;
    report.row(
        "nginx `worker_processes`, measured on the first thread with Chromium's encoding",
        format!("{}; the rows use {workers}", figures.join(", ")),
        "",
        None,
    );
    Nginx::start(&plan.dir, files, workers, browser).await
}

/// A row's figures: the text, and the median p99 and req/s unless void.
pub struct Summary {
    pub text: String,
    pub p99_ms: Option<f64>,
}

/// "N req/s, p50 x ms, p99 y ms (median of k)" from the medians, or
/// "void: why" when any run counted a non-2xx answer.
pub fn summarize(report: &mut Report, what: &str, runs: &[WrkRun]) -> Summary {
    let non_2xx: u64 = runs.iter().map(|r| r.non_2xx).sum();
    if non_2xx > 0 {
        return Summary {
            text: format!("void: wrk counted {non_2xx} non-2xx answers"),
            p99_ms: None,
        };
    }
    let errors: u64 = runs.iter().map(|r| r.socket_errors).sum();
    // wrk leaves requests it timed out (after 2 s) out of its latencies:
    // say so beside the figures they flatter.
    let errors = if errors > 0 {
        report.note(format!(
            "{what}: {errors} socket errors (connect, read, write, timeout)."
        ));
        format!("; {errors} socket errors, timeouts left out of the latencies")
    } else {
        String::new()
    };
    let pick = |f: fn(&WrkRun) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
    let (rps, p50, p99) = (pick(|r| r.rps), pick(|r| r.p50_ms), pick(|r| r.p99_ms));
    Summary {
        text: format!(
            "{rps:.0} req/s, p50 {p50:.2} ms, p99 {p99:.2} ms (median of {}{errors})",
            runs.len()
        ),
        p99_ms: (!runs.is_empty()).then_some(p99),
    }
}

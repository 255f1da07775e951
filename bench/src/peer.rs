//! Confab beside Isso 0.14 in one run: the same 200-comment thread posted
//! to both through their APIs, then thread reads, sequential posts, the
//! widget's bytes and the first comment painted, taking turns.

use std::{io::Write, time::Instant};

use crate::{
    isso::{self, Install, Isso, IssoApi},
    load::{Browser, Encoding, Scripts},
    paint::{self, Paint},
    proc::{Article, Server},
    report::{kb, Report},
    seed::{self, Api, PAGE},
    stats::median,
    versus::{confab_shape, summarize},
    writes, Plan,
};

pub async fn run(plan: &Plan, report: &mut Report) -> anyhow::Result<()> {
    let install = match isso::install(&plan.dir).await {
        Ok(i) => i,
        Err(e) => {
            not_measured(report, "could not be installed", &e);
            return Ok(());
        }
    };
    let (confab_article, isso_article) = (Article::bind().await?, Article::bind().await?);
    let origins = [confab_article.origin.clone()];
    let server = Server::on_sqlite(plan, "peer.db", &origins).await?;
    let isso = match Isso::start(&install, &plan.dir, &isso_article.origin).await {
        Ok(i) => i,
        Err(e) => {
            server.stop().await;
            not_measured(report, "did not start", &e);
            return Ok(());
        }
    };
    let sides = Sides {
        confab: &server,
        isso: &isso,
        confab_origin: confab_article.origin.clone(),
        isso_origin: isso_article.origin.clone(),
    };
    let result = measure(plan, report, &install, &sides, confab_article, isso_article).await;
    isso.stop().await;
    server.stop().await;
    result
}

fn not_measured(report: &mut Report, what: &str, e: &anyhow::Error) {
    let why = format!("{e:#}").replace(['\n', '|'], " ");
    let why: String = why.chars().take(300).collect();
    eprintln!("bench: Isso {what}: {why}");
    report.row(
        &format!("Isso {}: every row", isso::VERSION),
        format!("not measured: Isso {what}: {why}"),
        "",
        None,
    );
}

struct Sides<'a> {
    confab: &'a Server,
    isso: &'a Isso,
    confab_origin: String,
    isso_origin: String,
}

impl Sides<'_> {
    fn browsers(&self) -> (Browser, Browser) {
        let b = |origin: &str| Browser {
            origin: origin.to_owned(),
            referer: format!("{origin}{PAGE}"),
        };
        (b(&self.confab_origin), b(&self.isso_origin))
    }
}

async fn measure(
    plan: &Plan,
    report: &mut Report,
    install: &Install,
    sides: &Sides<'_>,
    confab_article: Article,
    isso_article: Article,
) -> anyhow::Result<()> {
    let (api, isso_api) = (Api::new(&sides.confab.base)?, IssoApi::new(sides.isso)?);
    seed::thread(&api, PAGE).await?;
    let t = Instant::now();
    let ids = seed::thread_of(&isso_api, PAGE, seed::LONG).await?;
    let (_, isso_browser) = sides.browsers();
    let (count, bytes) = isso_thread(&sides.isso.thread_url(PAGE), &isso_browser).await?;
    report.note(format!(
        "Isso {}: the same {} comments posted through its API in {:.1} s; `GET /?uri={PAGE}` \
         answers {count} of them in {bytes} bytes of JSON, uncompressed whatever the \
         `Accept-Encoding` (Isso does not compress).",
        isso::VERSION,
        ids.len(),
        t.elapsed().as_secs_f64()
    ));
    reads(plan, report, sides).await?;
    posts(plan, report, &api, &isso_api).await?;
    if let Err(e) = widget_rows(report, install, sides.isso).await {
        report.failed("Isso: widget bytes", &e);
    }
    let confab_html = paint::confab_article(&sides.confab.base, PAGE);
    let isso_html = paint::peer_article(&sides.isso.embed(PAGE), &paint::ISSO)?;
    paint::serve_article(
        confab_article.listener,
        vec![(PAGE.to_owned(), confab_html)],
    );
    paint::serve_article(isso_article.listener, vec![(PAGE.to_owned(), isso_html)]);
    let urls = [
        format!("{}{PAGE}", sides.confab_origin),
        format!("{}{PAGE}", sides.isso_origin),
    ];
    match paint::paint_alternating(&[&urls[0], &urls[1]], plan.loads).await {
        Ok(p) => paint_rows(report, &p[0], &p[1]),
        Err(e) => report.failed("Isso: first comment painted", &e),
    }
    Ok(())
}

/// Checks Isso's thread answer (200, JSON, with `Origin`): its comments
/// and bytes.
async fn isso_thread(url: &str, browser: &Browser) -> anyhow::Result<(usize, usize)> {
    let resp = reqwest::Client::new()
        .get(url)
        .header("origin", &browser.origin)
        .header("accept-encoding", "gzip, deflate, br, zstd")
        .send()
        .await?;
    anyhow::ensure!(
        resp.status() == 200,
        "Isso's thread read: {}",
        resp.status()
    );
    let body = resp.bytes().await?;
    let thread: serde_json::Value = serde_json::from_slice(&body)?;
    Ok((isso::count(&thread), body.len()))
}

/// Rounds of wrk on Confab then Isso, Chromium's headers for both.
async fn reads(plan: &Plan, report: &mut Report, sides: &Sides<'_>) -> anyhow::Result<()> {
    let scripts = Scripts::write(&plan.dir)?;
    let (confab_browser, isso_browser) = sides.browsers();
    let confab_url = Api::new(&sides.confab.base)?.thread_url(PAGE);
    let isso_url = sides.isso.thread_url(PAGE);
    let (mut confab, mut isso, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..plan.rounds {
        let shape = confab_shape(plan);
        let c = scripts
            .read(&confab_url, shape, &confab_browser, Encoding::Chromium)
            .await?;
        let i = scripts
            .read(&isso_url, shape, &isso_browser, Encoding::Chromium)
            .await?;
        ratios.push(c.rps / i.rps);
        confab.push(c);
        isso.push(i);
    }
    let c = summarize(report, "Thread read, Confab beside Isso", &confab);
    let i = summarize(report, "Thread read, Isso", &isso);
    report.row(
        &format!(
            "Isso {}: thread read, 200 comments, Chromium's headers (req/s, p50, p99)",
            isso::VERSION
        ),
        i.text,
        "",
        None,
    );
    let ratio = match (c.p99_ms, i.p99_ms) {
        (Some(_), Some(_)) => format!("{:.0}× (Confab: {})", median(&ratios), c.text),
        (None, _) => format!("void: Confab {}", c.text),
        (_, None) => "void: Isso's figure is void".to_owned(),
    };
    report.row("… Confab / Isso req/s, same run", ratio, "", None);
    Ok(())
}

/// The same number of sequential posts to each, Confab first.
async fn posts(plan: &Plan, report: &mut Report, api: &Api, isso: &IssoApi) -> anyhow::Result<()> {
    let c = writes::sequential(api, plan.seq_posts, 90).await?;
    let i = writes::sequential(isso, plan.seq_posts, 91).await?;
    report.row(
        &format!(
            "Isso {}: sequential posts, {} (p50, p99)",
            isso::VERSION,
            plan.seq_posts
        ),
        format!(
            "p50 {:.2} ms, p99 {:.2} ms (Confab on SQLite, same run: p50 {:.2} ms, p99 {:.2} ms)",
            i.p50_ms, i.p99_ms, c.p50_ms, c.p99_ms
        ),
        "",
        None,
    );
    Ok(())
}

/// `js/embed.min.js` and `css/isso.css` from the installed wheel, raw and
/// compressed as Confab's build compresses its own (gzip -9, brotli 11).
async fn widget_rows(report: &mut Report, install: &Install, isso: &Isso) -> anyhow::Result<()> {
    let mut total = [0u64; 3];
    for name in ["js/embed.min.js", "css/isso.css"] {
        let raw = std::fs::read(install.package.join(name))?;
        let sizes = [raw.len(), gzip(&raw)?.len(), brotli(&raw)?.len()].map(|n| n as u64);
        for (t, s) in total.iter_mut().zip(sizes) {
            *t += s;
        }
        let sent = reqwest::Client::new()
            .get(format!("{}/{name}", isso.base))
            .header("accept-encoding", "gzip, deflate, br, zstd")
            .send()
            .await?
            .bytes()
            .await?
            .len();
        report.row(
            &format!(
                "Isso {}: widget bytes `{name}` (raw / gzip / br)",
                isso::VERSION
            ),
            format!(
                "{} / {} / {} (Isso itself sends {})",
                kb(sizes[0]),
                kb(sizes[1]),
                kb(sizes[2]),
                kb(sent as u64)
            ),
            "",
            None,
        );
    }
    report.row(
        &format!(
            "Isso {}: widget bytes, both (raw / gzip / br)",
            isso::VERSION
        ),
        format!("{} / {} / {}", kb(total[0]), kb(total[1]), kb(total[2])),
        "",
        None,
    );
    Ok(())
}

fn gzip(raw: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(raw)?;
    Ok(gz.finish()?)
}

fn brotli(raw: &[u8]) -> anyhow::Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &raw[..], &mut out, &params)?;
    Ok(out)
}

fn paint_rows(report: &mut Report, confab: &Paint, isso: &Paint) {
    let ms =
        |v: Option<f64>| v.map_or("n/a (a load painted none)".into(), |v| format!("{v:.0} ms"));
    report.row(
        &format!(
            "Isso {}: first comment painted, same article, cold loads (median of {})",
            isso::VERSION,
            isso.loads
        ),
        ms(isso.first_comment_ms),
        "",
        None,
    );
    report.row(
        "… of which: `embed.min.js` received / heading painted / thread JSON received",
        format!(
            "{} / {} / {}",
            ms(isso.code_ms),
            ms(isso.heading_ms),
            ms(isso.json_ms)
        ),
        "",
        None,
    );
    let (result, met) = match (confab.first_comment_ms, isso.first_comment_ms) {
        (Some(c), Some(i)) => (
            format!("{:.2}× ({c:.0} ms / {i:.0} ms)", c / i),
            Some(c / i <= 0.3),
        ),
        (c, i) => (
            format!("not measurable: Confab {}, Isso {}", ms(c), ms(i)),
            Some(false),
        ),
    };
    report.row(
        "First comment painted, Confab / Isso (loads alternating, same run)",
        result,
        "≤ 0.3×",
        met,
    );
    crate::reads::takeover_rows(report, confab);
}

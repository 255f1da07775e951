//! The widget's weight on the wire, and how soon a cold browser paints the
//! first comment of the demo article served from another origin.

use std::time::Duration;

use anyhow::bail;
use confab_testkit::Chromedriver;
use fantoccini::Client;
use serde_json::Value;
use tokio::net::TcpListener;

use crate::{stats::median, Plan};

/// `--widget`: only the widget's sizes and first paint, on a fresh server
/// with the seeded 200-comment thread, printed rather than written to the
/// report; quick enough to run after every change to the widget.
pub async fn alone(plan: &Plan, serve: bool) -> anyhow::Result<()> {
    let article = TcpListener::bind("127.0.0.1:0").await?;
    let origin = format!("http://{}", article.local_addr()?);
    let db = format!("sqlite://{}?mode=rwc", plan.dir.join("widget.db").display());
    let server =
        crate::proc::Server::start(&plan.bin, &plan.dir, &db, std::slice::from_ref(&origin))
            .await?;
    let result = async {
        crate::seed::thread(&crate::seed::Api::new(&server.base)?, crate::seed::PAGE).await?;
        let files = sizes(&server.base).await?;
        for f in &files {
            println!(
                "{:<40} raw {:>7} gzip {:>6} br {:>6}",
                f.name, f.raw, f.gzip, f.br
            );
        }
        let (langs, widget): (Vec<&Size>, Vec<&Size>) =
            files.iter().partition(|f| is_language(&f.name));
        println!(
            "widget total br {} (+ at most one language file, the largest {} br)",
            widget.iter().map(|f| f.br).sum::<u64>(),
            langs.iter().map(|f| f.br).max().unwrap_or(0)
        );
        serve_article(article, &server.base);
        if serve {
            println!("serving {origin}{} until interrupted", crate::seed::PAGE);
            tokio::signal::ctrl_c().await?;
            return Ok(());
        }
        let p = paint(&format!("{origin}{}", crate::seed::PAGE), plan.loads).await?;
        let ms = |v: Option<f64>| v.map_or("n/a".into(), |v| format!("{v:.0} ms"));
        println!(
            "median of {}: first comment {}, heading {}, wasm received {}, thread JSON received {}",
            p.loads,
            ms(p.first_comment_ms),
            ms(p.heading_ms),
            ms(p.wasm_ms),
            ms(p.json_ms)
        );
        anyhow::Ok(())
    }
    .await;
    server.stop().await;
    result
}

/// Bytes of one file as sent raw, with gzip and with brotli.
pub struct Size {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub br: u64,
}

/// `/embed.js` and the widget files its manifest names, fetched the way a
/// browser would with each `Accept-Encoding`. Language files
/// (`assets/lang-*.json`) come after the three widget files; a reader who
/// is not served English downloads exactly one of them.
pub async fn sizes(base: &str) -> anyhow::Result<Vec<Size>> {
    let client = reqwest::Client::new();
    let embed = client
        .get(format!("{base}/embed.js"))
        .send()
        .await?
        .text()
        .await?;
    let mut names = vec!["embed.js".to_owned()];
    names.extend(manifest_files(&embed));
    anyhow::ensure!(names.len() > 1, "embed.js names no widget files");
    let mut out = Vec::new();
    for name in names {
        let url = format!("{base}/{name}");
        let mut size = Size {
            name,
            raw: 0,
            gzip: 0,
            br: 0,
        };
        for (encoding, slot) in [
            ("identity", &mut size.raw),
            ("gzip", &mut size.gzip),
            ("br", &mut size.br),
        ] {
            let resp = client
                .get(&url)
                .header("accept-encoding", encoding)
                .send()
                .await?;
            let got = resp
                .headers()
                .get("content-encoding")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("identity")
                .to_owned();
            if got != encoding {
                bail!("{url}: asked for {encoding}, got {got}");
            }
            *slot = resp.bytes().await?.len() as u64;
        }
        out.push(size);
    }
    Ok(out)
}

/// A language file, fetched only for readers not served English.
pub fn is_language(name: &str) -> bool {
    name.starts_with("assets/lang-")
}

/// The quoted `assets/...` paths in embed.js's inlined manifest
/// (`{js:"assets/widget-<hash>.js",...}`, written by server/build.rs).
fn manifest_files(embed: &str) -> Vec<String> {
    embed
        .split('"')
        .filter(|s| s.starts_with("assets/") && !s.contains(char::is_whitespace))
        .map(str::to_owned)
        .collect()
}

/// Injected into the article's `<head>`, before Confab's script: each frame
/// until 20 s, look inside the placeholder's shadow root; on the frame that
/// first holds a comment (or the thread heading), wait for that frame to be
/// painted (rAF + setTimeout 0) and note `performance.now()`, which counts
/// from navigation start. Comments are `comment-{id}`: the bare prefix
/// `comment` would also match the list (`comments`), there before any item.
const PROBE: &str = r#"<script>
(() => {
  const seen = {};
  const check = () => {
    const root = document.querySelector("[data-confab]")?.shadowRoot;
    for (const [name, sel] of [["comment", '[data-testid^="comment-"]'], ["count", '[data-testid="count"]']]) {
      if (!seen[name] && root?.querySelector(sel)) {
        seen[name] = true;
        setTimeout(() => { window["__confab_" + name] = performance.now(); }, 0);
      }
    }
    // Where the time went: when the wasm and the thread JSON had arrived.
    for (const e of performance.getEntriesByType("resource")) {
      if (e.name.endsWith(".wasm")) window.__confab_wasm = e.responseEnd;
      if (e.name.includes("/thread?")) window.__confab_json ??= e.responseEnd;
    }
    if (!seen.comment && performance.now() < 20000) requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
</script>
"#;

/// Serves the demo article with the probe on `listener`, embedding
/// `confab_base`'s loader, until the runtime stops.
pub fn serve_article(listener: TcpListener, confab_base: &str) {
    let html = confab::demo::article_html(&format!("{confab_base}/embed.js")).replacen(
        "</head>",
        &format!("{PROBE}</head>"),
        1,
    );
    let app = axum::Router::new().route(
        crate::seed::PAGE,
        axum::routing::get(move || async move { axum::response::Html(html) }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
}

/// Medians over cold loads, in ms from navigation start; `None` where the
/// widget never showed that element (or the resource never arrived).
pub struct Paint {
    pub first_comment_ms: Option<f64>,
    pub heading_ms: Option<f64>,
    /// The wasm and the thread JSON fully received (Resource Timing).
    pub wasm_ms: Option<f64>,
    pub json_ms: Option<f64>,
    pub loads: usize,
}

/// `loads` cold loads of `article_url`, each in a new browser with an empty
/// profile, so nothing is cached.
pub async fn paint(article_url: &str, loads: usize) -> anyhow::Result<Paint> {
    let mut driver = Chromedriver::start()?;
    let result = paint_loads(&driver, article_url, loads).await;
    crate::proc::stop_child(&mut driver.child).await;
    result
}

async fn paint_loads(
    driver: &Chromedriver,
    article_url: &str,
    loads: usize,
) -> anyhow::Result<Paint> {
    // Per load: first comment, heading, wasm, thread JSON.
    let mut marks: [Vec<f64>; 4] = Default::default();
    for _ in 0..loads {
        let session = driver.session().await?;
        let one = load_once(&session.client, article_url).await;
        let _ = session.client.close().await;
        for (all, mark) in marks.iter_mut().zip(one?) {
            all.extend(mark);
        }
    }
    // A figure only if every load produced it: a partial median would lie.
    let [comments, headings, wasm, json] = marks.map(|v| (v.len() == loads).then(|| median(&v)));
    Ok(Paint {
        first_comment_ms: comments,
        heading_ms: headings,
        wasm_ms: wasm,
        json_ms: json,
        loads,
    })
}

/// How long a new Chromium gets for its own start-up before the article.
const BROWSER_SETTLES: Duration = Duration::from_secs(2);

/// One load's marks: first comment, heading, wasm, thread JSON.
async fn load_once(client: &Client, article_url: &str) -> anyhow::Result<[Option<f64>; 4]> {
    // A reader's browser is already running. A Chromium just started spends
    // its first second building its own pages (the omnibox popup's, in a
    // renderer of their own), which here took the CPU from the article:
    // let it finish on a blank page. Its profile and cache stay empty.
    client.goto("about:blank").await?;
    tokio::time::sleep(BROWSER_SETTLES).await;
    client.goto(article_url).await?;
    // Poll from outside, about 20 s at most; the times come from the page.
    for _ in 0..300 {
        let v = client
            .execute(
                "const w = window;
                 return [w.__confab_comment ?? null, w.__confab_count ?? null,
                         w.__confab_wasm ?? null, w.__confab_json ?? null, performance.now()];",
                vec![],
            )
            .await?;
        let at = |i: usize| v.get(i).and_then(Value::as_f64);
        let (comment, heading, now) = (at(0), at(1), at(4).unwrap_or(0.0));
        // Done at the first comment; without one, 3 s after the heading
        // (the widget renders no comments yet), or at 20 s.
        if comment.is_some() || heading.is_some_and(|h| now > h + 3000.0) || now > 20_000.0 {
            return Ok([comment, heading, at(2), at(3)]);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the page never settled")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_manifest_names_the_widget_files() {
        let js = r#"const files = {js:"assets/widget-ab12.js",wasm:"assets/widget_bg-ab12.wasm",css:"assets/widget-cd34.css"};"#;
        assert_eq!(
            super::manifest_files(js),
            [
                "assets/widget-ab12.js",
                "assets/widget_bg-ab12.wasm",
                "assets/widget-cd34.css"
            ]
        );
    }
}

//! How soon a cold browser paints the first comment of an article served
//! from another origin than its comments: Confab's widget, or a peer's.

use std::time::Duration;

use anyhow::{bail, ensure};
use confab_testkit::Chromedriver;
use fantoccini::Client;
use serde_json::Value;
use tokio::net::TcpListener;

use crate::stats::median;

/// Where a widget's progress shows in the page.
pub struct Probe {
    /// A JS expression: the node its comments render into.
    pub root: &'static str,
    /// Selectors, in `root`, of a comment and of the thread's heading.
    pub comment: &'static str,
    pub heading: &'static str,
    /// Resource names: the code's ends with `code`, the thread JSON's
    /// contains `json`.
    pub code: &'static str,
    pub json: &'static str,
    /// A selector for a comment drawn by the widget's code itself, where
    /// `comment` also matches HTML the server sent first.
    pub widget: Option<&'static str>,
}

/// Confab renders in a shadow root: first the server's HTML (`.cf-c`
/// articles, without test ids), which the widget then replaces with its
/// own, whose comments are `comment-{id}` (the bare prefix `comment` would
/// also match the list, `comments`, there before any item).
pub const CONFAB: Probe = Probe {
    root: r#"document.querySelector("[data-confab]")?.shadowRoot"#,
    comment: ".cf-c",
    heading: ".cf-head h2",
    code: ".wasm",
    json: "/thread?",
    widget: Some(r#"[data-testid^="comment-"]"#),
};

/// Isso renders into its `<section id="isso-thread">`, the comments into
/// `#isso-root` in it: its postbox holds an `.isso-comment` of its own (the
/// preview), there before any comment arrives.
pub const ISSO: Probe = Probe {
    root: r#"document.getElementById("isso-thread")"#,
    comment: "#isso-root .isso-comment",
    heading: ".isso-thread-heading",
    code: "/js/embed.min.js",
    json: "/?uri=",
    widget: None,
};

impl Probe {
    /// Injected into the article's `<head>`, before the widget's script:
    /// each frame until 20 s, look inside the root; on the frame that first
    /// holds a comment (or the heading, or the widget's own comment), wait
    /// for that frame to be painted (rAF + setTimeout 0) and note
    /// `performance.now()`, which counts from navigation start. Layout
    /// shifts after the first comment is painted are summed: for Confab,
    /// that is the widget taking the place of the server's HTML.
    pub fn script(&self) -> String {
        let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
        format!(
            r#"<script>
(() => {{
  const seen = {{}};
  window.__bench_shift = 0;
  window.__bench_wants_widget = {widget} !== null;
  new PerformanceObserver((list) => {{
    for (const e of list.getEntries())
      if (window.__bench_comment !== undefined && !e.hadRecentInput) window.__bench_shift += e.value;
  }}).observe({{ type: "layout-shift" }});
  const check = () => {{
    const root = {root};
    const marks = [["comment", {comment}], ["count", {heading}], ["widget", {widget}]];
    for (const [name, sel] of marks.filter((m) => m[1])) {{
      if (!seen[name] && root?.querySelector(sel)) {{
        seen[name] = true;
        setTimeout(() => {{ window["__bench_" + name] = performance.now(); }}, 0);
      }}
    }}
    // Where the time went: when the code and the thread JSON had arrived.
    for (const e of performance.getEntriesByType("resource")) {{
      if (e.name.endsWith({code})) window.__bench_code = e.responseEnd;
      if (e.name.includes({json})) window.__bench_json ??= e.responseEnd;
    }}
    // A resource's entry may be listed a little after the frame it was
    // used in: keep looking for them 1 s past the first comment.
    // So are the widget's own comments, and shifts as it takes over.
    seen.at ??= seen.comment && (seen.widget || !{widget}) ? performance.now() : undefined;
    const more = !seen.at || performance.now() < seen.at + 1000;
    if (more && performance.now() < 21000) requestAnimationFrame(check);
  }};
  requestAnimationFrame(check);
}})();
</script>
"#,
            root = self.root,
            comment = q(self.comment),
            heading = q(self.heading),
            code = q(self.code),
            json = q(self.json),
            widget = self.widget.map_or("null".into(), q),
        )
    }
}

/// The demo article with Confab's probe, embedding `confab_base`'s loader
/// for `page`.
pub fn confab_article(confab_base: &str, page: &str) -> String {
    confab::demo::article_html(&format!("{confab_base}/embed.js"))
        .replace(
            &format!("data-page=\"{}\"", crate::seed::PAGE),
            &format!("data-page=\"{page}\""),
        )
        .replacen("</head>", &format!("{}</head>", CONFAB.script()), 1)
}

/// The same article with Confab's placeholder and script swapped for a
/// peer's `embed` markup, and `probe` in the head.
pub fn peer_article(embed: &str, probe: &Probe) -> anyhow::Result<String> {
    let html = confab::demo::article_html("/embed.js");
    let start = html.find("<div data-confab");
    let end = start.and_then(|s| {
        html[s..]
            .find("</script>")
            .map(|e| s + e + "</script>".len())
    });
    let (Some(start), Some(end)) = (start, end) else {
        bail!("the demo article has no Confab placeholder and script")
    };
    let html = format!("{}{embed}{}", &html[..start], &html[end..]);
    ensure!(
        !html.contains("data-confab"),
        "Confab left in the peer's article"
    );
    Ok(html.replacen("</head>", &format!("{}</head>", probe.script()), 1))
}

/// Serves each `(path, html)` on `listener` until the runtime stops.
pub fn serve_article(listener: TcpListener, pages: Vec<(String, String)>) {
    let mut app = axum::Router::new();
    for (path, html) in pages {
        app = app.route(
            &path,
            axum::routing::get(move || async move { axum::response::Html(html) }),
        );
    }
    tokio::spawn(async move { axum::serve(listener, app).await });
}

/// A mark as the report shows it: whole milliseconds, or n/a.
pub fn ms(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| format!("{v:.0} ms"))
}

/// Medians over cold loads, in ms from navigation start; `None` where the
/// widget never showed that element (or the resource never arrived).
pub struct Paint {
    pub first_comment_ms: Option<f64>,
    pub heading_ms: Option<f64>,
    /// The code (Confab's wasm) and the thread JSON fully received
    /// (Resource Timing).
    pub code_ms: Option<f64>,
    pub json_ms: Option<f64>,
    /// The widget's own first comment (Confab), and the layout shift after
    /// the first comment was painted, as a median of the loads' sums.
    pub widget_ms: Option<f64>,
    pub shift: Option<f64>,
    pub loads: usize,
}

/// `loads` cold loads of `article_url`, each in a new browser with an empty
/// profile, so nothing is cached.
pub async fn paint(article_url: &str, loads: usize) -> anyhow::Result<Paint> {
    let mut all = paint_alternating(&[article_url], loads).await?;
    all.pop().ok_or_else(|| anyhow::anyhow!("no paint"))
}

/// `loads` cold loads of each of `urls`, taking turns (a, b, a, b, ...) so
/// background load hits all alike; one [`Paint`] per URL.
pub async fn paint_alternating(urls: &[&str], loads: usize) -> anyhow::Result<Vec<Paint>> {
    let mut driver = Chromedriver::start()?;
    let result = loads_of(&driver, urls, loads).await;
    crate::proc::stop_child(&mut driver.child).await;
    result
}

async fn loads_of(
    driver: &Chromedriver,
    urls: &[&str],
    loads: usize,
) -> anyhow::Result<Vec<Paint>> {
    // Per URL, per mark (first comment, heading, code, thread JSON,
    // widget, shift): the values of the loads that produced it.
    let mut marks: Vec<[Vec<f64>; MARKS]> = urls.iter().map(|_| Default::default()).collect();
    for _ in 0..loads {
        for (url, marks) in urls.iter().zip(&mut marks) {
            let session = driver.session().await?;
            let one = load_once(&session.client, url).await;
            let _ = session.client.close().await;
            for (all, mark) in marks.iter_mut().zip(one?) {
                all.extend(mark);
            }
        }
    }
    // A figure only if every load produced it: a partial median would lie.
    Ok(marks
        .into_iter()
        .map(|m| {
            let [comments, headings, code, json, widget, shift] =
                m.map(|v| (v.len() == loads).then(|| median(&v)));
            Paint {
                first_comment_ms: comments,
                heading_ms: headings,
                code_ms: code,
                json_ms: json,
                widget_ms: widget,
                shift,
                loads,
            }
        })
        .collect())
}

/// How long a new Chromium gets for its own start-up before the article.
const BROWSER_SETTLES: Duration = Duration::from_secs(2);

/// How many marks a load takes.
const MARKS: usize = 6;

/// One load's marks: first comment, heading, code, thread JSON, widget,
/// shift.
async fn load_once(client: &Client, article_url: &str) -> anyhow::Result<[Option<f64>; MARKS]> {
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
                 return [w.__bench_comment ?? null, w.__bench_count ?? null,
                         w.__bench_code ?? null, w.__bench_json ?? null, performance.now(),
                         w.__bench_widget ?? null, w.__bench_shift ?? null,
                         w.__bench_wants_widget ?? false];",
                vec![],
            )
            .await?;
        let at = |i: usize| v.get(i).and_then(Value::as_f64);
        let (comment, heading, now) = (at(0), at(1), at(4).unwrap_or(0.0));
        // Done at the first comment (and the widget's own, where there is
        // one) once the thread JSON's entry is listed (or 1 s later);
        // without a comment, 3 s after the heading (the widget renders no
        // comments yet), or at 20 s.
        let last = comment.zip(at(5)).map(|(c, w)| c.max(w)).or(comment);
        let wants_widget = v.get(7).and_then(Value::as_bool).unwrap_or(false);
        let shown = comment.is_some() && (at(5).is_some() || !wants_widget);
        let listed = at(3).is_some() || last.is_some_and(|c| now > c + 1000.0);
        if (shown && listed) || heading.is_some_and(|h| now > h + 3000.0) || now > 20_000.0 {
            let shift = at(5).and(at(6));
            return Ok([comment, heading, at(2), at(3), at(5), shift]);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the page never settled")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_peer_article_embeds_only_the_peer() {
        let embed = r#"<section id="isso-thread"></section>"#;
        let html = super::peer_article(embed, &super::ISSO).unwrap();
        assert!(html.contains(embed));
        assert!(!html.contains("embed.js"));
        assert!(html.contains("isso-thread-heading"));
    }
}

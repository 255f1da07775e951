//! Hostile input, XSS: every payload of `tests/xss/payloads.jsonl` goes into
//! every text field a client sets (body, author name, website, page key, page
//! title, page URL) and is looked at in every place that shows it: the
//! widget on another origin, the moderation dashboard, the moderator's
//! e-mail, the page its approve link opens, the widget's markdown
//! preview, and the server's own HTML: the thread fragment, the full page
//! without JavaScript, and each page's Atom feed. The payloads call a canary;
//! it must never run, and no event handler, script or javascript:/data:/
//! vbscript: URL may reach any DOM, shadow roots and frames included.

mod post;
mod probe;
mod server_views;
mod views;

use std::collections::BTreeMap;

use confab_api::CommentStatus;
use serde::Deserialize;
use serde_json::Value;
use tokio::task::JoinSet;

use crate::harness::{browser, http_client};
use crate::moderation::{held_site_with, log_in};
use confab_testkit::SmtpSink;
use probe::{Probe, PAGE};

const CORPUS: &str = include_str!("../xss/payloads.jsonl");
/// The canary and the DOM walk, run in the browser.
const SCAN: &str = include_str!("../xss/scan.js");
/// Payloads per round: two comments each, and the dashboard's queue shows
/// the newest 50.
const BATCH: usize = 25;

#[derive(Deserialize)]
struct Payload {
    category: String,
    payload: String,
}

fn corpus() -> Vec<Payload> {
    CORPUS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// One stored comment as the views must show it, read back from the store.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    pub author: String,
    pub website: Option<String>,
    pub page: String,
    pub source: String,
    pub title: Option<String>,
    pub url: Option<String>,
}

/// Tallies of what was checked, for the report.
#[derive(Default)]
pub struct Tally {
    /// (view, field) -> payloads checked there.
    pub checks: BTreeMap<(&'static str, &'static str), usize>,
    /// field -> (stored as written, stored in an accepted form).
    pub stored: BTreeMap<&'static str, (usize, usize)>,
    /// What the scans and the canary found, with where.
    pub findings: Vec<String>,
    /// Views that did not show what was stored.
    pub mismatches: Vec<String>,
}

impl Tally {
    pub fn check(&mut self, view: &'static str, field: &'static str) {
        *self.checks.entry((view, field)).or_default() += 1;
    }

    /// Records a view that does not show what was stored.
    pub fn expect(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.mismatches.push(what());
        }
    }

    /// Adds a scan's findings and the canary's calls, labelled.
    pub fn found(&mut self, label: &str, v: &Value) {
        for f in v.as_array().into_iter().flatten() {
            self.findings
                .push(format!("{label}: {}", f.as_str().unwrap_or("?")));
        }
    }
}

#[tokio::test]
async fn no_payload_in_any_field_runs_or_plants_a_handler_or_script_url_in_any_view() {
    let payloads = corpus();
    assert!(payloads.len() >= 300, "{} payloads", payloads.len());
    let mut sink = SmtpSink::start().await;
    let probe = Probe::bind().await;
    let origin = probe.origin.clone();
    let site = held_site_with(Some(sink.port), |c| {
        c.sites[0].origins.push(origin);
        // The whole thread in one page, and repeated text allowed.
        c.limits.page_size = 1000;
        c.limits.max_page_size = 1000;
        c.spam.duplicate_window_secs = 0;
    })
    .await;
    probe.serve(&site.confab);
    let mails = probe.docs.clone();
    tokio::spawn(async move {
        while let Some(m) = sink.inbox.recv().await {
            let parsed = mail_parser::MessageParser::default().parse(m.data.as_bytes());
            let html = parsed.as_ref().and_then(|p| p.body_html(0));
            let html = html.expect("an HTML part").into_owned();
            mails.lock().unwrap().push(html);
        }
    });

    let http = http_client();
    let b = browser().await;
    let mut tally = Tally::default();
    let mut on_page = Vec::new();
    let mut all = Vec::new();
    for (round, chunk) in payloads.chunks(BATCH).enumerate() {
        let mut posts = JoinSet::new();
        for (i, p) in chunk.iter().enumerate() {
            let n = round * BATCH + i;
            for mut fields in [
                post::on_the_page(&p.payload),
                post::on_its_own_page(n, &p.payload),
            ] {
                let (http, confab, origin) =
                    (http.clone(), site.confab.clone(), probe.origin.clone());
                posts.spawn(async move {
                    let (id, status) = post::post(&http, &confab, &origin, &mut fields).await;
                    assert_eq!(status, 202, "held for moderation");
                    let kept: Vec<_> = fields
                        .iter()
                        .filter(|f| f.payload && f.value().is_some())
                        .map(|f| (f.name, f.raw()))
                        .collect();
                    (id, kept)
                });
            }
        }
        let mut batch = Vec::new();
        while let Some(done) = posts.join_next().await {
            let (id, kept) = done.unwrap();
            for (field, raw) in kept {
                let e = tally.stored.entry(field).or_default();
                if raw {
                    e.0 += 1
                } else {
                    e.1 += 1
                }
            }
            batch.push(stored(&site, id).await);
        }
        if round == 0 {
            log_in(&b, &site).await;
        }
        views::dashboard(&b, &batch, round, &mut tally).await;
        set_status(&site, &batch, CommentStatus::Approved).await;
        on_page.extend(batch.iter().filter(|c| c.page == PAGE).cloned());
        all.extend(batch);
    }
    let links = views::mails(&b, &probe, &all, &mut tally).await;
    // A mailed link opens its page only while the comment is still held:
    // hold them again for that view, then approve them for the widget's.
    set_status(&site, &all, CommentStatus::Pending).await;
    views::confirmation_pages(&b, &probe, &links, &all, &mut tally).await;
    set_status(&site, &all, CommentStatus::Approved).await;
    // Approved behind the API's back: drop the page's cached thread.
    site.state
        .threads
        .invalidate(&("demo".to_owned(), PAGE.to_owned()));
    views::widget(&b, &probe, &site, &on_page, &mut tally).await;
    let bodies: Vec<&str> = payloads.iter().map(|p| p.payload.as_str()).collect();
    views::preview(&b, &site, &bodies, &mut tally).await;
    // Away from the widget's page, which the preview needs.
    server_views::all(&b, &probe, &site.confab, &all, &mut tally).await;
    b.close().await;

    let categories = payloads
        .iter()
        .fold(BTreeMap::<&str, usize>::new(), |mut m, p| {
            *m.entry(p.category.as_str()).or_default() += 1;
            m
        });
    let total: usize = tally.checks.values().sum();
    eprintln!(
        "xss: {} payloads {categories:?}\nstored (as written, in an accepted form): {:?}\n\
         checks per (view, field): {:?}\n{total} payload x field x view checks",
        payloads.len(),
        tally.stored,
        tally.checks,
    );
    // What ran or got in comes first: it is what a failure is about.
    none(&tally.findings, "findings");
    none(&tally.mismatches, "views that did not show what was stored");
}

/// Fails listing the first of `list`, if there is any.
fn none(list: &[String], what: &str) {
    let first: Vec<&str> = list.iter().take(60).map(String::as_str).collect();
    assert!(
        list.is_empty(),
        "{} {what}, the first {}:\n{}",
        list.len(),
        first.len(),
        first.join("\n")
    );
}

/// Sets each comment's status behind the API's back.
async fn set_status(site: &crate::harness::Site, comments: &[Stored], status: CommentStatus) {
    for c in comments {
        site.state.store.set_status(c.id, status).await.unwrap();
    }
}

/// The comment as stored, with its page's title and URL.
async fn stored(site: &crate::harness::Site, id: i64) -> Stored {
    let store = &site.state.store;
    let row = store.admin_comment(id).await.unwrap().expect("stored");
    let page = store
        .page(row.site_id, &row.page)
        .await
        .unwrap()
        .expect("its page");
    Stored {
        id,
        author: row.author.clone(),
        website: row.website.clone(),
        page: row.page.clone(),
        source: row.source.clone(),
        title: page.title,
        url: page.url,
    }
}

#[tokio::test]
async fn the_widget_sends_a_hostile_page_title_intact_and_nothing_runs() {
    let probe = Probe::bind().await;
    let origin = probe.origin.clone();
    let site = crate::harness::spawn_site_with(|c| c.sites[0].origins.push(origin)).await;
    probe.serve(&site.confab);
    let b = browser().await;
    b.client
        .goto(&format!("{}/titled", probe.origin))
        .await
        .unwrap();
    b.wait_shadow_text("empty").await;
    b.widget_type("[data-testid=composer] [data-testid=body]", "Titled")
        .await;
    b.widget_click("[data-testid=composer] [data-testid=submit]")
        .await;
    b.wait_widget(
        "the comment",
        "return root.querySelector('.cf-item')",
        vec![],
    )
    .await;
    let demo = site.state.store.site("demo").await.unwrap().unwrap().id;
    let page = site.state.store.page(demo, probe::TITLED).await.unwrap();
    assert_eq!(page.expect("the page").title.as_deref(), Some(probe::TITLE));
    let script = format!(
        "{SCAN}\nreturn confabScan(document, [arguments[0]]).concat(window.__confab_hits);"
    );
    let confab = site.confab.trim_end_matches('/');
    let found = b.js(&script, vec![serde_json::json!(confab)]).await;
    assert_eq!(found, serde_json::json!([]));
    b.close().await;
}

/// What a hole would plant, planted by hand: each must be reported, so the
/// test above cannot pass by not looking.
const PLANTED: &str = r#"
const host = document.body.appendChild(document.createElement('div'));
host.attachShadow({ mode: 'open' }).innerHTML = `
  <img src="x" onerror="__confab_xss('img')">
  <a href=" java&#9;script:void(0)">a</a> <a href="data:text/html,x">d</a>
  <form><button formaction="VBScript:x">b</button></form>
  <svg><a xlink:href="javascript:void(0)"><text>t</text></a>
    <animate attributeName="href" values="https://x.example;javascript:void(0)"/></svg>
  <div style="background:url('javascript:x')"></div>
  <iframe srcdoc="<p>x</p>"></iframe> <script>1</script>`;
const frame = document.body.appendChild(document.createElement('iframe'));
frame.contentDocument.body.innerHTML = '<p onclick="x">in a frame</p>';
const t = document.body.appendChild(document.createElement('template'));
t.innerHTML = '<b onmouseover="x">in a template</b>';
"#;

#[tokio::test]
async fn the_xss_scan_and_canary_report_every_kind_of_planted_hole() {
    let probe = Probe::bind().await;
    probe.serve("http://127.0.0.1:9/");
    let b = browser().await;
    b.client
        .goto(&format!("{}/docs/0/0", probe.origin))
        .await
        .unwrap();
    b.js(PLANTED, vec![]).await;
    let script = format!(
        "{SCAN}\nreturn confabScan(document, []).concat(window.__confab_hits || []).join('\\n');"
    );
    let mut report = String::new();
    for _ in 0..50 {
        report = b.js(&script, vec![]).await.as_str().unwrap().to_owned();
        if report.contains("__confab_xss(img)") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    b.close().await;
    for want in [
        "__confab_xss(img)",
        "event handler onerror",
        "href= java\tscript:void(0)",
        "href=data:text/html,x",
        "formaction=VBScript:x",
        "xlink:href=javascript:void(0)",
        "values=https://x.example;javascript:void(0)",
        "style=background:url('javascript:x')",
        "srcdoc=<p>x</p>",
        "<iframe> is not allowed",
        "<script> script src=null",
        "event handler onclick=x",
        "event handler onmouseover=x",
    ] {
        assert!(report.contains(want), "{want:?} not reported in:\n{report}");
    }
}

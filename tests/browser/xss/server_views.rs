//! The views the server renders itself: the HTML fragment (as readers and
//! crawlers get it, and as the widget's stand-in) and the full page of the
//! payloads' page, the full page of each payload's own page, and every
//! page's Atom feed and the site's as a feed reader shows them. Each is
//! fetched from Confab and opened by the probe, which sets no content
//! policy: what the markup would do, it does here.

use maud::{html, PreEscaped, DOCTYPE};
use serde_json::{json, Value};

use super::{probe::Probe, Stored, Tally, PAGE, SCAN};
use crate::{harness::Browser, moderation::wait_page};

/// Fetches `path?page=KEY` from Confab.
async fn fetch(confab: &str, path: &str, key: &str) -> String {
    let r = reqwest::Client::new()
        .get(format!("{confab}{path}"))
        .query(&[("page", key)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path} of {key:?}");
    r.text().await.unwrap()
}

/// Adds `html` to the probe's documents; its number.
fn push(probe: &Probe, html: String) -> usize {
    let mut docs = probe.docs.lock().unwrap();
    docs.push(html);
    docs.len() - 1
}

/// Scans the page open in `b`, frames included; scripts may come only
/// from `allowed` origins.
async fn scan_from(b: &Browser, allowed: &[&str], label: &str, tally: &mut Tally) {
    let script = format!(
        "{SCAN}\nreturn confabScan(document, arguments[0]).concat(window.__confab_hits || []);"
    );
    let found = b.js(&script, vec![json!(allowed)]).await;
    tally.found(label, &found);
}

/// Scans a page that runs no script at all.
async fn scan(b: &Browser, label: &str, tally: &mut Tally) {
    scan_from(b, &[], label, tally).await;
}

pub async fn all(b: &Browser, probe: &Probe, confab: &str, all: &[Stored], tally: &mut Tally) {
    let on_page: Vec<&Stored> = all.iter().filter(|c| c.page == PAGE).collect();
    let own: Vec<&Stored> = all.iter().filter(|c| c.page != PAGE).collect();
    for (view, path) in [
        ("fragment", "sites/demo/thread.html"),
        ("stand-in", "sites/demo/thread.html?view=widget"),
        ("full page", "t/demo"),
    ] {
        let n = push(probe, fetch(confab, path, PAGE).await);
        b.client
            .goto(&format!("{}/doc/{n}", probe.origin))
            .await
            .unwrap();
        thread(b, view, &on_page, tally).await;
        scan(b, view, tally).await;
    }
    let first = probe.docs.lock().unwrap().len();
    for c in &own {
        push(probe, fetch(confab, "t/demo", &c.page).await);
    }
    framed(b, probe, first, &own, "own page", tally).await;
    feeds(b, probe, confab, &on_page, &own, tally).await;
    recent(b, probe, confab, all, tally).await;
}

/// `recent.js` on a page of the probe's: the site's latest 50.
async fn recent(b: &Browser, probe: &Probe, confab: &str, all: &[Stored], tally: &mut Tally) {
    let page = html! {
        (DOCTYPE)
        html { head { title { "recent" } } body {
            div data-confab-recent data-site="demo" data-limit="50" {}
            script src={ (confab) "recent.js" } {}
        } }
    };
    let n = push(probe, page.into_string());
    b.client
        .goto(&format!("{}/doc/{n}", probe.origin))
        .await
        .unwrap();
    let shown = wait_page(
        b,
        "the recent list",
        "const root = document.querySelector('[data-confab-recent]').shadowRoot;
         const items = root ? [...root.querySelectorAll('li')] : [];
         return items.length ? items.map(li => ({ id: Number(li.dataset.id),
             by: li.querySelector('small').textContent, text: li.querySelector('q').textContent })) : null;",
        vec![],
    )
    .await;
    let newest = newest(&all.iter().collect::<Vec<_>>());
    let shown = shown.as_array().unwrap();
    tally.expect(shown.len() == 50, || {
        format!("recent.js: {} items", shown.len())
    });
    for (c, s) in newest.iter().zip(shown) {
        let id = c.id;
        tally.expect(s["id"] == json!(id), || {
            format!("recent.js: {id} in its place: {s}")
        });
        let by = s["by"].as_str().unwrap_or_default();
        tally.expect(by.starts_with(&c.author), || {
            format!("recent.js: author of {id}: {s}")
        });
        tally.check("recent.js", "body");
        if !c.author.is_empty() {
            tally.check("recent.js", "author");
        }
    }
    scan_from(b, &[confab.trim_end_matches('/')], "recent.js", tally).await;
}

/// The thread of the payloads' page: every comment's author, website and
/// text as stored.
async fn thread(b: &Browser, view: &'static str, on_page: &[&Stored], tally: &mut Tally) {
    let ids: Vec<i64> = on_page.iter().map(|c| c.id).collect();
    let shown = wait_page(
        b,
        "every comment of the server's thread",
        "return arguments[0].map(id => { const c = document.getElementById('confab-' + id);
             const a = c && c.querySelector('.cf-author');
             return c && { author: a.textContent, website: a.getAttribute('href'),
                           body: c.querySelector('.cf-body').innerHTML }; });",
        vec![json!(ids)],
    )
    .await;
    for (c, s) in on_page.iter().zip(shown.as_array().unwrap()) {
        let id = c.id;
        tally.expect(s != &Value::Null, || format!("{view}: no comment {id}"));
        let author = if c.author.is_empty() {
            "Anonymous"
        } else {
            &c.author
        };
        tally.expect(s["author"] == json!(author), || {
            format!("{view}: author of {id}: {s}")
        });
        tally.expect(s["website"] == json!(c.website), || {
            format!("{view}: website of {id}: {s}")
        });
        tally.expect(s["body"] != json!(""), || {
            format!("{view}: body of {id}: {s}")
        });
        tally.check(view, "body");
        if !c.author.is_empty() {
            tally.check(view, "author");
        }
        if c.website.is_some() {
            tally.check(view, "website");
        }
    }
}

/// Documents `first..` of the probe, one per comment of `own` in order, 50
/// frames to a page; each names its page in its `<h1>`.
async fn framed(
    b: &Browser,
    probe: &Probe,
    first: usize,
    own: &[&Stored],
    view: &'static str,
    tally: &mut Tally,
) {
    for (k, chunk) in own.chunks(50).enumerate() {
        let from = first + k * 50;
        let to = from + chunk.len();
        b.client
            .goto(&format!("{}/docs/{from}/{to}", probe.origin))
            .await
            .unwrap();
        let shown = wait_page(
            b,
            "the documents in their frames",
            "const docs = [...document.querySelectorAll('iframe')].map(f => f.contentDocument);
             if (!docs.every(d => d && d.readyState === 'complete' && d.querySelector('h1'))) return null;
             return docs.map(d => ({ title: d.querySelector('h1').textContent,
                                     author: d.querySelector('.cf-author')?.textContent }));",
            vec![],
        )
        .await;
        for (c, s) in chunk.iter().zip(shown.as_array().unwrap()) {
            let id = c.id;
            let title = c.title.as_deref().unwrap_or(&c.page);
            tally.expect(s["title"] == json!(title), || {
                format!("{view}: title of {id}: {s}")
            });
            tally.check(view, "page");
            if c.title.is_some() {
                tally.check(view, "title");
            }
        }
        scan(b, &format!("{view}s {from}..{to}"), tally).await;
    }
}

/// The latest 50 of `of`, newest first: what the feeds and the recent list
/// hold.
fn newest<'a>(of: &[&'a Stored]) -> Vec<&'a Stored> {
    let mut newest = of.to_vec();
    newest.sort_by_key(|c| std::cmp::Reverse(c.id));
    newest.truncate(50);
    newest
}

/// Each page's feed, then the site's, as a feed reader shows them: the
/// titles as text, each entry's `html` content as HTML.
async fn feeds(
    b: &Browser,
    probe: &Probe,
    confab: &str,
    on_page: &[&Stored],
    own: &[&Stored],
    tally: &mut Tally,
) {
    let first = probe.docs.lock().unwrap().len();
    let pages = std::iter::once(PAGE).chain(own.iter().map(|c| c.page.as_str()));
    let mut feeds = Vec::new();
    for key in pages {
        feeds.push(fetch(confab, "sites/demo/feed.atom", key).await);
    }
    let site = reqwest::get(format!("{confab}sites/demo/recent.atom"))
        .await
        .unwrap();
    assert_eq!(site.status(), 200, "recent.atom");
    feeds.push(site.text().await.unwrap());
    for (i, xml) in feeds.iter().enumerate() {
        let feed = feed_rs::parser::parse(xml.as_bytes())
            .unwrap_or_else(|e| panic!("feed {i} parses: {e}"));
        let text = |t: &Option<feed_rs::model::Text>| t.as_ref().map(|t| t.content.clone());
        let doc = html! {
            (DOCTYPE)
            html { head { title { "feed" } } body {
                h1 { (text(&feed.title).unwrap_or_default()) }
                @for e in &feed.entries {
                    article data-id=(e.id) {
                        h2 { (text(&e.title).unwrap_or_default()) }
                        p.author { (e.authors.first().map(|a| a.name.as_str()).unwrap_or_default()) }
                        div.content { (PreEscaped(e.content.as_ref().and_then(|c| c.body.clone()).unwrap_or_default())) }
                    }
                }
            } }
        };
        push(probe, doc.into_string());
    }
    // The payloads' page holds its latest 50 comments, each own page one,
    // and the site's feed the latest 50 of all.
    let everything: Vec<&Stored> = on_page.iter().chain(own).copied().collect();
    let (page_newest, site_newest) = (newest(on_page), newest(&everything));
    let to = probe.docs.lock().unwrap().len();
    for from in (first..to).step_by(50) {
        let end = (from + 50).min(to);
        b.client
            .goto(&format!("{}/docs/{from}/{end}", probe.origin))
            .await
            .unwrap();
        let shown = wait_page(
            b,
            "the feeds in their frames",
            "const docs = [...document.querySelectorAll('iframe')].map(f => f.contentDocument);
             if (!docs.every(d => d && d.readyState === 'complete' && d.querySelector('h1'))) return null;
             return docs.map(d => [...d.querySelectorAll('article')].map(a => ({
                 author: a.querySelector('.author').textContent,
                 body: a.querySelector('.content').innerHTML })));",
            vec![],
        )
        .await;
        for (i, entries) in shown.as_array().unwrap().iter().enumerate() {
            let n = from + i - first;
            let want: Vec<&Stored> = match n {
                0 => page_newest.clone(),
                n if n <= own.len() => vec![own[n - 1]],
                _ => site_newest.clone(),
            };
            let entries = entries.as_array().unwrap();
            tally.expect(entries.len() == want.len(), || {
                format!(
                    "feed {n}: {} entries for {} comments",
                    entries.len(),
                    want.len()
                )
            });
            for (c, e) in want.iter().zip(entries) {
                let author = if c.author.is_empty() {
                    "Anonymous"
                } else {
                    &c.author
                };
                tally.expect(e["author"] == json!(author), || {
                    format!("feed: author of {}: {e}", c.id)
                });
                tally.expect(e["body"] != json!(""), || {
                    format!("feed: body of {}: {e}", c.id)
                });
                tally.check("feed", "body");
            }
        }
        scan(b, &format!("feeds {from}..{end}"), tally).await;
    }
}

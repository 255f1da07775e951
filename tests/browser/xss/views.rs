//! The four places a payload is shown. Each view first checks that the
//! stored values really are on screen (so a view that dropped them cannot
//! pass by showing nothing), then scans every DOM and reads the canary.

use std::time::Duration;

use serde_json::{json, Value};

use super::{probe::Probe, Stored, Tally, SCAN};
use crate::harness::{Browser, Site};
use crate::moderation::{click, wait_page};

/// Line ends as an HTML parser leaves them in text.
fn lf(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// Runs the scan over the whole page and takes the canary's record.
async fn scan_page(b: &Browser, allowed: &[&str], label: &str, tally: &mut Tally) {
    let script = format!(
        "{SCAN}\nreturn confabScan(document, arguments[0]).concat(window.__confab_hits || []);"
    );
    let found = b.js(&script, vec![json!(allowed)]).await;
    tally.found(label, &found);
}

/// The moderator's queue holding this round's comments.
pub async fn dashboard(b: &Browser, batch: &[Stored], round: usize, tally: &mut Tally) {
    if round == 0 {
        b.js(&format!("{SCAN}\nconfabCanary();"), vec![]).await;
    }
    // Away and back: the queue loads afresh, with the new comments.
    click(b, "[data-testid=tab-search]").await;
    click(b, "[data-testid=tab-queue]").await;
    let ids: Vec<i64> = batch.iter().map(|c| c.id).collect();
    wait_page(
        b,
        "this round's comments in the queue",
        "return arguments[0].every(id => document.querySelector(`[data-testid=row-${id}] .body`))",
        vec![json!(ids)],
    )
    .await;
    let shown = b
        .js(
            "return arguments[0].map(id => {
                 const row = document.querySelector(`[data-testid=row-${id}]`);
                 const page = row.querySelector('.context p > a, .context p > span');
                 return { author: row.querySelector('.row-head b').textContent,
                          head: row.querySelector('.row-head').textContent,
                          body: row.querySelector('.body').textContent,
                          title: page.textContent, url: page.getAttribute('href') };
             });",
            vec![json!(ids)],
        )
        .await;
    for (c, s) in batch.iter().zip(shown.as_array().unwrap()) {
        let id = c.id;
        tally.expect(s["author"] == json!(c.author), || {
            format!("dashboard: author of {id}: {s}")
        });
        let head = s["head"].as_str().unwrap_or_default();
        tally.expect(head.contains(&c.page), || {
            format!("dashboard: page of {id}: {s}")
        });
        tally.expect(s["body"] != json!(""), || {
            format!("dashboard: body of {id}: {s}")
        });
        if c.page == super::PAGE {
            tally.check("dashboard", "body");
            if !c.author.is_empty() {
                tally.check("dashboard", "author");
            }
        } else {
            tally.check("dashboard", "page");
            let title = c.title.as_deref().unwrap_or(&c.page);
            tally.expect(s["title"] == json!(title), || {
                format!("dashboard: title of {id}: {s}")
            });
            tally.expect(s["url"] == json!(c.url), || {
                format!("dashboard: url of {id}: {s}")
            });
            if c.title.is_some() {
                tally.check("dashboard", "title");
            }
            if c.url.is_some() {
                tally.check("dashboard", "url");
            }
        }
    }
    let confab = b.js("return location.origin", vec![]).await;
    let label = format!("dashboard round {round}");
    scan_page(b, &[confab.as_str().unwrap()], &label, tally).await;
}

/// Waits for one e-mail per held comment, then checks them all.
pub async fn mails(b: &Browser, probe: &Probe, all: &[Stored], tally: &mut Tally) -> Vec<String> {
    for _ in 0..300 {
        if probe.docs.lock().unwrap().len() >= all.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let count = probe.docs.lock().unwrap().len();
    assert_eq!(count, all.len(), "one e-mail per held comment");
    framed(b, probe, 0..count, all, "e-mail", tally).await
}

/// The page each e-mailed approve link opens. Fetched from Confab and
/// framed by the probe, which has no content policy to block a handler
/// the way /admin's would: what the markup would do, it does here.
pub async fn confirmation_pages(
    b: &Browser,
    probe: &Probe,
    links: &[String],
    all: &[Stored],
    tally: &mut Tally,
) {
    let from = probe.docs.lock().unwrap().len();
    for link in links {
        let page = reqwest::get(link).await.unwrap();
        assert_eq!(page.status(), 200, "{link}");
        let html = page.text().await.unwrap();
        probe.docs.lock().unwrap().push(html);
    }
    framed(
        b,
        probe,
        from..from + links.len(),
        all,
        "confirmation page",
        tally,
    )
    .await;
}

/// Documents `range` of the probe, 50 frames to a page. Both kinds show
/// the page key and the author in <b> and quote the source; each is matched
/// to its comment by that quote. Returns the approve links found.
async fn framed(
    b: &Browser,
    probe: &Probe,
    range: std::ops::Range<usize>,
    all: &[Stored],
    view: &'static str,
    tally: &mut Tally,
) -> Vec<String> {
    let mut links = Vec::new();
    let mut expected: Vec<&Stored> = all.iter().collect();
    for from in range.clone().step_by(50) {
        let to = (from + 50).min(range.end);
        b.client
            .goto(&format!("{}/docs/{from}/{to}", probe.origin))
            .await
            .unwrap();
        let shown = wait_page(
            b,
            "the documents in their frames",
            "const docs = [...document.querySelectorAll('iframe')].map(f => f.contentDocument);
             if (!docs.every(d => d && d.readyState === 'complete' && d.querySelector('blockquote'))) return null;
             return docs.map(d => { const b = d.querySelectorAll('b');
                 return { page: b[0].textContent, author: b[1].textContent,
                          source: d.querySelector('blockquote').textContent,
                          approve: d.querySelector('a')?.href }; });",
            vec![],
        )
        .await;
        for s in shown.as_array().unwrap() {
            let source = lf(s["source"].as_str().unwrap());
            let at = expected.iter().position(|c| lf(&c.source) == source);
            let c = expected.swap_remove(at.unwrap_or_else(|| panic!("{view} quoting {source:?}")));
            links.extend(s["approve"].as_str().map(str::to_owned));
            let id = c.id;
            tally.expect(s["page"] == json!(c.page), || {
                format!("{view}: page of {id}: {s}")
            });
            // The e-mail names nobody "Anonymous"; the page leaves it blank.
            let anonymous = if view == "e-mail" { "Anonymous" } else { "" };
            let author = if c.author.is_empty() {
                anonymous
            } else {
                &c.author
            };
            tally.expect(s["author"] == json!(author), || {
                format!("{view}: author of {id}: {s}")
            });
            if c.page == super::PAGE {
                tally.check(view, "body");
                if !c.author.is_empty() {
                    tally.check(view, "author");
                }
            } else {
                tally.check(view, "page");
            }
        }
        scan_page(b, &[], &format!("{view}s {from}..{to}"), tally).await;
    }
    links
}

/// The thread in the widget, on the probe's page.
pub async fn widget(
    b: &Browser,
    probe: &Probe,
    site: &Site,
    on_page: &[Stored],
    tally: &mut Tally,
) {
    b.client.goto(&probe.article()).await.unwrap();
    let shown = b
        .wait_widget(
            "every comment in the widget",
            "const items = [...root.querySelectorAll('.cf-item')];
             if (items.length < args[0]) return null;
             return items.map(li => { const a = li.querySelector('.cf-author');
                 return { id: Number(li.dataset.id), author: a.textContent,
                          website: a.getAttribute('href'), body: li.querySelector('.cf-body').innerHTML }; });",
            vec![json!(on_page.len())],
        )
        .await;
    let shown = shown.as_array().unwrap();
    assert_eq!(shown.len(), on_page.len());
    for s in shown {
        let c = on_page
            .iter()
            .find(|c| json!(c.id) == s["id"])
            .expect("a posted comment");
        let id = c.id;
        if !c.author.is_empty() {
            tally.expect(s["author"] == json!(c.author), || {
                format!("widget: author of {id}: {s}")
            });
            tally.check("widget", "author");
        }
        tally.expect(s["website"] == json!(c.website), || {
            format!("widget: website of {id}: {s}")
        });
        if c.website.is_some() {
            tally.check("widget", "website");
        }
        tally.expect(s["body"] != json!(""), || {
            format!("widget: body of {id}: {s}")
        });
        tally.check("widget", "body");
    }
    scan_page(b, &[site.confab.trim_end_matches('/')], "widget", tally).await;
    // An image or stylesheet that got in would show up as a request.
    let foreign = b
        .js(
            "return performance.getEntriesByType('resource').map(e => e.name)
                 .filter(u => !u.startsWith(arguments[0]) && !u.startsWith(arguments[1]));",
            vec![json!(site.confab), json!(probe.origin)],
        )
        .await;
    tally.found("widget requested", &foreign);
}

/// Each payload typed into the widget's composer and previewed.
pub async fn preview(b: &Browser, site: &Site, bodies: &[&str], tally: &mut Tally) {
    // Empty, the preview shows its placeholder: any other text is an answer.
    b.widget_click("[data-testid=composer] [data-testid=preview]")
        .await;
    let empty = b
        .wait_widget(
            "the empty preview",
            "return root.querySelector('[data-testid=composer] [data-testid=preview-body]')?.textContent",
            vec![],
        )
        .await;
    let allowed = [site.confab.trim_end_matches('/')];
    let script = format!("{SCAN}\n{PREVIEW}");
    // A control character is refused: what the preview says then.
    let args = vec![json!(["\u{1}"]), empty.clone(), json!(allowed)];
    let refused = b
        .client
        .execute_async(&script, args)
        .await
        .expect("a preview");
    let refused = refused[0]["text"].clone();
    assert_ne!(refused, Value::Null);
    // At most 2 s each, so a chunk stays inside WebDriver's 30 s script limit.
    for (n, chunk) in bodies.chunks(12).enumerate() {
        let args = vec![json!(chunk), empty.clone(), json!(allowed)];
        let result = b
            .client
            .execute_async(&script, args)
            .await
            .expect("previews");
        for r in result.as_array().unwrap() {
            if r["text"] != refused {
                tally.check("preview", "body");
            }
            tally.found(&format!("preview chunk {n}"), &r["found"]);
        }
    }
    scan_page(b, &allowed, "preview", tally).await;
}

/// For each body: write it, open the preview, wait for the server's HTML
/// (or its refusal) to replace the placeholder, and scan the composer.
const PREVIEW: &str = "
const [bodies, empty, allowed, done] = arguments;
const composer = document.querySelector('[data-confab]').shadowRoot
    .querySelector('[data-testid=composer]');
const q = (s) => composer.querySelector(s);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const out = [];
  for (const body of bodies) {
    try {
      q('[data-testid=write]').click();
      await sleep(0);
      const area = q('[data-testid=body]');
      area.value = body;
      area.dispatchEvent(new Event('input', { bubbles: true }));
      q('[data-testid=preview]').click();
      let el = null;
      for (let i = 0; i < 150 && !el; i++) {
        await sleep(10);
        el = q('[data-testid=preview-body]');
        if (el && el.textContent === empty) el = null;
      }
      out.push({ text: el && el.textContent,
                 found: el ? confabScan(composer, allowed) : [`no preview for ${JSON.stringify(body)}`] });
    } catch (e) {
      // A payload that broke the composer is a finding, not a hang.
      out.push({ text: null, found: [`previewing ${JSON.stringify(body)}: ${e}`] });
    }
  }
  done(out);
})();
";

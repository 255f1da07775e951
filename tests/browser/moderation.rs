//! Moderation in a real browser: the e-mailed approve link, and the
//! dashboard's login, queue and keyboard shortcuts.

use std::time::Duration;

use confab::config::{Smtp, SmtpTls};
use confab_api::CommentStatus;
use serde_json::{json, Value};

use crate::harness::{browser, spawn_site_with, Browser, Site};
use confab_testkit::{decode_qp, SmtpSink};

pub const MODERATOR: &str = "mod@example.org";
const PASSWORD: &str = "correct horse battery";

/// The demo site holding every comment for moderation, mailing through `smtp`.
async fn held_site(smtp: Option<u16>) -> Site {
    held_site_with(smtp, |_| {}).await
}

/// Like [`held_site`], with the test's other changes to the configuration.
pub async fn held_site_with(
    smtp: Option<u16>,
    configure: impl FnOnce(&mut confab::Config),
) -> Site {
    let site = spawn_site_with(|c| {
        c.sites[0].moderation = confab::store::Moderation::All;
        c.smtp = smtp.map(|port| Smtp {
            host: "127.0.0.1".into(),
            port,
            username: None,
            password: None,
            from: "Confab <confab@example.org>".into(),
            tls: SmtpTls::None,
        });
        configure(c);
    })
    .await;
    let store = &site.state.store;
    let demo = store.site("demo").await.unwrap().expect("demo site").id;
    let hash = confab::domain::password::hash(PASSWORD, &mut Default::default()).unwrap();
    store
        .add_moderator(MODERATOR, Some(&hash), &[demo])
        .await
        .unwrap();
    site
}

/// Polls `script` in the page (not the widget) until it returns something
/// truthy, for up to 15 s.
pub async fn wait_page(b: &Browser, what: &str, script: &str, args: Vec<Value>) -> Value {
    for _ in 0..150 {
        let v = b.js(script, args.clone()).await;
        if !matches!(v, Value::Null | Value::Bool(false)) && v != json!("") {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let html = b.js("return document.body.innerHTML", vec![]).await;
    panic!("waited 15 s for {what}; the page holds: {html}");
}

pub async fn click(b: &Browser, selector: &str) {
    let el = b
        .client
        .wait()
        .for_element(fantoccini::Locator::Css(selector));
    el.await.expect(selector).click().await.unwrap();
}

/// Opens the dashboard and logs in through its form.
pub async fn log_in(b: &Browser, site: &Site) {
    b.client
        .goto(&format!("{}admin", site.confab))
        .await
        .unwrap();
    let css = fantoccini::Locator::Css;
    let email = b
        .client
        .wait()
        .for_element(css("[data-testid=login-email]"));
    email.await.unwrap().send_keys(MODERATOR).await.unwrap();
    let password = b.client.find(css("[data-testid=login-password]"));
    password.await.unwrap().send_keys(PASSWORD).await.unwrap();
    click(b, "[data-testid=login-submit]").await;
}

/// Types `text` into the element matched by `selector`, once it exists.
async fn type_into(b: &Browser, selector: &str, text: &str) {
    let el = b
        .client
        .wait()
        .for_element(fantoccini::Locator::Css(selector));
    el.await.expect(selector).send_keys(text).await.unwrap();
}

async fn status_of(site: &Site, id: i64) -> CommentStatus {
    let c = site.state.store.admin_comment(id).await.unwrap();
    c.expect("comment").status()
}

#[tokio::test]
async fn an_e_mailed_approve_link_asks_first_then_publishes_into_the_open_widget() {
    let mut sink = SmtpSink::start().await;
    let site = held_site(Some(sink.port)).await;
    let reader = browser().await;
    reader.client.goto(&site.article).await.unwrap();
    reader.wait_shadow_text("empty").await;
    // Another reader posts; the open widget must not show it while held.
    site.post_comment("Please hold me", None).await;

    let mail = sink.next().await;
    assert_eq!(mail.recipients, [MODERATOR]);
    let data = decode_qp(&mail.data);
    let at = data.find("Approve: ").expect("an approve link");
    let link = data[at..].split_whitespace().nth(1).unwrap().to_owned();
    assert!(
        link.starts_with(&format!("{}admin/mail?token=", site.confab)),
        "{link}"
    );
    assert!(
        reader.shadow_text("empty").await.is_some(),
        "held, so not shown"
    );

    let moderator = browser().await;
    moderator.client.goto(&link).await.unwrap();
    let title = moderator.js("return document.querySelector('h1').textContent", vec![]);
    assert_eq!(title.await, json!("Approve this comment?"));
    let quoted = moderator.js(
        "return document.querySelector('blockquote').textContent",
        vec![],
    );
    assert_eq!(quoted.await, json!("Please hold me"));
    click(&moderator, "form button").await;
    let done = wait_page(
        &moderator,
        "the confirmation",
        "const h = document.querySelector('h1'); return h && h.textContent === 'Done' && document.body.textContent",
        vec![],
    )
    .await;
    assert!(done.as_str().unwrap().contains("now approved"), "{done}");

    let text = reader
        .wait_widget(
            "the approved comment, live",
            "return root.querySelector('.cf-item .cf-body')?.textContent",
            vec![],
        )
        .await;
    assert_eq!(text, json!("Please hold me"));
    reader.close().await;
    moderator.close().await;
}

#[tokio::test]
async fn a_moderator_logs_in_and_approves_the_held_comment_with_the_a_key() {
    let site = held_site(None).await;
    let held = site.post_comment("Waiting for a moderator", None).await;
    let id = held["id"].as_i64().unwrap();
    assert_eq!(status_of(&site, id).await, CommentStatus::Pending);

    let b = browser().await;
    log_in(&b, &site).await;

    let row = format!("[data-testid=row-{id}]");
    let body = wait_page(
        &b,
        "the held comment in the queue",
        "return document.querySelector(arguments[0] + ' .body')?.textContent",
        vec![json!(row)],
    )
    .await;
    assert_eq!(body, json!("Waiting for a moderator"));
    let focused = b.js(
        "return document.querySelector(arguments[0]).getAttribute('aria-current')",
        vec![json!(row)],
    );
    assert_eq!(
        focused.await,
        json!("true"),
        "the newest item has the keyboard"
    );

    b.press(&[], "a").await;
    wait_page(
        &b,
        "the approved comment to leave the queue",
        "return !document.querySelector(arguments[0]) && document.querySelector('[data-testid=queue-empty]')",
        vec![json!(row)],
    )
    .await;
    assert_eq!(status_of(&site, id).await, CommentStatus::Approved);
    let notice = b.js(
        "return document.querySelector('[data-testid=notice]').textContent",
        vec![],
    );
    assert_eq!(notice.await, json!(format!("Comment {id}: approved")));
    b.close().await;
}

#[tokio::test]
async fn a_moderator_bulk_marks_spam_with_x_then_searches_bans_and_reads_the_audit_log() {
    let site = held_site(None).await;
    let first = site.post_comment("Buy cheap watches", None).await["id"].clone();
    let second = site.post_comment("Cheap watches again", None).await["id"].clone();
    let b = browser().await;
    log_in(&b, &site).await;
    let both = "return document.querySelectorAll('[data-testid^=row-]').length === 2";
    wait_page(&b, "both held comments", both, vec![]).await;

    // Newest first: select it, move down, select the other.
    b.press(&[], "xjx").await;
    let count = "return document.querySelector('[data-testid=selected-count]').textContent";
    assert_eq!(b.js(count, vec![]).await, json!("2 selected"));
    click(&b, "[data-testid=bulk-spam]").await;
    for id in [&first, &second] {
        let status = format!("[data-testid=status-{id}]");
        let spam = "return document.querySelector(arguments[0])?.textContent === 'spam'";
        wait_page(&b, "the spam badge", spam, vec![json!(status)]).await;
        let id = id.as_i64().unwrap();
        assert_eq!(status_of(&site, id).await, CommentStatus::Spam);
    }

    click(&b, "[data-testid=tab-search]").await;
    type_into(&b, "[data-testid=search-q]", "again").await;
    click(&b, "[data-testid=search-go]").await;
    let found =
        "const rows = document.querySelectorAll('[data-testid=search] [data-testid^=row-]');
                 return rows.length === 1 && rows[0].dataset.testid";
    let found = wait_page(&b, "one search result", found, vec![]).await;
    assert_eq!(found, json!(format!("row-{second}")));

    click(&b, "[data-testid=tab-bans]").await;
    type_into(&b, "[data-testid=ban-value]", "spammer@example.org").await;
    click(&b, "[data-testid=ban-add]").await;
    let listed = "return [...document.querySelectorAll('tr[data-testid^=ban-]')]
                  .map(r => r.textContent).join()";
    let listed = wait_page(&b, "the new ban", listed, vec![]).await;
    assert!(
        listed.as_str().unwrap().contains("spammer@example.org"),
        "{listed}"
    );
    click(&b, "tr[data-testid^=ban-] button").await;
    let gone = "return !document.querySelector('tr[data-testid^=ban-]')";
    wait_page(&b, "the ban to be removed", gone, vec![]).await;

    click(&b, "[data-testid=tab-audit]").await;
    let log = "return [...document.querySelectorAll('tr[data-testid^=audit-]')]
               .map(r => r.textContent).join('|')";
    let log = wait_page(&b, "the audit log", log, vec![]).await;
    let log = log.as_str().unwrap();
    for id in [&first, &second] {
        assert!(log.contains(&format!("comment:{id}")), "{log}");
    }
    assert!(log.contains(MODERATOR), "{log}");
    b.close().await;
}

#[tokio::test]
async fn a_moderator_edits_pins_and_locks_from_the_queue_and_saves_suspect_words() {
    let site = held_site(None).await;
    let id = site.post_comment("Teh typo", None).await["id"]
        .as_i64()
        .unwrap();
    let b = browser().await;
    log_in(&b, &site).await;

    click(&b, &format!("[data-testid=edit-{id}]")).await;
    let area = format!("[data-testid=row-{id}] textarea");
    let el = b.client.wait().for_element(fantoccini::Locator::Css(&area));
    let el = el.await.unwrap();
    el.clear().await.unwrap();
    el.send_keys("The typo, fixed").await.unwrap();
    click(&b, &format!("[data-testid=save-{id}]")).await;
    let body = "return document.querySelector(arguments[0])?.textContent";
    let body = wait_page(
        &b,
        "the edited text",
        body,
        vec![json!(format!("[data-testid=row-{id}] .body"))],
    );
    assert_eq!(body.await, json!("The typo, fixed"));

    click(&b, &format!("[data-testid=pin-{id}]")).await;
    let unpin = "return !!document.querySelector(arguments[0])";
    wait_page(
        &b,
        "the unpin button",
        unpin,
        vec![json!(format!("[data-testid=unpin-{id}]"))],
    )
    .await;
    let stored = site.state.store.admin_comment(id).await.unwrap().unwrap();
    assert!(stored.pinned);

    let lock = format!("[data-testid=lock-{id}]");
    click(&b, &lock).await;
    let unlocked = "return document.querySelector(arguments[0]).textContent === 'Unlock page'";
    wait_page(&b, "the page to be locked", unlocked, vec![json!(lock)]).await;
    let demo = site.state.store.site("demo").await.unwrap().unwrap().id;
    let page = site
        .state
        .store
        .page(demo, "/news/night-buses-return")
        .await;
    assert!(page.unwrap().expect("the page").locked);

    click(&b, "[data-testid=tab-words]").await;
    type_into(&b, "[data-testid=suspect-words]", "casino").await;
    click(&b, "[data-testid=settings-save]").await;
    let saved =
        "return document.querySelector('[data-testid=notice]').textContent === 'Settings saved'";
    wait_page(&b, "the saved notice", saved, vec![]).await;
    // Away and back: the form reloads what the server stored.
    click(&b, "[data-testid=tab-audit]").await;
    click(&b, "[data-testid=tab-words]").await;
    let words = "return document.querySelector('[data-testid=suspect-words]')?.value";
    assert_eq!(
        wait_page(&b, "the stored words", words, vec![]).await,
        json!("casino")
    );
    b.close().await;
}

//! Starts the real server on a fresh SQLite database, a separate origin that
//! serves the demo article, and a headless Chromium driven over WebDriver.

use std::time::Duration;

use confab_testkit::{Chromedriver, Served};
use fantoccini::Client;
use serde_json::{json, Value};
use tokio::net::TcpListener;

/// Confab and a demo article on another origin.
pub struct Site {
    /// Confab's base URL, with a trailing slash.
    pub confab: String,
    /// The article page, on a different port and so a different origin.
    pub article: String,
    /// The running server's state, for set-up through the store.
    pub state: confab::AppState,
    _served: Served,
    _db: tempfile::TempDir,
}

/// An HTTP client for tests that hold it across browser steps. Its pool
/// drops a connection after 1 s idle, well inside the server's 5 s
/// keep-alive: a request sent on a connection just as the server closes it
/// fails with `IncompleteMessage`, and a POST is not retried.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(Duration::from_secs(1))
        .build()
        .expect("a reqwest client")
}

pub async fn spawn_site() -> Site {
    spawn_site_with(|_| {}).await
}

/// Like [`spawn_site`], with the test's changes to the configuration.
pub async fn spawn_site_with(configure: impl FnOnce(&mut confab::Config)) -> Site {
    let article_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let article_origin = format!("http://{}", article_listener.local_addr().unwrap());
    let db = tempfile::tempdir().unwrap();
    // A plain file URL, as a site owner writes it: the server creates it.
    let url = format!("sqlite://{}", db.path().join("confab.db").display());
    let served = confab_testkit::spawn_app(|address| {
        let mut config = confab::Config::for_tests(&url, &[article_origin.as_str()]);
        // The address e-mailed links point at.
        config.public_url = Some(address.to_owned());
        configure(&mut config);
        config
    })
    .await;
    let confab = format!("{}/", served.address);

    let page = confab::demo::article_html(&format!("{confab}embed.js"));
    // The article's own policy, so that every widget test shows the widget
    // works under it.
    let csp = confab::demo::content_security_policy(&served.address);
    let listing = listing_html(&confab);
    let app = axum::Router::new()
        .route(
            "/news/night-buses-return",
            axum::routing::get(move || async move {
                let policy = [(axum::http::header::CONTENT_SECURITY_POLICY, csp)];
                (policy, axum::response::Html(page))
            }),
        )
        .route(
            "/news/",
            axum::routing::get(move || async move { axum::response::Html(listing) }),
        );
    tokio::spawn(async move { axum::serve(article_listener, app).await });

    Site {
        confab,
        article: format!("{article_origin}/news/night-buses-return"),
        state: served.state.clone(),
        _served: served,
        _db: db,
    }
}

/// A site that allows one more origin, and that origin serving what
/// `routes` makes of the demo article (which loads the widget from the site).
pub async fn site_and_article_elsewhere(
    routes: impl FnOnce(String) -> axum::Router,
) -> (Site, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let site = spawn_site_with(|c| c.sites[0].origins.push(origin.clone())).await;
    let app = routes(confab::demo::article_html(&format!(
        "{}embed.js",
        site.confab
    )));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (site, origin)
}

/// The demo article at its usual path on another allowed origin, with
/// `from` (which it must hold) replaced by `to`.
pub async fn site_with_article_changed(from: &str, to: &str) -> (Site, String) {
    let (from, to) = (from.to_owned(), to.to_owned());
    site_and_article_elsewhere(move |article| {
        assert!(article.contains(&from), "the article holds {from}");
        let article = article.replace(&from, &to);
        axum::Router::new().route(
            "/news/night-buses-return",
            axum::routing::get(move || async move { axum::response::Html(article) }),
        )
    })
    .await
}

/// A listing page as a site would write one: a count per article, filled
/// by `count.js` without loading the widget.
fn listing_html(confab: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><title>News</title></head><body>
<ul>
<li><a href="/news/night-buses-return">Night buses return</a>
  <span data-confab-count="/news/night-buses-return" data-one="{{n}} comment" data-many="{{n}} comments">…</span></li>
<li><a href="/news/quiet-week">A quiet week</a>
  <span data-confab-count="/news/quiet-week">…</span></li>
</ul>
<script src="{confab}count.js" data-site="demo" async></script>
</body></html>"#
    )
}

/// JavaScript defining `overflow()`: how far the page scrolls sideways, and
/// the widget's elements that stick out of the window. Prepended to a
/// script run by [`Browser::in_widget`].
pub const OVERFLOW: &str = "const overflow = () => {
    const page = document.documentElement;
    const wide = [...root.querySelectorAll('*')].filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width && (r.left < -0.5 || r.right > page.clientWidth + 0.5);
    }).map((e) => e.className || e.tagName);
    return { page: page.scrollWidth - page.clientWidth, wide };
};";

/// A headless Chromium with its own profile, closed when dropped.
pub struct Browser {
    pub client: Client,
    _driver: Chromedriver,
    _profile: tempfile::TempDir,
}

pub async fn browser() -> Browser {
    let driver = Chromedriver::start().expect("chromedriver starts");
    let session = driver.session().await.expect("a Chromium session");
    Browser::new(driver, session)
}

/// Like [`browser`], set to prefer `languages` (`"de-DE,de"`).
pub async fn browser_speaking(languages: &str) -> Browser {
    let driver = Chromedriver::start().expect("chromedriver starts");
    let session = driver.session_speaking(languages).await;
    Browser::new(driver, session.expect("a Chromium session"))
}

/// Like [`browser`], for a reader who turned JavaScript off.
pub async fn browser_without_javascript() -> Browser {
    let driver = Chromedriver::start().expect("chromedriver starts");
    let session = driver.session_without_javascript().await;
    Browser::new(driver, session.expect("a Chromium session"))
}

/// Like [`browser`], for a reader whose OS is in dark mode.
pub async fn browser_in_dark_mode() -> Browser {
    let driver = Chromedriver::start().expect("chromedriver starts");
    let session = driver.session_in_dark_mode().await;
    Browser::new(driver, session.expect("a Chromium session"))
}

impl Browser {
    fn new(driver: Chromedriver, session: confab_testkit::Session) -> Self {
        Browser {
            client: session.client,
            _driver: driver,
            _profile: session.profile,
        }
    }

    /// axe-core's violations inside the page's first placeholder. axe comes
    /// from the test, never from the page, and is injected on first use in
    /// each page.
    pub async fn axe_violations(&self) -> Value {
        self.axe_violations_in("[data-confab]").await
    }

    /// axe-core's violations inside the first element `selector` matches.
    pub async fn axe_violations_in(&self, selector: &str) -> Value {
        if self.js("return !window.axe", vec![]).await == json!(true) {
            let axe_js = std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/node_modules/axe-core/axe.min.js"
            ))
            .expect("axe-core is installed: run `npm ci` in tests/");
            self.js(&format!("{axe_js}\nreturn true;"), vec![]).await;
        }
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document.querySelector(arguments[0]), { resultTypes: ['violations'] })
                    .then(r => done(r.violations.map(v => ({ id: v.id,
                        nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary) }))))
                    .catch(e => done(String(e)));",
                vec![json!(selector)],
            )
            .await
            .unwrap()
    }

    /// Scrolls the first placeholder into view, as a reader scrolling down
    /// to the comments does (the widget loads only near the viewport).
    pub async fn scroll_to_widget(&self) {
        let scroll = "document.querySelector('[data-confab]').scrollIntoView(); return true";
        self.js(scroll, vec![]).await;
    }

    /// Saves what the reader sees around the widget's element `at` (a
    /// selector in its shadow root) as `<name>.png` among the test
    /// artifacts, for people to look at.
    pub async fn screenshot(&self, name: &str, at: &str) {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("artifacts");
        std::fs::create_dir_all(&dir).unwrap();
        let scroll = "root.querySelector(args[0]).scrollIntoView({ block: 'center' }); return true";
        self.in_widget(scroll, vec![json!(at)]).await;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, self.client.screenshot().await.unwrap()).unwrap();
        eprintln!("{name}: {}", path.display());
    }

    /// Runs `script` in the page with `args`, returning its JSON result.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .expect("script runs")
    }

    /// Text of the element with `data-testid` inside the first widget's
    /// shadow root, or None while it is not there.
    pub async fn shadow_text(&self, testid: &str) -> Option<String> {
        let v = self
            .js(
                "const r = document.querySelector('[data-confab]')?.shadowRoot;
                 const el = r && r.querySelector(`[data-testid=\"${arguments[0]}\"]`);
                 return el ? el.textContent : null;",
                vec![json!(testid)],
            )
            .await;
        v.as_str().map(str::to_owned)
    }

    /// Waits up to 15 s for `testid` to appear inside the widget.
    pub async fn wait_shadow_text(&self, testid: &str) -> String {
        for _ in 0..150 {
            if let Some(t) = self.shadow_text(testid).await {
                return t;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let html = self
            .js(
                "return document.querySelector('[data-confab]')?.shadowRoot?.innerHTML ?? 'no shadow root'",
                vec![],
            )
            .await;
        panic!("no [data-testid={testid}] in the widget after 15 s; it holds: {html}");
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// The W3C WebDriver key under which a script's returned element arrives.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Site {
    /// The score of the page's first comment, as the server now counts it.
    pub async fn first_score(&self) -> Value {
        let thread = format!(
            "{}api/v1/sites/demo/thread?page=/news/night-buses-return",
            self.confab
        );
        let t: Value = reqwest::get(&thread).await.unwrap().json().await.unwrap();
        t["comments"][0]["score"].clone()
    }

    /// Posts a comment through the API as another reader would, from the
    /// article's origin; returns the created comment's JSON.
    pub async fn post_comment(&self, body: &str, parent: Option<i64>) -> Value {
        self.post_comment_as("Ada", body, parent).await
    }

    /// Like [`Site::post_comment`], by `author`.
    pub async fn post_comment_as(&self, author: &str, body: &str, parent: Option<i64>) -> Value {
        let origin = self.article.split("/news/").next().unwrap().to_owned();
        let resp = reqwest::Client::new()
            .post(format!("{}api/v1/sites/demo/comments", self.confab))
            .header("origin", origin)
            .json(
                &json!({ "page": "/news/night-buses-return", "author": author,
                           "body": body, "parent": parent }),
            )
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "post: {}", resp.status());
        resp.json::<Value>().await.unwrap()["comment"].clone()
    }
}

impl Browser {
    /// Runs `body` as a function of `root` (the first widget's shadow root)
    /// and `args`, returning its JSON result; null while there is no widget
    /// yet (it mounts lazily, after the page has loaded), and while the
    /// server's HTML still stands in for it.
    pub async fn in_widget(&self, body: &str, args: Vec<Value>) -> Value {
        let script = format!(
            "const root = document.querySelector('[data-confab]')?.shadowRoot;
             if (!root?.querySelector('[data-testid=thread]') || root.querySelector('.cf-static')) return null;
             const args = arguments; {body}"
        );
        self.js(&script, args).await
    }

    /// Polls `body` (see [`Browser::in_widget`]) until it returns something
    /// truthy, for up to 15 s, and returns that.
    pub async fn wait_widget(&self, what: &str, body: &str, args: Vec<Value>) -> Value {
        for _ in 0..150 {
            let v = self.in_widget(body, args.clone()).await;
            if !matches!(v, Value::Null | Value::Bool(false)) && v != json!("") && v != json!(0) {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // The placeholder's whole shadow root, and which requests finished:
        // a widget that never showed its thread says what it got instead.
        let seen = self
            .js(
                "return { shadow: document.querySelector('[data-confab]')?.shadowRoot?.innerHTML ?? null,
                          done: performance.getEntriesByType('resource').map((e) => e.name) };",
                vec![],
            )
            .await;
        panic!("waited 15 s for {what}; the page holds: {seen}");
    }

    /// The element inside the widget matched by `selector`, once it exists.
    pub async fn widget_el(&self, selector: &str) -> fantoccini::elements::Element {
        let v = self
            .wait_widget(
                selector,
                "return root.querySelector(args[0])",
                vec![json!(selector)],
            )
            .await;
        let id = v[ELEMENT_KEY].as_str().expect("an element").to_owned();
        fantoccini::elements::Element::from_element_id(self.client.clone(), id.into())
    }

    /// Clicks the element matched by `selector` inside the widget.
    pub async fn widget_click(&self, selector: &str) {
        self.widget_el(selector).await.click().await.unwrap();
    }

    /// Types `text` into the element matched by `selector` inside the widget.
    pub async fn widget_type(&self, selector: &str, text: &str) {
        self.widget_el(selector)
            .await
            .send_keys(text)
            .await
            .unwrap();
    }

    /// Presses keys on whatever has focus, as a keyboard would: every char
    /// of `keys` goes down and up in turn; `chord` keys stay held around them.
    pub async fn press(&self, chord: &[char], keys: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut seq = KeyActions::new("keyboard".into());
        for &c in chord {
            seq = seq.then(KeyAction::Down { value: c });
        }
        for c in keys.chars() {
            seq = seq
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        for &c in chord.iter().rev() {
            seq = seq.then(KeyAction::Up { value: c });
        }
        self.client.perform_actions(seq).await.unwrap();
    }
}

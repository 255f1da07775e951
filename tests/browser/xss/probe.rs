//! The XSS test's own origin: a host page that embeds the widget with the
//! canary installed before anything renders, and documents to look at (the
//! moderators' e-mails as their HTML part, the pages their links open), each
//! served with the canary (never as a data: URL, which is what we ban) and
//! shown in same-origin frames so the scan can walk them.

use std::sync::{Arc, Mutex};

use axum::{
    extract::{Path, State},
    response::Html,
    routing::get,
    Router,
};
use tokio::net::TcpListener;

use super::SCAN;

/// The canary, first in every page the probe serves.
fn canary() -> String {
    format!("<script data-xss-probe>{SCAN}\nconfabCanary();</script>")
}

#[derive(Clone)]
pub struct Probe {
    /// `http://127.0.0.1:port`, no trailing slash.
    pub origin: String,
    /// The documents served at `/doc/{n}`: e-mails, then other pages.
    pub docs: Docs,
    listener: Arc<Mutex<Option<TcpListener>>>,
}

impl Probe {
    /// Binds the port first, so the origin can go into Confab's config.
    pub async fn bind() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self {
            origin: format!("http://{}", listener.local_addr().unwrap()),
            docs: Arc::default(),
            listener: Arc::new(Mutex::new(Some(listener))),
        }
    }

    /// Serves `/article` (embedding the widget from `confab`) and the docs.
    pub fn serve(&self, confab: &str) {
        let host = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>XSS probe</title>{canary}</head><body><h1>XSS probe</h1>\
             <div data-confab data-site=\"demo\" data-page=\"{PAGE}\"></div>\
             <script src=\"{confab}embed.js\" async></script></body></html>",
            canary = canary()
        );
        // The same, on its own page, with a hostile title for the widget to
        // send (escaped here, as any host page must write its attributes).
        let titled = host.replace(
            &format!("data-page=\"{PAGE}\""),
            &format!(
                "data-page=\"{TITLED}\" data-title=\"{}\"",
                maud::html! { (TITLE) }.into_string()
            ),
        );
        let app = Router::new()
            .route("/article", get(move || async move { Html(host) }))
            .route("/titled", get(move || async move { Html(titled) }))
            .route("/doc/{n}", get(doc))
            .route("/docs/{from}/{to}", get(frames))
            .with_state(self.docs.clone());
        let listener = self.listener.lock().unwrap().take().expect("served once");
        tokio::spawn(async move { axum::serve(listener, app).await });
    }

    pub fn article(&self) -> String {
        format!("{}/article", self.origin)
    }
}

/// The page every payload's first comment goes on.
pub const PAGE: &str = "/news/night-buses-return";
/// The page whose title the widget itself sends, and that title: a script
/// end, line and paragraph separators, quotes and a handler.
pub const TITLED: &str = "/xss/titled";
pub const TITLE: &str =
    "</script><script>__confab_xss(1)</script>\u{2028}x\u{2029}\"';alert(2)//<svg onload=alert(3)>";

pub type Docs = Arc<Mutex<Vec<String>>>;

/// One document with the canary first in its head.
async fn doc(State(docs): State<Docs>, Path(n): Path<usize>) -> Html<String> {
    let html = docs.lock().unwrap()[n].clone();
    Html(match html.find("<head>") {
        Some(at) => format!("{}{}{}", &html[..at + 6], canary(), &html[at + 6..]),
        None => html.replacen("<html>", &format!("<html><head>{}</head>", canary()), 1),
    })
}

/// Documents `from..to`, one frame each.
async fn frames(Path((from, to)): Path<(usize, usize)>) -> Html<String> {
    let frames: String = (from..to)
        .map(|n| format!("<iframe data-xss-probe src=\"/doc/{n}\"></iframe>"))
        .collect();
    Html(format!(
        "<!doctype html><html><head>{}</head><body>{frames}</body></html>",
        canary()
    ))
}

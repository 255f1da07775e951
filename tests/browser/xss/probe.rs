//! The XSS test's own origin: a host page that embeds the widget with the
//! canary installed before anything renders, and the moderators' e-mails,
//! each served as its HTML part (never as a data: URL, which is what we ban)
//! inside same-origin frames so the scan can walk them.

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
    /// The HTML parts of the e-mails received so far.
    pub mails: Arc<Mutex<Vec<String>>>,
    listener: Arc<Mutex<Option<TcpListener>>>,
}

impl Probe {
    /// Binds the port first, so the origin can go into Confab's config.
    pub async fn bind() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self {
            origin: format!("http://{}", listener.local_addr().unwrap()),
            mails: Arc::default(),
            listener: Arc::new(Mutex::new(Some(listener))),
        }
    }

    /// Serves `/article` (embedding the widget from `confab`) and the mails.
    pub fn serve(&self, confab: &str) {
        let host = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>XSS probe</title>{canary}</head><body><h1>XSS probe</h1>\
             <div data-confab data-site=\"demo\" data-page=\"{PAGE}\"></div>\
             <script src=\"{confab}embed.js\" async></script></body></html>",
            canary = canary()
        );
        let app = Router::new()
            .route("/article", get(move || async move { Html(host) }))
            .route("/mail/{n}", get(mail))
            .route("/mails/{from}/{to}", get(frames))
            .with_state(self.mails.clone());
        let listener = self.listener.lock().unwrap().take().expect("served once");
        tokio::spawn(async move { axum::serve(listener, app).await });
    }

    pub fn article(&self) -> String {
        format!("{}/article", self.origin)
    }
}

/// The page every payload's first comment goes on.
pub const PAGE: &str = "/news/night-buses-return";

type Mails = Arc<Mutex<Vec<String>>>;

/// One e-mail's HTML part as a moderator's mail client would show it, with
/// the canary added in a head of its own.
async fn mail(State(mails): State<Mails>, Path(n): Path<usize>) -> Html<String> {
    let html = mails.lock().unwrap()[n].clone();
    Html(html.replacen("<html>", &format!("<html><head>{}</head>", canary()), 1))
}

/// Mails `from..to`, one frame each.
async fn frames(Path((from, to)): Path<(usize, usize)>) -> Html<String> {
    let frames: String = (from..to)
        .map(|n| format!("<iframe data-xss-probe src=\"/mail/{n}\"></iframe>"))
        .collect();
    Html(format!(
        "<!doctype html><html><head>{}</head><body>{frames}</body></html>",
        canary()
    ))
}

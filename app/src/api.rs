//! The only place that talks HTTP: a typed client over the shared wire types.
//!
//! It calls `fetch` directly instead of going through gloo-net: the widget
//! needs a handful of JSON requests, and gloo-net's streams and error types
//! cost several kilobytes of the size budget.

use confab_api::{
    AuthorToken, Comment, CreatedComment, EditComment, ErrorCode, NewComment, Preview,
    PreviewRequest, Sort, Thread, VoteRequest, VoteResult,
};
use wasm_bindgen::{JsCast, JsValue};

use crate::json::{self, FromJs};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCredentials, RequestInit, Response};

/// What went wrong, in terms the UI can translate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ApiFailure {
    /// The server refused with one of its stable codes.
    Api(ErrorCode),
    /// No usable answer: offline, blocked, or the server is down.
    Network,
}

/// Names the reader to the server: the token it issued them, kept in
/// localStorage, which counts votes once and recognises returning commenters.
const AUTHOR: &str = "X-Confab-Author";

pub type ApiResult<T> = Result<T, ApiFailure>;

#[derive(Clone, Debug)]
pub struct Client {
    /// The Confab server, with a trailing slash.
    base: String,
    site: String,
}

impl Client {
    pub fn new(base: String, site: String) -> Self {
        Self { base, site }
    }

    pub fn site(&self) -> &str {
        &self.site
    }

    fn site_url(&self, rest: &str) -> String {
        format!("{}api/v1/sites/{}/{rest}", self.base, enc(&self.site))
    }

    fn comment_url(&self, id: i64, rest: &str) -> String {
        format!("{}api/v1/comments/{id}{rest}", self.base)
    }

    /// A page of top-level comments, or with `parent`, of that comment's
    /// replies (which read oldest first whatever the sort).
    pub async fn thread(
        &self,
        page: &str,
        sort: Sort,
        cursor: Option<&str>,
        parent: Option<i64>,
    ) -> ApiResult<Thread> {
        let mut url = format!(
            "{}?page={}&sort={}",
            self.site_url("thread"),
            enc(page),
            sort.as_str()
        );
        if let Some(c) = cursor {
            url = format!("{url}&cursor={}", enc(c));
        }
        if let Some(p) = parent {
            url = format!("{url}&parent={p}");
        }
        decode(send("GET", &url, None, None).await?)
    }

    /// Posts a comment. The flag is true when the server held it for
    /// moderation (202 rather than 201).
    pub async fn post(&self, new: &NewComment) -> ApiResult<(bool, CreatedComment)> {
        let url = self.site_url("comments");
        let resp = self.as_reader(&url, json::new_comment(new)).await?;
        let held = resp.0 == 202;
        Ok((held, decode(resp)?))
    }

    pub async fn edit(&self, id: i64, token: &str, text: String) -> ApiResult<Comment> {
        let req = json::edit(&EditComment { body: text });
        let auth = bearer(token);
        decode(
            send(
                "PATCH",
                &self.comment_url(id, ""),
                Some(req),
                Some(("Authorization", &auth)),
            )
            .await?,
        )
    }

    pub async fn delete(&self, id: i64, token: &str) -> ApiResult<()> {
        let auth = bearer(token);
        send(
            "DELETE",
            &self.comment_url(id, ""),
            None,
            Some(("Authorization", &auth)),
        )
        .await
        .map(drop)
    }

    /// Votes as the reader (see [`Self::as_reader`]), which lets the server
    /// count one vote per reader without a cookie.
    pub async fn vote(&self, id: i64, value: i8) -> ApiResult<VoteResult> {
        let url = self.comment_url(id, "/vote");
        decode(
            self.as_reader(&url, json::vote(&VoteRequest { value }))
                .await?,
        )
    }

    /// POSTs `body` as the reader, with the author token the server issued
    /// them: asked for once and kept. A token the server refuses (401), such
    /// as one this widget made up before the server issued them, is
    /// replaced, once.
    async fn as_reader(&self, url: &str, body: String) -> ApiResult<(u16, String)> {
        let mut fresh = false;
        loop {
            let me = match crate::storage::get("author") {
                Some(t) => t,
                None => {
                    let authors = format!("{}api/v1/authors", self.base);
                    let t: AuthorToken = decode(send("POST", &authors, None, None).await?)?;
                    crate::storage::set("author", &t.token);
                    fresh = true;
                    t.token
                }
            };
            match send("POST", url, Some(body.clone()), Some((AUTHOR, &me))).await {
                Err(ApiFailure::Api(ErrorCode::Unauthorized)) if !fresh => {
                    crate::storage::set("author", "");
                }
                r => return r,
            }
        }
    }

    pub async fn preview(&self, text: String) -> ApiResult<Preview> {
        let url = format!("{}api/v1/preview", self.base);
        decode(
            send(
                "POST",
                &url,
                Some(json::preview(&PreviewRequest { body: text })),
                None,
            )
            .await?,
        )
    }

    pub fn events_url(&self, page: &str) -> String {
        format!("{}?page={}", self.site_url("events"), enc(page))
    }
}

fn enc(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn decode<T: FromJs>((_, text): (u16, String)) -> ApiResult<T> {
    json::parse(&text).ok_or(ApiFailure::Network)
}

/// Sends one request without cookies; see [`answer`]. Only the
/// requests that need it carry an extra `header`, so that reading a thread
/// stays a simple request without a CORS preflight.
async fn send(
    method: &str,
    url: &str,
    body: Option<String>,
    header: Option<(&str, &str)>,
) -> ApiResult<(u16, String)> {
    let headers = js_sys::Object::new();
    let set = |k: &str, v: &str| {
        let _ = js_sys::Reflect::set(&headers, &k.into(), &v.into());
    };
    if let Some((k, v)) = header {
        set(k, v);
    }
    let init = RequestInit::new();
    init.set_method(method);
    // A comments widget has no business with the host page's cookies, nor
    // with any cookie of its own: identity lives in localStorage.
    init.set_credentials(RequestCredentials::Omit);
    if let Some(b) = body {
        set("Content-Type", "application/json");
        init.set_body(&JsValue::from_str(&b));
    }
    init.set_headers(&headers);
    let window = web_sys::window().ok_or(ApiFailure::Network)?;
    answer(window.fetch_with_str_and_init(url, &init)).await
}

/// The first page of the thread. `/embed.js` sent its request and read the
/// answer while the wasm was still loading, and passes `[status, body]`:
/// reading a body takes a task of its own, and here it would put the first
/// comments a frame later.
pub async fn first_page(answered: js_sys::Promise) -> ApiResult<Thread> {
    let pair: js_sys::Array = JsFuture::from(answered)
        .await
        .map_err(|_| ApiFailure::Network)?
        .unchecked_into();
    let status = pair.get(0).as_f64().unwrap_or_default() as u16;
    let body = pair.get(1).as_string().unwrap_or_default();
    decode(checked(status, body)?)
}

/// The status and body of a 2xx answer to `request` (a `fetch`); anything
/// else becomes the server's error code.
async fn answer(request: js_sys::Promise) -> ApiResult<(u16, String)> {
    let resp: Response = JsFuture::from(request)
        .await
        .and_then(|r| r.dyn_into())
        .map_err(|_| ApiFailure::Network)?;
    let text = match resp.text() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
        Err(_) => None,
    }
    .unwrap_or_default();
    checked(resp.status(), text)
}

fn checked(status: u16, text: String) -> ApiResult<(u16, String)> {
    if (200..300).contains(&status) {
        return Ok((status, text));
    }
    Err(json::parse::<ErrorCode>(&text)
        .map(ApiFailure::Api)
        .unwrap_or(ApiFailure::Network))
}

//! The dashboard's only HTTP client: same-origin JSON calls to `/admin/api`
//! with the session cookie, and the CSRF token on every state change.
//!
//! JSON goes through the browser's own `JSON` object and serde-wasm-bindgen,
//! as the widget once did: the wasm then carries no JSON parser or printer.

use std::cell::RefCell;

use confab_api::{admin::*, ErrorBody, ErrorCode};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCredentials, RequestInit, Response};

/// Why a call failed; [`crate::i18n::Strings::failure`] says it in the
/// moderator's language.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// No answer at all.
    Offline,
    /// An answer this dashboard cannot read.
    Garbled,
    /// The server refused: its status, and its stable code and the field at
    /// fault when its body names them.
    Refused {
        status: u16,
        code: Option<ErrorCode>,
        field: Option<String>,
    },
}

pub type ApiResult<T> = Result<T, Failure>;

thread_local! {
    /// The session's CSRF token, from the login or `GET session`. It lives
    /// only in memory: the cookie alone must never be enough to act.
    static CSRF: RefCell<String> = const { RefCell::new(String::new()) };
}

pub fn set_csrf(token: &str) {
    CSRF.with(|c| *c.borrow_mut() = token.to_owned());
}

const BASE: &str = "/admin/api";

pub async fn session() -> ApiResult<Session> {
    let s: Session = get("/session").await?;
    set_csrf(&s.csrf_token);
    Ok(s)
}

pub async fn login(login: &Login) -> ApiResult<Session> {
    let s: Session = send("POST", "/login", Some(login)).await?;
    set_csrf(&s.csrf_token);
    Ok(s)
}

pub async fn logout() -> ApiResult<()> {
    send_raw("POST", "/logout", Some("{}".into()))
        .await
        .map(drop)
}

pub async fn queue() -> ApiResult<Queue> {
    get("/queue").await
}

/// Searches with `query`, a ready `key=value&...` string.
pub async fn search(query: &str) -> ApiResult<CommentList> {
    get(&format!("/comments?{query}")).await
}

pub async fn act(id: i64, action: ModAction) -> ApiResult<AdminComment> {
    let path = format!("/comments/{id}/{}", action.as_str());
    send_raw("POST", &path, Some("{}".into()))
        .await
        .and_then(decode)
}

pub async fn bulk(ids: Vec<i64>, action: ModAction) -> ApiResult<CommentList> {
    send("POST", "/comments/bulk", Some(&BulkAction { ids, action })).await
}

pub async fn edit(id: i64, body: String) -> ApiResult<AdminComment> {
    send(
        "PATCH",
        &format!("/comments/{id}"),
        Some(&AdminEdit { body }),
    )
    .await
}

pub async fn lock(site: i64, page: String, locked: bool) -> ApiResult<PageInfo> {
    let path = format!("/sites/{site}/pages/lock");
    send("POST", &path, Some(&PageLock { page, locked })).await
}

pub async fn edit_page(site: i64, edit: PageEdit) -> ApiResult<PageInfo> {
    send("PUT", &format!("/sites/{site}/pages/info"), Some(&edit)).await
}

pub async fn bans(site: i64) -> ApiResult<Vec<Ban>> {
    get(&format!("/sites/{site}/bans")).await
}

pub async fn ban(site: i64, ban: NewBan) -> ApiResult<Ban> {
    send("POST", &format!("/sites/{site}/bans"), Some(&ban)).await
}

pub async fn unban(site: i64, id: i64) -> ApiResult<()> {
    let path = format!("/sites/{site}/bans/{id}");
    send_raw("DELETE", &path, None).await.map(drop)
}

pub async fn settings(site: i64) -> ApiResult<SiteSettings> {
    get(&format!("/sites/{site}/settings")).await
}

pub async fn save_settings(site: i64, s: SiteSettings) -> ApiResult<SiteSettings> {
    send("PUT", &format!("/sites/{site}/settings"), Some(&s)).await
}

pub async fn audit(site: i64) -> ApiResult<AuditLog> {
    get(&format!("/sites/{site}/audit")).await
}

/// Uploads `file` to import into the site; answers the running status.
pub async fn import(
    site: i64,
    file: &web_sys::File,
    format: &str,
    dry_run: bool,
) -> ApiResult<ImportStatus> {
    let path = format!(
        "/sites/{site}/import?format={}&dry_run={dry_run}&file={}",
        enc(format),
        enc(&file.name())
    );
    let body = (JsValue::from(file), "application/octet-stream");
    fetch("POST", &path, Some(body)).await.and_then(decode)
}

pub async fn import_status(site: i64) -> ApiResult<ImportStatus> {
    get(&format!("/sites/{site}/import")).await
}

/// Where the site's export downloads from (the session cookie is enough:
/// a GET changes nothing).
pub fn export_url(site: i64, format: &str) -> String {
    format!("{BASE}/sites/{site}/export?format={format}")
}

/// Waits `ms` milliseconds, through the browser's timer.
pub async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

pub fn enc(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}

async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    decode(send_raw("GET", path, None).await?)
}

async fn send<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<&impl Serialize>,
) -> ApiResult<T> {
    let body = body.map(|b| {
        serde_wasm_bindgen::to_value(b)
            .ok()
            .and_then(|v| js_sys::JSON::stringify(&v).ok())
            .map(String::from)
            .unwrap_or_default()
    });
    decode(send_raw(method, path, body).await?)
}

fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_wasm_bindgen::from_value(js_sys::JSON::parse(text).ok()?).ok()
}

fn decode<T: DeserializeOwned>(text: String) -> ApiResult<T> {
    parse(&text).ok_or(Failure::Garbled)
}

/// Sends one request with a JSON body, or none.
async fn send_raw(method: &str, path: &str, body: Option<String>) -> ApiResult<String> {
    let body = body.map(|b| (JsValue::from_str(&b), "application/json"));
    fetch(method, path, body).await
}

/// Sends one request with a body of its type, and returns the body of a
/// 2xx answer; anything else becomes a [`Failure`].
async fn fetch(method: &str, path: &str, body: Option<(JsValue, &str)>) -> ApiResult<String> {
    let headers = js_sys::Object::new();
    let set = |k: &str, v: &str| {
        let _ = js_sys::Reflect::set(&headers, &k.into(), &v.into());
    };
    if method != "GET" {
        set("X-CSRF-Token", &CSRF.with(|c| c.borrow().clone()));
    }
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    if let Some((body, kind)) = body {
        set("Content-Type", kind);
        init.set_body(&body);
    }
    init.set_headers(&headers);
    let window = web_sys::window().ok_or(Failure::Offline)?;
    let url = format!("{BASE}{path}");
    let resp: Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .and_then(|r| r.dyn_into())
        .map_err(|_| Failure::Offline)?;
    let text = match resp.text() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
        Err(_) => None,
    }
    .unwrap_or_default();
    if resp.ok() {
        return Ok(text);
    }
    let error = parse::<ErrorBody>(&text).map(|e| e.error);
    Err(Failure::Refused {
        status: resp.status(),
        code: error.as_ref().map(|e| e.code),
        field: error.and_then(|e| e.field),
    })
}

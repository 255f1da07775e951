//! `/admin`: the moderators' side, on the Confab origin only (no CORS).
//! `session.rs` logs in and out and authenticates; `comments.rs` and
//! `sites.rs` are the JSON API the dashboard calls; `pages.rs` serves the few
//! server-rendered pages (login, password setup), `mail_links.rs` those
//! behind e-mailed links.
//!
//! Every state change passes `same_origin` first: a browser's cross-site
//! request (foreign `Origin`, or `Sec-Fetch-Site` other than same-origin)
//! is refused before any handler runs, and the JSON API also insists on
//! `application/json`, which an HTML form cannot send. Then the session's
//! CSRF token must come back in `X-CSRF-Token` (see `session.rs`).

mod comments;
mod mail_links;
pub(crate) mod pages;
pub mod session;
pub mod sites;
mod transfer;

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{delete, get, post, put},
    Router,
};
use confab_api::ErrorCode;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::{AppState, Error, Result};

pub fn router(state: &AppState) -> Router<AppState> {
    let api = Router::new()
        .route("/login", post(session::login))
        .route("/logout", post(session::logout))
        .route("/session", get(session::current))
        .route("/sites", get(sites::list))
        .route("/queue", get(comments::queue))
        .route("/comments", get(comments::search))
        .route("/comments/bulk", post(comments::bulk))
        .route("/comments/{id}", get(comments::one).patch(comments::edit))
        .route("/comments/{id}/{action}", post(comments::act))
        .route("/sites/{site}/pages/lock", post(sites::lock_page))
        .route("/sites/{site}/pages/info", put(sites::edit_page))
        .route("/sites/{site}/bans", get(sites::bans).post(sites::ban))
        .route("/sites/{site}/bans/{id}", delete(sites::unban))
        .route(
            "/sites/{site}/settings",
            get(sites::settings).put(sites::set_settings),
        )
        .route("/sites/{site}/audit", get(sites::audit))
        .route(
            "/sites/{site}/import",
            get(transfer::import_status).post(transfer::start_import),
        )
        .route("/sites/{site}/export", get(transfer::export));
    Router::new()
        .route("/admin", get(pages::dashboard_page))
        .route("/admin/setup", get(pages::setup_page).post(pages::setup))
        .route(
            "/admin/mail",
            get(mail_links::mail_page).post(mail_links::mail_action),
        )
        // The admin JSON holds e-mails and IP hashes: no cache keeps it.
        .nest(
            "/admin/api",
            // Its own fallback, so that an unknown admin route gets the
            // header too rather than falling to the outer one.
            api.fallback(|| async { Error::not_found("no such route") })
                .layer(SetResponseHeaderLayer::overriding(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("no-store"),
                )),
        )
        .layer(middleware::from_fn_with_state(state.clone(), same_origin))
}

async fn same_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if let Err(e) = check_same_origin(&state, req.headers()) {
        return e.into_response();
    }
    let kind = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    let path = req.uri().path();
    // An import's file is sent as it is: like JSON, no HTML form can send
    // that type.
    let allowed = match kind.as_deref() {
        Some("application/json") => true,
        Some("application/octet-stream") => path.ends_with("/import"),
        _ => false,
    };
    if path.starts_with("/admin/api/") && *req.method() != Method::DELETE && !allowed {
        return Error::client(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "moderator requests must be application/json",
        )
        .into_response();
    }
    next.run(req).await
}

/// Refuses requests a browser marks as coming from another site. Clients
/// that are not browsers send neither header and still need a CSRF token.
pub fn check_same_origin(state: &AppState, headers: &HeaderMap) -> Result<()> {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if fetch_site.is_some_and(|s| s != "same-origin" && s != "none") {
        return Err(Error::forbidden("cross-site requests are refused"));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let expected = expected_origin(state, headers);
        if origin.to_str().ok() != expected.as_deref() {
            return Err(Error::forbidden("cross-site requests are refused"));
        }
    }
    Ok(())
}

/// This server's origin: from `public_url` when set, else from `Host`.
fn expected_origin(state: &AppState, headers: &HeaderMap) -> Option<String> {
    if let Some(o) = state.config.public_origin() {
        return Some(o);
    }
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let scheme = if state.config.secure_cookies() {
        "https"
    } else {
        "http"
    };
    Some(format!("{scheme}://{host}"))
}

//! The widget's static files, embedded in the binary at build time (see
//! `build.rs`), each precompressed with brotli and gzip.

use std::{collections::HashMap, sync::LazyLock};

use axum::{
    extract::Request,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Response},
    routing::get,
    Router,
};

use crate::{encoded::Encoding, AppState};

/// One embedded file and its precompressed variants.
pub struct Asset {
    pub path: &'static str,
    pub content_type: &'static str,
    /// Content-hashed names never change content, so browsers may keep them
    /// for a year; stable names (the loaders) are revalidated often.
    pub immutable: bool,
    pub etag: &'static str,
    pub raw: &'static [u8],
    pub br: &'static [u8],
    pub gz: &'static [u8],
}

pub static ASSETS: &[Asset] = include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// Whether the binary was built with the widget inside.
pub const WIDGET_BUILT: bool = include!(concat!(env!("OUT_DIR"), "/widget_built.rs"));

/// The moderation dashboard's boot module and stylesheet, when it was built.
pub const DASHBOARD: Option<(&str, &str)> = include!(concat!(env!("OUT_DIR"), "/dashboard.rs"));

static BY_PATH: LazyLock<HashMap<&'static str, &'static Asset>> =
    LazyLock::new(|| ASSETS.iter().map(|a| (a.path, a)).collect());

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const SHORT: &str = "public, max-age=300, must-revalidate";

/// The widget's files, and the demo article at `/` when `demo` is on (off,
/// `/` is the usual JSON 404: a production instance shows no sample page).
pub fn router(demo: bool) -> Router<AppState> {
    let files = Router::new()
        .route("/embed.js", get(asset))
        .route("/count.js", get(asset))
        .route("/recent.js", get(asset))
        .route("/assets/{name}", get(asset));
    if demo {
        files.route("/", get(demo_article))
    } else {
        files
    }
}

async fn demo_article() -> Response {
    static CSP: LazyLock<String> = LazyLock::new(|| crate::demo::content_security_policy("'self'"));
    let mut response = Html(crate::demo::article_html("/embed.js")).into_response();
    if let Ok(csp) = HeaderValue::from_str(&CSP) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    response
}

async fn asset(req: Request) -> Response {
    let Some(asset) = BY_PATH.get(req.uri().path()) else {
        return crate::Error::not_found("no such asset").into_response();
    };
    respond(asset, req.headers())
}

/// Picks the variant the client accepts and sets the caching headers.
pub fn respond(asset: &Asset, req: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", asset.etag);
    let cache = if asset.immutable { IMMUTABLE } else { SHORT };
    let mut headers = HeaderMap::new();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    // The widget is imported from other sites' pages: a module script and a
    // streamed wasm both need CORS, and the files are public anyway.
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("cross-origin"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    if super::encoding::etag_matches(req, &etag) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    let body = match super::encoding::preferred(req) {
        Encoding::Br => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            asset.br
        }
        Encoding::Gzip => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            asset.gz
        }
        Encoding::Identity => asset.raw,
    };
    (headers, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loaders_are_always_embedded() {
        assert!(BY_PATH.contains_key("/embed.js"));
        assert!(BY_PATH.contains_key("/count.js"));
        assert!(BY_PATH.contains_key("/recent.js"));
    }
}

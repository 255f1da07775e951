//! Cross-cutting middleware: request ids, tracing, panics, CORS, compression
//! and timeouts.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        LazyLock,
    },
    time::Duration,
};

use axum::{
    body::Body,
    http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode},
    middleware::{self, Next},
    Router,
};
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::{
        predicate::{NotForContentType, Predicate, SizeAbove},
        CompressionLayer,
    },
    cors::{self, AllowOrigin, CorsLayer},
    request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
    trace::{DefaultOnResponse, TraceLayer},
};

use super::client::AUTHOR_HEADER;
use crate::{error::InternalDetail, AppState, Error};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// What scripts on the sites' pages may read of an answer.
const EXPOSED: [HeaderName; 2] = [header::ETAG, REQUEST_ID];

/// Layers for `/api`: CORS for the sites' origins only (the widget files set
/// their own `Access-Control-Allow-Origin: *`) and compression.
pub fn api(router: Router<AppState>, state: &AppState) -> Router<AppState> {
    let store = state.store.clone();
    // Sites and their origins live in the database and may change while we
    // run (`confab site add`), so the question goes to the store each time.
    let origins = AllowOrigin::async_predicate(move |origin: HeaderValue, _| {
        let store = store.clone();
        async move {
            match origin.to_str() {
                Ok(o) => store.origin_known(o).await.unwrap_or(false),
                Err(_) => false,
            }
        }
    });
    let cors = CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::IF_NONE_MATCH,
            HeaderName::from_static(AUTHOR_HEADER),
        ])
        .expose_headers(EXPOSED)
        .max_age(Duration::from_secs(3600));
    // Under a kilobyte, compressing saves less than the headers weigh and
    // costs more than the read: an empty thread (any unknown page key) goes
    // out as it is. Cached threads arrive already compressed, which the
    // layer leaves alone.
    let worth_it = SizeAbove::new(1024)
        .and(NotForContentType::GRPC)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::SSE);
    router
        .layer(CompressionLayer::new().compress_when(worth_it))
        .layer(cors)
}

/// Layers for every route, outermost last. The timeout runs until a handler
/// answers, reading the body included, on every route: the admin pages and
/// the widget files too. An event stream answers at once and then streams,
/// which the timeout does not cut (shutdown ends it).
pub fn common(router: Router, request_timeout: Duration) -> Router {
    router
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        // Every answer is read only as the type it names: JSON, the widget's
        // files, errors. Pages that set it themselves keep theirs.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(Error::Internal(anyhow::anyhow!(
                "a handler panicked"
            )))
        }))
        .layer(middleware::from_fn(log_internal))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            // The access log is DEBUG (`RUST_LOG=tower_http=debug,confab=debug`):
            // a line per request at the default level cost about a tenth of
            // a cached thread read. Errors are still logged at ERROR.
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    tracing::debug_span!("request", method = %req.method(), uri = %req.uri(), id = request_id(req))
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::DEBUG)),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, Sequential))
}

/// What the layers above add to an `/api` answer the router never saw
/// (`http/fast.rs`): the CORS headers for `origin` (already found to be
/// the site's), `nosniff` and the request id. A test compares the two
/// paths' headers, so that they cannot drift apart.
pub fn finish_api(response: &mut Response<Body>, req: &HeaderMap, origin: Option<&HeaderValue>) {
    static VARY: LazyLock<HeaderValue> =
        LazyLock::new(|| joined(cors::preflight_request_headers(), ", "));
    static EXPOSE: LazyLock<HeaderValue> = LazyLock::new(|| joined(EXPOSED.into_iter(), ","));
    let out = response.headers_mut();
    out.append(header::VARY, VARY.clone());
    if let Some(origin) = origin {
        out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    }
    out.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSE.clone());
    out.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let id = match req.get(REQUEST_ID) {
        Some(id) => Some(id.clone()),
        None => Sequential
            .make_request_id(&Request::new(()))
            .map(RequestId::into_header_value),
    };
    if let Some(id) = id {
        out.insert(REQUEST_ID, id);
    }
}

/// Header names as one comma-separated value, as tower-http writes them.
fn joined(names: impl Iterator<Item = HeaderName>, by: &str) -> HeaderValue {
    let list: Vec<String> = names.map(|n| n.as_str().to_owned()).collect();
    // Header names are valid header values, so the fallback never shows;
    // the fast path's test would see it if it did.
    HeaderValue::from_str(&list.join(by)).unwrap_or(HeaderValue::from_static(""))
}

/// Request ids made of a prefix drawn once per process and a counter:
/// unique across instances and restarts in practice, and each costs an
/// atomic add, where tower-http's UUIDs cost a `getrandom` system call
/// (1% of a cached thread read's CPU in the profile).
#[derive(Clone, Copy)]
struct Sequential;

impl MakeRequestId for Sequential {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        static PREFIX: LazyLock<u32> = LazyLock::new(rand::random);
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let id = format!("{:08x}-{n:x}", *PREFIX);
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// Logs the detail of internal errors, with the request they answered (the
/// request's span is DEBUG, so it is usually off): the response carries only
/// a generic message.
async fn log_internal(req: Request<Body>, next: Next) -> Response<Body> {
    let (method, uri, id) = (
        req.method().clone(),
        req.uri().clone(),
        request_id(&req).to_owned(),
    );
    let response = next.run(req).await;
    if let Some(InternalDetail(detail)) = response.extensions().get() {
        tracing::error!(error = %detail, %method, %uri, id, "internal error");
    }
    response
}

fn request_id<B>(req: &Request<B>) -> &str {
    req.headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

//! `GET /metrics` in the Prometheus (OpenMetrics text) format: requests by
//! route and status, their latency, thread cache hits, comments by status,
//! event-stream clients and database pool use. Request figures are counted
//! as requests pass; the rest is read when Prometheus scrapes. Operators'
//! routes, so not part of `openapi.json`.

use std::time::Instant;

use axum::{
    extract::{MatchedPath, Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use prometheus_client::{
    encoding::{text, EncodeLabelSet},
    metrics::{
        counter::{ConstCounter, Counter},
        family::Family,
        gauge::Gauge,
        histogram::{exponential_buckets, Histogram},
    },
    registry::Registry,
};

use crate::{AppState, Result};

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The matched route (`/api/v1/comments/{id}`), never the raw URL, so
    /// that the number of series stays bounded.
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: &'static str,
    state: &'static str,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// The figures counted as requests pass.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    /// The series of the routes `http/fast.rs` answers, looked up once:
    /// labels built per request were a good part of a cached read's cost.
    fast: Vec<FastRoute>,
    /// How many answers went out that way.
    fast_answers: Counter,
}

/// A `GET` route's series for its two cached answers, 200 and 304.
struct FastRoute {
    route: &'static str,
    ok: Counter,
    not_modified: Counter,
    latency: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        // 1 ms to about 16 s.
        let latency: LatencyFamily =
            Family::new_with_constructor(|| Histogram::new(exponential_buckets(0.001, 2.0, 15)));
        let mut registry = Registry::default();
        registry.register(
            "confab_http_requests",
            "HTTP requests by method, route and status",
            requests.clone(),
        );
        registry.register(
            "confab_http_request_duration_seconds",
            "Time to the response head, by method and route",
            latency.clone(),
        );
        let fast = super::fast::ROUTES
            .iter()
            .map(|&route| {
                let count = |status: u16| {
                    requests
                        .get_or_create(&RequestLabels {
                            method: "GET".into(),
                            route: route.into(),
                            status,
                        })
                        .clone()
                };
                FastRoute {
                    route,
                    ok: count(200),
                    not_modified: count(304),
                    latency: latency
                        .get_or_create(&RouteLabels {
                            method: "GET".into(),
                            route: route.into(),
                        })
                        .clone(),
                }
            })
            .collect();
        let fast_answers = Counter::default();
        registry.register(
            "confab_http_fast_answers",
            "Cached thread reads answered ahead of the router (also counted in confab_http_requests)",
            fast_answers.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            fast,
            fast_answers,
        }
    }
}

impl Metrics {
    /// Counts a `GET` of one of `fast::ROUTES` answered with `status` (200
    /// or 304) in `secs`, in the series [`track`] counts it in.
    pub fn fast_answer(&self, route: &str, status: StatusCode, secs: f64) {
        let Some(r) = self.fast.iter().find(|r| r.route == route) else {
            return;
        };
        self.fast_answers.inc();
        r.latency.observe(secs);
        if status == StatusCode::NOT_MODIFIED {
            r.not_modified.inc();
        } else {
            r.ok.inc();
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

/// Middleware counting every request by its matched route.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let method = method_label(req.method()).to_owned();
    let start = Instant::now();
    let response = next.run(req).await;
    let m = &state.metrics;
    m.latency
        .get_or_create(&RouteLabels {
            method: method.clone(),
            route: route.clone(),
        })
        .observe(start.elapsed().as_secs_f64());
    m.requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// The method as a label: one of the standard methods, else `other`. A
/// client may send any token as a method, and each distinct label would be
/// a new series kept forever.
fn method_label(method: &Method) -> &'static str {
    static STANDARD: [Method; 9] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    STANDARD
        .iter()
        .find(|m| *m == method)
        .map_or("other", Method::as_str)
}

async fn metrics(State(state): State<AppState>) -> Result<Response> {
    let scrape = scrape(&state).await?;
    let mut out = String::new();
    text::encode_registry(&mut out, &state.metrics.registry).map_err(anyhow::Error::from)?;
    text::encode_registry(&mut out, &scrape).map_err(anyhow::Error::from)?;
    text::encode_eof(&mut out).map_err(anyhow::Error::from)?;
    let kind = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static(kind))],
        out,
    )
        .into_response())
}

/// The figures read at scrape time.
async fn scrape(state: &AppState) -> Result<Registry> {
    let mut r = Registry::default();

    let comments = Family::<StatusLabels, Gauge>::default();
    for (status, n) in state.store.comments_by_status().await? {
        comments.get_or_create(&StatusLabels { status }).set(n);
    }
    r.register("confab_comments", "Stored comments by status", comments);

    let cache = state.threads.stats();
    r.register(
        "confab_thread_cache_hits",
        "Thread reads served from the cache",
        ConstCounter::new(cache.hits),
    );
    r.register(
        "confab_thread_cache_misses",
        "Thread reads that went to the database",
        ConstCounter::new(cache.misses),
    );
    r.register(
        "confab_thread_cache_evictions",
        "Cached thread responses dropped to stay within limits.thread_cache_bytes",
        ConstCounter::new(cache.evictions),
    );
    let bytes = Gauge::<i64>::default();
    bytes.set(i64::try_from(cache.bytes).unwrap_or(i64::MAX));
    r.register(
        "confab_thread_cache_bytes",
        "Bytes the thread cache holds, every coding of each body (bounded by limits.thread_cache_bytes)",
        bytes,
    );

    let sse = Gauge::<i64>::default();
    // Each open event stream holds one subscription.
    sse.set(i64::try_from(state.events.receiver_count()).unwrap_or(i64::MAX));
    r.register("confab_sse_clients", "Open event streams", sse);

    let live = Gauge::<i64>::default();
    live.set(i64::from(state.bus.is_live()));
    r.register(
        "confab_notifications_up",
        "1 while other instances' changes reach this one",
        live,
    );

    let pools = Family::<PoolLabels, Gauge>::default();
    for p in state.store.pools() {
        let busy = i64::from(p.size).saturating_sub(i64::try_from(p.idle).unwrap_or(0));
        let set = |state, v: i64| {
            pools
                .get_or_create(&PoolLabels {
                    pool: p.pool,
                    state,
                })
                .set(v)
        };
        set("busy", busy);
        set("idle", i64::try_from(p.idle).unwrap_or(0));
        set("max", i64::from(p.max));
    }
    r.register(
        "confab_db_connections",
        "Database connections by pool and state (busy, idle, max)",
        pools,
    );
    Ok(r)
}

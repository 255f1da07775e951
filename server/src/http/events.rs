//! `GET /api/v1/sites/{site}/events`: server-sent events for one page, so
//! open threads see new, edited and deleted comments without polling.

use std::{convert::Infallible, time::Duration};

use axum::{
    extract::State,
    response::sse::{Event as SseEvent, KeepAlive, Sse},
};
use futures::{Stream, StreamExt};
use serde::Deserialize;
use tokio_stream::wrappers::BroadcastStream;
use utoipa::IntoParams;

use super::{
    client::ClientAddr,
    extract::{self, AppPath, AppQuery, Origin},
};
use crate::{domain::PageKey, AppState, Error, Result};
use confab_api::ErrorBody;

/// When a refused stream may try again: a page left open elsewhere may
/// have closed by then.
const STREAM_RETRY_SECS: u64 = 30;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// The page key, as for the thread.
    page: String,
}

#[utoipa::path(
    get,
    path = "/api/v1/sites/{site}/events",
    tag = "comments",
    params(("site" = String, Path, description = "Site slug"), EventsQuery),
    responses(
        (status = 200, description = "A stream of `Event` JSON; the event name is its kind", content_type = "text/event-stream", body = String),
        (status = 400, description = "`bad_request`: a bad query", body = ErrorBody),
        (status = 403, description = "`origin_not_allowed`", body = ErrorBody),
        (status = 404, description = "`site_not_found`", body = ErrorBody),
        (status = 422, description = "`validation`: bad page key", body = ErrorBody),
        (status = 429, description = "`rate_limited`, with `Retry-After`: too many open streams from this address (`limits.streams_per_ip`) or in all (`limits.max_streams`)", body = ErrorBody),
    )
)]
pub async fn events(
    State(state): State<AppState>,
    AppPath(slug): AppPath<String>,
    AppQuery(q): AppQuery<EventsQuery>,
    origin: Origin,
    ClientAddr(ip): ClientAddr,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>> {
    let site = extract::site(&state, &slug, &origin).await?;
    let key = PageKey::parse(&q.page).map_err(|m| Error::invalid("page", m))?;
    // Held by the stream: its place comes back when the stream ends.
    let slot = state.streams.open(ip).ok_or(Error::RateLimited {
        retry_after_secs: STREAM_RETRY_SECS,
    })?;
    let (site, page) = (site.slug, key.to_string());
    let mut shutdown = state.shutdown.clone();
    let stream = BroadcastStream::new(state.events.subscribe())
        // A lagging client misses events; it will catch up on its next
        // thread read, which beats holding the whole server back.
        .filter_map(|e| std::future::ready(e.ok()))
        .filter(move |e| std::future::ready(e.site == site && e.page == page))
        .filter_map(|e| {
            let kind = match &e.event {
                confab_api::Event::Created { .. } => "created",
                confab_api::Event::Edited { .. } => "edited",
                confab_api::Event::Deleted { .. } => "deleted",
            };
            std::future::ready(
                SseEvent::default()
                    .event(kind)
                    .json_data(&e.event)
                    .ok()
                    .map(Ok),
            )
        })
        .take_until(async move {
            let _ = shutdown.wait_for(|stopping| *stopping).await;
        })
        .map(move |event| {
            let _held = &slot;
            event
        });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

//! Everything HTTP-facing. Each resource has its own handlers; this module
//! assembles them, with their OpenAPI documentation, and adds the
//! cross-cutting layers.

pub mod admin;
pub mod assets;
pub mod authors;
pub mod client;
pub mod comments;
pub mod conn;
pub mod counts;
mod encoding;
pub mod events;
pub mod extract;
pub mod fast;
pub mod health;
pub mod layers;
pub mod metrics;
pub mod preview;
pub mod reader;
mod rejections;
pub mod thread;
pub mod votes;

use std::sync::LazyLock;

use axum::{extract::DefaultBodyLimit, Json, Router};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{AppState, Error};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Confab",
        description = "Self-hosted comments. Errors are `{\"error\":{\"code\",\"message\"}}`."
    ),
    modifiers(&EditToken)
)]
struct ApiDoc;

/// The bearer scheme of `PATCH` and `DELETE /comments/{id}`.
struct EditToken;

impl utoipa::Modify for EditToken {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some("The `edit_token` handed out with the comment"))
            .build();
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme("edit_token", SecurityScheme::Http(scheme));
    }
}

/// The `/api/v1` routes, documented as they are registered so that the
/// router and `openapi.json` cannot drift apart.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(thread::get_thread))
        .routes(routes!(comments::create))
        .routes(routes!(comments::edit, comments::delete))
        .routes(routes!(votes::vote))
        .routes(routes!(authors::issue))
        .routes(routes!(counts::counts))
        .routes(routes!(preview::preview))
        .routes(routes!(openapi_json))
        .routes(routes!(events::events))
        .merge(reader::api_routes())
}

/// Routes for operators, outside the CORS scope of the API.
fn ops_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health::healthz))
}

/// The OpenAPI document of every route Confab serves but the widget files.
pub fn openapi() -> utoipa::openapi::OpenApi {
    static DOC: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(|| {
        let mut doc = ApiDoc::openapi();
        doc.merge(api_routes().split_for_parts().1);
        doc.merge(ops_routes().split_for_parts().1);
        doc
    });
    DOC.clone()
}

#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "operations",
    responses((status = 200, description = "This document", body = Object))
)]
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}

pub fn router(state: AppState) -> Router {
    let limits = &state.config.limits;
    let request_timeout = std::time::Duration::from_secs(limits.request_timeout_secs);
    let (api, _) = api_routes().split_for_parts();
    // The 405 fallback goes inside the CORS layer, so preflights (OPTIONS)
    // to these routes reach it.
    let api = api.method_not_allowed_fallback(method_not_allowed);
    let api = layers::api(api, &state)
        // Our own limit (not tower-http's) so that 413 comes in our shape.
        .layer(DefaultBodyLimit::max(limits.request_bytes));
    let reader =
        layers::api(reader::router(), &state).layer(DefaultBodyLimit::max(limits.request_bytes));
    let (ops, _) = ops_routes().split_for_parts();
    let app = Router::new()
        .merge(api)
        .merge(reader)
        .merge(ops)
        .merge(health::router())
        .merge(metrics::router())
        .merge(assets::router(state.config.demo))
        .merge(admin::router(&state).layer(DefaultBodyLimit::max(limits.request_bytes)))
        .fallback(no_such_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .with_state(state);
    layers::common(app, request_timeout)
}

async fn no_such_route() -> Error {
    Error::not_found("no such route")
}

async fn method_not_allowed() -> Error {
    Error::client(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        confab_api::ErrorCode::BadRequest,
        "this route does not take this method",
    )
}

//! The one error type of the server. Every failure a client can cause maps to
//! a stable code and a 4xx; internals are logged, never returned.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use confab_api::{ApiError, ErrorBody, ErrorCode};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message}")]
    Client {
        status: StatusCode,
        code: ErrorCode,
        message: String,
        field: Option<String>,
    },
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl Error {
    pub fn client(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Client {
            status,
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::client(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, error) = match self {
            Error::Client {
                status,
                code,
                message,
                field,
            } => (
                status,
                ApiError {
                    code,
                    message,
                    field,
                },
            ),
            Error::Internal(e) => {
                tracing::error!(error = %format!("{e:#}"), "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ApiError {
                        code: ErrorCode::Internal,
                        message: "something went wrong on our side".into(),
                        field: None,
                    },
                )
            }
        };
        (status, Json(ErrorBody { error })).into_response()
    }
}

//! The one error type of the server. Every failure a client can cause maps to
//! a stable code and a 4xx; internals are logged (by the `log_internal`
//! middleware in `http/mod.rs`), never returned.

use std::sync::Arc;

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use confab_api::{ApiError, ErrorBody, ErrorCode};

use crate::domain::{verdict::Refusal, InputError};

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
    /// 429 with `Retry-After`.
    #[error("rate limited for {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64 },
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

/// The text of an internal error, carried in the response extensions from
/// the conversion to the logging middleware, which knows the request span.
#[derive(Debug, Clone)]
pub struct InternalDetail(pub Arc<str>);

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

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::client(StatusCode::FORBIDDEN, ErrorCode::Forbidden, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::client(StatusCode::CONFLICT, ErrorCode::Conflict, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::client(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::client(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message)
    }

    pub fn site_not_found() -> Self {
        Self::client(
            StatusCode::NOT_FOUND,
            ErrorCode::SiteNotFound,
            "no such site",
        )
    }

    pub fn origin_not_allowed() -> Self {
        Self::client(
            StatusCode::FORBIDDEN,
            ErrorCode::OriginNotAllowed,
            "this origin may not use this site's comments",
        )
    }

    /// A 422 naming the field at fault.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Client {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: ErrorCode::Validation,
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    pub fn with_field(self, name: &str) -> Self {
        match self {
            Self::Client {
                status,
                code,
                message,
                ..
            } => Self::Client {
                status,
                code,
                message,
                field: Some(name.to_owned()),
            },
            other => other,
        }
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Self::invalid(e.field, e.message)
    }
}

/// The codes the widget shows a refused comment by.
impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::RateLimited { retry_after_secs } => Self::RateLimited { retry_after_secs },
            Refusal::BlockedWord(word) => Self::invalid(
                "body",
                format!("this site does not accept comments containing {word:?}"),
            ),
            Refusal::Banned => Self::forbidden("you may not comment on this site"),
            Refusal::Duplicate => Self::client(
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
                "you already posted this comment here",
            ),
            Refusal::PageLocked => Self::client(
                StatusCode::CONFLICT,
                ErrorCode::PageLocked,
                "this page no longer takes comments",
            ),
            Refusal::ParentNotFound => Self::client(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::ParentNotFound,
                "the comment replied to is not on this page",
            )
            .with_field("parent"),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let mut retry_after = None;
        let (status, error, detail) = match self {
            Error::RateLimited { retry_after_secs } => {
                retry_after = Some(retry_after_secs);
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    ApiError {
                        code: ErrorCode::RateLimited,
                        message: format!("too many requests; try again in {retry_after_secs}s"),
                        field: None,
                    },
                    None,
                )
            }
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
                None,
            ),
            Error::Internal(e) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                ApiError {
                    code: ErrorCode::Internal,
                    message: "something went wrong on our side".into(),
                    field: None,
                },
                Some(InternalDetail(format!("{e:#}").into())),
            ),
        };
        let mut response = (status, Json(ErrorBody { error })).into_response();
        if let Some(detail) = detail {
            response.extensions_mut().insert(detail);
        }
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_text_from_the_client() {
        let response = Error::Internal(anyhow::anyhow!("password=hunter2")).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let detail = response.extensions().get::<InternalDetail>().unwrap();
        assert!(detail.0.contains("hunter2"));
    }

    #[test]
    fn input_errors_become_422_with_the_field() {
        let e = Error::from(InputError::new("body", "empty"));
        match e {
            Error::Client { status, field, .. } => {
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
                assert_eq!(field.as_deref(), Some("body"));
            }
            _ => panic!("not a client error"),
        }
    }

    #[test]
    fn each_refusal_keeps_its_status_and_code() {
        let cases = [
            (
                Refusal::BlockedWord("casino".into()),
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::Validation,
                Some("body"),
            ),
            (
                Refusal::Banned,
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                None,
            ),
            (
                Refusal::Duplicate,
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
                None,
            ),
            (
                Refusal::PageLocked,
                StatusCode::CONFLICT,
                ErrorCode::PageLocked,
                None,
            ),
            (
                Refusal::ParentNotFound,
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::ParentNotFound,
                Some("parent"),
            ),
        ];
        for (refusal, want_status, want_code, want_field) in cases {
            match Error::from(refusal) {
                Error::Client {
                    status,
                    code,
                    field,
                    ..
                } => {
                    assert_eq!(
                        (status, code, field.as_deref()),
                        (want_status, want_code, want_field)
                    );
                }
                other => panic!("not a client error: {other:?}"),
            }
        }
        let limited = Error::from(Refusal::RateLimited {
            retry_after_secs: 3,
        });
        assert!(matches!(
            limited,
            Error::RateLimited {
                retry_after_secs: 3
            }
        ));
    }

    #[test]
    fn rate_limits_say_when_to_retry() {
        let response = Error::RateLimited {
            retry_after_secs: 7,
        }
        .into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()["retry-after"], "7");
    }
}

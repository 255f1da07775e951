//! What a request the extractors could not read is told: the field at
//! fault and what is wrong with it, in plain words. serde's own messages
//! (`invalid type: integer, expected i8 at line 1 column 12`, ``Cannot
//! parse `x` to a `i64` ``) name Rust types and parser positions, which
//! are ours, not the client's.

use std::error::Error as StdError;

use axum::{
    extract::path::ErrorKind,
    extract::rejection::{JsonRejection, PathRejection, QueryRejection},
    http::StatusCode,
};
use confab_api::ErrorCode;

use crate::Error;

impl From<JsonRejection> for Error {
    fn from(rejection: JsonRejection) -> Self {
        let (status, code, message) = match &rejection {
            JsonRejection::MissingJsonContentType(_) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "send the body as JSON, with Content-Type: application/json".to_owned(),
            ),
            JsonRejection::JsonSyntaxError(_) => (
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidJson,
                "the body is not valid JSON".to_owned(),
            ),
            r if r.status() == StatusCode::PAYLOAD_TOO_LARGE => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                "the body is too large".to_owned(),
            ),
            // Shape errors (422 in axum) are a body we cannot read too: one
            // code keeps the widget simple.
            r => {
                let (field, message) = shape(r, "the body");
                let e = Error::client(StatusCode::BAD_REQUEST, ErrorCode::InvalidJson, message);
                return with_field(e, field);
            }
        };
        Error::client(status, code, message)
    }
}

impl From<QueryRejection> for Error {
    fn from(rejection: QueryRejection) -> Self {
        let (field, message) = shape(&rejection, "the query string");
        let e = Error::bad_request(message);
        with_field(e, field)
    }
}

impl From<PathRejection> for Error {
    fn from(rejection: PathRejection) -> Self {
        let PathRejection::FailedToDeserializePathParams(e) = &rejection else {
            return Error::bad_request("this path cannot be read");
        };
        match e.kind() {
            ErrorKind::ParseErrorAtKey { key, .. }
            | ErrorKind::DeserializeError { key, .. }
            | ErrorKind::InvalidUtf8InPathParam { key } => {
                Error::bad_request(format!("`{key}` in the path is not a valid value"))
                    .with_field(key)
            }
            // A route's one parameter: every numeric one of ours is an `{id}`.
            ErrorKind::ParseError { expected_type, .. } if expected_type.starts_with('i') => {
                Error::bad_request("the id in this path must be a whole number").with_field("id")
            }
            _ => Error::bad_request("a part of this path is not a valid value"),
        }
    }
}

fn with_field(e: Error, field: Option<String>) -> Error {
    match field {
        Some(f) => e.with_field(&f),
        None => e,
    }
}

/// The field at fault (a dotted path, when it is known) and a message for a
/// value of the wrong shape, read from `serde_path_to_error` in the chain
/// of `e`'s sources. `whole` names the input when no field is known.
fn shape(e: &(dyn StdError + 'static), whole: &str) -> (Option<String>, String) {
    let mut source = e.source();
    while let Some(err) = source {
        let found =
            if let Some(p) = err.downcast_ref::<serde_path_to_error::Error<serde_json::Error>>() {
                Some((p.path().to_string(), p.inner().to_string()))
            } else {
                err.downcast_ref::<serde_path_to_error::Error<serde_urlencoded::de::Error>>()
                    .map(|p| (p.path().to_string(), p.inner().to_string()))
            };
        if let Some((path, inner)) = found {
            return plain(&path, &inner, whole);
        }
        source = err.source();
    }
    (None, format!("{whole} has the wrong shape"))
}

/// serde's message about `path`, in words that name no Rust type.
fn plain(path: &str, inner: &str, whole: &str) -> (Option<String>, String) {
    let at = |name: &str| match path {
        "." | "" => name.to_owned(),
        p => format!("{p}.{name}"),
    };
    // serde words these two plainly, naming the field between backticks.
    let named = |prefix: &str| {
        inner
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(at)
    };
    if let Some(field) = named("missing field `") {
        let message = format!("`{field}` is required");
        return (Some(field), message);
    }
    if let Some(field) = named("unknown field `") {
        let message = format!("`{field}` is not a field here");
        return (Some(field), message);
    }
    match path {
        "." | "" => (None, format!("{whole} has the wrong shape")),
        p => (
            Some(p.to_owned()),
            format!("`{p}` has the wrong type or an impossible value"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn serde_messages_become_the_field_and_plain_words() {
        let (f, m) = plain(
            "value",
            "invalid type: integer `500`, expected i8",
            "the body",
        );
        assert_eq!(f.as_deref(), Some("value"));
        assert_eq!(m, "`value` has the wrong type or an impossible value");
        let (f, m) = plain(".", "missing field `body`", "the body");
        assert_eq!(
            (f.as_deref(), m.as_str()),
            (Some("body"), "`body` is required")
        );
        let (f, _) = plain("signals", "missing field `ms`", "the body");
        assert_eq!(f.as_deref(), Some("signals.ms"));
        let (f, m) = plain(".", "unknown field `x`, expected one of `a`", "the body");
        assert_eq!(
            (f.as_deref(), m.as_str()),
            (Some("x"), "`x` is not a field here")
        );
        let (f, m) = plain(".", "invalid type: string, expected a map", "the body");
        assert_eq!((f, m.as_str()), (None, "the body has the wrong shape"));
    }
}

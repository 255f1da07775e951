//! A failed call, said in the moderator's language. The server's own
//! message is English for logs and curl; the dashboard goes by its stable
//! code and the field at fault, as the widget does.

use confab_api::ErrorCode;

use super::{fill, Strings};
use crate::api::Failure;

impl Strings {
    /// What the status line says about `failure`.
    pub fn failure(&'static self, failure: &Failure) -> String {
        use ErrorCode::*;
        let (status, code, field) = match failure {
            Failure::Offline => return self.err_offline().into(),
            Failure::Garbled => return self.err_garbled().into(),
            Failure::Refused {
                status,
                code,
                field,
            } => (status, code, field.as_deref()),
        };
        let Some(code) = code else {
            return fill(self.err_status(), &[("status", status)]);
        };
        match code {
            Validation => self.invalid(field),
            BadRequest | InvalidJson | UnsupportedMediaType => self.err_invalid(),
            PayloadTooLarge => self.err_too_long(),
            Unauthorized => self.err_session(),
            Forbidden | OriginNotAllowed => self.err_forbidden(),
            NotFound | SiteNotFound | ParentNotFound => self.err_gone(),
            Conflict | EditWindowClosed | PageLocked => self.err_conflict(),
            RateLimited => self.err_rate(),
            Unavailable | Internal => self.err_server(),
        }
        .into()
    }

    /// Like [`Strings::failure`], but a 401 at the login form means the
    /// e-mail or password was wrong, not that a session ended.
    pub fn login_failure(&'static self, failure: &Failure) -> String {
        match failure {
            Failure::Refused {
                code: Some(ErrorCode::Unauthorized),
                ..
            } => self.err_login().into(),
            other => self.failure(other),
        }
    }

    /// The fields a moderator fills in get their own advice.
    fn invalid(&'static self, field: Option<&str>) -> &'static str {
        match field {
            Some("body") => self.err_body(),
            Some("title") => self.err_title(),
            Some("url") => self.err_url(),
            Some("value" | "kind" | "comment") => self.err_value(),
            Some("blocked_words" | "suspect_words") => self.err_words(),
            _ => self.err_invalid(),
        }
    }
}

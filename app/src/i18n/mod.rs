//! The reader's language. Each language is one file holding a [`Strings`];
//! adding one means a new file and a line in [`LANGUAGES`].

mod de;
mod en;
mod es;
mod fr;
mod ru;

use confab_api::ErrorCode;

use crate::api::ApiFailure;

/// Every language the widget speaks; the first is the fallback.
const LANGUAGES: &[&Strings] = &[&en::EN, &de::DE, &fr::FR, &es::ES, &ru::RU];

/// Every text the widget shows, in one language. `{n}` and `{name}` are
/// replaced when shown.
pub struct Strings {
    /// The BCP 47 code, also handed to `Intl` for dates.
    pub lang: &'static str,
    /// Which of the plural forms in `comments` fits a number.
    pub plural: fn(i64) -> usize,
    /// "{n} comments" in the language's plural forms (one, few, many).
    pub comments: [&'static str; 3],
    pub thread: &'static str,
    pub empty: &'static str,
    pub loading: &'static str,
    pub load_failed: &'static str,
    pub retry: &'static str,
    pub sort: &'static str,
    pub oldest: &'static str,
    pub newest: &'static str,
    pub top: &'static str,
    pub load_more: &'static str,
    pub write: &'static str,
    pub preview: &'static str,
    pub nothing_to_preview: &'static str,
    pub body_label: &'static str,
    pub placeholder: &'static str,
    pub hint: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub website: &'static str,
    pub post: &'static str,
    pub posting: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub reply: &'static str,
    pub edit: &'static str,
    pub delete: &'static str,
    pub confirm_delete: &'static str,
    pub held: &'static str,
    pub pending: &'static str,
    pub deleted: &'static str,
    pub edited: &'static str,
    pub pinned: &'static str,
    pub anonymous: &'static str,
    pub hide_replies: &'static str,
    pub show_replies: &'static str,
    pub up: &'static str,
    pub down: &'static str,
    pub new_comment: &'static str,
    /// Errors, by what the reader can do about them.
    pub err_invalid: &'static str,
    pub err_too_long: &'static str,
    pub err_site: &'static str,
    pub err_gone: &'static str,
    pub err_parent_gone: &'static str,
    pub err_locked: &'static str,
    pub err_denied: &'static str,
    pub err_window_closed: &'static str,
    pub err_conflict: &'static str,
    pub err_rate: &'static str,
    pub err_server: &'static str,
    pub err_network: &'static str,
}

/// One form for 1, another for the rest (English, German, Spanish).
pub fn one_other(n: i64) -> usize {
    if n == 1 {
        0
    } else {
        2
    }
}

impl Strings {
    /// The first supported language among `wanted`, most preferred first;
    /// `de-AT` matches `de`.
    pub fn pick<'a>(wanted: impl IntoIterator<Item = &'a str>) -> &'static Strings {
        wanted
            .into_iter()
            .find_map(|w| {
                let primary = w.split(['-', '_']).next()?.to_ascii_lowercase();
                LANGUAGES.iter().copied().find(|s| s.lang == primary)
            })
            .unwrap_or(LANGUAGES[0])
    }

    pub fn count(&self, n: i64) -> String {
        self.comments[(self.plural)(n)].replace("{n}", &n.to_string())
    }

    /// The message for a failed request.
    pub fn error(&self, failure: ApiFailure) -> &'static str {
        use ErrorCode::*;
        let ApiFailure::Api(code) = failure else {
            return self.err_network;
        };
        match code {
            BadRequest | InvalidJson | UnsupportedMediaType | Validation => self.err_invalid,
            PayloadTooLarge => self.err_too_long,
            SiteNotFound | OriginNotAllowed => self.err_site,
            NotFound => self.err_gone,
            ParentNotFound => self.err_parent_gone,
            PageLocked => self.err_locked,
            Unauthorized | Forbidden => self.err_denied,
            EditWindowClosed => self.err_window_closed,
            Conflict => self.err_conflict,
            RateLimited => self.err_rate,
            Unavailable | Internal => self.err_server,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_supported_language_wins_and_regions_match_their_language() {
        assert_eq!(Strings::pick(["xx", "de-AT", "fr"]).lang, "de");
        assert_eq!(Strings::pick(["pt-BR"]).lang, "en");
        assert_eq!(Strings::pick(["RU"]).lang, "ru");
    }

    #[test]
    fn russian_counts_use_three_plural_forms() {
        let ru = Strings::pick(["ru"]);
        assert_eq!(ru.count(1), "1 комментарий");
        assert_eq!(ru.count(3), "3 комментария");
        assert_eq!(ru.count(11), "11 комментариев");
        assert_eq!(ru.count(21), "21 комментарий");
    }

    #[test]
    fn french_treats_zero_as_singular() {
        assert_eq!(Strings::pick(["fr"]).count(0), "0 commentaire");
        assert_eq!(Strings::pick(["en"]).count(0), "0 comments");
    }

    #[test]
    fn every_language_fills_every_error() {
        for s in LANGUAGES {
            assert!(!s.error(ApiFailure::Network).is_empty(), "{}", s.lang);
            assert!(!s.error(ApiFailure::Api(ErrorCode::RateLimited)).is_empty());
        }
    }
}

//! The reader-facing texts, shared by the widget and the server's own HTML
//! (the thread without JavaScript, its form, the feeds): one list of keys,
//! one English, and one reader of the language files in `app/i18n/`, so a
//! text is worded once for both.

use crate::ErrorCode;

/// Declares [`Strings`] from one list of keys, so a text added here is read
/// from every language file by the same name, on both sides.
macro_rules! strings {
    ($($(#[$doc:meta])* $key:ident,)*) => {
        /// Every text the widget shows, in one language. `{n}` and `{name}`
        /// are replaced when shown.
        pub struct Strings {
            /// The BCP 47 code, also handed to `Intl` for dates and plurals.
            pub lang: &'static str,
            /// "{n} comments" for each of [`PLURALS`] (empty: other).
            pub comments: [&'static str; 6],
            $($(#[$doc])* pub $key: &'static str,)*
        }

        /// Every key but `comments`, as the language files spell them.
        pub const KEYS: &[&str] = &[$(stringify!($key)),*];

        impl Strings {
            /// `lang`'s texts: `text(key, english)` for each key, which answers
            /// English where the file has none, and `forms(category)` for each
            /// plural form, where a missing form means "use other" and no
            /// forms at all English's. Reading stays with the caller (JS
            /// objects in the widget, serde on the server), which also owns
            /// the strings it hands out. The fallback is the caller's so that
            /// the widget has it once, not once per key.
            pub fn read<F: Fn(&str) -> Option<&'static str>>(
                lang: &'static str,
                text: impl Fn(&'static str, &'static str) -> &'static str,
                forms: Option<F>,
            ) -> Strings {
                let form = |i: usize| match &forms {
                    Some(f) => f(PLURALS[i]).unwrap_or(""),
                    None => EN.comments[i],
                };
                Strings {
                    lang,
                    comments: std::array::from_fn(form),
                    $($key: text(stringify!($key), EN.$key),)*
                }
            }

            /// The text named `key`.
            pub fn get(&self, key: &str) -> Option<&'static str> {
                match key {
                    $(stringify!($key) => Some(self.$key),)*
                    _ => None,
                }
            }
        }
    };
}

strings! {
    thread,
    empty,
    loading,
    load_failed,
    retry,
    sort,
    oldest,
    newest,
    top,
    load_more,
    write,
    preview,
    nothing_to_preview,
    body_label,
    placeholder,
    hint,
    name,
    email,
    website,
    post,
    posting,
    save,
    cancel,
    reply,
    edit,
    delete,
    confirm_delete,
    held,
    pending,
    deleted,
    edited,
    pinned,
    anonymous,
    hide_replies,
    show_replies,
    more_replies,
    up,
    down,
    new_comment,
    /// Errors, by what the reader can do about them.
    err_invalid,
    err_too_long,
    err_site,
    err_gone,
    err_parent_gone,
    err_locked,
    err_denied,
    err_window_closed,
    err_conflict,
    err_rate,
    err_server,
    err_network,
}

/// The CLDR plural categories, in the order of [`Strings::comments`].
/// Arabic uses all six, Japanese only other.
pub const PLURALS: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// Languages written right to left, by their primary subtag.
const RTL: [&str; 8] = ["ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb"];

impl Strings {
    /// "ltr" or "rtl": the direction the thread is laid out in.
    pub fn dir(&self) -> &'static str {
        let primary = self.lang.split('-').next().unwrap_or_default();
        if RTL.contains(&primary) {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// What the reader is told of a refusal with `code`, by what they can
    /// do about it.
    pub fn for_error(&self, code: ErrorCode) -> &'static str {
        use ErrorCode::*;
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

    /// "{n} comments" for the plural `category` of the count (a CLDR
    /// name), `{n}` not yet replaced: other when the language has no such
    /// form.
    pub fn count_form(&self, category: &str) -> &'static str {
        let i = PLURALS.iter().position(|p| *p == category).unwrap_or(5);
        Some(self.comments[i])
            .filter(|f| !f.is_empty())
            .unwrap_or(self.comments[5])
    }
}

/// Built in: the fallback, and the only language that costs the widget no
/// request.
pub const EN: Strings = Strings {
    lang: "en",
    comments: ["", "{n} comment", "", "", "", "{n} comments"],
    thread: "Comments",
    empty: "No comments yet. Be the first to share your thoughts.",
    loading: "Loading comments…",
    load_failed: "Comments could not be loaded.",
    retry: "Try again",
    sort: "Sort by",
    oldest: "Oldest",
    newest: "Newest",
    top: "Top",
    load_more: "Load more comments",
    write: "Write",
    preview: "Preview",
    nothing_to_preview: "Nothing to preview yet.",
    body_label: "Your comment",
    placeholder: "Join the discussion…",
    hint: "Markdown supported. Ctrl+Enter posts.",
    name: "Name (optional)",
    email: "Email (optional, never shown)",
    website: "Website (optional)",
    post: "Post comment",
    posting: "Posting…",
    save: "Save",
    cancel: "Cancel",
    reply: "Reply",
    edit: "Edit",
    delete: "Delete",
    confirm_delete: "Delete this comment for good?",
    held: "Thanks! Your comment is awaiting moderation.",
    pending: "Awaiting moderation",
    deleted: "This comment was deleted.",
    edited: "edited",
    pinned: "Pinned",
    anonymous: "Anonymous",
    hide_replies: "Hide replies",
    show_replies: "Show replies ({n})",
    more_replies: "Show more replies ({n})",
    up: "Upvote",
    down: "Downvote",
    new_comment: "New comment by {name}",
    err_invalid: "Please check your comment and try again.",
    err_too_long: "Your comment is too long.",
    err_site: "Comments are not enabled for this site.",
    err_gone: "This comment no longer exists.",
    err_parent_gone: "The comment you replied to no longer exists.",
    err_locked: "Comments are closed on this page.",
    err_denied: "You cannot change this comment.",
    err_window_closed: "The time to change this comment has passed.",
    err_conflict: "This comment changed meanwhile. Reload and try again.",
    err_rate: "You are commenting very fast. Please wait a moment.",
    err_server: "The comment service has a problem. Please try again later.",
    err_network: "Could not reach the comment service. Check your connection and try again.",
};

#[cfg(test)]
mod tests {
    use super::{Strings, EN};

    #[test]
    fn right_to_left_languages_are_laid_out_right_to_left() {
        let t = |lang| Strings { lang, ..EN };
        assert_eq!([t("ar").dir(), t("he").dir(), t("fa-IR").dir()], ["rtl"; 3]);
        assert_eq!(
            [t("en").dir(), t("zh-Hant").dir(), t("pt-BR").dir()],
            ["ltr"; 3]
        );
    }

    #[test]
    fn a_missing_plural_form_falls_back_to_other_and_no_forms_to_english() {
        let forms = |c: &str| (c == "other").then_some("{n} Dinge");
        let t = Strings::read("xx", |_, en| en, Some(forms));
        assert_eq!(t.count_form("one"), "{n} Dinge");
        assert_eq!(t.thread, EN.thread, "a missing text stays English");
        let none: Option<fn(&str) -> Option<&'static str>> = None;
        let t = Strings::read("xx", |_, en| en, none);
        assert_eq!(t.count_form("one"), "{n} comment");
    }
}

//! The reader's language. English is built into the widget; every other
//! language is one JSON file in `app/i18n/` (`de.json` for German), which the
//! server serves beside the widget and `/embed.js` fetches only for the
//! readers who need it, so the wasm carries one language, not five. A text
//! a file lacks stays English.

mod en;

use confab_api::ErrorCode;
use js_sys::{Array, Intl::PluralRules, Object};
use wasm_bindgen::JsValue;

use crate::{api::ApiFailure, json::Obj};

/// Declares [`Strings`] and its reader from one list of keys, so a text
/// added here is read from every language file by the same name.
macro_rules! strings {
    ($($(#[$doc:meta])* $key:ident,)*) => {
        /// Every text the widget shows, in one language. `{n}` and `{name}`
        /// are replaced when shown.
        pub struct Strings {
            /// The BCP 47 code, also handed to `Intl` for dates and plurals.
            pub lang: &'static str,
            /// "{n} comments" for the plural categories of
            /// `Intl.PluralRules`: one, few, many, other (empty: other).
            pub comments: [&'static str; 4],
            $($(#[$doc])* pub $key: &'static str,)*
        }

        impl Strings {
            fn read(lang: &'static str, o: &Obj) -> Strings {
                let forms = o.obj("comments");
                let form = |k: &str, i: usize| forms.as_ref().map_or(en::EN.comments[i], |f| leak(f, k, ""));
                Strings {
                    lang,
                    comments: [form("one", 0), form("few", 1), form("many", 2), form("other", 3)],
                    $($key: leak(o, stringify!($key), en::EN.$key),)*
                }
            }
        }

        #[cfg(test)]
        const KEYS: &[&str] = &[$(stringify!($key)),*];
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

/// A text of a language file; it lives as long as the page.
fn leak(o: &Obj, k: &str, or: &'static str) -> &'static str {
    o.str(k).map_or(or, |s| Box::leak(s.into_boxed_str()))
}

impl Strings {
    /// `lang`'s texts from its file (parsed by `/embed.js`), or English when
    /// there is none.
    pub fn load(lang: String, file: JsValue) -> &'static Strings {
        if !file.is_object() || lang == "en" {
            return &en::EN;
        }
        let lang = Box::leak(lang.into_boxed_str());
        Box::leak(Box::new(Strings::read(lang, &Obj(file))))
    }

    pub fn count(&self, n: i64) -> String {
        let rules = PluralRules::new(&Array::of1(&JsValue::from_str(self.lang)), &Object::new());
        let i = match String::from(rules.select(n as f64)).as_str() {
            "one" => 0,
            "few" => 1,
            "many" => 2,
            _ => 3,
        };
        let form = Some(self.comments[i]).filter(|f| !f.is_empty());
        form.unwrap_or(self.comments[3])
            .replace("{n}", &n.to_string())
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

/// `text` as the content of an element set through `inner_html`: the
/// language files are ours, but are still not markup. The widget's one
/// escaper; comment HTML arrives sanitised by the server and goes in as it is.
pub fn as_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    #[test]
    fn a_text_shown_as_html_stays_text() {
        assert_eq!(super::as_html("a <b>&amp;</b>"), "a &lt;b>&amp;amp;&lt;/b>");
    }

    /// Every language file names every text English has, and nothing else.
    #[test]
    fn every_language_file_holds_exactly_the_widgets_texts() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("i18n");
        let want: BTreeSet<&str> = super::KEYS.iter().copied().chain(["comments"]).collect();
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let file: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let keys: BTreeSet<&str> = file.keys().map(String::as_str).collect();
            assert_eq!(keys, want, "{}", path.display());
            assert!(file["comments"]["other"].is_string(), "{}", path.display());
            assert!(file.values().all(|v| v.is_string() || v.is_object()));
            seen += 1;
        }
        assert!(seen >= 4, "German, French, Spanish and Russian at least");
    }
}

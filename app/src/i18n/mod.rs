//! The reader's language. English is built into the widget; every other
//! language is one JSON file in `app/i18n/` (`de.json` for German), which the
//! server serves beside the widget and `/embed.js` fetches only for the
//! readers who need it, so the wasm carries one language, not five. A text
//! a file lacks stays English.

mod en;

use confab_api::ErrorCode;
use wasm_bindgen::JsValue;

use crate::{api::ApiFailure, intl, json::Obj};

/// Declares [`Strings`] and its reader from one list of keys, so a text
/// added here is read from every language file by the same name.
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

        impl Strings {
            fn read(lang: &'static str, o: &Obj) -> Strings {
                let forms = o.obj("comments");
                let form = |i: usize| forms.as_ref().map_or(en::EN.comments[i], |f| leak(f, PLURALS[i], ""));
                Strings {
                    lang,
                    comments: std::array::from_fn(form),
                    $($key: leak(o, stringify!($key), en::EN.$key),)*
                }
            }
        }

        #[cfg(test)]
        const KEYS: &[&str] = &[$(stringify!($key)),*];

        #[cfg(test)]
        impl Strings {
            /// The text named `key`.
            fn get(&self, key: &str) -> Option<&'static str> {
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

/// The CLDR plural categories that `Intl.PluralRules` answers, in the
/// order of [`Strings::comments`]. Arabic uses all six, Japanese only other.
const PLURALS: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// Languages written right to left, by their primary subtag.
const RTL: [&str; 8] = ["ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb"];

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

    /// "ltr" or "rtl": the direction the widget is laid out in.
    pub fn dir(&self) -> &'static str {
        let primary = self.lang.split('-').next().unwrap_or_default();
        if RTL.contains(&primary) {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// `text` with `{n}` as `n` is written in this language.
    pub fn with_n(&self, text: &str, n: i64) -> String {
        text.replace("{n}", &intl::number(self.lang, n))
    }

    /// "{n} comments", in the plural form this language uses for `n`.
    pub fn count(&self, n: i64) -> String {
        let category = intl::plural(self.lang, n);
        let i = PLURALS.iter().position(|p| *p == category).unwrap_or(5);
        let form = Some(self.comments[i]).filter(|f| !f.is_empty());
        self.with_n(form.unwrap_or(self.comments[5]), n)
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

    /// The `{…}` placeholders of a text, in order.
    fn placeholders(text: &str) -> Vec<&str> {
        text.match_indices('{')
            .map(|(i, _)| &text[i..=i + text[i..].find('}').unwrap_or(0)])
            .collect()
    }

    /// Every language file as `(path, parsed)`.
    fn files() -> Vec<(String, serde_json::Map<String, serde_json::Value>)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("i18n");
        let mut all: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| {
                let path = entry.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                let name = path.display().to_string();
                let file = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
                (name, file)
            })
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    /// Every language file names every text English has, and nothing else,
    /// with English's placeholders; its plural forms are CLDR categories,
    /// "other" among them and showing the number. (Which categories a
    /// language needs is Chromium's to say: the browser suite checks them.)
    #[test]
    fn every_language_file_holds_exactly_the_widgets_texts() {
        let want: BTreeSet<&str> = super::KEYS.iter().copied().chain(["comments"]).collect();
        let all = files();
        for (name, file) in &all {
            let keys: BTreeSet<&str> = file.keys().map(String::as_str).collect();
            assert_eq!(keys, want, "{name}");
            for key in super::KEYS {
                let (text, english) = (file[*key].as_str(), super::en::EN.get(key));
                let text = text.unwrap_or_else(|| panic!("{name}: {key} is not a text"));
                assert_eq!(
                    placeholders(text),
                    placeholders(english.unwrap()),
                    "{name}: {key}"
                );
            }
            let forms = file["comments"].as_object().unwrap();
            let other = forms
                .get("other")
                .and_then(|f| f.as_str())
                .map(placeholders);
            assert_eq!(other, Some(vec!["{n}"]), "{name}: other");
            for (category, form) in forms {
                assert!(
                    super::PLURALS.contains(&category.as_str()),
                    "{name}: {category}"
                );
                // "تعليقان" is "two comments": a form may say its number.
                let shown = placeholders(form.as_str().unwrap());
                assert!(shown.iter().all(|p| *p == "{n}"), "{name}: {category}");
            }
        }
        assert!(
            all.len() >= 22,
            "twenty languages and more, English built in"
        );
    }

    /// A reader who needs a language fetches it, so each file is small.
    #[test]
    fn every_language_file_is_at_most_one_and_a_half_kilobytes_in_brotli() {
        for (name, _) in files() {
            let bytes = std::fs::read(&name).unwrap();
            let mut packed = Vec::new();
            let params = brotli::enc::BrotliEncoderParams {
                quality: 11,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut &bytes[..], &mut packed, &params).unwrap();
            assert!(packed.len() <= 1536, "{name}: {} bytes", packed.len());
        }
    }

    #[test]
    fn right_to_left_languages_are_laid_out_right_to_left() {
        let t = |lang| super::Strings {
            lang,
            ..super::en::EN
        };
        assert_eq!([t("ar").dir(), t("he").dir(), t("fa-IR").dir()], ["rtl"; 3]);
        assert_eq!(
            [t("en").dir(), t("zh-Hant").dir(), t("pt-BR").dir()],
            ["ltr"; 3]
        );
    }
}

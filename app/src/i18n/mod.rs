//! The reader's language. English is built into the widget (the shared
//! [`confab_api::texts::EN`], which the server's own pages use too); every other
//! language is one JSON file in `app/i18n/` (`de.json` for German), which the
//! server serves beside the widget and `/embed.js` fetches only for the
//! readers who need it, so the wasm carries one language, not five. A text
//! a file lacks stays English.

use std::ops::Deref;

use confab_api::texts;
use wasm_bindgen::JsValue;

use crate::{api::ApiFailure, intl, json::Obj};

/// The shared texts ([`texts::Strings`]), with what only the widget does
/// with them: count with the browser's plural rules, word errors.
pub struct Strings(texts::Strings);

impl Deref for Strings {
    type Target = texts::Strings;

    fn deref(&self) -> &texts::Strings {
        &self.0
    }
}

static EN: Strings = Strings(texts::EN);

/// A text of a language file; it lives as long as the page.
fn leak(o: &Obj, k: &str) -> Option<&'static str> {
    o.str(k).map(|s| &*Box::leak(s.into_boxed_str()))
}

impl Strings {
    /// `lang`'s texts from its file (parsed by `/embed.js`), or English when
    /// there is none.
    pub fn load(lang: String, file: JsValue) -> &'static Strings {
        if !file.is_object() || lang == "en" {
            return &EN;
        }
        let lang = Box::leak(lang.into_boxed_str());
        let o = Obj(file);
        let forms = o.obj("comments");
        let read = texts::Strings::read(
            lang,
            |k, en| leak(&o, k).unwrap_or(en),
            forms.as_ref().map(|f| |c: &str| leak(f, c)),
        );
        Box::leak(Box::new(Strings(read)))
    }

    /// `text` with `{n}` as `n` is written in this language.
    pub fn with_n(&self, text: &str, n: i64) -> String {
        text.replace("{n}", &intl::number(self.lang, n))
    }

    /// "{n} comments", in the plural form this language uses for `n`.
    pub fn count(&self, n: i64) -> String {
        self.with_n(self.count_form(&intl::plural(self.lang, n)), n)
    }

    /// The message for a failed request.
    pub fn error(&self, failure: ApiFailure) -> &'static str {
        match failure {
            ApiFailure::Api(code) => self.for_error(code),
            _ => self.err_network,
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
        let want: BTreeSet<&str> = super::texts::KEYS
            .iter()
            .copied()
            .chain(["comments"])
            .collect();
        let all = files();
        for (name, file) in &all {
            let keys: BTreeSet<&str> = file.keys().map(String::as_str).collect();
            assert_eq!(keys, want, "{name}");
            for key in super::texts::KEYS {
                let (text, english) = (file[*key].as_str(), super::texts::EN.get(key));
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
                    super::texts::PLURALS.contains(&category.as_str()),
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
}

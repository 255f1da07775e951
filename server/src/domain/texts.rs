//! The reader's language on the server's own pages (the thread without
//! JavaScript, its form, the feeds): the widget's texts ([`Strings`], from
//! the same files in `app/i18n/`, embedded at build time), chosen the way
//! `/embed.js` chooses them, with plural rules from CLDR.

use std::sync::LazyLock;

use confab_api::texts::{Strings, EN};
use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
use unic_langid::LanguageIdentifier;

/// `(code, file)` for every language but English, which is built in.
const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/texts.rs"));

/// One language: its texts and its plural rules.
pub struct Lang {
    pub t: Strings,
    /// `None` where CLDR has no rules: every count is then "other".
    plurals: Option<PluralRules>,
}

static LANGS: LazyLock<Vec<Lang>> = LazyLock::new(|| {
    let mut all = vec![lang(EN)];
    all.extend(FILES.iter().filter_map(|(code, file)| {
        let file: serde_json::Value = serde_json::from_str(file).ok()?;
        // Parsed once per process: the texts live as long as the server.
        let leak = |v: Option<&serde_json::Value>| {
            v.and_then(|v| v.as_str())
                .map(|s| &*Box::leak(s.to_owned().into_boxed_str()))
        };
        let forms = file.get("comments").filter(|f| f.is_object());
        let t = Strings::read(
            Box::leak((*code).to_owned().into_boxed_str()),
            |k, en| leak(file.get(k)).unwrap_or(en),
            forms.map(|f| move |c: &str| leak(f.get(c))),
        );
        Some(lang(t))
    }));
    all
});

fn lang(t: Strings) -> Lang {
    let rules = |tag: &str| {
        let id: LanguageIdentifier = tag.parse().ok()?;
        PluralRules::create(id, PluralRuleType::CARDINAL).ok()
    };
    let primary = t.lang.split('-').next().unwrap_or_default();
    let plurals = rules(t.lang).or_else(|| rules(primary));
    Lang { t, plurals }
}

impl Lang {
    /// "{n} comments" in this language's plural form for `n`.
    pub fn count(&self, n: i64) -> String {
        let category = self
            .plurals
            .as_ref()
            .and_then(|p| p.select(n).ok())
            .map_or("other", category_name);
        self.t.count_form(category).replace("{n}", &n.to_string())
    }

    /// `text` with `{n}` as `n`.
    pub fn with_n(&self, text: &str, n: i64) -> String {
        text.replace("{n}", &n.to_string())
    }
}

fn category_name(c: PluralCategory) -> &'static str {
    match c {
        PluralCategory::ZERO => "zero",
        PluralCategory::ONE => "one",
        PluralCategory::TWO => "two",
        PluralCategory::FEW => "few",
        PluralCategory::MANY => "many",
        PluralCategory::OTHER => "other",
    }
}

/// English.
pub fn english() -> &'static Lang {
    &LANGS[0]
}

/// The language for a reader who asks for `wanted` (a `lang` parameter)
/// or else sends `accept` (`Accept-Language`): the first we speak, English
/// when none.
pub fn negotiate(wanted: Option<&str>, accept: Option<&str>) -> &'static Lang {
    let mut asked: Vec<(f32, &str)> = accept
        .unwrap_or_default()
        .split(',')
        .filter_map(|part| {
            let mut bits = part.split(';');
            let tag = bits.next()?.trim();
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (!tag.is_empty() && tag != "*" && q > 0.0).then_some((q, tag))
        })
        .collect();
    // Stable: equal weights keep the reader's order.
    asked.sort_by(|a, b| b.0.total_cmp(&a.0));
    wanted
        .into_iter()
        .chain(asked.into_iter().map(|(_, tag)| tag))
        .find_map(matching)
        .unwrap_or_else(english)
}

/// The language we speak for `tag`, as `/embed.js` picks it: Chinese by
/// script (Taiwan, Hong Kong and Macau write traditional), Portuguese by
/// norm (Brazil's unless the region says otherwise), the rest by their
/// primary subtag.
fn matching(tag: &str) -> Option<&'static Lang> {
    let tag = tag.to_ascii_lowercase();
    let by_code = |code: &str| LANGS.iter().find(|l| l.t.lang.eq_ignore_ascii_case(code));
    if let Some(exact) = by_code(&tag) {
        return Some(exact);
    }
    let mut subtags = tag.split(['-', '_']);
    let primary = subtags.next()?;
    let rest: Vec<&str> = subtags.collect();
    let code = match primary {
        "zh" if rest.iter().any(|s| ["hant", "tw", "hk", "mo"].contains(s)) => "zh-Hant",
        "zh" => "zh-Hans",
        "pt" if rest.is_empty() || rest.contains(&"br") => "pt-BR",
        "pt" => "pt-PT",
        other => other,
    };
    by_code(code)
}

#[cfg(test)]
mod tests {
    use super::{negotiate, LANGS};

    #[test]
    fn every_language_file_is_read_and_english_leads() {
        assert_eq!(LANGS[0].t.lang, "en");
        assert!(LANGS.len() >= 23, "{}", LANGS.len());
        let de = negotiate(Some("de"), None);
        assert_eq!(de.t.thread, "Kommentare");
    }

    #[test]
    fn the_reader_gets_the_first_language_we_speak_by_weight() {
        let pick = |accept| negotiate(None, Some(accept)).t.lang;
        assert_eq!(pick("xx, fr;q=0.8, de;q=0.9"), "de");
        assert_eq!(pick("zh-TW"), "zh-Hant");
        assert_eq!(pick("zh-CN,en;q=0.5"), "zh-Hans");
        assert_eq!(pick("pt"), "pt-BR");
        assert_eq!(pick("pt-AO"), "pt-PT");
        assert_eq!(pick("de-AT"), "de");
        assert_eq!(pick("de;q=0, fr"), "fr");
        assert_eq!(pick(""), "en");
        assert_eq!(negotiate(Some("ru"), Some("de")).t.lang, "ru");
        assert_eq!(negotiate(Some("nope"), Some("de")).t.lang, "de");
    }

    #[test]
    fn counts_take_each_languages_plural_form() {
        let count = |lang, n| negotiate(Some(lang), None).count(n);
        assert_eq!(count("en", 1), "1 comment");
        assert_eq!(count("en", 2), "2 comments");
        assert_eq!(count("ar", 2), "تعليقان");
        assert_eq!(count("ru", 5), "5 комментариев");
        assert_eq!(count("ru", 21), "21 комментарий");
    }
}

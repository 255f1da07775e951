//! The browser's `Intl` for one language: plurals, numbers and times are
//! worded by the platform, so no language file has to, and no wasm does.
//! Building an `Intl` formatter costs far more than using one (a thread of
//! 150 comments spent most of its first render here), so each widget
//! language builds its formatters once.

use js_sys::{
    Array, Function,
    Intl::{DateTimeFormat, NumberFormat, PluralRules, RelativeTimeFormat},
    Object, Reflect,
};
use wasm_bindgen::JsValue;

pub struct Formats {
    lang: &'static str,
    pub relative: RelativeTimeFormat,
    pub absolute: Function,
    pub plural: PluralRules,
    pub number: Function,
}

thread_local! {
    static FORMATS: std::cell::RefCell<Vec<Formats>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Options for `Intl` from `(key, value)` pairs.
fn options(pairs: &[(&str, &str)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &(*k).into(), &(*v).into());
    }
    o
}

/// Runs `f` with `lang`'s formatters, building them on first use.
pub fn with<R>(lang: &'static str, f: impl FnOnce(&Formats) -> R) -> R {
    FORMATS.with_borrow_mut(|all| {
        let i = all.iter().position(|f| f.lang == lang).unwrap_or_else(|| {
            let locales = Array::of1(&JsValue::from_str(lang));
            let none = Object::new();
            all.push(Formats {
                lang,
                relative: RelativeTimeFormat::new(&locales, &options(&[("numeric", "auto")])),
                absolute: DateTimeFormat::new(
                    &locales,
                    &options(&[("dateStyle", "medium"), ("timeStyle", "medium")]),
                )
                .format(),
                plural: PluralRules::new(&locales, &none),
                number: NumberFormat::new(&locales, &none).format(),
            });
            all.len() - 1
        });
        f(&all[i])
    })
}

/// `n` with the digits and grouping of `lang` ("1 234", "١٢").
pub fn number(lang: &'static str, n: i64) -> String {
    with(lang, |f| {
        f.number
            .call1(&JsValue::NULL, &(n as f64).into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| n.to_string())
    })
}

/// `n`'s CLDR plural category in `lang`: zero, one, two, few, many or other.
pub fn plural(lang: &'static str, n: i64) -> String {
    with(lang, |f| f.plural.select(n as f64).into())
}

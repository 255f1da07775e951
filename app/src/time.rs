//! Times as readers say them ("3 hours ago"), in their language, with the
//! exact time on hover. The browser's `Intl` does the wording, so no
//! language file has to.

use js_sys::{Array, Date, Object, Reflect};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// Seconds per unit, largest first.
const UNITS: [(&str, f64); 6] = [
    ("year", 31_536_000.0),
    ("month", 2_592_000.0),
    ("day", 86_400.0),
    ("hour", 3_600.0),
    ("minute", 60.0),
    ("second", 1.0),
];

/// The largest unit that fits `secs` (negative: in the past), rounded.
pub fn relative_parts(secs: f64) -> (f64, &'static str) {
    let (unit, size) = UNITS
        .iter()
        .find(|(_, size)| secs.abs() >= *size)
        .copied()
        .unwrap_or(("second", 1.0));
    ((secs / size).round(), unit)
}

/// One language's formatters. Building an `Intl` formatter costs far more
/// than using one (a thread of 150 comments spent most of its first render
/// here), so each widget language builds them once.
struct Formats {
    lang: &'static str,
    relative: js_sys::Intl::RelativeTimeFormat,
    absolute: js_sys::Function,
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
fn with_formats<R>(lang: &'static str, f: impl FnOnce(&Formats) -> R) -> R {
    FORMATS.with_borrow_mut(|all| {
        let i = all.iter().position(|f| f.lang == lang).unwrap_or_else(|| {
            let locales = Array::of1(&JsValue::from_str(lang));
            all.push(Formats {
                lang,
                relative: js_sys::Intl::RelativeTimeFormat::new(
                    &locales,
                    &options(&[("numeric", "auto")]),
                ),
                absolute: js_sys::Intl::DateTimeFormat::new(
                    &locales,
                    &options(&[("dateStyle", "medium"), ("timeStyle", "medium")]),
                )
                .format(),
            });
            all.len() - 1
        });
        f(&all[i])
    })
}

/// `ms` as a time and date in `lang`: fixed, so worded once.
fn absolute(lang: &'static str, ms: f64) -> String {
    with_formats(lang, |f| {
        f.absolute
            .call1(&JsValue::NULL, &Date::new(&ms.into()))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    })
}

/// `ms` relative to now in `lang` ("3 hours ago"): worded on every tick.
fn relative(lang: &'static str, ms: f64) -> String {
    let (n, unit) = relative_parts((ms - Date::now()) / 1000.0);
    with_formats(lang, |f| f.relative.format(n, unit).into())
}

/// How often relative times are worded again, so that a page left open
/// does not keep saying "now" for an hour.
const REFRESH: std::time::Duration = std::time::Duration::from_secs(10);

thread_local! {
    /// One clock for every time on the page: one timer, however many
    /// comments.
    static TICK: std::cell::OnceCell<Trigger> = const { std::cell::OnceCell::new() };
}

fn tick() -> Trigger {
    TICK.with(|t| {
        *t.get_or_init(|| {
            let tick = Trigger::new();
            set_interval(move || tick.notify(), REFRESH);
            tick
        })
    })
}

/// `<time>` for an RFC 3339 timestamp.
#[component]
pub fn Time(
    /// RFC 3339, as the server sends it.
    iso: String,
) -> impl IntoView {
    let lang = crate::model::ctx().t.lang;
    let ms = Date::parse(&iso);
    // Intl throws on an invalid time, and a throw inside the wasm would
    // stop the whole widget: show such a time as it came.
    let title = if ms.is_nan() {
        iso.clone()
    } else {
        absolute(lang, ms)
    };
    let shown = iso.clone();
    let tick = tick();
    let text = move || {
        tick.track();
        if ms.is_nan() {
            shown.clone()
        } else {
            relative(lang, ms)
        }
    };
    view! { <time datetime=iso title=title>{text}</time> }
}

#[cfg(test)]
mod tests {
    use super::relative_parts;

    #[test]
    fn the_largest_fitting_unit_is_used() {
        assert_eq!(relative_parts(-90.0), (-2.0, "minute"));
        assert_eq!(relative_parts(-7200.0), (-2.0, "hour"));
        assert_eq!(relative_parts(-3.0 * 86_400.0), (-3.0, "day"));
        assert_eq!(relative_parts(0.2), (0.0, "second"));
    }
}

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

fn relative(lang: &str, ms: f64) -> String {
    let (n, unit) = relative_parts((ms - Date::now()) / 1000.0);
    let opts = Object::new();
    let _ = Reflect::set(&opts, &"numeric".into(), &"auto".into());
    let locales = Array::of1(&JsValue::from_str(lang));
    js_sys::Intl::RelativeTimeFormat::new(&locales, &opts)
        .format(n, unit)
        .into()
}

fn absolute(lang: &str, ms: f64) -> String {
    let opts = Object::new();
    for k in ["dateStyle", "timeStyle"] {
        let _ = Reflect::set(&opts, &k.into(), &"medium".into());
    }
    Date::new(&ms.into()).to_locale_string(lang, &opts).into()
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
    let (title, text) = if ms.is_nan() {
        (iso.clone(), iso.clone())
    } else {
        (absolute(lang, ms), relative(lang, ms))
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

//! Times as readers say them ("3 hours ago"), in their language, with the
//! exact time on hover, both worded by the browser's `Intl`.

use js_sys::Date;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::intl;

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

/// `ms` as a time and date in `lang`: fixed, so worded once.
fn absolute(lang: &'static str, ms: f64) -> String {
    intl::with(lang, |f| {
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
    intl::with(lang, |f| f.relative.format(n, unit).into())
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

//! The widget's entry point. `/embed.js` initialises this module, then calls
//! [`mount`] once per placeholder with the shadow-root element to render into.

// No `main` in the wasm: /embed.js calls `mount`, and a `main` would link
// the standard library's start-up and shutdown (flushing stdout, which
// the browser does not have) for nothing. Host builds (the unit tests)
// keep one.
#![cfg_attr(target_arch = "wasm32", no_main)]

use wasm_bindgen::prelude::*;

mod api;
mod comment;
mod composer;
mod editor;
mod embed;
mod i18n;
mod intl;
mod json;
mod live;
mod model;
mod more_replies;
mod own;
mod storage;
mod thread;
mod time;
mod votes;

/// Renders a thread into `host` (inside the placeholder's shadow root).
/// `/embed.js` passes the placeholder's `config`, the Confab server's URL
/// `base` (the widget talks only to it), the first page of the `thread`,
/// already fetched while the wasm compiled (as `[status, body]`), and the
/// reader's language file, if it is not English.
#[wasm_bindgen]
pub fn mount(
    host: web_sys::HtmlElement,
    config: JsValue,
    base: String,
    thread: js_sys::Promise,
    strings: JsValue,
) {
    let embed = embed::Embed::read(&host, &json::Obj(config), base, strings);
    leptos::mount::mount_to(
        host,
        move || leptos::view! { <thread::Thread embed first=thread /> },
    )
    .forget();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}

//! The widget's entry point. `/embed.js` initialises this module, then calls
//! [`mount`] once per placeholder with the shadow-root element to render into.

use wasm_bindgen::prelude::*;

mod api;
mod avatar;
mod comment;
mod composer;
mod editor;
mod embed;
mod i18n;
mod json;
mod live;
mod model;
mod own;
mod storage;
mod thread;
mod time;
mod votes;

/// Renders a thread into `host` (inside the placeholder's shadow root),
/// configured by the placeholder's `data-*` attributes. `base` is the Confab
/// server's URL, taken from the script tag, so the widget talks only to it.
#[wasm_bindgen]
pub fn mount(host: web_sys::HtmlElement, placeholder: web_sys::HtmlElement, base: String) {
    let embed = embed::Embed::read(&host, &placeholder, base);
    leptos::mount::mount_to(host, move || leptos::view! { <thread::Thread embed /> }).forget();
}

fn main() {}

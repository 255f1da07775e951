//! JSON in and out through the browser's own `JSON` object and
//! serde-wasm-bindgen: the shared wire types keep their serde derives, but
//! the wasm carries no JSON parser or printer of its own (serde_json's cost
//! about 10 KB of the size budget).

use serde::{de::DeserializeOwned, Serialize};

pub fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_wasm_bindgen::from_value(js_sys::JSON::parse(text).ok()?).ok()
}

pub fn stringify(value: &impl Serialize) -> String {
    serde_wasm_bindgen::to_value(value)
        .ok()
        .and_then(|v| js_sys::JSON::stringify(&v).ok())
        .map(String::from)
        .unwrap_or_default()
}

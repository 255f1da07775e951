//! What one placeholder asks for. `/embed.js` reads its `data-*` attributes
//! (with the host page as the fallback) and hands them over as one object.

use web_sys::HtmlElement;

use crate::{api::Client, i18n::Strings, json::Obj};

/// One widget's configuration. It lives as long as the page, so it is
/// leaked once per mount and shared as `&'static`.
pub struct Embed {
    pub client: Client,
    /// The page key: which thread this is.
    pub page: String,
    pub title: String,
    /// The page's address, so that moderators can find it.
    pub url: String,
    pub t: &'static Strings,
}

impl Embed {
    /// Reads `/embed.js`'s `config` (site, page, title, url, theme, lang)
    /// and the language file it fetched; copies the theme, language and direction onto
    /// `host`, where the stylesheet and screen readers pick them up.
    pub fn read(
        host: &HtmlElement,
        config: &Obj,
        base: String,
        strings: wasm_bindgen::JsValue,
    ) -> &'static Embed {
        let get = |k: &str| config.str(k).unwrap_or_default();
        let t = Strings::load(get("lang"), strings);
        let _ = host.set_attribute("data-theme", &get("theme"));
        let _ = host.set_attribute("lang", t.lang);
        // Always set: a right-to-left host page must not flip a widget
        // that speaks English.
        let _ = host.set_attribute("dir", t.dir());
        Box::leak(Box::new(Embed {
            client: Client::new(base, get("site")),
            page: get("page"),
            title: get("title"),
            url: get("url"),
            t,
        }))
    }

    /// The localStorage key part that names this thread.
    pub fn key(&self) -> String {
        format!("{}:{}", self.client.site(), self.page)
    }
}

//! What one placeholder asks for, from its `data-*` attributes, with the
//! host page itself as the fallback.

use web_sys::{Document, HtmlElement};

use crate::{api::Client, i18n::Strings};

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
    /// Reads `data-site`, `data-page`, `data-title`, `data-lang` and
    /// `data-theme`; copies the theme onto `host`, where the stylesheet
    /// picks it up.
    pub fn read(host: &HtmlElement, el: &HtmlElement, base: String) -> &'static Embed {
        let data = |k: &str| {
            el.get_attribute(&format!("data-{k}"))
                .filter(|v| !v.is_empty())
        };
        let doc = web_sys::window().and_then(|w| w.document());
        let location = doc.as_ref().and_then(Document::location);
        let href = location
            .as_ref()
            .and_then(|l| l.href().ok())
            .unwrap_or_default();
        // The canonical link names the article under all its addresses
        // (tracking parameters, AMP copies), so it is the better key.
        let canonical = doc
            .as_ref()
            .and_then(|d| d.query_selector("link[rel=canonical]").ok()?)
            .and_then(|l| l.get_attribute("href"))
            .and_then(|h| web_sys::Url::new_with_base(&h, &href).ok());
        let page = data("page")
            .or_else(|| canonical.as_ref().map(web_sys::Url::pathname))
            .or_else(|| location.as_ref()?.pathname().ok())
            .unwrap_or_else(|| "/".into());
        let title = data("title")
            .or_else(|| doc.as_ref().map(Document::title))
            .unwrap_or_default();
        let html_lang = doc
            .as_ref()
            .and_then(Document::document_element)
            .and_then(|h| h.get_attribute("lang"));
        let nav_lang = web_sys::window().and_then(|w| w.navigator().language());
        let langs = [data("lang"), html_lang, nav_lang];
        let t = Strings::pick(langs.iter().flatten().map(String::as_str));
        let theme = data("theme").unwrap_or_else(|| "auto".into());
        let _ = host.set_attribute("data-theme", &theme);
        let _ = host.set_attribute("lang", t.lang);
        let site = data("site").unwrap_or_else(|| "demo".into());
        Box::leak(Box::new(Embed {
            client: Client::new(base, site),
            page,
            title,
            url: canonical.map_or(href, |u| u.href()),
            t,
        }))
    }

    /// The localStorage key part that names this thread.
    pub fn key(&self) -> String {
        format!("{}:{}", self.client.site(), self.page)
    }
}

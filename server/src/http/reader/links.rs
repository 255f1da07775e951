//! Where the server's HTML thread links to: the full page on this server for
//! replying and for further pages, absolute from `public_url` so the links
//! work inside any article that includes the fragment, and the same for
//! every request (cached fragments never hold a `Host` someone sent).

use url::form_urlencoded::Serializer;

use crate::AppState;

pub struct Links {
    /// `public_url`, without a trailing slash.
    pub base: String,
    pub site: String,
    pub page: String,
    /// The reader's language, kept in every link: a fragment is cached per
    /// language, whichever way the reader asked for it.
    pub lang: &'static str,
    /// No replies are taken: no reply links.
    pub locked: bool,
}

impl Links {
    /// The links of `page` on `site`, in `lang`, replies taken.
    pub fn new(state: &AppState, site: &str, page: &str, lang: &'static str) -> Self {
        Self {
            base: state.config.public_url(),
            site: site.to_owned(),
            page: page.to_owned(),
            lang,
            locked: false,
        }
    }

    /// The same links for another page of the site.
    pub fn of(&self, page: &str) -> Self {
        Self {
            base: self.base.clone(),
            site: self.site.clone(),
            page: page.to_owned(),
            lang: self.lang,
            locked: self.locked,
        }
    }

    /// The full page with `extra` query pairs after its page key.
    pub fn full(&self, extra: &[(&str, &str)]) -> String {
        let mut q = Serializer::new(String::new());
        q.append_pair("page", &self.page);
        for (k, v) in extra {
            q.append_pair(k, v);
        }
        q.append_pair("lang", self.lang);
        format!("{}/t/{}?{}", self.base, self.site, q.finish())
    }

    /// A comment's permalink: its anchor in whatever page shows the thread.
    pub fn comment(&self, id: i64) -> String {
        format!("#confab-{id}")
    }

    pub fn reply(&self, id: i64) -> String {
        self.full(&[("reply_to", &id.to_string())]) + "#confab-form"
    }

    /// The next page of top-level comments.
    pub fn next(&self, cursor: &str) -> String {
        self.full(&[("cursor", cursor)])
    }

    /// The replies of `id` after those shown.
    pub fn replies(&self, id: i64, cursor: &str) -> String {
        self.full(&[("parent", &id.to_string()), ("cursor", cursor)])
    }
}

#[cfg(test)]
mod tests {
    use super::Links;

    #[test]
    fn links_keep_the_page_key_and_language_escaped() {
        let links = Links {
            base: "https://c.example".into(),
            site: "blog".into(),
            page: "/a b?p=1&x".into(),
            lang: "de",
            locked: false,
        };
        assert_eq!(
            links.reply(7),
            "https://c.example/t/blog?page=%2Fa+b%3Fp%3D1%26x&reply_to=7&lang=de#confab-form"
        );
        assert_eq!(links.comment(7), "#confab-7");
    }
}

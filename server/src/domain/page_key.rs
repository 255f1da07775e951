//! Page keys: which thread a comment belongs to. By default the embed sends
//! the page's URL path; a site may instead give an explicit id so a thread
//! survives the page moving.

use std::fmt;

pub const MAX_LEN: usize = 512;

/// A normalised page key: `/a/path` (no query, no fragment, no `//`) or an
/// id of `[A-Za-z0-9._:-]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageKey(String);

impl PageKey {
    /// Normalises `raw`, or says why it cannot be a page key. A full http(s)
    /// URL is accepted and reduced to its path, so `location.href` works too.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("page key is empty");
        }
        if raw.len() > MAX_LEN * 4 {
            return Err("page key is too long");
        }
        let key = if raw.starts_with('/') {
            normalise_path(raw)
        } else if let Some(path) = url_path(raw) {
            normalise_path(&path)
        } else if raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._:-".contains(&b))
        {
            raw.to_owned()
        } else {
            return Err("page key must be a path starting with / or an id of [A-Za-z0-9._:-]");
        };
        if key.len() > MAX_LEN {
            return Err("page key is too long");
        }
        if key.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err("page key contains whitespace or control characters");
        }
        Ok(Self(key))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn url_path(raw: &str) -> Option<String> {
    let url = url::Url::parse(raw).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.path().to_owned())
}

fn normalise_path(raw: &str) -> String {
    let end = raw.find(['?', '#']).unwrap_or(raw.len());
    let mut out = String::with_capacity(end);
    for c in raw[..end].chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::PageKey;

    fn key(s: &str) -> String {
        PageKey::parse(s).unwrap().as_str().to_owned()
    }

    #[test]
    fn query_and_fragment_are_stripped() {
        assert_eq!(key("/post/1?utm=x#comments"), "/post/1");
        assert_eq!(key("/post/1#c"), "/post/1");
    }

    #[test]
    fn repeated_slashes_collapse() {
        assert_eq!(key("//blog///2024//x/"), "/blog/2024/x/");
    }

    #[test]
    fn explicit_ids_are_kept_as_they_are() {
        assert_eq!(key("article:42.v2_x-y"), "article:42.v2_x-y");
    }

    #[test]
    fn a_full_url_is_reduced_to_its_path() {
        assert_eq!(key("https://example.com/a//b?q=1"), "/a/b");
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in ["", "  ", "no spaces", "a/b", "ftp://x/y", "/a b", "/a\u{7}"] {
            assert!(PageKey::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn long_keys_are_refused() {
        assert!(PageKey::parse(&format!("/{}", "a".repeat(600))).is_err());
        assert!(PageKey::parse(&"a".repeat(512)).is_ok());
    }
}

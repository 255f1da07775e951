//! Everything the widget remembers lives in the host page's localStorage,
//! under `confab:` keys: no cookies. Storage can be missing or full (private
//! windows, quotas), so every call degrades to "remember nothing".

use confab_api::Comment;
use web_sys::Storage;

fn store() -> Option<Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn get(key: &str) -> Option<String> {
    store()?.get_item(&format!("confab:{key}")).ok()?
}

/// Stores `value`, or forgets the key when it is empty.
pub fn set(key: &str, value: &str) {
    if let Some(s) = store() {
        let key = format!("confab:{key}");
        let _ = if value.is_empty() {
            s.remove_item(&key)
        } else {
            s.set_item(&key, value)
        };
    }
}

/// What the author of a comment needs to change it later: the edit token
/// the server handed out, the markdown they wrote (the server only returns
/// HTML) and when the edit window closes (ms since the epoch; an integer,
/// because formatting floats would pull ~10 KB of code into the wasm).
#[derive(Clone, Debug, PartialEq)]
pub struct Own {
    pub until: i64,
    pub token: String,
    pub body: String,
}

pub fn own(id: i64) -> Option<Own> {
    let raw = get(&format!("own:{id}"))?;
    let mut parts = raw.splitn(3, '\n');
    let own = Own {
        until: parts.next()?.parse().ok()?,
        token: parts.next()?.into(),
        body: parts.next()?.into(),
    };
    (own.until as f64 > js_sys::Date::now()).then_some(own)
}

pub fn set_own(id: i64, own: Option<&Own>) {
    let raw = own.map_or(String::new(), |o| {
        format!("{}\n{}\n{}", o.until, o.token, o.body)
    });
    set(&format!("own:{id}"), &raw);
}

/// The reader's own comments still held for moderation on one page: the
/// server does not show them to anyone, so the widget shows them to their
/// author from here until they are published.
pub fn pending(key: &str) -> Vec<Comment> {
    get(&format!("pending:{key}"))
        .map(|s| crate::json::comments(&s))
        .unwrap_or_default()
}

pub fn set_pending(key: &str, list: &[Comment]) {
    let raw = if list.is_empty() {
        String::new()
    } else {
        crate::json::comments_text(list)
    };
    set(&format!("pending:{key}"), &raw);
}

//! The moderator's language. Every text the dashboard shows lives in one
//! JSON file per language in `admin/i18n/` (`de.json` for German). Unlike
//! the widget, the dashboard is not held to a size budget, so every file is
//! compiled in and the browser's own languages pick one at start. The files
//! are complete: a unit test proves each holds exactly English's keys and
//! placeholders, so nothing falls back to English text by text.

mod errors;
#[cfg(test)]
mod tests;

use std::{fmt::Display, sync::OnceLock};

use js_sys::{Array, Intl::PluralRules, Object};
use serde::Deserialize;
use wasm_bindgen::JsValue;

/// The languages the dashboard speaks: a BCP 47 primary subtag and its
/// file. English comes first, as the language of last resort.
const LANGS: &[(&str, &str)] = &[
    ("en", include_str!("../../i18n/en.json")),
    ("de", include_str!("../../i18n/de.json")),
];

/// Declares [`Strings`] from one list of keys, with a `&'static str`
/// accessor for each text, so a key is named once and every language file
/// is read by it: a file missing a key, or holding a stray one, fails to
/// parse (and the unit test says which).
macro_rules! strings {
    (
        texts { $($key:ident,)* }
        counts { $($count:ident,)* }
    ) => {
        /// Every text the dashboard shows, in one language. `{id}`, `{n}`,
        /// `{name}` and the like are filled in by [`fill`] when shown.
        #[derive(Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Strings {
            $($key: String,)*
            $(pub $count: Plural,)*
        }

        impl Strings {
            $(pub fn $key(&'static self) -> &'static str { &self.$key })*
        }
    };
}

strings! {
    texts {
        loading, page_title, heading, log_out, sections, site,
        queue, search, bans, tab_words, audit_log,
        login_heading, email, password, log_in,
        when, moderator, action, target,
        audit_approve, audit_spam, audit_delete, audit_pin, audit_unpin, audit_edit,
        audit_lock, audit_unlock, audit_page, audit_ban, audit_unban, audit_settings,
        words_heading, blocked_words, suspect_words, hold_banned, save, settings_saved,
        keys_hint, bulk_actions, approve_selected, spam_selected, delete_selected,
        reload, select_first, queue_empty,
        approve, spam, delete, pin, unpin, edit, cancel,
        comment_approved, comment_spammed, comment_deleted, comment_pinned,
        comment_unpinned, comment_saved,
        select_comment, edit_comment, held_reason, badge_pinned,
        status_pending, status_approved, status_spam, status_deleted,
        page_label, lock_page, unlock_page, page_locked, page_unlocked,
        in_reply_to, others_by_author,
        title_label, url_label, edit_page, save_page, page_saved,
        kind, value, reason, expires, never, add_ban, remove, ban_ip_option,
        ban_author_option, kind_email, kind_ip, kind_author, banned, ban_removed,
        search_words, author, page, status, all_but_deleted, all_my_sites,
        search_go, search_empty,
        err_offline, err_garbled, err_status, err_login, err_session, err_forbidden,
        err_gone, err_conflict, err_rate, err_too_long, err_invalid, err_body,
        err_title, err_url, err_value, err_words, err_server,
        tab_transfer, audit_import, audit_export,
        import_heading, import_hint, import_file, import_format, format_auto, dry_run,
        import_start, choose_file, import_running, import_done, import_dry_done,
        import_failed, import_busy, import_too_big, skipped_heading, reattached_heading,
        export_heading, export_hint, export_confab, export_disqus,
    }
    counts {
        selected, bulk_approve, bulk_spam, bulk_delete, in_days,
    }
}

/// A text with a count, one form per plural category of
/// `Intl.PluralRules` (English needs `one` and `other`; a language may need
/// `zero`, `two`, `few` or `many` too). `other` is the form for any
/// category the file leaves out.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plural {
    zero: Option<String>,
    one: Option<String>,
    two: Option<String>,
    few: Option<String>,
    many: Option<String>,
    other: String,
}

impl Plural {
    /// The form for `n` in the dashboard's language, with `{n}` filled in.
    pub fn of(&self, n: usize) -> String {
        let rules = PluralRules::new(&Array::of1(&JsValue::from_str(lang())), &Object::new());
        let form = match String::from(rules.select(n as f64)).as_str() {
            "zero" => &self.zero,
            "one" => &self.one,
            "two" => &self.two,
            "few" => &self.few,
            "many" => &self.many,
            _ => &None,
        };
        fill(form.as_deref().unwrap_or(&self.other), &[("n", &n)])
    }
}

/// `text` with every `{name}` of `args` replaced by its value.
pub fn fill(text: &str, args: &[(&str, &dyn Display)]) -> String {
    args.iter().fold(text.to_owned(), |text, (name, value)| {
        text.replace(&format!("{{{name}}}"), &value.to_string())
    })
}

static CHOSEN: OnceLock<(&str, Strings)> = OnceLock::new();

/// The dashboard's texts, in the language chosen when it started.
pub fn t() -> &'static Strings {
    &chosen().1
}

/// The BCP 47 code of the dashboard's language.
pub fn lang() -> &'static str {
    chosen().0
}

fn chosen() -> &'static (&'static str, Strings) {
    CHOSEN.get_or_init(|| {
        let (code, file) = choose(browser_languages());
        // The test proves every file parses; English still stands behind
        // a file that somehow does not, and empty texts behind English.
        let strings = parse(file)
            .or_else(|| parse(LANGS[0].1))
            .unwrap_or_default();
        (code, strings)
    })
}

/// Chooses the language and says so to the page: `<html lang>` (for
/// screen readers, hyphenation and spell checking) and the tab's title.
pub fn start() {
    let doc = leptos::prelude::document();
    if let Some(root) = doc.document_element() {
        let _ = root.set_attribute("lang", lang());
    }
    doc.set_title(t().page_title());
}

/// Through the browser's own `JSON`, as `api.rs` does: no JSON parser
/// in the wasm.
fn parse(file: &str) -> Option<Strings> {
    serde_wasm_bindgen::from_value(js_sys::JSON::parse(file).ok()?).ok()
}

/// The browser's languages, most wanted first (`navigator.languages`, or
/// `navigator.language` where that list is empty).
fn browser_languages() -> Vec<String> {
    let nav = leptos::prelude::window().navigator();
    let mut tags: Vec<String> = nav
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    if tags.is_empty() {
        tags.extend(nav.language());
    }
    tags
}

/// The first of `wanted` (BCP 47 tags, most wanted first) whose primary
/// subtag has a file, so `de-AT` gets German; English when none has.
fn choose(wanted: impl IntoIterator<Item = String>) -> (&'static str, &'static str) {
    wanted
        .into_iter()
        .find_map(|tag| {
            let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
            LANGS.iter().find(|(code, _)| *code == primary).copied()
        })
        .unwrap_or(LANGS[0])
}

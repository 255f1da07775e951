//! Page keys, URLs and cursors: everything the server normalises from a
//! string a client chose. Normalising twice must change nothing, or one page
//! could end up with two threads.
#![no_main]

use confab::domain::{cursor::SortKey, input, redirect, PageKey};
use confab_api::Sort;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };

    if let Ok(key) = PageKey::parse(raw) {
        let again = PageKey::parse(key.as_str())
            .unwrap_or_else(|e| panic!("{raw:?} gave {key:?}, which is refused: {e}"));
        assert_eq!(again, key, "normalising {raw:?} twice");
        assert!(key.as_str().len() <= confab::domain::page_key::MAX_LEN);
    }

    // A website or page URL is stored as typed, so it must pass again as is.
    if let Ok(Some(url)) = input::http_url("url", Some(raw), input::URL_MAX) {
        assert_eq!(
            input::http_url("url", Some(&url), input::URL_MAX),
            Ok(Some(url.clone()))
        );
    }

    // Where a login sends the browser: it must stay on the Confab origin.
    let next = redirect::same_origin_path(Some(raw));
    let base = url::Url::parse("https://confab.example/admin/login").unwrap();
    if let Ok(target) = base.join(next) {
        assert_eq!(
            target.origin(),
            base.origin(),
            "{raw:?} leaves via {next:?}"
        );
    }
    assert_eq!(redirect::same_origin_path(Some(next)), next);

    for sort in [Sort::Oldest, Sort::Newest, Sort::Top] {
        if let Some(key) = SortKey::decode(raw, sort) {
            assert_eq!(SortKey::decode(&key.encode(sort), sort), Some(key));
        }
    }
});

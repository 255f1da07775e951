// A failed step fails the test; that is what a test unwrap is for.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use confab_api::ErrorCode;
use serde_json::{Map, Value};

use super::{choose, fill, Strings, LANGS};
use crate::api::Failure;

fn object(code: &str, text: &str) -> Map<String, Value> {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{code}.json: {e}"))
}

/// The `{name}`s of a text, as a set.
fn placeholders(text: &str) -> BTreeSet<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// A text's placeholders; for a count, those of each of its forms, which
/// must all agree (English's `{n} comment` and `{n} comments`).
fn placeholders_of<'a>(code: &str, key: &str, value: &'a Value) -> BTreeSet<&'a str> {
    match value {
        Value::String(text) => placeholders(text),
        Value::Object(forms) => {
            let sets: Vec<_> = forms
                .values()
                .map(|f| placeholders(f.as_str().expect("a form is text")))
                .collect();
            assert!(sets.windows(2).all(|w| w[0] == w[1]), "{code}.json {key}");
            sets.into_iter().next().unwrap_or_default()
        }
        other => panic!("{code}.json {key}: {other}"),
    }
}

/// Every language file names every text English has, and nothing else,
/// with the same placeholders, and reads into [`Strings`].
#[test]
fn every_language_file_holds_exactly_englishs_keys_and_placeholders() {
    let english = object("en", LANGS[0].1);
    for (code, text) in LANGS {
        let file = object(code, text);
        let missing: Vec<_> = english.keys().filter(|k| !file.contains_key(*k)).collect();
        let extra: Vec<_> = file.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{code}.json lacks {missing:?}");
        assert!(
            extra.is_empty(),
            "{code}.json has keys English lacks: {extra:?}"
        );
        for (key, want) in &english {
            let want = placeholders_of("en", key, want);
            let got = placeholders_of(code, key, &file[key]);
            assert_eq!(got, want, "{code}.json {key}: its placeholders");
            if let Value::Object(forms) = &file[key] {
                assert!(forms.contains_key("other"), "{code}.json {key}: no other");
            }
        }
        let read: Result<Strings, _> = serde_json::from_str(text);
        assert!(read.is_ok(), "{code}.json: {:?}", read.err());
    }
}

/// A file in `admin/i18n/` that [`LANGS`] does not name would never be shown.
#[test]
fn every_language_file_is_compiled_in() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("i18n");
    let files: BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let named: BTreeSet<String> = LANGS.iter().map(|(c, _)| format!("{c}.json")).collect();
    assert_eq!(files, named);
}

#[test]
fn the_first_browser_language_with_a_file_wins_and_english_is_the_rest() {
    let pick = |tags: &[&str]| choose(tags.iter().map(|t| t.to_string())).0;
    assert_eq!(pick(&["de-DE", "de"]), "de");
    assert_eq!(pick(&["DE-at"]), "de");
    assert_eq!(pick(&["fr-FR", "de", "en"]), "de");
    assert_eq!(pick(&["en-GB", "de"]), "en");
    assert_eq!(pick(&["fr"]), "en");
    assert_eq!(pick(&[]), "en");
}

#[test]
fn placeholders_are_filled_by_name() {
    let text = fill(
        "Banned {kind} {value}",
        &[("kind", &"email"), ("value", &7)],
    );
    assert_eq!(text, "Banned email 7");
}

fn english() -> &'static Strings {
    Box::leak(Box::new(serde_json::from_str(LANGS[0].1).unwrap()))
}

fn refused(code: ErrorCode, field: Option<&str>) -> Failure {
    Failure::Refused {
        status: 400,
        code: Some(code),
        field: field.map(str::to_owned),
    }
}

#[test]
fn a_refusal_is_told_by_its_code_and_field_not_the_servers_words() {
    let en = english();
    let wrong = refused(ErrorCode::Unauthorized, None);
    assert_eq!(en.login_failure(&wrong), "Wrong e-mail or password.");
    assert_eq!(en.failure(&wrong), "Your session has ended. Log in again.");
    let url = en.failure(&refused(ErrorCode::Validation, Some("url")));
    assert!(url.starts_with("The URL must"), "{url}");
    let other = en.failure(&refused(ErrorCode::Validation, Some("limit")));
    assert_eq!(other, en.err_invalid());
    let unknown = Failure::Refused {
        status: 418,
        code: None,
        field: None,
    };
    assert_eq!(en.failure(&unknown), "The server answered 418.");
}

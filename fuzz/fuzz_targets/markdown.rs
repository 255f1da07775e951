//! Markdown render plus sanitise, the path of every comment body. The output
//! is tokenised again as a browser tokenises `innerHTML` (html5ever, the
//! parser ammonia itself uses), and every tag and attribute must be on the
//! allowlist: no event handler, no script, and no link but http, https or
//! mailto.
#![no_main]

use std::cell::RefCell;

use confab::domain::markdown;
use html5ever::{
    tendril::StrTendril,
    tokenizer::{BufferQueue, Tag, Token, TokenSink, TokenSinkResult, Tokenizer},
};
use libfuzzer_sys::fuzz_target;

#[derive(Default)]
struct Tokens(RefCell<Vec<Token>>);

impl TokenSink for Tokens {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        self.0.borrow_mut().push(token);
        TokenSinkResult::Continue
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let html = markdown::render(source);
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(&html));
    let tokenizer = Tokenizer::new(Tokens::default(), Default::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    for token in tokenizer.sink.0.take() {
        match token {
            Token::TagToken(tag) => check(&tag, &html),
            Token::CharacterTokens(_) | Token::NullCharacterToken | Token::EOFToken => {}
            Token::ParseError(e) => panic!("parse error {e} in {html:?}"),
            other => panic!("unexpected {other:?} in {html:?}"),
        }
    }
});

fn check(tag: &Tag, html: &str) {
    let name = &*tag.name;
    assert!(markdown::TAGS.contains(&name), "<{name}> in {html:?}");
    for attr in &tag.attrs {
        let (key, value) = (&*attr.name.local, &*attr.value);
        assert!(!key.starts_with("on"), "event handler {key} in {html:?}");
        match (name, key) {
            ("a", "href") => {
                let url = url::Url::parse(value)
                    .unwrap_or_else(|e| panic!("href {value:?} is not absolute ({e}) in {html:?}"));
                assert!(
                    matches!(url.scheme(), "http" | "https" | "mailto"),
                    "href scheme {} in {html:?}",
                    url.scheme()
                );
            }
            ("a", "rel") => assert_eq!(value, markdown::LINK_REL),
            // Set by the sanitiser on every code block, so it takes focus.
            ("pre", "tabindex") => assert_eq!(value, "0"),
            // A link title is plain text in an attribute: harmless.
            ("a", "title") | ("ol", "start") => {}
            _ => panic!("attribute {key} on <{name}> in {html:?}"),
        }
    }
}

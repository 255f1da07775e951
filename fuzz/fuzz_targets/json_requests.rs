//! Every JSON request body the server accepts, decoded exactly as a request
//! is (axum's `Json` extractor), then put through the validation its handler
//! runs before touching the database. The first byte picks the type.
//!
//! Also checked: whatever decodes re-encodes to JSON that decodes to the
//! same value, so the widget and the server can never read one body two ways.
#![no_main]

use axum::Json;
use confab::{
    domain::{input, markdown, redirect, CommentBody, PageKey},
    http::admin::sites::word_list,
};
use confab_api::{
    admin::{AdminEdit, BulkAction, Login, NewBan, PageLock, SiteSettings},
    CountsRequest, EditComment, PostComment, PreviewRequest, VoteRequest,
};
use libfuzzer_sys::fuzz_target;
use serde::{de::DeserializeOwned, Serialize};

/// The server's default `limits.body_chars`.
const BODY_CHARS: usize = 10_000;

/// Decodes like the server; `None` is a 4xx for the client.
fn decode<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(body: &[u8]) -> Option<T> {
    let Json(value) = Json::<T>::from_bytes(body).ok()?;
    let again = serde_json::to_vec(&value).expect("a decoded request encodes");
    let Json(back) = Json::<T>::from_bytes(&again)
        .unwrap_or_else(|e| panic!("{value:?} re-encoded as undecodable {again:?}: {e}"));
    assert_eq!(
        back,
        value,
        "round trip through {:?}",
        String::from_utf8_lossy(&again)
    );
    Some(value)
}

fn body(raw: &str) {
    if let Ok(body) = CommentBody::parse(raw, BODY_CHARS) {
        markdown::render(body.as_str());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, json)) = data.split_first() else {
        return;
    };
    match which % 11 {
        0 => {
            if let Some(p) = decode::<PostComment>(json) {
                if let Ok(parsed) = input::NewCommentInput::parse(&p.comment, BODY_CHARS) {
                    markdown::render(parsed.body.as_str());
                }
            }
        }
        1 => {
            if let Some(e) = decode::<EditComment>(json) {
                body(&e.body);
            }
        }
        2 => {
            if let Some(v) = decode::<VoteRequest>(json) {
                let _ = input::vote(v.value);
            }
        }
        3 => {
            if let Some(c) = decode::<CountsRequest>(json) {
                for page in &c.pages {
                    let _ = PageKey::parse(page);
                }
            }
        }
        4 => {
            if let Some(p) = decode::<PreviewRequest>(json) {
                body(&p.body);
            }
        }
        5 => {
            if let Some(l) = decode::<Login>(json) {
                let _ = l.email.trim().to_lowercase();
                let _ = redirect::same_origin_path(l.next.as_deref());
            }
        }
        6 => {
            if let Some(e) = decode::<AdminEdit>(json) {
                body(&e.body);
            }
        }
        7 => {
            decode::<BulkAction>(json);
        }
        8 => {
            if let Some(l) = decode::<PageLock>(json) {
                let _ = PageKey::parse(&l.page);
            }
        }
        9 => {
            if let Some(b) = decode::<NewBan>(json) {
                let _ = input::plain_line("value", b.value.as_deref(), 256);
                let _ = input::plain_line("reason", b.reason.as_deref(), 500);
            }
        }
        _ => {
            if let Some(s) = decode::<SiteSettings>(json) {
                let _ = word_list("blocked_words", &s.blocked_words);
                let _ = word_list("suspect_words", &s.suspect_words);
            }
        }
    }
});

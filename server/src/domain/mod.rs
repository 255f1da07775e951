//! Pure logic: no I/O, no async, unit-tested beside the code. Handlers parse
//! their input through these types, so nothing past the edge sees raw input.

pub mod author_token;
pub mod cursor;
pub mod input;
pub mod markdown;
pub mod page_key;
pub mod password;
pub mod redirect;
pub mod secrets;
pub mod signed;
pub mod spam;
pub mod texts;
pub mod transfer;
pub mod tree;
pub mod verdict;
pub mod visible;
pub mod words;

pub use input::{CommentBody, InputError};
pub use page_key::PageKey;

//! Author tokens, issued and signed by the server so that a client cannot
//! mint voters at will. A token is a random id and an HMAC of it under the
//! server's signing key, both URL-safe base64 and of fixed length, so that it
//! keeps the `[A-Za-z0-9_-]{16,128}` shape `X-Confab-Author` always had and
//! needs no separator (`.` is outside that alphabet).
//!
//! Tokens do not expire: one is as long-lived as the browser storage that
//! keeps it. Changing `secret_key` revokes every token at once (the widget
//! then asks for a new one).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// Random bytes of the id: 128 bits cannot be guessed or collide.
const ID_BYTES: usize = 16;
/// Base64 characters of the id and of the 32-byte signature.
const ID_CHARS: usize = 22;
const SIG_CHARS: usize = 43;
/// The length of every issued token.
pub const LEN: usize = ID_CHARS + SIG_CHARS;

/// Keeps these signatures apart from the e-mailed links (`signed.rs`),
/// which share the key: a link payload never starts with this.
const CONTEXT: &[u8] = b"confab author token\0";

/// A fresh token, signed with `key`.
pub fn issue(key: &[u8]) -> String {
    let mut id = [0u8; ID_BYTES];
    rand::thread_rng().fill_bytes(&mut id);
    let id = URL_SAFE_NO_PAD.encode(id);
    let sig = mac(key, &id).finalize().into_bytes();
    format!("{id}{}", URL_SAFE_NO_PAD.encode(sig))
}

/// Whether `token` is one that `key` signed.
pub fn verify(token: &str, key: &[u8]) -> bool {
    if token.len() != LEN || !token.is_ascii() {
        return false;
    }
    let (id, sig) = token.split_at(ID_CHARS);
    let Ok(sig) = URL_SAFE_NO_PAD.decode(sig) else {
        return false;
    };
    // verify_slice compares in constant time.
    mac(key, id).verify_slice(&sig).is_ok()
}

fn mac(key: &[u8], id: &str) -> Hmac<Sha256> {
    let mut mac = super::secrets::mac(key, CONTEXT);
    mac.update(id.as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issued_token_verifies_with_its_key_only() {
        let token = issue(b"key");
        assert!(verify(&token, b"key"));
        assert!(!verify(&token, b"other key"));
        assert_ne!(issue(b"key"), token, "each token is new");
    }

    #[test]
    fn issued_tokens_keep_the_header_shape() {
        let token = issue(b"key");
        assert_eq!(token.len(), LEN);
        assert!((16..=128).contains(&LEN));
        assert!(token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }

    #[test]
    fn client_made_and_tampered_tokens_are_refused() {
        let token = issue(b"key");
        // What the widget minted before tokens were issued: 32 hex digits.
        assert!(!verify("0123456789abcdef0123456789abcdef", b"key"));
        assert!(!verify(&"a".repeat(LEN), b"key"));
        let mut other_id = token.clone().into_bytes();
        other_id[0] = if other_id[0] == b'A' { b'B' } else { b'A' };
        assert!(!verify(&String::from_utf8(other_id).unwrap(), b"key"));
        assert!(!verify(&token[..LEN - 1], b"key"));
        assert!(!verify(&format!("{token}A"), b"key"));
        assert!(!verify(&format!("{}é", &token[..LEN - 2]), b"key"));
    }
}

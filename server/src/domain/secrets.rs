//! Tokens and one-way hashes. Edit tokens and voter tokens are 256-bit random
//! values, so a plain SHA-256 is enough to store them (a slow password hash
//! only helps against guessable inputs). IP addresses are guessable, so they
//! are keyed with a salt that rotates daily and lives in the database.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh random token for the author to hold, and the hash we keep.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// A fresh salt for a day's IP hashes.
pub fn new_salt() -> String {
    new_token().0
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The IP address keyed with the day's salt: the same visitor is the same
/// hash for a day (enough for votes and abuse limits), and unlinkable after.
pub fn ip_hash(salt: &str, ip: &str) -> String {
    hex::encode(mac(salt.as_bytes(), ip.as_bytes()).finalize().into_bytes())
}

/// HMAC-SHA256 of `data` under `key`, for every keyed hash and signature
/// here (`signed`, `author_token`), to finish or to verify.
pub fn mac(key: &[u8], data: &[u8]) -> Hmac<Sha256> {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        unreachable!("HMAC accepts keys of any length")
    };
    mac.update(data);
    mac
}

/// Who is voting: the widget's long-lived author token when it sends one, the
/// salted IP hash otherwise. The prefix keeps the two spaces apart.
pub fn voter(author_token: Option<&str>, ip_hash: &str) -> String {
    match author_token {
        Some(token) => format!("t:{}", token_hash(token)),
        None => format!("ip:{ip_hash}"),
    }
}

/// The avatar seed, so the widget draws the same identicon each time
/// without any avatar service learning an address: the author's e-mail,
/// else who posted (their author token, else the day's address hash), but
/// never the typed name, which anyone can type. Keyed with the server's
/// secret and scoped to the site: without the key, a guessed e-mail cannot
/// be checked against a public avatar (#20, item 2). Stored with each
/// comment, so earlier comments keep the picture they were drawn with.
pub fn avatar(key: &[u8], site: &str, email: Option<&str>, voter: &str) -> String {
    let who = email.map_or_else(|| voter.to_owned(), str::to_lowercase);
    let seed = mac(key, format!("avatar\0{site}\0{who}").as_bytes());
    hex::encode(&seed.finalize().into_bytes()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_hashes_to_the_stored_hash() {
        let (token, hash) = new_token();
        assert_eq!(token.len(), 43);
        assert_eq!(token_hash(&token), hash);
        assert_ne!(new_token().0, token);
    }

    #[test]
    fn ip_hashes_change_with_the_salt() {
        assert_eq!(ip_hash("a", "1.2.3.4"), ip_hash("a", "1.2.3.4"));
        assert_ne!(ip_hash("a", "1.2.3.4"), ip_hash("b", "1.2.3.4"));
    }

    #[test]
    fn tokens_and_ips_never_collide_as_voters() {
        assert!(voter(Some("x"), "h").starts_with("t:"));
        assert_eq!(voter(None, "h"), "ip:h");
    }

    #[test]
    fn avatars_prefer_the_email_and_ignore_its_case() {
        let k = b"key";
        assert_eq!(
            avatar(k, "s", Some("A@B.c"), "v"),
            avatar(k, "s", Some("a@b.c"), "w")
        );
        assert_ne!(avatar(k, "s", None, "v"), avatar(k, "t", None, "v"));
        assert_ne!(avatar(k, "s", None, "v"), avatar(k, "s", None, "w"));
        assert_eq!(avatar(k, "s", None, "v").len(), 32);
    }

    #[test]
    fn an_avatar_does_not_confirm_a_guessed_email_without_the_key() {
        let unkeyed = hex::encode(&Sha256::digest(b"s\0maria@example.org")[..16]);
        let keyed = avatar(b"key", "s", Some("maria@example.org"), "v");
        assert_ne!(keyed, unkeyed);
        assert_ne!(
            keyed,
            avatar(b"another key", "s", Some("maria@example.org"), "v")
        );
    }
}

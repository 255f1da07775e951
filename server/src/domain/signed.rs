//! Signed tokens: one-click links for e-mail (`approve` or `delete` one
//! comment, on behalf of one moderator, while the comment keeps the status it
//! had when the mail was sent, until an expiry), and the token of the form
//! that posts without JavaScript. The HMAC key is the server's `secret_key`,
//! shared by every instance, so any instance can check either.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use hmac::Mac;

use super::secrets::mac;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkClaim {
    /// `approve` or `delete`.
    pub action: String,
    pub comment: i64,
    pub moderator: i64,
    /// The comment's status when the link was made (`pending`): the link
    /// is good only while the comment still has it.
    pub status: String,
    /// Unix milliseconds.
    pub expires: i64,
}

impl LinkClaim {
    pub fn sign(&self, key: &[u8]) -> String {
        seal(
            key,
            &format!(
                "{}.{}.{}.{}.{}",
                self.action, self.comment, self.moderator, self.status, self.expires
            ),
        )
    }

    /// The claim of a token signed with `key` that has not expired by `now`.
    pub fn verify(token: &str, key: &[u8], now_ms: i64) -> Option<Self> {
        let text = open(token, key)?;
        let mut parts = text.split('.');
        let claim = Self {
            action: parts.next()?.to_owned(),
            comment: parts.next()?.parse().ok()?,
            moderator: parts.next()?.parse().ok()?,
            status: parts.next()?.to_owned(),
            expires: parts.next()?.parse().ok()?,
        };
        (parts.next().is_none() && claim.expires > now_ms).then_some(claim)
    }
}

/// The token of a comment form served as HTML: for one site and page, and
/// when it was served, which stands in for the widget's compose time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormClaim {
    pub site: String,
    pub page: String,
    /// Unix milliseconds.
    pub issued: i64,
}

/// How long a served form can still post: a reader may leave a tab open
/// overnight, but not for ever.
pub const FORM_LIFETIME_MS: i64 = 24 * 3_600_000;

impl FormClaim {
    pub fn sign(&self, key: &[u8]) -> String {
        // The page key may hold anything but is last, so dots in it are
        // its own; the prefix keeps forms and mail links apart.
        seal(
            key,
            &format!("form.{}.{}.{}", self.issued, self.site, self.page),
        )
    }

    /// The claim of a token signed with `key`, issued no later than `now`
    /// and no longer ago than [`FORM_LIFETIME_MS`].
    pub fn verify(token: &str, key: &[u8], now_ms: i64) -> Option<Self> {
        let text = open(token, key)?;
        let mut parts = text.splitn(4, '.');
        (parts.next()? == "form").then_some(())?;
        let issued: i64 = parts.next()?.parse().ok()?;
        let claim = Self {
            issued,
            site: parts.next()?.to_owned(),
            page: parts.next()?.to_owned(),
        };
        (issued <= now_ms && now_ms - issued < FORM_LIFETIME_MS).then_some(claim)
    }
}

/// `payload.signature`, both URL-safe base64.
fn seal(key: &[u8], payload: &str) -> String {
    let sig = mac(key, payload.as_bytes()).finalize().into_bytes();
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(payload),
        URL_SAFE_NO_PAD.encode(sig)
    )
}

/// The payload of a token `key` signed.
fn open(token: &str, key: &[u8]) -> Option<String> {
    let (payload, sig) = token.split_once('.')?;
    let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
    // verify_slice compares in constant time.
    mac(key, &payload).verify_slice(&sig).ok()?;
    String::from_utf8(payload).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim() -> LinkClaim {
        LinkClaim {
            action: "approve".into(),
            comment: 7,
            moderator: 2,
            status: "pending".into(),
            expires: 1_000,
        }
    }

    #[test]
    fn a_signed_link_verifies_with_its_key_until_it_expires() {
        let token = claim().sign(b"key");
        assert_eq!(LinkClaim::verify(&token, b"key", 999), Some(claim()));
        assert_eq!(LinkClaim::verify(&token, b"key", 1_000), None);
        assert_eq!(LinkClaim::verify(&token, b"other", 999), None);
    }

    #[test]
    fn a_tampered_link_is_refused() {
        let token = claim().sign(b"key");
        let (_, sig) = token.split_once('.').unwrap();
        let forged = LinkClaim {
            action: "delete".into(),
            ..claim()
        };
        let (payload, _) = forged
            .sign(b"guess")
            .split_once('.')
            .map(|(p, s)| (p.to_owned(), s.to_owned()))
            .unwrap();
        assert_eq!(
            LinkClaim::verify(&format!("{payload}.{sig}"), b"key", 0),
            None
        );
        assert_eq!(LinkClaim::verify("garbage", b"key", 0), None);
    }

    #[test]
    fn a_form_token_holds_its_page_whatever_the_key_holds_and_lasts_a_day() {
        let form = FormClaim {
            site: "blog".into(),
            page: "/a.b/c?p=1".into(),
            issued: 5_000,
        };
        let token = form.sign(b"key");
        assert_eq!(FormClaim::verify(&token, b"key", 5_000), Some(form));
        let late = 5_000 + FORM_LIFETIME_MS;
        assert_eq!(FormClaim::verify(&token, b"key", late), None);
        assert_eq!(
            FormClaim::verify(&token, b"key", 4_999),
            None,
            "from the future"
        );
        assert_eq!(FormClaim::verify(&token, b"other", 5_000), None);
        assert_eq!(LinkClaim::verify(&token, b"key", 0), None, "no mail link");
        let link = LinkClaim {
            expires: i64::MAX,
            ..claim()
        };
        assert_eq!(FormClaim::verify(&link.sign(b"key"), b"key", 0), None);
    }
}

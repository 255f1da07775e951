//! Signed one-click links for e-mail: `approve` or `delete` one comment, on
//! behalf of one moderator, while the comment keeps the status it had when
//! the mail was sent, until an expiry. The HMAC key is the server's
//! `secret_key`, shared by every instance, so any instance can check a link.

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
    /// `payload.signature`, both URL-safe base64.
    pub fn sign(&self, key: &[u8]) -> String {
        let payload = format!(
            "{}.{}.{}.{}.{}",
            self.action, self.comment, self.moderator, self.status, self.expires
        );
        let sig = mac(key, payload.as_bytes()).finalize().into_bytes();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(payload),
            URL_SAFE_NO_PAD.encode(sig)
        )
    }

    /// The claim of a token signed with `key` that has not expired by `now`.
    pub fn verify(token: &str, key: &[u8], now_ms: i64) -> Option<Self> {
        let (payload, sig) = token.split_once('.')?;
        let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
        // verify_slice compares in constant time.
        mac(key, &payload).verify_slice(&sig).ok()?;
        let text = String::from_utf8(payload).ok()?;
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
}

//! Who is calling, as far as we need to know: the salted IP hash (abuse,
//! first-time moderation) and the voter identity (one vote per voter).

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{request::Parts, HeaderMap},
};

use crate::{
    domain::{author_token, secrets},
    error::Error,
    store::now_ms,
    AppState, Result,
};

/// The header the widget sends with the long-lived author token the server
/// issued it (`POST /api/v1/authors`).
pub const AUTHOR_HEADER: &str = "x-confab-author";

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

pub struct Client {
    /// The address itself, for what must outlive the day's salt (see
    /// `login_delays.rs`); everything stored uses `ip_hash`.
    pub ip: Option<IpAddr>,
    pub ip_hash: String,
    pub voter: String,
}

impl FromRequestParts<AppState> for Client {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let token = author_token(&parts.headers)?;
        if token.is_some_and(|t| !author_token::verify(t, &state.signing_key)) {
            return Err(not_issued());
        }
        let (ip, ip_hash) = address(parts, state).await?;
        let voter = secrets::voter(token, &ip_hash);
        Ok(Self { ip, ip_hash, voter })
    }
}

/// Only the caller's salted IP hash, for routes that need no author: it
/// ignores `X-Confab-Author`, so that a stale token cannot stand in the way
/// of getting a new one.
pub struct Address(pub String);

impl FromRequestParts<AppState> for Address {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        Ok(Self(address(parts, state).await?.1))
    }
}

/// The caller's address as it is now, for what is counted in memory only
/// (open event streams) and never stored.
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        Ok(Self(ip_of(parts, state)))
    }
}

/// The peer's address, or the one a trusted proxy forwarded for.
fn ip_of(parts: &Parts, state: &AppState) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    client_ip(peer, &parts.headers, &state.config.trusted_proxies)
}

/// The caller's address and today's salted hash of it.
async fn address(parts: &Parts, state: &AppState) -> Result<(Option<IpAddr>, String)> {
    let ip = ip_of(parts, state);
    let salt = state.store.daily_salt(now_ms() / DAY_MS).await?;
    let text = ip.map(|ip| ip.to_string()).unwrap_or_default();
    Ok((ip, secrets::ip_hash(&salt, &text)))
}

/// The `X-Confab-Author` token, if sent. A malformed one is refused rather
/// than silently replaced by the IP, which would merge unrelated voters.
fn author_token(headers: &HeaderMap) -> Result<Option<&str>> {
    let Some(value) = headers.get(AUTHOR_HEADER) else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(t)
            if (16..=128).contains(&t.len())
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            Ok(Some(t))
        }
        _ => Err(Error::bad_request(
            "X-Confab-Author must be 16 to 128 characters of [A-Za-z0-9_-]",
        )
        .with_field(AUTHOR_HEADER)),
    }
}

/// A well-formed token this server did not sign: made up by a client, or
/// kept from before tokens were issued, or signed with an old `secret_key`.
/// 401 rather than a silent fallback to the IP, so that the widget knows to
/// fetch a new token and try again.
fn not_issued() -> Error {
    Error::unauthorized(
        "X-Confab-Author is not a token this server issued; get one from POST /api/v1/authors",
    )
    .with_field(AUTHOR_HEADER)
}

/// [`AUTHOR_HEADER`] as the OpenAPI document describes it.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // only read by the OpenAPI derive
pub struct AuthorHeader {
    /// The author token `POST /api/v1/authors` issued, which the widget
    /// keeps in its localStorage. Without it, the voter and first-time
    /// author is the salted IP; a token the server did not issue is refused
    /// with 401 `unauthorized`.
    #[param(
        rename = "X-Confab-Author",
        value_type = String,
        required = false,
        pattern = "^[A-Za-z0-9_-]{16,128}$"
    )]
    author: Option<String>,
}

/// The client's address: the peer itself, unless the peer is a trusted proxy,
/// in which case the nearest untrusted hop of `X-Forwarded-For`.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    // A value that is not text is a hop we cannot read, like any other.
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.to_str().unwrap_or(""))
        .flat_map(|v| v.split(','))
        .collect();
    // Read right to left: each trusted proxy appended the address it saw;
    // anything left of the first untrusted hop could be forged by the client.
    // A hop we cannot read ends the walk at the last proxy we trust: skipping
    // it would let the client's own entries further left decide.
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        match hop_ip(hop.trim()) {
            Some(ip) if trusted.contains(&ip) => client = ip,
            Some(ip) => return Some(ip),
            None => break,
        }
    }
    Some(client)
}

/// An address as proxies write it: bare, or with a port (`1.2.3.4:80`,
/// `[2001:db8::1]:80`).
fn hop_ip(hop: &str) -> Option<IpAddr> {
    hop.parse()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn xff(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let got = client_ip(Some(ip("1.1.1.1")), &xff("9.9.9.9"), &[ip("10.0.0.1")]);
        assert_eq!(got, Some(ip("1.1.1.1")));
    }

    #[test]
    fn a_trusted_proxy_hands_over_to_the_nearest_untrusted_hop() {
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        let got = client_ip(
            Some(ip("10.0.0.1")),
            &xff("6.6.6.6, 2.2.2.2, 10.0.0.2"),
            &trusted,
        );
        assert_eq!(got, Some(ip("2.2.2.2")));
    }

    #[test]
    fn hops_with_ports_are_read() {
        let trusted = [ip("10.0.0.1")];
        let got = client_ip(
            Some(ip("10.0.0.1")),
            &xff("6.6.6.6, 2.2.2.2:4711"),
            &trusted,
        );
        assert_eq!(got, Some(ip("2.2.2.2")));
        let got = client_ip(Some(ip("10.0.0.1")), &xff("[2001:db8::1]:443"), &trusted);
        assert_eq!(got, Some(ip("2001:db8::1")));
    }

    #[test]
    fn an_unreadable_hop_stops_the_walk_rather_than_trusting_what_lies_left_of_it() {
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        let got = client_ip(Some(ip("10.0.0.1")), &xff("6.6.6.6, unknown"), &trusted);
        assert_eq!(got, Some(ip("10.0.0.1")));
        let got = client_ip(Some(ip("10.0.0.1")), &xff("6.6.6.6, , 10.0.0.2"), &trusted);
        assert_eq!(got, Some(ip("10.0.0.2")));
    }

    #[test]
    fn a_trusted_proxy_without_forwarding_is_the_client() {
        let got = client_ip(Some(ip("10.0.0.1")), &HeaderMap::new(), &[ip("10.0.0.1")]);
        assert_eq!(got, Some(ip("10.0.0.1")));
    }

    #[test]
    fn author_tokens_must_look_like_tokens() {
        let mut h = HeaderMap::new();
        assert_eq!(author_token(&h).unwrap(), None);
        h.insert(AUTHOR_HEADER, HeaderValue::from_static("abcdefghijklmnop"));
        assert!(author_token(&h).unwrap().is_some());
        h.insert(AUTHOR_HEADER, HeaderValue::from_static("short"));
        assert!(author_token(&h).is_err());
    }
}

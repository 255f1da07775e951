//! Content negotiation: which coding of a body a request gets, and whether
//! the copy it holds is still current.

use axum::http::{header, HeaderMap};

use crate::encoded::Encoding;

/// Reads `Accept-Encoding`, honouring `q=0` refusals; brotli wins ties
/// because it is the smaller of the two.
pub fn preferred(req: &HeaderMap) -> Encoding {
    let Some(accept) = req
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return Encoding::Identity;
    };
    let accepts = |name: &str| {
        accept.split(',').any(|part| {
            let mut it = part.split(';');
            let coding = it.next().unwrap_or("").trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            coding.eq_ignore_ascii_case(name) && q > 0.0
        })
    };
    if accepts("br") {
        Encoding::Br
    } else if accepts("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// Whether the request's `If-None-Match` names `etag` (or `*`). Weak and
/// strong forms compare as they are written: Confab sends each ETag one way.
pub fn etag_matches(req: &HeaderMap, etag: &str) -> bool {
    req.get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn brotli_is_preferred_when_the_client_accepts_it() {
        assert_eq!(preferred(&accept("gzip, deflate, br")), Encoding::Br);
    }

    #[test]
    fn a_refused_brotli_falls_back_to_gzip() {
        assert_eq!(preferred(&accept("br;q=0, gzip")), Encoding::Gzip);
    }

    #[test]
    fn no_accept_encoding_gets_the_raw_bytes() {
        assert_eq!(preferred(&HeaderMap::new()), Encoding::Identity);
        assert_eq!(preferred(&accept("deflate")), Encoding::Identity);
    }
}

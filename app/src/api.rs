//! The only place that talks HTTP: a typed client over the shared wire types.

use confab_api::{ErrorBody, Thread};
use gloo_net::http::{Request, Response};

/// What went wrong, in terms the UI can translate.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiFailure {
    /// The server refused with one of its stable codes.
    Api(ErrorBody),
    /// No answer: offline, blocked, or the server is down.
    Network,
}

#[derive(Clone, Debug)]
pub struct Client {
    base: String,
    site: String,
}

impl Client {
    pub fn new(base: String, site: String) -> Self {
        Self { base, site }
    }

    fn site_url(&self, rest: &str) -> String {
        format!(
            "{}api/v1/sites/{}/{rest}",
            self.base,
            js_sys::encode_uri_component(&self.site)
        )
    }

    pub async fn thread(&self, page: &str) -> Result<Thread, ApiFailure> {
        let url = format!(
            "{}?page={}",
            self.site_url("thread"),
            js_sys::encode_uri_component(page)
        );
        decode(Request::get(&url).send().await).await
    }
}

async fn decode<T: serde::de::DeserializeOwned>(
    resp: Result<Response, gloo_net::Error>,
) -> Result<T, ApiFailure> {
    let resp = resp.map_err(|_| ApiFailure::Network)?;
    if resp.ok() {
        resp.json().await.map_err(|_| ApiFailure::Network)
    } else {
        Err(resp
            .json::<ErrorBody>()
            .await
            .map(ApiFailure::Api)
            .unwrap_or(ApiFailure::Network))
    }
}

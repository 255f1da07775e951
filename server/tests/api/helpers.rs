//! `spawn_app()` and the typed helpers every test uses.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, LazyLock, Mutex},
};

use confab::{AppState, Config, Store};
use confab_api::{ApiError, CreatedComment, ErrorBody, ErrorCode, NewComment, Thread};
use confab_testkit::Served;
pub use confab_testkit::{Backend, TestDb};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

/// The origin tests send, which the `demo` site allows.
pub const ORIGIN: &str = "http://localhost:8080";
/// The name of a reader: "someone else" for votes. See [`TestApp::reader`].
pub const READER: &str = "reader-token-0123456789";

static TRACING: LazyLock<()> = LazyLock::new(|| {
    // Silent unless asked: `TEST_LOG=1 cargo test` shows the server's logs.
    if std::env::var_os("TEST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter("confab=debug,tower_http=debug")
            .with_test_writer()
            .init();
    }
});

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    served: Served,
    readers: Mutex<HashMap<String, Reader>>,
    // After the server, which holds connections to it.
    _db: TestDb,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// A server whose configuration `tweak` adjusts first.
pub async fn spawn_app_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestApp {
    LazyLock::force(&TRACING);
    let db = TestDb::new(backend).await;
    let served = confab_testkit::spawn_app(|address| {
        let mut config = Config::for_tests(&db.url, &[ORIGIN]);
        // E-mailed links and the moderators' same-origin checks use this.
        config.public_url = Some(address.to_owned());
        tweak(&mut config);
        config
    })
    .await;
    TestApp {
        address: served.address.clone(),
        client: reqwest::Client::new(),
        state: served.state.clone(),
        served,
        readers: Mutex::default(),
        _db: db,
    }
}

/// A reader of the test server: an author token it issued, and a client
/// that connects from an address of the reader's own.
#[derive(Clone)]
pub struct Reader {
    pub token: String,
    pub client: reqwest::Client,
}

impl Reader {
    /// Reader number `n`, at 127.0.0.2 onwards: Linux routes all of
    /// 127.0.0.0/8 to the loopback, so the server sees each at its address.
    pub fn new(key: &[u8], n: usize) -> Self {
        let [hi, lo] = u16::try_from(n + 2).unwrap().to_be_bytes();
        Self {
            token: confab::domain::author_token::issue(key),
            client: reqwest::Client::builder()
                .local_address(IpAddr::from([127, 0, hi, lo]))
                .build()
                .unwrap(),
        }
    }
}

impl TestApp {
    /// The reader called `name`, the same on each call: its token is signed
    /// with the server's key as `POST /api/v1/authors` signs them.
    pub fn reader(&self, name: &str) -> Reader {
        let mut readers = self.readers.lock().unwrap();
        let n = readers.len();
        let key = &self.state.signing_key;
        let reader = readers
            .entry(name.to_owned())
            .or_insert_with(|| Reader::new(key, n));
        reader.clone()
    }

    /// The author token of the reader called `name`.
    pub fn token(&self, name: &str) -> String {
        self.reader(name).token
    }

    /// The database the server uses, for the command line.
    pub fn db_url(&self) -> &str {
        &self._db.url
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.state.store
    }

    pub async fn demo_id(&self) -> i64 {
        self.store()
            .site("demo")
            .await
            .unwrap()
            .expect("demo site")
            .id
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Stops the server and waits for in-flight requests to finish.
    pub async fn shut_down(self) {
        self.served.shut_down().await;
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .header("origin", ORIGIN)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Posts a comment as JSON, returning the raw response.
    pub async fn post_comment_raw(&self, body: &Value) -> Response {
        self.post_json("/api/v1/sites/demo/comments", body).await
    }

    pub async fn get_raw(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    /// Posts a comment with the token of the reader called `name`, from
    /// 127.0.0.1 like every other post.
    pub async fn post_comment_as(&self, name: &str, body: &Value) -> Response {
        self.client
            .post(self.url("/api/v1/sites/demo/comments"))
            .header("origin", ORIGIN)
            .header("x-confab-author", self.token(name))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Posts a comment that must be published.
    pub async fn comment(&self, page: &str, body: &str) -> CreatedComment {
        self.comment_with(NewComment {
            page: page.into(),
            body: body.into(),
            ..NewComment::default()
        })
        .await
    }

    pub async fn reply(&self, page: &str, parent: i64, body: &str) -> CreatedComment {
        self.comment_with(NewComment {
            page: page.into(),
            parent: Some(parent),
            body: body.into(),
            ..NewComment::default()
        })
        .await
    }

    pub async fn comment_with(&self, new: NewComment) -> CreatedComment {
        let r = self.post_comment_raw(&json!(new)).await;
        let status = r.status();
        assert!(
            status == StatusCode::CREATED || status == StatusCode::ACCEPTED,
            "posting failed with {status}: {}",
            r.text().await.unwrap_or_default()
        );
        r.json().await.expect("a CreatedComment")
    }

    pub async fn thread_raw(&self, query: &str) -> Response {
        self.client
            .get(self.url(&format!("/api/v1/sites/demo/thread?{query}")))
            .header("origin", ORIGIN)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn thread(&self, page: &str) -> Thread {
        self.thread_query(&format!("page={page}")).await
    }

    pub async fn thread_query(&self, query: &str) -> Thread {
        let r = self.thread_raw(query).await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.expect("a Thread")
    }

    pub async fn edit(&self, id: i64, token: &str, body: &str) -> Response {
        self.client
            .patch(self.url(&format!("/api/v1/comments/{id}")))
            .header("origin", ORIGIN)
            .bearer_auth(token)
            .json(&json!({ "body": body }))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn delete(&self, id: i64, token: &str) -> Response {
        self.client
            .delete(self.url(&format!("/api/v1/comments/{id}")))
            .header("origin", ORIGIN)
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    /// Votes as the reader called `name`, from its own address.
    pub async fn vote(&self, id: i64, value: i64, name: &str) -> Response {
        let reader = self.reader(name);
        reader
            .client
            .post(self.url(&format!("/api/v1/comments/{id}/vote")))
            .header("origin", ORIGIN)
            .header("x-confab-author", reader.token)
            .json(&json!({ "value": value }))
            .send()
            .await
            .expect("request sent")
    }
}

/// Asserts the response is an error with this status and code.
pub async fn assert_error(r: Response, status: u16, code: ErrorCode) -> ApiError {
    assert_eq!(r.status().as_u16(), status, "wrong status");
    let body: ErrorBody = r.json().await.expect("an error body in our shape");
    assert_eq!(body.error.code, code, "wrong code: {}", body.error.message);
    body.error
}

/// The seconds a 429's `Retry-After` header asks for; a missing or
/// unreadable header fails the test.
pub fn retry_after(r: &Response) -> u64 {
    r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

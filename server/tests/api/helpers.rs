//! `spawn_app()` and the typed helpers every test uses.

use std::sync::{Arc, LazyLock};

use confab::{AppState, Config, Store};
use confab_api::{ApiError, CreatedComment, ErrorBody, ErrorCode, NewComment, Thread};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

/// The origin tests send, which the `demo` site allows.
pub const ORIGIN: &str = "http://localhost:8080";
/// A valid `X-Confab-Author` token: "someone else" for votes.
pub const READER: &str = "reader-token-0123456789";

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each listed test once per backend, as `sqlite::name` and
/// `postgres::name`. The body sees the backend as the named variable.
#[macro_export]
macro_rules! on_both_backends {
    ($(async fn $name:ident($backend:ident) $body:block)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let $backend = $crate::helpers::Backend::Sqlite;
                    $body
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let $backend = $crate::helpers::Backend::Postgres;
                    $body
                }
            )*
        }
    };
}

static TRACING: LazyLock<()> = LazyLock::new(|| {
    // Silent unless asked: `TEST_LOG=1 cargo test` shows the server's logs.
    if std::env::var_os("TEST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter("confab=debug,tower_http=debug")
            .with_test_writer()
            .init();
    }
});

/// A database that exists for one test only.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("confab.db").display()
                );
                Self {
                    url,
                    _dir: Some(dir),
                    pg_name: None,
                }
            }
            Backend::Postgres => {
                let name = format!("confab_test_{}", random_suffix());
                let admin = admin_url();
                let mut conn = connect_admin(&admin).await;
                sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("creating the test database");
                Self {
                    url: with_database(&admin, &name),
                    _dir: None,
                    pg_name: Some(name),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else {
            return;
        };
        // Drop cannot await: a short-lived runtime on its own thread does it.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            rt.block_on(async {
                let mut conn = connect_admin(&admin_url()).await;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                let _ = sqlx::Executor::execute(&mut conn, sql.as_str()).await;
            });
        })
        .join();
    }
}

fn admin_url() -> String {
    std::env::var("CONFAB_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

async fn connect_admin(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    // Never skip: a missing PostgreSQL must fail the suite, loudly.
    sqlx::PgConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL is unreachable at {url}: {e}"))
}

fn with_database(url: &str, name: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("CONFAB_TEST_POSTGRES_URL is a URL");
    parsed.set_path(name);
    parsed.to_string()
}

fn random_suffix() -> String {
    use rand::Rng;
    let n: u64 = rand::thread_rng().gen();
    format!("{n:016x}")
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    _db: TestDb,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// A server whose configuration `tweak` adjusts first.
pub async fn spawn_app_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestApp {
    LazyLock::force(&TRACING);
    let db = TestDb::new(backend).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = format!("http://{}", listener.local_addr().unwrap());
    let mut config = Config::for_tests(&db.url, &[ORIGIN]);
    // E-mailed links and the moderators' same-origin checks use this.
    config.public_url = Some(address.clone());
    tweak(&mut config);
    let state = AppState::new(config).await.expect("the app starts");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(confab::serve(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    TestApp {
        address,
        client: reqwest::Client::new(),
        state,
        _db: db,
        stop: Some(stop),
        server: Some(server),
    }
}

impl TestApp {
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
    pub async fn shut_down(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("server ran");
        }
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

    /// Posts a comment as the holder of `author_token`.
    pub async fn post_comment_as(&self, author_token: &str, body: &Value) -> Response {
        self.client
            .post(self.url("/api/v1/sites/demo/comments"))
            .header("origin", ORIGIN)
            .header("x-confab-author", author_token)
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

    /// Votes as the holder of `author_token`.
    pub async fn vote(&self, id: i64, value: i64, author_token: &str) -> Response {
        self.client
            .post(self.url(&format!("/api/v1/comments/{id}/vote")))
            .header("origin", ORIGIN)
            .header("x-confab-author", author_token)
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

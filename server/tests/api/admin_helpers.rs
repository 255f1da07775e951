//! Moderators for tests: add one, log in, and call the admin API with the
//! session cookie and CSRF token, as the dashboard would.

use confab::domain::password;
use confab_api::{admin::Session, CommentStatus};
use reqwest::{Method, Response};
use serde_json::{json, Value};

use crate::helpers::*;

pub const PASSWORD: &str = "correct horse battery";

pub struct Admin<'a> {
    pub app: &'a TestApp,
    pub cookie: String,
    pub session: Session,
}

impl TestApp {
    /// Adds a moderator of the sites with these slugs, password [`PASSWORD`].
    pub async fn add_moderator(&self, email: &str, slugs: &[&str]) {
        let mut ids = Vec::new();
        for slug in slugs {
            ids.push(self.store().site(slug).await.unwrap().expect("site").id);
        }
        let hash = password::hash(PASSWORD, &mut Default::default()).unwrap();
        self.store()
            .add_moderator(email, Some(&hash), &ids)
            .await
            .unwrap();
    }

    pub async fn login(&self, email: &str, password: &str, next: Option<&str>) -> Response {
        self.client
            .post(self.url("/admin/api/login"))
            .header("origin", &self.address)
            .json(&json!({ "email": email, "password": password, "next": next }))
            .send()
            .await
            .unwrap()
    }

    /// A logged-in moderator of `slugs`.
    pub async fn admin(&self, email: &str, slugs: &[&str]) -> Admin<'_> {
        self.add_moderator(email, slugs).await;
        let r = self.login(email, PASSWORD, None).await;
        assert_eq!(r.status(), 200, "login failed");
        let set = r.headers()["set-cookie"].to_str().unwrap().to_owned();
        let cookie = set.split(';').next().unwrap().to_owned();
        Admin {
            app: self,
            cookie,
            session: r.json().await.unwrap(),
        }
    }

    /// Adds a site `slug` that allows `origin`.
    pub async fn add_site(&self, slug: &str, origin: &str) -> i64 {
        self.store()
            .upsert_site(&confab::store::SiteSpec {
                slug: slug.into(),
                name: slug.into(),
                origins: vec![origin.into()],
                moderation: confab::store::Moderation::Open,
            })
            .await
            .unwrap()
            .id
    }

    /// The stored status of a comment.
    pub async fn status_of(&self, id: i64) -> CommentStatus {
        self.store()
            .admin_comment(id)
            .await
            .unwrap()
            .expect("comment")
            .status()
    }
}

impl Admin<'_> {
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.app
            .client
            .request(method, self.app.url(path))
            .header("cookie", &self.cookie)
            .header("origin", &self.app.address)
            .header("sec-fetch-site", "same-origin")
            .header("x-csrf-token", &self.session.csrf_token)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().await.unwrap()
    }

    pub async fn send(&self, method: Method, path: &str, body: &Value) -> Response {
        self.request(method, path).json(body).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.send(Method::POST, path, body).await
    }

    /// Applies `action` to comment `id`, which must succeed.
    pub async fn act(&self, id: i64, action: &str) -> Value {
        let r = self
            .post(&format!("/admin/api/comments/{id}/{action}"), &json!({}))
            .await;
        assert_eq!(r.status(), 200, "{action} failed");
        r.json().await.unwrap()
    }

    pub async fn json(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status(), 200, "GET {path}");
        r.json().await.unwrap()
    }
}

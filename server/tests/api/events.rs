use std::time::Duration;

use confab_api::{ErrorCode, Event};
use futures::StreamExt;

use crate::helpers::*;
use confab_testkit::on_both_backends;

/// An open event stream on one page.
pub struct Events {
    stream: futures::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buffer: String,
}

impl Events {
    pub async fn open(app: &TestApp, page: &str) -> Self {
        let url = app.url(&format!("/api/v1/sites/demo/events?page={page}"));
        Self::at(&app.client, &url).await
    }

    /// The stream at `url`, whichever server serves it.
    pub async fn at(client: &reqwest::Client, url: &str) -> Self {
        let r = client
            .get(url)
            .header("origin", ORIGIN)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "text/event-stream");
        Self {
            stream: r.bytes_stream().boxed(),
            buffer: String::new(),
        }
    }

    /// The next event: its name and its data.
    pub async fn next(&mut self) -> (String, Event) {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    block
                        .lines()
                        .find_map(|l| l.strip_prefix(name))
                        .map(|v| v.trim().to_owned())
                };
                // Keep-alive comments have neither field.
                if let (Some(name), Some(data)) = (field("event:"), field("data:")) {
                    return (name, serde_json::from_str(&data).unwrap());
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(5), self.stream.next())
                .await
                .expect("an event within 5s")
                .expect("the stream is open")
                .unwrap();
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

on_both_backends!(
    a_page_stream_sees_comments_created_edited_and_deleted,
    shutting_down_ends_open_streams,
    a_stream_needs_a_known_site_and_a_valid_page
);

async fn a_page_stream_sees_comments_created_edited_and_deleted(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut events = Events::open(&app, "/p").await;
    app.comment("/elsewhere", "not for this stream").await;
    let c = app.comment("/p", "hello").await;
    let (name, event) = events.next().await;
    assert_eq!(name, "created");
    assert!(matches!(event, Event::Created { comment } if comment.id == c.comment.id));
    app.edit(c.comment.id, &c.edit_token, "hello again").await;
    let (name, _) = events.next().await;
    assert_eq!(name, "edited");
    app.delete(c.comment.id, &c.edit_token).await;
    assert_eq!(
        events.next().await,
        ("deleted".to_owned(), Event::Deleted { id: c.comment.id })
    );
}

async fn shutting_down_ends_open_streams(backend: Backend) {
    let app = spawn_app(backend).await;
    let _events = Events::open(&app, "/p").await;
    tokio::time::timeout(Duration::from_secs(5), app.shut_down())
        .await
        .expect("graceful shutdown does not wait for event streams");
}

async fn a_stream_needs_a_known_site_and_a_valid_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app
        .client
        .get(app.url("/api/v1/sites/nope/events?page=/p"))
        .send()
        .await
        .unwrap();
    assert_error(r, 404, ErrorCode::SiteNotFound).await;
    let r = app
        .client
        .get(app.url("/api/v1/sites/demo/events?page=a%20b"))
        .send()
        .await
        .unwrap();
    assert_error(r, 422, ErrorCode::Validation).await;
}

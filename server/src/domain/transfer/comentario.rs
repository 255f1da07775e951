//! Comentario 3's export (version 3): `{"version":3,"pages":[…],
//! "comments":[…],"commenters":[…]}`, pages and people by UUID. Read whole
//! by `commento.rs`, which tells the versions apart. A comment is deleted,
//! approved, pending or (neither: a moderator rejected it) spam; sticky
//! comments stay pinned. Comments of unregistered authors name them in
//! `authorName`, under the all-zero user id.

use std::collections::HashMap;

use serde::Deserialize;

use super::{
    commento::{self, within},
    Limits, ParseError, Post, Record, Status, Thread,
};

#[derive(Deserialize)]
pub(super) struct Export {
    #[serde(default)]
    pages: Vec<Page>,
    #[serde(default)]
    comments: Vec<Comment>,
    #[serde(default)]
    commenters: Vec<Commenter>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    id: String,
    path: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    is_readonly: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Comment {
    id: String,
    #[serde(default)]
    parent_id: Option<String>,
    page_id: String,
    #[serde(default)]
    markdown: String,
    #[serde(default)]
    html: String,
    #[serde(default)]
    score: i64,
    #[serde(default)]
    is_sticky: bool,
    #[serde(default)]
    is_approved: bool,
    #[serde(default)]
    is_pending: bool,
    #[serde(default)]
    is_deleted: bool,
    #[serde(default)]
    created_time: String,
    #[serde(default)]
    edited_time: Option<String>,
    #[serde(default)]
    user_created: Option<String>,
    #[serde(default)]
    author_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Commenter {
    id: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    website_url: String,
}

/// The pages, then the comments, of a Comentario 3 export.
pub(super) fn records(export: Export, limits: Limits) -> Result<Vec<Record>, ParseError> {
    let people: HashMap<String, Commenter> = export
        .commenters
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let mut records = Vec::with_capacity(export.pages.len() + export.comments.len());
    for page in export.pages {
        within(&page.id, &[&page.path, &page.title], limits)?;
        records.push(Record::Thread(Thread {
            source_id: page.id,
            link: page.path,
            url: None,
            title: super::non_empty(page.title),
            locked: page.is_readonly,
        }));
    }
    for comment in export.comments {
        let person = comment.user_created.as_ref().and_then(|id| people.get(id));
        let name = person.map_or("", |p| p.name.as_str());
        let texts = [
            &*comment.markdown,
            &comment.html,
            name,
            &comment.author_name,
        ];
        within(&comment.id, &texts, limits)?;
        records.push(post(comment, person));
    }
    Ok(records)
}

fn post(c: Comment, person: Option<&Commenter>) -> Record {
    let status = match (c.is_deleted, c.is_approved, c.is_pending) {
        (true, _, _) => Status::Deleted,
        (_, true, _) => Status::Approved,
        (_, _, true) => Status::Pending,
        _ => Status::Spam,
    };
    let body = commento::body(c.markdown, &c.html);
    let author = match person {
        Some(p) if !p.name.trim().is_empty() => p.name.clone(),
        _ => c.author_name,
    };
    Record::Post(Post {
        source_id: c.id,
        thread: c.page_id,
        parent: c.parent_id.and_then(super::non_empty),
        author,
        email: person.and_then(|p| super::non_empty(p.email.clone())),
        website: person.and_then(|p| super::non_empty(p.website_url.clone())),
        body,
        created_ms: super::time::rfc3339_ms(&c.created_time),
        edited_ms: c.edited_time.as_deref().and_then(super::time::rfc3339_ms),
        status,
        score: c.score,
        pinned: c.is_sticky,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANON: &str = "00000000-0000-0000-0000-000000000000";

    fn file() -> String {
        format!(
            r#"{{"version":3,
  "pages":[
    {{"id":"p1","domainId":"d","path":"/blog/one","title":"One","isReadonly":false,"createdTime":"2024-01-01T00:00:00Z","countComments":3}},
    {{"id":"p2","domainId":"d","path":"/blog/two","title":"","isReadonly":true}}],
  "comments":[
    {{"id":"c2","parentId":"c1","pageId":"p1","markdown":"A reply","html":"<p>A reply</p>","score":1,"isSticky":false,
      "isApproved":true,"isPending":false,"isDeleted":false,"createdTime":"2024-02-01T10:00:00.123Z",
      "editedTime":"2024-02-02T00:00:00Z","userCreated":"u1"}},
    {{"id":"c1","parentId":null,"pageId":"p1","markdown":"","html":"<p>First <em>one</em></p>","score":5,"isSticky":true,
      "isApproved":true,"isPending":false,"isDeleted":false,"createdTime":"2024-01-31T09:00:00Z",
      "userCreated":"{ANON}","authorName":"Guest Gil"}},
    {{"id":"c3","pageId":"p1","markdown":"Waiting","isApproved":false,"isPending":true,"createdTime":"2024-03-01T00:00:00Z","userCreated":"u1"}},
    {{"id":"c4","pageId":"p2","markdown":"Rejected","isApproved":false,"isPending":false,"createdTime":"2024-03-02T00:00:00Z","userCreated":"u1"}},
    {{"id":"c5","pageId":"p2","markdown":"","isDeleted":true,"createdTime":"2024-03-03T00:00:00Z"}}],
  "commenters":[
    {{"id":"u1","email":"uma@example.com","name":"Uma","websiteUrl":"https://uma.example","hasAvatar":false,
      "isModerator":false,"isCommenter":true,"colourIndex":3,"createdTime":"2023-01-01T00:00:00Z"}}]}}"#
        )
    }

    fn read_all(text: &str) -> Vec<Record> {
        commento::records(text.as_bytes(), Limits::default())
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn a_version_3_export_gives_its_pages_then_its_comments() {
        let got = read_all(&file());
        let Record::Thread(two) = &got[1] else {
            panic!("{got:?}")
        };
        assert_eq!(
            (two.link.as_str(), two.title.as_deref(), two.locked),
            ("/blog/two", None, true)
        );
        let posts: Vec<&Post> = got
            .iter()
            .filter_map(|r| match r {
                Record::Post(p) => Some(p),
                _ => None,
            })
            .collect();
        let [reply, first, waiting, rejected, gone] = posts[..] else {
            panic!("{posts:?}")
        };
        assert_eq!(
            (reply.parent.as_deref(), reply.thread.as_str()),
            (Some("c1"), "p1")
        );
        assert_eq!(
            (reply.author.as_str(), reply.email.as_deref()),
            ("Uma", Some("uma@example.com"))
        );
        assert_eq!(reply.website.as_deref(), Some("https://uma.example"));
        assert_eq!(reply.created_ms, Some(1_706_781_600_123));
        assert_eq!(reply.edited_ms, Some(1_706_832_000_000));
        assert_eq!(
            (first.author.as_str(), first.parent.as_deref()),
            ("Guest Gil", None)
        );
        assert_eq!((first.pinned, first.score), (true, 5));
        assert!(first.body.contains("*one*"), "{}", first.body);
        let states = [waiting.status, rejected.status, gone.status];
        assert_eq!(states, [Status::Pending, Status::Spam, Status::Deleted]);
    }

    #[test]
    fn a_version_3_comment_past_the_text_limit_is_refused() {
        let text = file().replace("A reply\",\"html", &format!("{}\",\"html", "y".repeat(500)));
        let limits = Limits {
            max_text_bytes: 300,
        };
        let got: Vec<_> = commento::records(text.as_bytes(), limits).collect();
        assert!(
            matches!(got.as_slice(), [Err(e)] if e.message.contains("\"c2\"")),
            "{got:?}"
        );
    }
}

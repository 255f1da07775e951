//! Commento's JSON export (version 1), which Comentario 2 writes and reads
//! too: `{"version":1,"comments":[…],"commenters":[…]}`, and Comentario 3's
//! (version 3, in `comentario.rs`). The commenters come after the comments
//! that name them, so the document cannot stream: it is read whole, within
//! `Limits::max_document_bytes`, and refused past it.

use std::{collections::HashMap, io::Read};

use serde::Deserialize;

use super::{Limits, ParseError, Post, Record, Status, Thread};

/// What every version starts with.
#[derive(Deserialize)]
struct Version {
    version: u32,
}

#[derive(Deserialize)]
struct Export {
    #[serde(default)]
    comments: Vec<Comment>,
    #[serde(default)]
    commenters: Vec<Commenter>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Comment {
    comment_hex: String,
    /// The page's path, where Commento puts it; Comentario 2 writes `path`.
    #[serde(default)]
    url: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    commenter_hex: String,
    #[serde(default)]
    markdown: String,
    #[serde(default)]
    html: String,
    /// `root` for a top-level comment.
    #[serde(default)]
    parent_hex: String,
    #[serde(default)]
    score: i64,
    /// `approved`, `unapproved` or `flagged`.
    #[serde(default)]
    state: String,
    #[serde(default)]
    creation_date: String,
    #[serde(default)]
    deleted: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Commenter {
    commenter_hex: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    link: String,
}

/// The pages, then the comments, of a Commento export.
pub fn records<R: Read>(
    reader: R,
    limits: Limits,
) -> impl Iterator<Item = Result<Record, ParseError>> {
    let (records, failure) = match read(reader, limits) {
        Ok(records) => (records, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    records.into_iter().map(Ok).chain(failure.map(Err))
}

fn read<R: Read>(reader: R, limits: Limits) -> Result<Vec<Record>, ParseError> {
    let cap = limits.max_document_bytes();
    let mut text = Vec::new();
    reader
        .take(cap as u64 + 1)
        .read_to_end(&mut text)
        .map_err(|e| error(0, 0, format!("cannot read the file: {e}")))?;
    if text.len() > cap {
        return Err(error(
            0,
            0,
            format!("a Commento export over {cap} bytes is not read"),
        ));
    }
    let json = |e: serde_json::Error| error(e.line() as u64, e.column() as u64, e.to_string());
    let version: Version = serde_json::from_slice(&text).map_err(json)?;
    match version.version {
        1 => {
            let export: Export = serde_json::from_slice(&text).map_err(json)?;
            drop(text);
            version_1(export, limits)
        }
        3 => {
            let export = serde_json::from_slice(&text).map_err(json)?;
            drop(text);
            super::comentario::records(export, limits)
        }
        n => Err(error(
            1,
            1,
            format!("Commento export version {n} is not one Confab reads (1, or Comentario's 3)"),
        )),
    }
}

fn version_1(export: Export, limits: Limits) -> Result<Vec<Record>, ParseError> {
    let people: HashMap<String, Commenter> = export
        .commenters
        .into_iter()
        .map(|c| (c.commenter_hex.clone(), c))
        .collect();
    let mut comments = export.comments;
    for c in &mut comments {
        if c.url.trim().is_empty() {
            c.url = std::mem::take(&mut c.path);
        }
    }
    let mut records = Vec::with_capacity(comments.len() + 16);
    let mut pages = std::collections::HashSet::new();
    for comment in &comments {
        if pages.insert(comment.url.as_str()) {
            records.push(Record::Thread(Thread {
                source_id: comment.url.clone(),
                link: comment.url.clone(),
                url: None,
                title: None,
                locked: false,
            }));
        }
    }
    for comment in comments {
        // `anonymous` (Comentario: all zeros) has no commenter record.
        let person = people.get(&comment.commenter_hex);
        let name = person.map_or("", |p| p.name.as_str());
        within(
            &comment.comment_hex,
            &[&comment.markdown, &comment.html, name],
            limits,
        )?;
        records.push(post(comment, person));
    }
    Ok(records)
}

/// A comment's Markdown, or its HTML converted when it has only that.
pub(super) fn body(markdown: String, html: &str) -> String {
    if markdown.trim().is_empty() {
        super::to_markdown(html)
    } else {
        markdown
    }
}

/// Refuses a comment one of whose `texts` is over the text limit.
pub(super) fn within(id: &str, texts: &[&str], limits: Limits) -> Result<(), ParseError> {
    limits
        .check_texts(id, texts)
        .map_err(|message| error(0, 0, message))
}

fn post(c: Comment, person: Option<&Commenter>) -> Record {
    let status = if c.deleted {
        Status::Deleted
    } else {
        match c.state.as_str() {
            "unapproved" => Status::Pending,
            "flagged" => Status::Spam,
            _ => Status::Approved,
        }
    };
    let body = body(c.markdown, &c.html);
    Record::Post(Post {
        source_id: c.comment_hex,
        thread: c.url,
        parent: (c.parent_hex != "root" && !c.parent_hex.is_empty()).then_some(c.parent_hex),
        author: person.map(|p| p.name.clone()).unwrap_or_default(),
        email: person.and_then(|p| super::non_empty(p.email.clone())),
        website: person.and_then(|p| super::non_empty(p.link.clone())),
        body,
        created_ms: super::time::rfc3339_ms(&c.creation_date),
        edited_ms: None,
        status,
        score: c.score,
        pinned: false,
    })
}

pub(super) fn error(line: u64, column: u64, message: String) -> ParseError {
    ParseError {
        line,
        column,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{
  "version": 1,
  "comments": [
    {"commentHex": "c3", "domain": "example.com", "url": "/blog/1", "commenterHex": "ann",
     "markdown": "Great reply!", "html": "", "parentHex": "c2", "score": 0,
     "state": "approved", "creationDate": "2021-05-11T15:43:01.852651Z", "direction": 0, "deleted": false},
    {"commentHex": "c2", "url": "/blog/1", "commenterHex": "anonymous",
     "markdown": "", "html": "<p>An <b>old</b> one</p>", "parentHex": "root", "score": 3,
     "state": "unapproved", "creationDate": "2021-03-12T11:21:56Z", "deleted": false},
    {"commentHex": "c9", "url": "/blog/2", "commenterHex": "ann", "markdown": "gone",
     "parentHex": "root", "state": "flagged", "creationDate": "", "deleted": true}
  ],
  "commenters": [
    {"commenterHex": "ann", "email": " ann@example.com ", "name": "Ann", "link": "https://ann.example",
     "photo": "", "provider": "commento", "joinDate": "2021-03-19T19:27:25Z", "isModerator": false}
  ]
}"#;

    fn read_all(text: &str) -> Vec<Result<Record, ParseError>> {
        records(text.as_bytes(), Limits::default()).collect()
    }

    #[test]
    fn an_export_gives_its_pages_then_its_comments_with_their_commenters() {
        let got: Vec<Record> = read_all(FILE).into_iter().map(Result::unwrap).collect();
        let threads: Vec<&str> = got
            .iter()
            .filter_map(|r| match r {
                Record::Thread(t) => Some(t.link.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(threads, ["/blog/1", "/blog/2"]);
        let posts: Vec<&Post> = got
            .iter()
            .filter_map(|r| match r {
                Record::Post(p) => Some(p),
                _ => None,
            })
            .collect();
        assert_eq!(posts.len(), 3);
        let reply = posts[0];
        assert_eq!(
            (reply.author.as_str(), reply.parent.as_deref()),
            ("Ann", Some("c2"))
        );
        assert_eq!(reply.email.as_deref(), Some("ann@example.com"));
        assert_eq!(reply.website.as_deref(), Some("https://ann.example"));
        assert_eq!(reply.created_ms, Some(1_620_747_781_852));
        let old = posts[1];
        assert_eq!((old.author.as_str(), old.parent.as_deref()), ("", None));
        assert_eq!((old.status, old.score), (Status::Pending, 3));
        assert!(old.body.contains("**old**"), "{}", old.body);
        assert_eq!(
            (posts[2].status, posts[2].created_ms),
            (Status::Deleted, None)
        );
    }

    #[test]
    fn a_malformed_export_fails_with_its_line_and_column() {
        let got = read_all("{\n  \"version\": 1,\n  \"comments\": [ {\"commentHex\": 4} ]\n}");
        let [Err(e)] = got.as_slice() else {
            panic!("{got:?}")
        };
        assert_eq!(e.line, 3, "{e}");
        assert!(e.column > 0, "{e}");
    }

    #[test]
    fn comentario_2_names_the_page_by_its_path() {
        let text = r#"{"version":1,"comments":[{"commentHex":"c1","host":"example.com","path":"/p/1",
            "commenterHex":"0000000000000000000000000000000000000000000000000000000000000000",
            "markdown":"Hi","parentHex":"root","state":"approved","creationDate":"2023-01-01T00:00:00Z"}],"commenters":[]}"#;
        let got: Vec<Record> = read_all(text).into_iter().map(Result::unwrap).collect();
        let Record::Post(post) = &got[1] else {
            panic!("{got:?}")
        };
        assert_eq!((post.thread.as_str(), post.author.as_str()), ("/p/1", ""));
    }

    #[test]
    fn an_unknown_version_is_refused() {
        let got = read_all(r#"{"version": 2, "comments": []}"#);
        assert!(
            matches!(got.as_slice(), [Err(e)] if e.message.contains("version 2")),
            "{got:?}"
        );
    }

    #[test]
    fn a_comment_past_the_text_limit_is_refused() {
        let big = "x".repeat(300);
        let text = format!(
            r#"{{"version":1,"comments":[{{"commentHex":"c1","url":"/a","markdown":"{big}"}}]}}"#
        );
        let limits = Limits {
            max_text_bytes: 200,
        };
        let got: Vec<_> = records(text.as_bytes(), limits).collect();
        assert!(
            matches!(got.as_slice(), [Err(e)] if e.message.contains("over 200 bytes")),
            "{got:?}"
        );
    }

    #[test]
    fn a_document_past_the_limit_is_refused_unread() {
        let limits = Limits { max_text_bytes: 4 };
        let got: Vec<_> = records(FILE.as_bytes(), limits).collect();
        assert!(
            matches!(got.as_slice(), [Err(e)] if e.message.contains("over 256 bytes")),
            "{got:?}"
        );
    }
}

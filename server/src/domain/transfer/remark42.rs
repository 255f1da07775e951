//! Remark42's backup (`remark42 backup`, or the nightly
//! `backup-SITE-DATE.gz`; the import service unpacks gzip): its first line
//! is the site's meta, `{"version":1,"users":[…],"posts":[…]}`, and each
//! line after it one comment as Remark42 stores it. The meta line is read
//! whole (within 64 × the text limit, as it lists every user); comments
//! stream, each line within twice the text limit.
//!
//! Remark42 has no moderation queue: a comment is visible, deleted, or
//! hidden because its author is blocked, which Confab keeps as spam, out of
//! sight and restorable. Its `text` is the HTML it shows, which is
//! converted; `orig` is the Markdown the author typed, but passed through
//! an HTML sanitiser when stored (so `> quote` reads `&gt; quote`), and is
//! used only when `text` is empty. Addresses, votes and avatars are not
//! read.

use std::{
    collections::{HashMap, HashSet},
    io::BufRead,
};

use serde::Deserialize;

use super::{
    lines::{json_error, LineReader},
    Limits, ParseError, Post, Record, Status, Thread,
};

#[derive(Deserialize)]
struct Meta {
    version: u32,
    /// Go writes an empty list as `null`.
    #[serde(default)]
    users: Option<Vec<UserMeta>>,
    #[serde(default)]
    posts: Option<Vec<PostMeta>>,
}

#[derive(Deserialize)]
struct UserMeta {
    id: String,
    #[serde(default)]
    blocked: Blocked,
    #[serde(default)]
    details: Details,
}

#[derive(Deserialize, Default)]
struct Blocked {
    #[serde(default)]
    status: bool,
}

#[derive(Deserialize, Default)]
struct Details {
    #[serde(default)]
    email: String,
}

#[derive(Deserialize)]
struct PostMeta {
    url: String,
    #[serde(default)]
    read_only: bool,
}

#[derive(Deserialize)]
struct Comment {
    id: String,
    /// The comment it replies to; empty for a top-level one.
    #[serde(default)]
    pid: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    orig: String,
    #[serde(default)]
    user: User,
    locator: Locator,
    #[serde(default)]
    score: i64,
    #[serde(default)]
    time: String,
    #[serde(default)]
    edit: Option<Edit>,
    #[serde(default)]
    pin: bool,
    #[serde(default)]
    delete: bool,
    /// The page's title.
    #[serde(default)]
    title: String,
}

#[derive(Deserialize, Default)]
struct User {
    #[serde(default)]
    name: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    block: bool,
}

#[derive(Deserialize)]
struct Locator {
    url: String,
}

#[derive(Deserialize)]
struct Edit {
    #[serde(default)]
    time: String,
}

/// What the meta line says of the site's users and pages.
#[derive(Default)]
struct Site {
    blocked: HashSet<String>,
    emails: HashMap<String, String>,
    read_only: HashSet<String>,
}

/// The records of a Remark42 backup: each page just before its first
/// comment, then the comment.
pub fn records<R: BufRead>(
    reader: R,
    limits: Limits,
) -> impl Iterator<Item = Result<Record, ParseError>> {
    let mut lines = LineReader::new(reader, limits.max_document_bytes());
    let mut site: Option<Site> = None;
    let mut pages = HashSet::new();
    let mut queued: Option<Record> = None;
    super::until_error(std::iter::from_fn(move || {
        if let Some(post) = queued.take() {
            return Some(Ok(post));
        }
        loop {
            let (number, bytes) = match lines.next_line() {
                Some(Ok(line)) => line,
                Some(Err(e)) => return Some(Err(e)),
                None if site.is_some() => return None,
                None => return Some(Err(lines.error("the file is empty"))),
            };
            let Some(known) = &site else {
                site = Some(match meta(bytes, number) {
                    Ok(meta) => meta,
                    Err(e) => return Some(Err(e)),
                });
                lines.limit = limits.max_line_bytes();
                continue;
            };
            let comment: Comment = match serde_json::from_slice(bytes) {
                Ok(comment) => comment,
                Err(e) => return Some(Err(json_error(number, &e))),
            };
            let texts = [&*comment.text, &comment.orig, &comment.user.name];
            if let Err(message) = limits.check_texts(&comment.id, &texts) {
                return Some(Err(lines.error(message)));
            }
            let thread = pages
                .insert(comment.locator.url.clone())
                .then(|| thread(&comment, known));
            let post = post(comment, known);
            return Some(Ok(match thread {
                Some(thread) => {
                    queued = Some(post);
                    thread
                }
                None => post,
            }));
        }
    }))
}

fn meta(bytes: &[u8], line: u64) -> Result<Site, ParseError> {
    let meta: Meta = serde_json::from_slice(bytes).map_err(|e| json_error(line, &e))?;
    // Version 0 is what Remark42 wrote before it numbered them; it reads
    // both.
    if meta.version > 1 {
        return Err(ParseError {
            line,
            column: 1,
            message: format!(
                "Remark42 backup version {} is not one Confab reads (0 or 1)",
                meta.version
            ),
        });
    }
    let mut site = Site::default();
    for user in meta.users.unwrap_or_default() {
        if let Some(email) = super::non_empty(user.details.email) {
            site.emails.insert(user.id.clone(), email);
        }
        if user.blocked.status {
            site.blocked.insert(user.id);
        }
    }
    site.read_only = meta
        .posts
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.read_only)
        .map(|p| p.url)
        .collect();
    Ok(site)
}

fn thread(c: &Comment, site: &Site) -> Record {
    Record::Thread(Thread {
        source_id: c.locator.url.clone(),
        link: c.locator.url.clone(),
        url: Some(c.locator.url.clone()),
        title: super::non_empty(c.title.clone()),
        locked: site.read_only.contains(&c.locator.url),
    })
}

fn post(c: Comment, site: &Site) -> Record {
    let status = if c.delete {
        Status::Deleted
    } else if c.user.block || site.blocked.contains(&c.user.id) {
        Status::Spam
    } else {
        Status::Approved
    };
    let body = if c.text.trim().is_empty() {
        c.orig
    } else {
        super::to_markdown(&c.text)
    };
    Record::Post(Post {
        source_id: c.id,
        thread: c.locator.url,
        parent: super::non_empty(c.pid),
        author: c.user.name,
        email: site.emails.get(&c.user.id).cloned(),
        website: None,
        body,
        created_ms: time_ms(&c.time),
        edited_ms: c.edit.and_then(|e| time_ms(&e.time)),
        status,
        score: c.score,
        pinned: c.pin,
    })
}

/// Go's RFC 3339 time; its zero value (`0001-01-01T00:00:00Z`) is what
/// Remark42 writes for a time it lacks, and counts as none.
fn time_ms(s: &str) -> Option<i64> {
    super::time::rfc3339_ms(s).filter(|&ms| ms > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const META: &str = r#"{"version":1,"users":[{"id":"github_ann","blocked":{"status":false,"until":"0001-01-01T00:00:00Z"},"verified":true,"details":{"user_id":"github_ann","email":"ann@example.com"}},{"id":"anonymous_bob","blocked":{"status":true,"until":"2126-01-01T00:00:00Z"},"verified":false}],"posts":[{"url":"https://example.com/blog/2","read_only":true}]}"#;

    fn file() -> String {
        [
            META,
            r#"{"id":"r1","pid":"c1","text":"<p>Me too</p>\n","orig":"Me too","user":{"name":"Ann","id":"github_ann","picture":"","ip":"0a1b2c","admin":false},"locator":{"site":"blog","url":"https://example.com/blog/1"},"score":0,"vote":0,"time":"2020-02-01T10:00:00.5Z","title":"First post"}"#,
            "",
            r#"{"id":"c1","pid":"","text":"<p>A <em>first</em> comment &amp; more</p>","user":{"name":"Ann","id":"github_ann","picture":"","admin":false},"locator":{"site":"blog","url":"https://example.com/blog/1"},"score":3,"votes":{"x":true},"time":"2020-01-31T09:00:00-05:00","edit":{"time":"2020-02-02T00:00:00Z","summary":""},"pin":true,"title":"First post"}"#,
            r#"{"id":"c2","pid":"","text":"<p>spam spam</p>","user":{"name":"Bob","id":"anonymous_bob","picture":"","admin":false},"locator":{"site":"blog","url":"https://example.com/blog/2"},"score":-2,"time":"0001-01-01T00:00:00Z"}"#,
            r#"{"id":"c3","pid":"","text":"","user":{"name":"deleted","id":"deleted","picture":"","admin":false},"locator":{"site":"blog","url":"https://example.com/blog/2"},"score":0,"time":"2020-03-01T00:00:00Z","delete":true}"#,
        ]
        .join("\n")
    }

    fn read_all(text: &str, limits: Limits) -> Vec<Result<Record, ParseError>> {
        records(text.as_bytes(), limits).collect()
    }

    fn posts(records: &[Record]) -> Vec<&Post> {
        records
            .iter()
            .filter_map(|r| match r {
                Record::Post(p) => Some(p),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_backup_gives_each_page_before_its_first_comment() {
        let got: Vec<Record> = read_all(&file(), Limits::default())
            .into_iter()
            .map(Result::unwrap)
            .collect();
        let order: Vec<String> = got
            .iter()
            .map(|r| match r {
                Record::Thread(t) => format!("page {} {:?} {}", t.link, t.title, t.locked),
                Record::Post(p) => format!("post {}", p.source_id),
                _ => panic!("{r:?}"),
            })
            .collect();
        assert_eq!(
            order,
            [
                "page https://example.com/blog/1 Some(\"First post\") false",
                "post r1",
                "post c1",
                "page https://example.com/blog/2 None true",
                "post c2",
                "post c3",
            ]
        );
    }

    #[test]
    fn comments_keep_their_parents_times_scores_and_states() {
        let got: Vec<Record> = read_all(&file(), Limits::default())
            .into_iter()
            .map(Result::unwrap)
            .collect();
        let posts = posts(&got);
        let (reply, first, blocked, deleted) = (posts[0], posts[1], posts[2], posts[3]);
        assert_eq!(reply.parent.as_deref(), Some("c1"));
        assert_eq!(reply.created_ms, Some(1_580_551_200_500));
        assert_eq!(reply.email.as_deref(), Some("ann@example.com"));
        assert_eq!(reply.body.trim(), "Me too");
        assert_eq!(first.parent, None);
        assert_eq!(first.created_ms, Some(1_580_479_200_000));
        assert_eq!(first.edited_ms, Some(1_580_601_600_000));
        assert_eq!((first.score, first.pinned), (3, true));
        assert_eq!(first.body.trim(), "A *first* comment & more");
        assert_eq!((blocked.status, blocked.created_ms), (Status::Spam, None));
        assert_eq!(blocked.email, None);
        assert_eq!(deleted.status, Status::Deleted);
        assert_eq!(first.status, Status::Approved);
    }

    #[test]
    fn a_bad_comment_line_is_refused_with_its_number_and_ends_the_records() {
        let text =
            format!("{META}\n{{\"id\":\"c1\",\"locator\":{{\"url\":7}}}}\n{{\"id\":\"c2\"}}");
        let got = read_all(&text, Limits::default());
        let [Err(e)] = got.as_slice() else {
            panic!("{got:?}")
        };
        assert_eq!(e.line, 2, "{e}");
        assert!(e.column > 0, "{e}");
    }

    #[test]
    fn an_empty_file_and_a_newer_version_are_refused_and_null_lists_read_as_empty() {
        let got = read_all("\n\n", Limits::default());
        assert!(
            matches!(got.as_slice(), [Err(e)] if e.message.contains("empty")),
            "{got:?}"
        );
        let got = read_all(
            r#"{"version":0,"users":null,"posts":null}"#,
            Limits::default(),
        );
        assert!(got.is_empty(), "{got:?}");
        let got = read_all(r#"{"version":2,"users":[],"posts":[]}"#, Limits::default());
        assert!(
            matches!(got.as_slice(), [Err(e)] if e.message.contains("version 2")),
            "{got:?}"
        );
    }

    #[test]
    fn a_comment_past_the_text_limit_is_refused() {
        let big = "x".repeat(300);
        let text = format!(
            "{{\"version\":1}}\n{{\"id\":\"c1\",\"text\":\"{big}\",\"locator\":{{\"url\":\"/a\"}}}}"
        );
        let got = read_all(
            &text,
            Limits {
                max_text_bytes: 200,
            },
        );
        assert!(
            matches!(got.as_slice(), [Err(e)] if e.message.contains("over 200 bytes")),
            "{got:?}"
        );
    }
}

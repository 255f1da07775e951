//! WordPress's export (WXR): RSS 2.0 whose `<item>`s (posts, pages) hold
//! their comments as `<wp:comment>` elements. The `wp` namespace's URI
//! carries the WXR version (`http://wordpress.org/export/1.2/`, 1.1, 1.0):
//! elements are matched by local name, so any version reads.
//!
//! Read as a stream: one item's few fields and one comment are held at a
//! time. An item's thread is given when its first comment starts, since
//! WordPress writes an item's own fields before its comments. Items with no
//! comments give nothing.

use std::io::BufRead;

use super::html::to_markdown;
use super::time::{is_unset, wordpress_ms};
use super::xml::{Event, Position, XmlReader};
use super::{non_empty, Limits, ParseError, Post, Record, Status, Thread};

/// An `<item>`'s depth: `<rss>`, `<channel>`, `<item>`.
const ITEM: usize = 3;
/// Its fields' depth, and its `<wp:comment>`s'.
const FIELD: usize = 4;
/// A comment's fields' depth.
const COMMENT_FIELD: usize = 5;

/// The records of a WXR export, in file order. After the first error the
/// iterator ends.
pub fn records<R: BufRead>(
    reader: R,
    limits: Limits,
) -> impl Iterator<Item = Result<Record, ParseError>> {
    let mut records = Records {
        xml: XmlReader::new(reader, limits),
        item: None,
        comment: None,
    };
    super::until_error(std::iter::from_fn(move || records.step().transpose()))
}

/// What [`records`] reads with.
struct Records<R> {
    xml: XmlReader<R>,
    item: Option<Item>,
    comment: Option<Comment>,
}

#[derive(Default)]
struct Item {
    post_id: Option<String>,
    link: Option<String>,
    guid: Option<String>,
    title: Option<String>,
    closed: bool,
    /// The thread's `source_id`, once it has been given.
    thread: Option<String>,
}

/// One `<wp:comment>`'s fields, as the file has them.
#[derive(Default)]
struct Comment {
    id: Option<String>,
    author: Option<String>,
    email: Option<String>,
    url: Option<String>,
    date: Option<String>,
    date_gmt: Option<String>,
    content: String,
    approved: Option<String>,
    kind: Option<String>,
    parent: Option<String>,
}

impl<R: BufRead> Records<R> {
    /// Reads up to the next thread (an item's first comment) or comment.
    fn step(&mut self) -> Result<Option<Record>, ParseError> {
        loop {
            let record = match self.xml.next_event()? {
                Event::Open {
                    name, depth, at, ..
                } => self.open(&name, depth, at)?,
                Event::Close {
                    name,
                    depth,
                    text,
                    at,
                } => self.close(&name, depth, text, at)?,
                Event::End => return Ok(None),
            };
            if record.is_some() {
                return Ok(record);
            }
        }
    }

    fn open(
        &mut self,
        name: &str,
        depth: usize,
        at: Position,
    ) -> Result<Option<Record>, ParseError> {
        match (depth, name) {
            (1, "rss") | (2, "channel") => {}
            (1, _) => {
                return Err(at.error(format!(
                    "not a WordPress export (WXR): the root element is <{name}>, not <rss>"
                )))
            }
            (ITEM, "item") => self.item = Some(Item::default()),
            (FIELD, "comment") => {
                let Some(item) = &mut self.item else {
                    return Ok(None);
                };
                self.comment = Some(Comment::default());
                if item.thread.is_none() {
                    return thread(item, at).map(Some);
                }
            }
            _ => {}
        }
        Ok(None)
    }

    fn close(
        &mut self,
        name: &str,
        depth: usize,
        text: String,
        at: Position,
    ) -> Result<Option<Record>, ParseError> {
        match (depth, &mut self.item, &mut self.comment) {
            (ITEM, item, _) if name == "item" => *item = None,
            (FIELD, Some(item), comment @ Some(_)) if name == "comment" => {
                let thread = item.thread.as_deref().unwrap_or_default();
                return comment.take().map_or(Ok(None), |c| post(c, thread, at));
            }
            (FIELD, Some(item), _) => match name {
                "post_id" => item.post_id = non_empty(text),
                "link" => item.link = non_empty(text),
                "guid" => item.guid = non_empty(text),
                "title" => item.title = non_empty(text),
                "comment_status" => item.closed = text.trim() == "closed",
                _ => {}
            },
            (COMMENT_FIELD, Some(_), Some(comment)) => comment_field(comment, name, text),
            _ => {}
        }
        Ok(None)
    }
}

fn comment_field(comment: &mut Comment, name: &str, text: String) {
    let field = match name {
        "comment_id" => &mut comment.id,
        "comment_author" => &mut comment.author,
        "comment_author_email" => &mut comment.email,
        "comment_author_url" => &mut comment.url,
        "comment_date" => &mut comment.date,
        "comment_date_gmt" => &mut comment.date_gmt,
        "comment_approved" => &mut comment.approved,
        "comment_type" => &mut comment.kind,
        "comment_parent" => &mut comment.parent,
        "comment_content" => {
            comment.content = text;
            return;
        }
        // The author's IP address and user id are not kept.
        _ => return,
    };
    *field = non_empty(text);
}

/// An item's thread, given as its first comment starts: named by the
/// item's post id, or its link when it has none.
fn thread(item: &mut Item, at: Position) -> Result<Record, ParseError> {
    let Some(link) = item.link.clone().or_else(|| item.guid.clone()) else {
        return Err(at.error("a comment's <item> has no <link> before its comments"));
    };
    let source_id = item.post_id.clone().unwrap_or_else(|| link.clone());
    item.thread = Some(source_id.clone());
    Ok(Record::Thread(Thread {
        source_id,
        // An item's link is its permalink: the page's address.
        url: Some(link.clone()),
        link,
        title: item.title.clone(),
        locked: item.closed,
    }))
}

/// A comment's post, or none for a pingback or trackback: those are
/// notices that another site linked here, not something a reader wrote.
fn post(comment: Comment, thread: &str, at: Position) -> Result<Option<Record>, ParseError> {
    if matches!(comment.kind.as_deref(), Some("pingback" | "trackback")) {
        return Ok(None);
    }
    let Some(id) = comment.id else {
        return Err(at.error("a <wp:comment> has no <wp:comment_id>"));
    };
    let created_ms = wordpress_ms(comment.date_gmt.as_deref(), comment.date.as_deref());
    let dates = [&comment.date_gmt, &comment.date];
    if created_ms.is_none() && dates.into_iter().flatten().any(|d| !is_unset(d)) {
        return Err(at.error(format!(
            "comment {id} has a date that is not YYYY-MM-DD HH:MM:SS"
        )));
    }
    // Comment ids are only unique within one blog's export, so with the
    // thread's id; `0` is WordPress's "no parent".
    let parent = comment
        .parent
        .filter(|parent| parent != "0")
        .map(|parent| format!("{thread}:{parent}"));
    let status = match comment.approved.as_deref() {
        Some("1") => Status::Approved,
        Some("spam") => Status::Spam,
        Some("trash") => Status::Deleted,
        // "0", and whatever else (such as "post-trashed"): held for review.
        _ => Status::Pending,
    };
    Ok(Some(Record::Post(Post {
        source_id: format!("{thread}:{id}"),
        thread: thread.to_owned(),
        parent,
        author: comment.author.unwrap_or_default(),
        email: comment.email,
        website: comment.url,
        body: to_markdown(&comment.content),
        created_ms,
        edited_ms: None,
        status,
        score: 0,
        pinned: false,
    })))
}

#[cfg(test)]
#[path = "wxr/tests.rs"]
mod tests;

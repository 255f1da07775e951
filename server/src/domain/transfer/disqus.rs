//! Disqus's XML export: `<category>`, `<thread>` and `<post>` elements
//! under `<disqus>`, each thread and post named by a `dsq:id` attribute
//! (namespace `http://disqus.com/disqus-internals`). Read as a stream: one
//! thread or post is held at a time.
//!
//! Elements are matched by local name; `<category>`, `<forum>` and whatever
//! else the export holds are skipped. A post's `ipAddress` is never read
//! into anything: it is not stored.

use std::io::BufRead;

use super::html::to_markdown;
use super::time::rfc3339_ms;
use super::xml::{Attr, Event, Position, XmlReader};
use super::{non_empty, Limits, ParseError, Post, Record, Status, Thread};

/// The records of a Disqus export, in file order. After the first error
/// the iterator ends.
pub fn records<R: BufRead>(
    reader: R,
    limits: Limits,
) -> impl Iterator<Item = Result<Record, ParseError>> {
    let mut records = Records {
        xml: XmlReader::new(reader, limits),
        current: None,
        in_author: false,
    };
    super::until_error(std::iter::from_fn(move || records.step().transpose()))
}

/// What [`records`] reads with.
struct Records<R> {
    xml: XmlReader<R>,
    /// The thread or post being read (a child of the root).
    current: Option<Current>,
    /// Whether a post's `<author>` is being read.
    in_author: bool,
}

enum Current {
    Thread(ThreadFields),
    Post(Box<PostFields>),
}

struct ThreadFields {
    id: String,
    at: Position,
    link: Option<String>,
    title: Option<String>,
    closed: bool,
}

struct PostFields {
    id: String,
    at: Position,
    thread: Option<String>,
    parent: Option<String>,
    message: String,
    created_ms: Option<i64>,
    deleted: bool,
    spam: bool,
    name: Option<String>,
    username: Option<String>,
    email: Option<String>,
}

impl<R: BufRead> Records<R> {
    /// Reads up to the end of the next thread or post.
    fn step(&mut self) -> Result<Option<Record>, ParseError> {
        loop {
            match self.xml.next_event()? {
                Event::Open {
                    name,
                    depth,
                    attrs,
                    at,
                } => self.open(&name, depth, &attrs, at)?,
                Event::Close {
                    name,
                    depth,
                    text,
                    at,
                } => {
                    if let Some(record) = self.close(&name, depth, text, at)? {
                        return Ok(Some(record));
                    }
                }
                Event::End => return Ok(None),
            }
        }
    }

    fn open(
        &mut self,
        name: &str,
        depth: usize,
        attrs: &[Attr],
        at: Position,
    ) -> Result<(), ParseError> {
        match (depth, name, &mut self.current) {
            (1, "disqus", _) => {}
            (1, _, _) => {
                return Err(at.error(format!(
                    "not a Disqus export: the root element is <{name}>, not <disqus>"
                )))
            }
            (2, "thread", _) => {
                self.current = Some(Current::Thread(ThreadFields {
                    id: dsq_id(name, attrs, at)?,
                    at,
                    link: None,
                    title: None,
                    closed: false,
                }));
            }
            (2, "post", _) => {
                self.current = Some(Current::Post(Box::new(PostFields {
                    id: dsq_id(name, attrs, at)?,
                    at,
                    thread: None,
                    parent: None,
                    message: String::new(),
                    created_ms: None,
                    deleted: false,
                    spam: false,
                    name: None,
                    username: None,
                    email: None,
                })));
            }
            (3, "thread", Some(Current::Post(post))) => {
                post.thread = Some(dsq_id("thread", attrs, at)?);
            }
            (3, "parent", Some(Current::Post(post))) => {
                post.parent = Some(dsq_id("parent", attrs, at)?);
            }
            (3, "author", Some(Current::Post(_))) => self.in_author = true,
            _ => {}
        }
        Ok(())
    }

    fn close(
        &mut self,
        name: &str,
        depth: usize,
        text: String,
        at: Position,
    ) -> Result<Option<Record>, ParseError> {
        match (depth, &mut self.current) {
            (2, current @ Some(_)) => return current.take().map(finish).transpose(),
            (3, Some(Current::Thread(thread))) => match name {
                "link" => thread.link = non_empty(text),
                "title" => thread.title = non_empty(text),
                "isClosed" => thread.closed = boolean(name, &text, at)?,
                _ => {}
            },
            (3, Some(Current::Post(post))) => {
                self.in_author = false;
                match name {
                    "message" => post.message = to_markdown(&text),
                    "createdAt" => post.created_ms = date(&text, at)?,
                    "isDeleted" => post.deleted = boolean(name, &text, at)?,
                    "isSpam" => post.spam = boolean(name, &text, at)?,
                    _ => {}
                }
            }
            (4, Some(Current::Post(post))) if self.in_author => match name {
                "name" => post.name = non_empty(text),
                "username" => post.username = non_empty(text),
                "email" => post.email = non_empty(text),
                _ => {}
            },
            _ => {}
        }
        Ok(None)
    }
}

/// The record a thread or post makes, once all of it is read.
fn finish(current: Current) -> Result<Record, ParseError> {
    match current {
        Current::Thread(thread) => {
            let Some(link) = thread.link else {
                let message = format!("thread {} has no <link>", thread.id);
                return Err(thread.at.error(message));
            };
            Ok(Record::Thread(Thread {
                source_id: thread.id,
                // A Disqus link is the page's address.
                url: Some(link.clone()),
                link,
                title: thread.title,
                locked: thread.closed,
            }))
        }
        Current::Post(post) => post_record(*post),
    }
}

fn post_record(post: PostFields) -> Result<Record, ParseError> {
    let Some(thread) = post.thread else {
        let message = format!("post {} has no <thread dsq:id=\"…\"/>", post.id);
        return Err(post.at.error(message));
    };
    // Spam first: a spam comment that was also deleted is still spam.
    let status = match (post.spam, post.deleted) {
        (true, _) => Status::Spam,
        (false, true) => Status::Deleted,
        (false, false) => Status::Approved,
    };
    Ok(Record::Post(Post {
        source_id: post.id,
        thread,
        parent: post.parent,
        author: post.name.or(post.username).unwrap_or_default(),
        email: post.email,
        website: None,
        body: post.message,
        created_ms: post.created_ms,
        edited_ms: None,
        status,
        score: 0,
        pinned: false,
    }))
}

/// The `dsq:id` of a thread, post or reference: any prefixed `id`, since
/// the prefix is the file's choice.
fn dsq_id(element: &str, attrs: &[Attr], at: Position) -> Result<String, ParseError> {
    attrs
        .iter()
        .find(|attr| attr.prefixed && attr.local == "id")
        .and_then(|attr| non_empty(attr.value.clone()))
        .ok_or_else(|| at.error(format!("<{element}> has no dsq:id")))
}

/// Disqus writes `true` and `false`; anything else is a file misread, so
/// it is refused rather than guessed (a wrong guess could publish spam).
fn boolean(element: &str, text: &str, at: Position) -> Result<bool, ParseError> {
    match text.trim() {
        "true" | "1" => Ok(true),
        "false" | "0" | "" => Ok(false),
        other => Err(at.error(format!("<{element}> is {other:?}, not true or false"))),
    }
}

/// An absent or empty date is no date; one that is not RFC 3339 is an error.
fn date(text: &str, at: Position) -> Result<Option<i64>, ParseError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    rfc3339_ms(text)
        .map(Some)
        .ok_or_else(|| at.error(format!("<createdAt> {text:?} is not an RFC 3339 date")))
}

#[cfg(test)]
#[path = "disqus/tests.rs"]
mod tests;

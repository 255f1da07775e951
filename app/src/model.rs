//! The thread as reactive state. Every comment is a [`Node`] of signals, so
//! a vote, an edit or a live event re-renders one comment, not the thread.

use confab_api::{Comment, CommentStatus};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::{embed::Embed, i18n::Strings};

/// Where a request the reader waits for stands: loading the thread or
/// posting a comment. One type for both, so the wasm carries one signal
/// type rather than two.
#[derive(Clone, Copy, PartialEq)]
pub enum Phase {
    Idle,
    Busy,
    /// Done; for a post, done and held for moderation.
    Done,
    Failed(&'static str),
}

#[derive(Clone, Copy)]
pub struct Node {
    pub id: i64,
    /// The comment itself; its `replies` stay empty, they live in `replies`.
    pub data: RwSignal<Comment>,
    pub replies: RwSignal<Vec<Node>>,
    /// Direct replies the server has not sent yet, and the cursor that
    /// fetches them: beside `data`, since an edit or a live event carries
    /// neither and must not reset them.
    pub more: RwSignal<i64>,
    pub cursor: RwSignal<Option<String>>,
}

impl Node {
    pub fn new(mut c: Comment) -> Node {
        let replies = std::mem::take(&mut c.replies)
            .into_iter()
            .map(Node::new)
            .collect();
        Node {
            id: c.id,
            more: RwSignal::new(c.more_replies.into()),
            cursor: RwSignal::new(c.replies_cursor.take()),
            data: RwSignal::new(c),
            replies: RwSignal::new(replies),
        }
    }
}

/// What every component of one widget shares.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub e: &'static Embed,
    pub t: &'static Strings,
    /// Top-level comments, in the order the server sorted them.
    pub top: RwSignal<Vec<Node>>,
    pub total: RwSignal<i64>,
    /// The thread's element, where [`Ctx::reveal`] looks for comments.
    pub section: NodeRef<leptos::html::Section>,
    /// The polite announcement for screen readers.
    pub announce: RwSignal<String>,
}

pub fn ctx() -> Ctx {
    expect_context()
}

fn find_in(list: &[Node], id: i64) -> Option<Node> {
    list.iter().find_map(|n| {
        if n.id == id {
            Some(*n)
        } else {
            n.replies.with_untracked(|r| find_in(r, id))
        }
    })
}

/// Removes `id` from `list` or below it; true when found.
fn remove_in(list: RwSignal<Vec<Node>>, id: i64) -> bool {
    let pos = list.with_untracked(|l| l.iter().position(|n| n.id == id));
    if let Some(i) = pos {
        list.update(|l| {
            l.remove(i);
        });
        return true;
    }
    list.with_untracked(|l| l.iter().map(|n| n.replies).collect::<Vec<_>>())
        .into_iter()
        .any(|r| remove_in(r, id))
}

impl Ctx {
    /// After the next render, highlights comment `id` (a permalink, or the
    /// reader's own new comment), scrolls to it and moves focus there, so
    /// keyboard and screen reader users land on it. `None` clears the
    /// highlight.
    pub fn reveal(&self, id: Option<i64>) {
        let section = self.section;
        request_animation_frame(move || {
            let Some(s) = section.get_untracked() else {
                return;
            };
            if let Ok(Some(old)) = s.query_selector(".cf-hl") {
                let _ = old.class_list().remove_1("cf-hl");
            }
            let Some(id) = id else { return };
            if let Ok(Some(a)) = s.query_selector(&format!("#confab-{id}")) {
                let _ = a.class_list().add_1("cf-hl");
                a.scroll_into_view();
                if let Ok(a) = a.dyn_into::<web_sys::HtmlElement>() {
                    let _ = a.focus();
                }
            }
        });
    }

    pub fn find(&self, id: i64) -> Option<Node> {
        self.top.with_untracked(|l| find_in(l, id))
    }

    /// Adds a comment, or refreshes it when it is already shown (the
    /// reader's own post and its live event can arrive in either order).
    /// Returns false when it was already there or its parent is not shown.
    pub fn insert(&self, c: Comment, newest_first: bool) -> bool {
        if let Some(n) = self.find(c.id) {
            n.data.set(Comment {
                replies: vec![],
                ..c
            });
            return false;
        }
        let list = match c.parent {
            None => self.top,
            Some(p) => match self.find(p) {
                Some(n) => n.replies,
                None => return false,
            },
        };
        if c.status == CommentStatus::Approved {
            self.total.update(|t| *t += 1);
        }
        let node = Node::new(c);
        list.update(|l| {
            // New top-level comments go after the pinned ones when the
            // newest come first; replies always read oldest first.
            let at = if newest_first && node.data.with_untracked(|c| c.parent.is_none()) {
                l.iter()
                    .take_while(|n| n.data.with_untracked(|c| c.pinned))
                    .count()
            } else {
                l.len()
            };
            l.insert(at, node);
        });
        true
    }

    pub fn replace(&self, c: Comment) {
        if let Some(n) = self.find(c.id) {
            n.data.set(Comment {
                replies: vec![],
                ..c
            });
        }
    }

    /// A deleted comment with replies stays as a placeholder so that its
    /// replies keep their place; one without replies disappears.
    pub fn delete(&self, id: i64) {
        let Some(n) = self.find(id) else { return };
        if n.data
            .with_untracked(|c| c.status == CommentStatus::Approved)
        {
            self.total.update(|t| *t -= 1);
        }
        if n.replies.with_untracked(Vec::is_empty) {
            remove_in(self.top, id);
        } else {
            n.data.update(|c| {
                c.status = CommentStatus::Deleted;
                c.html.clear();
                c.author.clear();
                c.website = None;
            });
        }
    }
}

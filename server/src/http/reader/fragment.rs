//! The thread as HTML: the widget's markup and classes, so its stylesheet
//! styles both, with what a crawler reads as the page's comments
//! (schema.org `Comment` microdata, `<time datetime>`, `rel="next"`).
//! Every value goes through maud's escaping; only the server's own
//! sanitised comment HTML and the identicons go in as they are.

use confab_api::{avatar, Comment, CommentStatus, Thread};
use maud::{html, Markup, PreEscaped};

use super::{links::Links, shell};
use crate::domain::texts::Lang;

/// Replies deeper than this are not indented further, as in the widget.
const INDENT_CAP: u32 = 4;

/// How a fragment is drawn.
#[derive(Clone, Copy)]
pub struct Draw<'a> {
    pub lang: &'a Lang,
    pub links: &'a Links,
    /// For `/embed.js` to show until the widget takes its place: with the
    /// widget's header, form and buttons ([`shell`]), so that both are one
    /// height, `inert`, and without test ids, which belong to the widget.
    pub widget: bool,
}

impl Draw<'_> {
    /// `id` as a test id, except in the widget's stand-in.
    fn tid<T>(&self, id: T) -> Option<T> {
        (!self.widget).then_some(id)
    }
}

/// The thread `thread` of the page `d.links` points at.
pub fn thread(thread: &Thread, d: Draw) -> Markup {
    let (lang, links) = (d.lang, d.links);
    let t = &lang.t;
    let count = lang.count(thread.total);
    html! {
        section class="cf cf-static" lang=(t.lang) dir=(t.dir()) aria-label=(t.thread)
            data-confab-fragment=(links.page) data-testid=[d.tid("thread")] inert[d.widget] {
            @if d.widget {
                (shell::head(lang, &count))
                (shell::composer(lang))
            } @else {
                header class="cf-head" {
                    h2 data-testid="count" { (count) }
                }
            }
            @if thread.comments.is_empty() && thread.next_cursor.is_none() {
                p class="cf-empty" data-testid=[d.tid("empty")] { (t.empty) }
            }
            ul class="cf-list" data-testid=[d.tid("comments")] {
                @for c in &thread.comments {
                    (comment(c, 0, d))
                }
            }
            @if let Some(cursor) = &thread.next_cursor {
                a class="cf-more" rel="next" data-testid=[d.tid("load-more")]
                    href=(links.next(cursor)) { (t.load_more) }
            }
        }
    }
}

/// One comment and its replies. A reply is the `comment` of the comment it
/// answers, so the microdata nests as the thread does.
fn comment(c: &Comment, depth: u32, d: Draw) -> Markup {
    let (lang, links) = (d.lang, d.links);
    let t = &lang.t;
    let deleted = c.status == CommentStatus::Deleted;
    let name = if c.author.is_empty() {
        t.anonymous
    } else {
        &c.author
    };
    // The date alone: the same in every language, and exact in `datetime`.
    let day = c.created.get(..10).unwrap_or(&c.created);
    html! {
        li class="cf-item" data-testid=[d.tid(format!("comment-{}", c.id))] data-id=(c.id) {
            // maud joins classes only in its `.name` form.
            article.cf-c.cf-pinned[c.pinned] id={"confab-" (c.id)}
                itemscope itemtype="https://schema.org/Comment"
                itemprop=[(depth > 0).then_some("comment")] {
                header class="cf-meta" {
                    span class="cf-av" aria-hidden="true" { (PreEscaped(avatar::svg(&c.avatar))) }
                    span itemprop="author" itemscope itemtype="https://schema.org/Person" {
                        @match c.website.as_deref().filter(|_| !deleted) {
                            Some(site) => a class="cf-author" dir="auto" href=(site) itemprop="url"
                                rel="nofollow ugc noopener noreferrer" {
                                span itemprop="name" { (name) }
                            },
                            None => span class="cf-author" dir="auto" itemprop="name" { (name) },
                        }
                    }
                    @if c.pinned {
                        span class="cf-badge cf-pin" { (t.pinned) }
                    }
                    a class="cf-perma" href=(links.comment(c.id)) itemprop="url" {
                        time datetime=(c.created) itemprop="dateCreated" { (day) }
                    }
                    @if c.edited.is_some() {
                        span class="cf-muted" { "· " (t.edited) }
                    }
                }
                @if deleted {
                    div class="cf-body cf-muted" data-testid=[d.tid("deleted")] { (t.deleted) }
                } @else {
                    div class="cf-body" dir="auto" itemprop="text" { (PreEscaped(&c.html)) }
                    (foot(c, d))
                }
            }
            @if d.widget && !c.replies.is_empty() {
                button type="button" class="cf-toggle" { (t.hide_replies) }
            }
            @if !c.replies.is_empty() {
                ul.cf-list.cf-indent[depth < INDENT_CAP] {
                    @for r in &c.replies {
                        (comment(r, depth + 1, d))
                    }
                }
            }
            @if let Some(cursor) = &c.replies_cursor {
                a class="cf-more" data-testid=[d.tid(format!("more-replies-{}", c.id))]
                    href=(links.replies(c.id, cursor)) {
                    (lang.with_n(t.more_replies, i64::from(c.more_replies)))
                }
            }
        }
    }
}

/// Under a comment's text: its score, and where to reply. The stand-in
/// draws the widget's buttons; the reader's page a link to its form.
fn foot(c: &Comment, d: Draw) -> Markup {
    let t = &d.lang.t;
    html! {
        footer class="cf-foot" {
            meta itemprop="upvoteCount" content=(c.score.max(0));
            @if d.widget {
                (shell::votes(d.lang, c.score))
                button type="button" { (t.reply) }
            } @else {
                // Without buttons to vote with, a score of 0 says nothing;
                // others show their sign.
                @if c.score != 0 {
                    span class="cf-votes" {
                        span class="cf-score" data-testid="score" {
                            @if c.score > 0 { "+" } (c.score)
                        }
                    }
                }
                @if !d.links.locked {
                    a class="cf-reply" data-testid="reply" href=(d.links.reply(c.id)) { (t.reply) }
                }
            }
        }
    }
}

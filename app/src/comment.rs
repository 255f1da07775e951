//! One comment and, recursively, its replies.
//!
//! Each comment is built once: what can change (status, text, votes,
//! replies) updates attributes and text in place, and parts that do not
//! apply are `hidden` rather than rebuilt. That keeps one rendering path
//! per element in the wasm instead of a build and a rebuild for every
//! variant, which is most of the widget's size budget.

use confab_api::{avatar::svg, CommentStatus};
use leptos::prelude::*;

use crate::{
    composer::Composer, i18n::as_html, model::ctx, model::Node, more_replies::MoreReplies,
    own::OwnActions, storage, time::Time, votes::Votes,
};

/// Replies deeper than this are no longer indented (the server attaches
/// deeper replies at its own depth cap anyway), so narrow screens keep
/// room for text.
const INDENT_CAP: u32 = 4;

/// The comments of `list`, each with its replies. The thread and every
/// reply list share this one keyed list, so its diffing code is in the wasm
/// once rather than once per call site.
pub fn comments(list: RwSignal<Vec<Node>>, depth: u32) -> impl IntoView {
    view! {
        <For each=move || list.get() key=|n| n.id
            children=move |n| view! { <CommentView node=n depth /> } />
    }
}

#[component]
pub fn CommentView(
    /// The comment.
    node: Node,
    /// 0 for top-level comments.
    depth: u32,
) -> impl IntoView {
    let c = ctx();
    let t = c.t;
    let id = node.id;
    let d = node.data;
    let replying = RwSignal::new(false);
    let collapsed = RwSignal::new(false);
    let is = move |s: CommentStatus| d.with(|c| c.status == s);
    let deleted = move || is(CommentStatus::Deleted);
    // The reader's own comment takes no votes from its author.
    let own = move || {
        d.track();
        storage::own(id).is_some()
    };
    // Neither changes: a deleted comment keeps its picture and its time.
    let (avatar, created) = d.with_untracked(|c| (svg(&c.avatar), c.created.clone()));
    let name = move || {
        d.with(|c| {
            if c.author.is_empty() {
                t.anonymous.to_owned()
            } else {
                c.author.clone()
            }
        })
    };
    let replies = move || node.replies.with(Vec::len);
    let toggle = move || {
        if collapsed.get() {
            t.with_n(t.show_replies, replies() as i64)
        } else {
            t.hide_replies.into()
        }
    };

    view! {
        <li class="cf-item" data-testid=format!("comment-{id}") data-id=id>
            <article id=format!("confab-{id}") tabindex="-1" class="cf-c"
                class:cf-pending=move || is(CommentStatus::Pending)
                class:cf-pinned=move || d.with(|c| c.pinned)>
                <header class="cf-meta">
                    <span class="cf-av" aria-hidden="true" inner_html=avatar></span>
                    // Without a website this is an anchor with no href: plain
                    // text to readers and screen readers alike.
                    <a class="cf-author" dir="auto" href=move || d.with(|c| c.website.clone())
                        rel="nofollow ugc noopener noreferrer" target="_blank">{name}</a>
                    <span class="cf-badge cf-pin" hidden=move || !d.with(|c| c.pinned)>{t.pinned}</span>
                    <span class="cf-badge" data-testid="pending"
                        hidden=move || !is(CommentStatus::Pending)>{t.pending}</span>
                    <a class="cf-perma" href=format!("#confab-{id}")><Time iso=created /></a>
                    <span class="cf-muted" hidden=move || d.with(|c| c.edited.is_none())>
                        "· " {t.edited}
                    </span>
                </header>
                // One element whichever way: the placeholder of a deleted
                // comment is the same box with other words in it. A body,
                // like a name, takes the direction of its own first strong
                // letter: an Arabic comment in an English thread reads
                // right to left.
                <div class="cf-body" dir="auto" class:cf-muted=deleted
                    data-testid=move || deleted().then_some("deleted")
                    inner_html=move || if deleted() { as_html(t.deleted) } else { d.with(|c| c.html.clone()) }></div>
                <footer class="cf-foot" hidden=deleted>
                    <Votes node shown=move || is(CommentStatus::Approved) && !own() />
                    // A held comment is not yet public: nobody answers it.
                    <button type="button" data-testid="reply" hidden=move || is(CommentStatus::Pending)
                        aria-expanded=move || replying.get().to_string()
                        on:click=move |_| replying.update(|r| *r = !*r)>{t.reply}</button>
                    <OwnActions node />
                </footer>
                {move || replying.get().then(|| view! {
                    <Composer parent=id on_done=Callback::new(move |()| replying.set(false)) />
                })}
            </article>
            <button type="button" class="cf-toggle" data-testid="toggle" hidden=move || replies() == 0
                aria-expanded=move || (!collapsed.get()).to_string()
                on:click=move |_| collapsed.update(|v| *v = !*v)>{toggle}</button>
            <ul class="cf-list" class:cf-indent=depth < INDENT_CAP
                hidden=move || collapsed.get() || replies() == 0>
                {comments(node.replies, depth + 1)}
            </ul>
            <MoreReplies node collapsed />
        </li>
    }
    .into_any()
}

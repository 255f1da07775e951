//! One comment and, recursively, its replies.

use confab_api::CommentStatus;
use leptos::prelude::*;

use crate::{
    avatar::Avatar, composer::Composer, model::ctx, model::Node, own::OwnActions, time::Time,
    votes::Votes,
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
    let status = move || d.with(|c| c.status);
    let author = move || {
        d.with(|c| {
            let name = if c.author.is_empty() { t.anonymous.to_owned() } else { c.author.clone() };
            match &c.website {
                Some(w) => view! {
                    <a class="cf-author" href=w.clone() rel="nofollow ugc noopener noreferrer" target="_blank">{name}</a>
                }.into_any(),
                None => view! { <span class="cf-author">{name}</span> }.into_any(),
            }
        })
    };
    let body = move || {
        if status() == CommentStatus::Deleted {
            view! { <p class="cf-body cf-muted" data-testid="deleted">{t.deleted}</p> }.into_any()
        } else {
            view! { <div class="cf-body" inner_html=move || d.with(|c| c.html.clone())></div> }
                .into_any()
        }
    };
    let header = move || {
        d.with(|x| {
            view! {
                <Avatar hash=x.avatar.clone() />
                {author()}
                {x.pinned.then(|| view! { <span class="cf-badge">{t.pinned}</span> })}
                {(x.status == CommentStatus::Pending).then(|| view! {
                    <span class="cf-badge" data-testid="pending">{t.pending}</span>
                })}
                <a class="cf-perma" href=format!("#confab-{id}")><Time iso=x.created.clone() /></a>
                {x.edited.is_some().then(|| view! { <span class="cf-muted">{format!("· {}", t.edited)}</span> })}
            }
        })
    };
    let footer = move || {
        (status() != CommentStatus::Deleted).then(|| {
            view! {
                <footer class="cf-foot">
                    {(status() == CommentStatus::Approved).then(|| view! { <Votes node /> })}
                    <button type="button" data-testid="reply" aria-expanded=move || replying.get().to_string()
                        on:click=move |_| replying.update(|r| *r = !*r)>{t.reply}</button>
                    <OwnActions node />
                </footer>
            }
        })
    };
    let replies = move || {
        let n = node.replies.with(Vec::len);
        (n > 0).then(|| {
            let toggle = move || if collapsed.get() { t.show_replies.replace("{n}", &n.to_string()) } else { t.hide_replies.into() };
            view! {
                <button type="button" class="cf-toggle" data-testid="toggle"
                    aria-expanded=move || (!collapsed.get()).to_string()
                    on:click=move |_| collapsed.update(|v| *v = !*v)>{toggle}</button>
                <ul class="cf-list" class:cf-indent=depth < INDENT_CAP hidden=move || collapsed.get()>
                    {comments(node.replies, depth + 1)}
                </ul>
            }
        })
    };

    view! {
        <li class="cf-item" data-testid=format!("comment-{id}") data-id=id>
            <article id=format!("confab-{id}") tabindex="-1" class="cf-c"
                class:cf-pending=move || status() == CommentStatus::Pending>
                <header class="cf-meta">{header}</header>
                {body}
                {footer}
                {move || replying.get().then(|| view! {
                    <Composer parent=id on_done=Callback::new(move |()| replying.set(false)) />
                })}
            </article>
            {replies}
        </li>
    }
    .into_any()
}

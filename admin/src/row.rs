//! One comment as a moderator sees it: who wrote it, where, why it was held,
//! its text, and the actions. In the queue it also shows the page, the
//! comment it answers and the author's other comments.

use confab_api::{
    admin::{AdminComment, ModAction, PageEdit, PageInfo, QueueItem},
    CommentStatus,
};
use leptos::prelude::*;

use crate::{
    api,
    i18n::{fill, t, Strings},
    notice::{call, notify},
};

/// Applies `action` to comment `id` and hands the result to `done`. Both
/// the buttons and the keyboard shortcuts go through here.
pub fn act(id: i64, action: ModAction, done: Callback<AdminComment>) {
    call(api::act(id, action), move |c| {
        done.run(c);
        notify(fill(done_text(t(), action), &[("id", &id)]));
    });
}

/// "Comment {id}: approved" and the like.
fn done_text(t: &'static Strings, action: ModAction) -> &'static str {
    match action {
        ModAction::Approve => t.comment_approved(),
        ModAction::Spam => t.comment_spammed(),
        ModAction::Delete => t.comment_deleted(),
        ModAction::Pin => t.comment_pinned(),
        ModAction::Unpin => t.comment_unpinned(),
    }
}

/// A status as its badge says it; the badge's class keeps the wire name.
pub fn status_text(t: &'static Strings, status: CommentStatus) -> &'static str {
    match status {
        CommentStatus::Pending => t.status_pending(),
        CommentStatus::Approved => t.status_approved(),
        CommentStatus::Spam => t.status_spam(),
        CommentStatus::Deleted => t.status_deleted(),
    }
}

/// Whether a comment still waits for a decision, so stays in the queue.
pub fn undecided(c: &AdminComment) -> bool {
    matches!(c.status, CommentStatus::Pending | CommentStatus::Spam)
}

#[component]
pub fn CommentRow(
    /// The comment as it is now.
    comment: AdminComment,
    /// Page, parent and the author's other comments (queue only).
    #[prop(optional)]
    context: Option<QueueItem>,
    /// The row the keyboard shortcuts act on.
    #[prop(into)]
    focused: Signal<bool>,
    #[prop(into)] selected: Signal<bool>,
    on_select: Callback<()>,
    /// Called with the comment after any change.
    on_done: Callback<AdminComment>,
) -> impl IntoView {
    let (id, t) = (comment.id, t());
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(comment.source.clone());
    let button = move |action: ModAction, label: &'static str| {
        view! {
            <button type="button" data-testid=format!("{}-{id}", action.as_str())
                on:click=move |_| act(id, action, on_done)>{label}</button>
        }
    };
    let save = move |_| {
        let body = draft.get_untracked();
        call(api::edit(id, body), move |c| {
            editing.set(false);
            on_done.run(c);
            notify(fill(t.comment_saved(), &[("id", &id)]));
        });
    };
    let pin = if comment.pinned {
        button(ModAction::Unpin, t.unpin())
    } else {
        button(ModAction::Pin, t.pin())
    };
    let status = comment.status.as_str();
    let status_shown = status_text(t, comment.status);
    let html = comment.html.clone();
    let context = context.map(|item| view! { <Context item /> });
    view! {
        <article class="row" data-testid=format!("row-{id}") tabindex="-1"
            class:focused=move || focused.get() aria-current=move || focused.get().then_some("true")>
            <header class="row-head">
                <label class="select">
                    <input type="checkbox" data-testid=format!("select-{id}")
                        prop:checked=move || selected.get() on:change=move |_| on_select.run(()) />
                    <span class="sr-only">{fill(t.select_comment(), &[("id", &id)])}</span>
                </label>
                <b>{comment.author.clone()}</b>
                <span class="muted">{comment.email.clone().unwrap_or_default()}</span>
                <span class=format!("badge {status}") data-testid=format!("status-{id}")>{status_shown}</span>
                {comment.pinned.then(|| view! { <span class="badge pinned">{t.badge_pinned()}</span> })}
                <span class="muted">{comment.site.clone()} " · " {comment.page.clone()} " · " {comment.created.clone()}</span>
            </header>
            {comment.held_reason.clone().map(|r| view! { <p class="reason">{fill(t.held_reason(), &[("reason", &r)])}</p> })}
            {context}
            <Show when=move || editing.get() fallback=move || view! {
                <div class="body" inner_html=html.clone()></div>
            }>
                <label class="edit">{fill(t.edit_comment(), &[("id", &id)])}
                    <textarea rows="5" prop:value=move || draft.get()
                        on:input=move |e| draft.set(event_target_value(&e))></textarea>
                </label>
            </Show>
            <div class="actions">
                {button(ModAction::Approve, t.approve())}
                {button(ModAction::Spam, t.spam())}
                {button(ModAction::Delete, t.delete())}
                {pin}
                <Show when=move || editing.get() fallback=move || view! {
                    <button type="button" data-testid=format!("edit-{id}")
                        on:click=move |_| editing.set(true)>{t.edit()}</button>
                }>
                    <button type="button" data-testid=format!("save-{id}") on:click=save>{t.save()}</button>
                    <button type="button" on:click=move |_| editing.set(false)>{t.cancel()}</button>
                </Show>
            </div>
        </article>
    }
}

/// The page (with its lock), the parent comment and the author's others.
#[component]
fn Context(item: QueueItem) -> impl IntoView {
    let t = t();
    let locked = RwSignal::new(item.page.locked);
    let (site, key) = (item.comment.site_id, item.page.key.clone());
    let toggle = {
        let key = key.clone();
        move |_| {
            let (key, want) = (key.clone(), !locked.get_untracked());
            call(api::lock(site, key.clone(), want), move |p| {
                locked.set(p.locked);
                let told = if p.locked {
                    t.page_locked()
                } else {
                    t.page_unlocked()
                };
                notify(fill(told, &[("key", &key)]));
            });
        }
    };
    let id = item.comment.id;
    let page = view! { <PageName site key=key.clone() info=item.page.clone() id /> };
    view! {
        <div class="context">
            <p>{t.page_label()} " " {page}
                <button type="button" class="small" data-testid=format!("lock-{id}") on:click=toggle>
                    {move || if locked.get() { t.unlock_page() } else { t.lock_page() }}
                </button>
            </p>
            {item.parent.map(|p| view! {
                <blockquote class="parent"><span class="muted">{fill(t.in_reply_to(), &[("name", &p.author)])}</span>
                    <div inner_html=p.html></div></blockquote>
            })}
            {(!item.others.is_empty()).then(|| view! {
                <details><summary>{fill(t.others_by_author(), &[("n", &item.others.len())])}</summary>
                    <ul class="others">
                        {item.others.into_iter().map(|o| view! {
                            <li><span class="badge">{status_text(t, o.status)}</span> " " {o.page} ": " {o.source}</li>
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </div>
    }
}

/// A page's title, always as text: the first commenter chose it. Its URL
/// (only ever one on the site's origins) follows as a link showing itself,
/// and moderators can correct both.
#[component]
fn PageName(site: i64, key: String, info: PageInfo, id: i64) -> impl IntoView {
    let t = t();
    let title = RwSignal::new(info.title.unwrap_or_default());
    let url = RwSignal::new(info.url.unwrap_or_default());
    // What the inputs hold, shown only once the server took it.
    let (draft_title, draft_url) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let editing = RwSignal::new(false);
    let shown = {
        let key = key.clone();
        move || {
            let t = title.get();
            if t.is_empty() {
                key.clone()
            } else {
                t
            }
        }
    };
    let save = move |_| {
        let edit = PageEdit {
            page: key.clone(),
            title: Some(draft_title.get_untracked()),
            url: Some(draft_url.get_untracked()),
        };
        call(api::edit_page(site, edit), move |p: PageInfo| {
            title.set(p.title.unwrap_or_default());
            url.set(p.url.unwrap_or_default());
            editing.set(false);
            notify(fill(t.page_saved(), &[("key", &p.key)]));
        });
    };
    let input = move |label: &'static str, field: &'static str, value: RwSignal<String>| {
        view! {
            <label>{label} " "
                <input data-testid=format!("page-{field}-{id}") prop:value=move || value.get()
                    on:input=move |e| value.set(event_target_value(&e)) />
            </label>
        }
    };
    view! {
        <span data-testid=format!("page-title-{id}")>{shown}</span> " "
        {move || (!url.get().is_empty()).then(|| view! {
            <a class="muted" href=url.get() target="_blank" rel="noopener noreferrer">{url.get()}</a> " "
        })}
        <Show when=move || editing.get() fallback=move || view! {
            <button type="button" class="small" data-testid=format!("page-edit-{id}")
                on:click=move |_| {
                    draft_title.set(title.get_untracked());
                    draft_url.set(url.get_untracked());
                    editing.set(true);
                }>{t.edit_page()}</button> " "
        }>
            {input(t.title_label(), "title-input", draft_title)}
            {input(t.url_label(), "url-input", draft_url)}
            <button type="button" class="small" data-testid=format!("page-save-{id}")
                on:click=save.clone()>{t.save_page()}</button> " "
        </Show>
    }
}

//! Edit and delete for the reader's own comments, while the edit window
//! is open. The edit token from the post is the only proof of authorship.

use leptos::{prelude::*, task::spawn_local};

use confab_api::CommentStatus;

use crate::{
    composer,
    editor::Editor,
    model::{ctx, Ctx, Node},
    storage,
};

#[component]
pub fn OwnActions(
    /// The comment; the actions show only if the reader wrote it.
    node: Node,
) -> impl IntoView {
    let c = ctx();
    let t = c.t;
    let id = node.id;
    // Looked up again whenever the comment changes: the reader's own post
    // can arrive by the live stream before its edit token does, and the
    // edit window closes while the page is open.
    let mine = move || {
        node.data.track();
        storage::own(id).is_some()
    };
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(String::new());
    let draft = edit_draft(id);
    let body = RwSignal::new(String::new());
    // The token is read when it is used, so it is never older than the
    // one stored.
    let token = move || storage::own(id).map(|o| o.token).unwrap_or_default();

    let save = Callback::new(move |()| {
        let text = body.get_untracked();
        spawn_local(async move {
            match c.e.client.edit(id, &token(), text.clone()).await {
                Ok(comment) => {
                    saved(c, comment, text);
                    editing.set(false);
                    error.set(String::new());
                    c.reveal(Some(id));
                }
                Err(e) => error.set(t.error(e).into()),
            }
        });
    });
    let delete = move |_| {
        spawn_local(async move {
            match c.e.client.delete(id, &token()).await {
                Ok(()) => {
                    storage::set_own(id, None);
                    c.delete(id);
                }
                Err(e) => error.set(t.error(e).into()),
            }
        });
    };
    // Opening the form starts from the unsent draft, else from what the
    // reader wrote (the server keeps only the HTML).
    let toggle = move |_| {
        if !editing.get_untracked() {
            let own = storage::own(id).map(|o| o.body);
            body.set(storage::get(&edit_draft(id)).or(own).unwrap_or_default());
        }
        editing.update(|e| *e = !*e);
    };

    view! {
        <span class="cf-own" hidden=move || !mine()>
            <button type="button" data-testid="edit" aria-expanded=move || editing.get().to_string()
                on:click=toggle>{t.edit}</button>
            <button type="button" data-testid="delete" hidden=move || confirming.get()
                on:click=move |_| confirming.set(true)>{t.delete}</button>
            <span class="cf-confirm" role="group" aria-label=t.confirm_delete hidden=move || !confirming.get()>
                <span>{t.confirm_delete}</span>
                <button type="button" class="cf-danger" data-testid="confirm-delete" on:click=delete>{t.delete}</button>
                <button type="button" on:click=move |_| confirming.set(false)>{t.cancel}</button>
            </span>
            {move || editing.get().then(|| view! {
                <form class="cf-form" data-testid="edit-form"
                    on:submit=move |ev| { ev.prevent_default(); save.run(()) }>
                    <Editor body draft=draft.clone() on_send=save focus=true />
                    <div class="cf-actions">
                        <button type="submit" class="cf-primary" data-testid="save">{t.save}</button>
                        <button type="button" on:click=move |_| editing.set(false)>{t.cancel}</button>
                    </div>
                </form>
            })}
            <span class="cf-notice" role="status" data-testid="own-notice">{move || error.get()}</span>
        </span>
    }
}

/// An edit the server took: the thread shows it, and the reader's own copy
/// of the text follows while the draft is forgotten. One the server held
/// leaves the published thread (and its count) and stays for its author as
/// a held comment, as a held post does.
fn saved(c: Ctx, comment: confab_api::Comment, text: String) {
    let id = comment.id;
    if comment.status == CommentStatus::Pending {
        c.delete(id);
        composer::hold(c, &comment);
        c.insert(comment, false);
    } else {
        c.replace(comment);
    }
    if let Some(mut own) = storage::own(id) {
        own.body = text;
        storage::set_own(id, Some(&own));
    }
    storage::set(&edit_draft(id), "");
}

/// The localStorage key of the unsent edit of comment `id`.
fn edit_draft(id: i64) -> String {
    format!("edit:{id}")
}

//! Edit and delete for the reader's own comments, while the edit window
//! is open. The edit token from the post is the only proof of authorship.

use leptos::{prelude::*, task::spawn_local};

use crate::{editor::Editor, model::ctx, model::Node, storage};

#[component]
pub fn OwnActions(
    /// The comment, shown only if the reader wrote it.
    node: Node,
) -> impl IntoView {
    let c = ctx();
    let t = c.t;
    let id = node.id;
    let Some(own) = storage::own(id) else {
        return ().into_any();
    };
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let error = RwSignal::new("");
    let draft = format!("edit:{id}");
    let body = RwSignal::new(storage::get(&draft).unwrap_or_else(|| own.body.clone()));
    let own = StoredValue::new(own);

    let save = Callback::new(move |()| {
        let text = body.get_untracked();
        let token = own.with_value(|o| o.token.clone());
        spawn_local(async move {
            match c.e.client.edit(id, &token, text.clone()).await {
                Ok(comment) => {
                    c.replace(comment);
                    own.update_value(|o| o.body = text);
                    own.with_value(|o| storage::set_own(id, Some(o)));
                    storage::set(&format!("edit:{id}"), "");
                    editing.set(false);
                    error.set("");
                    c.reveal.set(Some(id));
                }
                Err(e) => error.set(t.error(e)),
            }
        });
    });
    let delete = move |_| {
        let token = own.with_value(|o| o.token.clone());
        spawn_local(async move {
            match c.e.client.delete(id, &token).await {
                Ok(()) => {
                    storage::set_own(id, None);
                    c.delete(id);
                }
                Err(e) => error.set(t.error(e)),
            }
        });
    };

    view! {
        <button type="button" data-testid="edit" aria-expanded=move || editing.get().to_string()
            on:click=move |_| editing.update(|e| *e = !*e)>{t.edit}</button>
        {move || if confirming.get() {
            view! {
                <span class="cf-confirm" role="group" aria-label=t.confirm_delete>
                    <span>{t.confirm_delete}</span>
                    <button type="button" class="cf-danger" data-testid="confirm-delete" on:click=delete>{t.delete}</button>
                    <button type="button" on:click=move |_| confirming.set(false)>{t.cancel}</button>
                </span>
            }.into_any()
        } else {
            view! {
                <button type="button" data-testid="delete" on:click=move |_| confirming.set(true)>{t.delete}</button>
            }.into_any()
        }}
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
    }
    .into_any()
}

//! The markdown text box shared by new comments, replies and edits: a
//! preview rendered by the server (so it matches what will be published),
//! Ctrl/Cmd+Enter to send, and a draft saved on every keystroke.

use leptos::{ev::KeyboardEvent, prelude::*, task::spawn_local};

use crate::{i18n::as_html, model::ctx, storage};

#[component]
pub fn Editor(
    /// The text; the caller reads it to send and clears it after.
    body: RwSignal<String>,
    /// localStorage key of the draft, restored into `body` when empty and
    /// saved on every keystroke; the caller forgets it once it is sent.
    draft: String,
    /// Runs on Ctrl/Cmd+Enter.
    on_send: Callback<()>,
    /// Focus the text box when it appears (an opened reply or edit form).
    #[prop(optional)]
    focus: bool,
) -> impl IntoView {
    let c = ctx();
    let t = c.t;
    if body.get_untracked().is_empty() {
        if let Some(d) = storage::get(&draft) {
            body.set(d);
        }
    }

    let area = NodeRef::<leptos::html::Textarea>::new();
    if focus {
        // After this frame's render, when the text box is in the page.
        request_animation_frame(move || {
            if let Some(a) = area.get_untracked() {
                let _ = a.focus();
            }
        });
    }
    let previewing = RwSignal::new(false);
    let html = RwSignal::new(String::new());
    let show_preview = move |on: bool| {
        previewing.set(on);
        let text = body.get_untracked();
        html.set(String::new());
        if on && !text.trim().is_empty() {
            spawn_local(async move {
                let r = c.e.client.preview(text).await;
                html.set(r.map_or_else(|e| t.error(e).into(), |p| p.html));
            });
        }
    };
    let keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            on_send.run(());
        }
    };
    let tab = move |on: bool, label: &'static str, testid: &'static str| {
        view! {
            <button type="button" class="cf-tab" data-testid=testid
                aria-pressed=move || (previewing.get() == on).to_string()
                on:click=move |_| show_preview(on)>{label}</button>
        }
    };
    view! {
        <div class="cf-editor">
            <div class="cf-tabs">{tab(false, t.write, "write")}{tab(true, t.preview, "preview")}</div>
            <label class="cf-field">
                <span class="cf-sr">{t.body_label}</span>
                <textarea data-testid="body" dir="auto" rows="4" node_ref=area placeholder=t.placeholder
                    hidden=move || previewing.get()
                    prop:value=move || body.get()
                    on:input=move |ev| {
                        // Nothing typed is lost: a reload or a failed post
                        // finds it here.
                        let text = event_target_value(&ev);
                        storage::set(&draft, &text);
                        body.set(text);
                    }
                    on:keydown=keydown></textarea>
            </label>
            <div class="cf-body cf-preview" dir="auto" data-testid="preview-body" tabindex="0"
                hidden=move || !previewing.get()
                inner_html=move || {
                    let h = html.get();
                    if h.is_empty() { as_html(t.nothing_to_preview) } else { h }
                }></div>
            <p class="cf-hint">{t.hint}</p>
        </div>
    }
}

//! The queue: held and spam-flagged comments across the moderator's sites,
//! newest first, with bulk selection and keyboard shortcuts (j/k move,
//! a approve, s spam, d delete, x select).

use std::collections::HashSet;

use confab_api::admin::{AdminComment, ModAction, QueueItem};
use leptos::{ev, prelude::*};
use wasm_bindgen::JsCast;

use crate::{
    api,
    i18n::{t, Plural},
    notice::{call, notify},
    row::{act, undecided, CommentRow},
};

#[component]
pub fn Queue() -> impl IntoView {
    let items = RwSignal::new(Vec::<QueueItem>::new());
    let loaded = RwSignal::new(false);
    let cursor = RwSignal::new(0usize);
    let selected = RwSignal::new(HashSet::<i64>::new());

    let load = move || {
        call(api::queue(), move |q| {
            items.set(q.items);
            loaded.set(true);
        })
    };
    load();

    let done = Callback::new(move |c: AdminComment| settle(items, selected, cursor, c));
    let focused_id = move || items.with(|v| v.get(cursor.get()).map(|i| i.comment.id));
    let toggle = move |id: i64| toggle_in(selected, id);
    // Each action with what its notice says, by how many it touched.
    let bulk = move |action: ModAction, told: &'static Plural| {
        let ids: Vec<i64> = selected.get_untracked().into_iter().collect();
        if ids.is_empty() {
            return notify(t().select_first());
        }
        call(api::bulk(ids, action), move |list| {
            let n = list.comments.len();
            list.comments.into_iter().for_each(|c| done.run(c));
            notify(told.of(n));
        });
    };
    let t = t();

    let keys = shortcuts(items, cursor, selected, done);
    on_cleanup(move || keys.remove());

    view! {
        <section data-testid="queue" aria-labelledby="queue-h">
            <h2 id="queue-h">{t.queue()}</h2>
            <p class="hint">{t.keys_hint()}</p>
            <div class="toolbar" role="group" aria-label=t.bulk_actions()>
                <span data-testid="selected-count">{move || t.selected.of(selected.with(HashSet::len))}</span>
                <button type="button" data-testid="bulk-approve"
                    on:click=move |_| bulk(ModAction::Approve, &t.bulk_approve)>{t.approve_selected()}</button>
                <button type="button" data-testid="bulk-spam"
                    on:click=move |_| bulk(ModAction::Spam, &t.bulk_spam)>{t.spam_selected()}</button>
                <button type="button" data-testid="bulk-delete"
                    on:click=move |_| bulk(ModAction::Delete, &t.bulk_delete)>{t.delete_selected()}</button>
                <button type="button" on:click=move |_| load()>{t.reload()}</button>
            </div>
            <Show when=move || loaded.get() && items.with(Vec::is_empty)>
                <p data-testid="queue-empty">{t.queue_empty()}</p>
            </Show>
            <For each=move || items.get()
                key=|i| (i.comment.id, i.comment.status.as_str(), i.comment.pinned, i.comment.source.clone())
                let:item>
                {
                    let id = item.comment.id;
                    view! {
                        <CommentRow comment=item.comment.clone() context=item
                            focused=Signal::derive(move || focused_id() == Some(id))
                            selected=Signal::derive(move || selected.with(|s| s.contains(&id)))
                            on_select=Callback::new(move |()| toggle(id)) on_done=done />
                    }
                }
            </For>
        </section>
    }
}

/// A changed comment replaces its old self; a decided one leaves the queue
/// and the selection.
fn settle(
    items: RwSignal<Vec<QueueItem>>,
    selected: RwSignal<HashSet<i64>>,
    cursor: RwSignal<usize>,
    c: AdminComment,
) {
    items.update(|v| {
        if let Some(i) = v.iter().position(|i| i.comment.id == c.id) {
            if undecided(&c) {
                v[i].comment = c;
            } else {
                v.remove(i);
                selected.update(|s| {
                    s.remove(&c.id);
                });
            }
        }
    });
    cursor.update(|k| *k = (*k).min(items.with_untracked(|v| v.len().saturating_sub(1))));
}

fn toggle_in(selected: RwSignal<HashSet<i64>>, id: i64) {
    selected.update(|s| {
        if !s.remove(&id) {
            s.insert(id);
        }
    })
}

/// The queue's keys: j/k move, a approve, s spam, d delete, x select.
fn shortcuts(
    items: RwSignal<Vec<QueueItem>>,
    cursor: RwSignal<usize>,
    selected: RwSignal<HashSet<i64>>,
    done: Callback<AdminComment>,
) -> WindowListenerHandle {
    window_event_listener(ev::keydown, move |e| {
        if e.ctrl_key() || e.meta_key() || e.alt_key() || typing(&e) {
            return;
        }
        let len = items.with_untracked(Vec::len);
        let id = focused_id_untracked(items, cursor);
        match (e.key().as_str(), id) {
            ("j", _) if len > 0 => cursor.update(|k| *k = (*k + 1).min(len - 1)),
            ("k", _) => cursor.update(|k| *k = k.saturating_sub(1)),
            ("a", Some(id)) => act(id, ModAction::Approve, done),
            ("s", Some(id)) => act(id, ModAction::Spam, done),
            ("d", Some(id)) => act(id, ModAction::Delete, done),
            ("x", Some(id)) => toggle_in(selected, id),
            _ => return,
        }
        e.prevent_default();
        focus_row(focused_id_untracked(items, cursor));
    })
}

fn focused_id_untracked(items: RwSignal<Vec<QueueItem>>, cursor: RwSignal<usize>) -> Option<i64> {
    items.with_untracked(|v| v.get(cursor.get_untracked()).map(|i| i.comment.id))
}

/// Shortcuts must not fire while the moderator types in a field.
fn typing(e: &web_sys::KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| match el.tag_name().as_str() {
            "TEXTAREA" | "SELECT" => true,
            // A focused check box still lets x, j and k work.
            "INPUT" => el.get_attribute("type").as_deref() != Some("checkbox"),
            _ => el.has_attribute("contenteditable"),
        })
}

/// Moves the browser's focus to the row, so screen readers follow j/k.
fn focus_row(id: Option<i64>) {
    let Some(id) = id else { return };
    let el = document()
        .query_selector(&format!("[data-testid=row-{id}]"))
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = el {
        let _ = el.focus();
    }
}

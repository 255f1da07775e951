//! Up and down votes: shown at once, then corrected by the server's count.

use leptos::{prelude::*, task::spawn_local};

use crate::{model::ctx, model::Node, storage};

#[component]
pub fn Votes(
    /// The comment voted on.
    node: Node,
    /// Whether votes apply (only published comments take them).
    shown: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    let c = ctx();
    let key = format!("vote:{}:{}", c.e.client.site(), node.id);
    let stored = storage::get(&key).and_then(|v| v.parse().ok()).unwrap_or(0);
    // i64 like the score, though a vote is -1, 0 or 1: one signal type
    // fewer in the wasm.
    let mine = RwSignal::new(stored);
    // Why the last vote did not count, until the next one.
    let failed = RwSignal::new("");
    let cast = move |v: i64| {
        failed.set("");
        let key = key.clone();
        let old = mine.get_untracked();
        let new = if old == v { 0 } else { v };
        let shift = move |from: i64, to: i64| {
            node.data.update(|d| d.score += to - from);
            mine.set(to);
        };
        // Optimistic: the reader sees the vote before the server answers.
        shift(old, new);
        spawn_local(async move {
            match c.e.client.vote(node.id, new as i8).await {
                Ok(r) => {
                    node.data.update(|d| d.score = r.score);
                    mine.set(r.value.into());
                    storage::set(&key, &r.value.to_string());
                }
                Err(e) => {
                    shift(new, old);
                    failed.set(c.t.error(e));
                }
            }
        });
    };
    let cast2 = cast.clone();
    view! {
        <span class="cf-votes" hidden=move || !shown()>
            <button type="button" class="cf-vote" data-testid="vote-up" aria-label=c.t.up
                aria-pressed=move || (mine.get() == 1).to_string() on:click=move |_| cast(1)>
                "▲"
            </button>
            <span class="cf-score" data-testid="score">{move || node.data.with(|d| d.score)}</span>
            <button type="button" class="cf-vote" data-testid="vote-down" aria-label=c.t.down
                aria-pressed=move || (mine.get() == -1).to_string() on:click=move |_| cast2(-1)>
                "▼"
            </button>
            // Kept in the tree: a live region must exist before it speaks.
            <span class="cf-notice cf-error" role="status" data-testid="vote-error">{move || failed.get()}</span>
        </span>
    }
}

//! "Show more replies (12)" under a comment whose replies the server sent
//! only the first few of (its `limits.nested_limit`): fetches the next page
//! of them and appends it, until every reply is shown.

use confab_api::Sort;
use leptos::{prelude::*, task::spawn_local};

use crate::model::{ctx, Node};

/// The button under `node`'s replies; hidden while they are collapsed and
/// once none are left to fetch.
#[component]
pub fn MoreReplies(
    /// The comment whose replies it fetches.
    node: Node,
    /// The reader folded the replies away.
    collapsed: RwSignal<bool>,
) -> impl IntoView {
    let c = ctx();
    let t = c.t;
    let fetch = move |_| {
        // Taken while the request runs, so a second click fetches nothing.
        let Some(cursor) = node.cursor.try_update(Option::take).flatten() else {
            return;
        };
        spawn_local(async move {
            // Replies read oldest first in every sort: one cached variant.
            let client = &c.e.client;
            let got = client
                .thread(&c.e.page, Sort::Oldest, Some(&cursor), Some(node.id))
                .await;
            let page = match got {
                Ok(page) => page,
                // The button stays for another try; the reason is read out.
                Err(e) => {
                    node.cursor.set(Some(cursor));
                    return c.announce.set(t.error(e).into());
                }
            };
            // The server counted what was hidden when the thread loaded; a
            // reply since then shows up in a later page, so while one
            // follows, at least one is left.
            let left = node.more.get_untracked() - page.comments.len() as i64;
            node.more
                .set(page.next_cursor.as_ref().map_or(0, |_| left.max(1)));
            node.cursor.set(page.next_cursor);
            // A reply that arrived live is shown already.
            let fresh: Vec<Node> = page
                .comments
                .into_iter()
                .filter(|x| c.find(x.id).is_none())
                .map(Node::new)
                .collect();
            node.replies.update(|l| l.extend(fresh));
        });
    };
    view! {
        <button type="button" class="cf-more" data-testid=format!("more-replies-{}", node.id)
            hidden=move || collapsed.get() || node.more.get() == 0 on:click=fetch>
            {move || t.with_n(t.more_replies, node.more.get())}
        </button>
    }
}

//! The thread as the reader sees it: a count and sort order, the form for a
//! new comment, the comments (or an invitation to write the first one), and
//! "load more" for long threads.

use std::time::Duration;

use confab_api::{CommentStatus, Sort, Thread as Page};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    api::{self, ApiResult},
    comment::comments,
    composer::Composer,
    embed::Embed,
    i18n::Strings,
    live,
    model::{Ctx, Node, Phase},
    storage,
};

/// How many top-level comments (with their replies) the first frame shows:
/// about a screenful, the widget sitting under an article.
const FIRST_PAINT: usize = 4;

/// `#confab-<id>` in the host page's address, from a shared permalink.
fn hash_target() -> Option<i64> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.strip_prefix("#confab-")?.parse().ok()
}

/// The whole thread of one page.
#[component]
pub fn Thread(
    /// Where and what to load.
    embed: &'static Embed,
    /// The first page, already fetched by `/embed.js`: `[status, body]`.
    first: js_sys::Promise,
) -> impl IntoView {
    let t = embed.t;
    let c = Ctx {
        e: embed,
        t,
        top: RwSignal::new(vec![]),
        total: RwSignal::new(0),
        section: NodeRef::new(),
        announce: RwSignal::new(String::new()),
    };
    provide_context(c);
    let sort = RwSignal::new(Sort::Oldest);
    // The order of the list on screen: a new order that fails to load
    // leaves the list and its label as they were, and says why.
    let shown = RwSignal::new(None::<Sort>);
    let load = RwSignal::new(Phase::Busy);
    let cursor = RwSignal::new(None::<String>);

    let got = move |r: ApiResult<Page>, more: bool| match r {
        Ok(page) => {
            shown.set(Some(sort.get_untracked()));
            show(c, page, more, cursor, load)
        }
        Err(e) => {
            sort.set(shown.get_untracked().unwrap_or(Sort::Oldest));
            load.set(Phase::Failed(t.error(e)));
            take_over(c);
        }
    };

    // Appends one page of the thread; the first page replaces the thread.
    let fetch = move |more: bool| {
        let after = if more { cursor.get_untracked() } else { None };
        if !more {
            load.set(Phase::Busy);
        }
        spawn_local(async move {
            let sort = sort.get_untracked();
            got(
                embed
                    .client
                    .thread(&embed.page, sort, after.as_deref(), None)
                    .await,
                more,
            );
        });
    };
    spawn_local(async move { got(api::first_page(first).await, false) });
    live::listen(c, move || sort.get_untracked() == Sort::Newest);
    window_event_listener(leptos::ev::hashchange, move |_| c.reveal(hash_target()));

    let sorts = [
        (Sort::Oldest, t.oldest),
        (Sort::Newest, t.newest),
        (Sort::Top, t.top),
    ];
    let empty = move || c.top.with(Vec::is_empty);
    let state = move || status_line(t, load.get(), empty());
    view! {
        <section class="cf" aria-label=t.thread data-testid="thread" node_ref=c.section>
            <header class="cf-head">
                <h2 data-testid="count">{move || t.count(c.total.get())}</h2>
                <label class="cf-sort">
                    <span>{t.sort}</span>
                    <select data-testid="sort" prop:value=move || sort.get().as_str() on:change=move |ev| {
                        let v = event_target_value(&ev);
                        sort.set(sorts.iter().find(|s| s.0.as_str() == v).map_or(Sort::Oldest, |s| s.0));
                        fetch(false);
                    }>
                        {sorts.map(|(s, label)| view! { <option value=s.as_str()>{label}</option> })}
                    </select>
                </label>
            </header>
            <Composer />
            <p class=move || state().0 role=move || state().1 data-testid=move || state().2
                hidden=move || load.get() == Phase::Done && !empty()>
                {move || state().3}
            </p>
            <button type="button" hidden=move || !matches!(load.get(), Phase::Failed(_))
                on:click=move |_| fetch(false)>{t.retry}</button>
            <ul class="cf-list" data-testid="comments">
                {comments(c.top, 0)}
            </ul>
            <button type="button" class="cf-more" data-testid="load-more"
                hidden=move || cursor.with(Option::is_none) on:click=move |_| fetch(true)>{t.load_more}</button>
            <div class="cf-sr" aria-live="polite" data-testid="live">{move || c.announce.get()}</div>
        </section>
    }
}

/// Puts a page of the thread on screen: the first page replaces the thread,
/// `more` appends. A long page paints its first comments at once and the
/// rest after that frame, so the reader sees comments before all are built.
fn show(c: Ctx, page: Page, more: bool, cursor: RwSignal<Option<String>>, load: RwSignal<Phase>) {
    if !more {
        c.top.set(vec![]);
    }
    c.total.set(page.total);
    cursor.set(page.next_cursor);
    let mut fresh: Vec<Node> = page
        .comments
        .into_iter()
        .filter(|x| c.find(x.id).is_none())
        .map(Node::new)
        .collect();
    let rest = fresh.split_off(fresh.len().min(FIRST_PAINT));
    c.top.update(|l| l.extend(fresh));
    load.set(Phase::Done);
    let finish = move || {
        c.top.update(|l| l.extend(rest));
        if !more {
            restore_pending(c);
            take_over(c);
            c.reveal(hash_target());
        }
    };
    request_animation_frame(move || set_timeout(finish, Duration::ZERO));
}

/// The server's HTML of the thread, which `/embed.js` shows while the wasm
/// loads, sits just before the widget, and the stylesheet hides the widget
/// while it is there. It goes in the next frame, once the whole first
/// page is built, so that frame swaps one for the other: the same comments
/// at the same height, and the reader's scroll position means what it did.
fn take_over(c: Ctx) {
    request_animation_frame(move || {
        if let Some(html) = c
            .section
            .get_untracked()
            .and_then(|s| s.previous_element_sibling())
        {
            html.remove();
        }
    });
}

/// The one line for every state of the thread (class, role, test id,
/// text), so the states share one element rather than each building its
/// own.
fn status_line(
    t: &'static Strings,
    load: Phase,
    empty: bool,
) -> (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    String,
) {
    match load {
        Phase::Busy | Phase::Idle => ("cf-muted", Some("status"), None, t.loading.to_owned()),
        Phase::Failed(msg) => (
            "cf-error",
            Some("alert"),
            Some("load-error"),
            format!("{} {msg} ", t.load_failed),
        ),
        Phase::Done => (
            "cf-empty",
            None,
            empty.then_some("empty"),
            t.empty.to_owned(),
        ),
    }
}

/// Shows the reader's own comments that are still held for moderation, and
/// forgets those the server now publishes (or that are a week old).
fn restore_pending(c: Ctx) {
    let key = c.e.key();
    let week_ago = js_sys::Date::now() - 7.0 * 86_400_000.0;
    let mut list = storage::pending(&key);
    list.retain(|p| c.find(p.id).is_none() && js_sys::Date::parse(&p.created) > week_ago);
    storage::set_pending(&key, &list);
    for p in list {
        c.insert(
            confab_api::Comment {
                status: CommentStatus::Pending,
                ..p
            },
            false,
        );
    }
}
